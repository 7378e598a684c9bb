//! HTML to PDF with headless Chromium: the annual report is printed by the same engine that
//! shows it, with its print style sheet (A4, no chart split across pages), and Chromium writes a
//! tagged PDF (structure tree with headings, tables and figures, the document's language and
//! title), which screen readers need.
//!
//! The printer is shut in: it prints only the document it is given. The document gets a
//! Content-Security-Policy ([`POLICY`], as a `<meta>`) that lets no script run and loads nothing
//! but inline styles and `data:` images and fonts; Chromium runs with every hostname and address
//! mapped to "not found" (`--host-resolver-rules`, which also stops DNS look-ups), behind a proxy
//! to nowhere, and without its background services. At most [`MAX_PRINTS`] print at a time in
//! the process (each Chromium takes some 200 MB); the others wait their turn.
//!
//! What was checked with Debian's Chromium 156 (`strace -f -e trace=network`, a local TCP
//! listener, `pdftotext`): with these flags and the policy a page that names outside hosts and
//! 127.0.0.1 makes no DNS query and no TCP connection, and a script that writes into the
//! document prints nothing. Chromium still `connect()`s one UDP socket to 2001:4860:4860::8888
//! once (its IPv6 reachability probe), which sends no packet. `--blink-settings=scriptEnabled=
//! false` would turn scripts off too, but with it `--print-to-pdf` writes no file at all: the
//! policy's `script-src 'none'` does it instead.
//!
//! Why Chromium rather than a PDF crate: a Rust typesetter with tagged output (e.g. typst) adds
//! some 290 crates and minutes of cold build on two cores, and would lay the report out a second
//! time in another language; Chromium is one package on the server (`apt-get install chromium`),
//! and without it the page says how to get it and the browser's own "print to PDF" still works.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

/// Where Chromium is looked for, in order, unless `TRYGG_CHROMIUM` names it.
const CANDIDATES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long a print may take.
const TIMEOUT: Duration = Duration::from_secs(90);

/// Prints at the same time in the process.
pub const MAX_PRINTS: usize = 2;

/// The Content-Security-Policy of every printed document: no script, nothing loaded from
/// anywhere; inline styles, and images and fonts only as `data:`.
pub const POLICY: &str = "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'";

/// Chromium's switches besides the print itself: no GPU, no extensions, no network (every
/// name and address resolves to nothing, and a proxy that does not exist), no background
/// services that would call home.
pub const SWITCHES: [&str; 16] = [
    "--headless",
    // As root in a container Chromium's own sandbox cannot start; the switches below and the
    // policy keep the page from reaching anything.
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--dns-prefetch-disable",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=MediaRouter,OptimizationHints,Translate,NetworkTimeServiceQuerying,AutofillServerCommunication",
];

static PRINTS: Semaphore = Semaphore::const_new(MAX_PRINTS);
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static MOST_AT_ONCE: AtomicUsize = AtomicUsize::new(0);

/// The most prints that ran at the same time in this process so far (never above
/// [`MAX_PRINTS`]).
pub fn most_at_once() -> usize {
    MOST_AT_ONCE.load(Ordering::SeqCst)
}

/// A turn at the printer; counts the prints running while it is held.
struct Turn<'a> {
    _permit: SemaphorePermit<'a>,
}

impl<'a> Turn<'a> {
    fn new(permit: SemaphorePermit<'a>) -> Turn<'a> {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        MOST_AT_ONCE.fetch_max(now, Ordering::SeqCst);
        Turn { _permit: permit }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "PDF needs Chromium on the server: install it (Debian: apt-get install chromium) or name it in TRYGG_CHROMIUM"
    )]
    NoChromium,
    #[error("Chromium could not print the report: {0}")]
    Failed(#[source] PrintFailure),
    /// [`MAX_PRINTS`] prints were running for as long as the caller would wait.
    #[error("the printer is busy; try again in a moment")]
    Busy,
}

/// Why Chromium gave no PDF.
#[derive(Debug, thiserror::Error)]
pub enum PrintFailure {
    /// The temporary files or the process could not be made, or the process not waited for.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("no PDF within {0} s")]
    Timeout(u64),
    /// Chromium ended without a PDF: how it ended, and its last line on stderr.
    #[error("{status}; {last_line}")]
    NoPdf {
        status: std::process::ExitStatus,
        last_line: String,
    },
}

/// The Chromium to use: `TRYGG_CHROMIUM`, else the first of [`CANDIDATES`] on the PATH.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TRYGG_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| CANDIDATES.iter().map(move |name| dir.join(name)))
        .find(|p| p.is_file())
}

/// `html` with the [`POLICY`] as the first thing in its head (where a `<meta>` policy must be
/// to cover everything after it), unless it starts its head with it already.
pub fn with_policy(html: &str) -> Cow<'_, str> {
    let meta = policy_meta();
    if html.contains(&meta) {
        return Cow::Borrowed(html);
    }
    let lower = html.to_ascii_lowercase();
    let at = match lower.find("<head") {
        Some(head) => lower[head..].find('>').map(|end| head + end + 1),
        None if lower.trim_start().starts_with("<!doctype") => lower.find('>').map(|e| e + 1),
        None => Some(0),
    }
    .unwrap_or(0);
    Cow::Owned(format!("{}{meta}{}", &html[..at], &html[at..]))
}

/// The `<meta>` element that carries [`POLICY`].
pub fn policy_meta() -> String {
    format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">")
}

/// Prints a self-contained HTML document (styles inline, no outside resources) to PDF, waiting
/// for a turn as long as it takes (the command line).
pub async fn print(html: &str) -> Result<Vec<u8>, PdfError> {
    let binary = chromium().ok_or(PdfError::NoChromium)?;
    print_using(&binary, html, None).await
}

/// [`print`], waiting at most `wait` for a turn: then [`PdfError::Busy`] (a web request).
pub async fn print_within(html: &str, wait: Duration) -> Result<Vec<u8>, PdfError> {
    let binary = chromium().ok_or(PdfError::NoChromium)?;
    print_using(&binary, html, Some(wait)).await
}

/// [`print`] with the Chromium `binary` (tests run it under `strace`), waiting for a turn at
/// most `wait`, or as long as it takes.
pub async fn print_using(
    binary: &std::path::Path,
    html: &str,
    wait: Option<Duration>,
) -> Result<Vec<u8>, PdfError> {
    let permit = match wait {
        Some(wait) => tokio::time::timeout(wait, PRINTS.acquire())
            .await
            .map_err(|_| PdfError::Busy)?,
        None => PRINTS.acquire().await,
    }
    // The semaphore is never closed.
    .map_err(|_| PdfError::Busy)?;
    let _turn = Turn::new(permit);
    print_now(binary, html).await
}

async fn print_now(binary: &std::path::Path, html: &str) -> Result<Vec<u8>, PdfError> {
    let dir = std::env::temp_dir().join(format!("trygg-pdf-{}", uuid::Uuid::new_v4()));
    let failed = |e: std::io::Error| PdfError::Failed(e.into());
    tokio::fs::create_dir_all(&dir).await.map_err(failed)?;
    let result = print_in(binary, &dir, &with_policy(html)).await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    result
}

async fn print_in(
    binary: &std::path::Path,
    dir: &std::path::Path,
    html: &str,
) -> Result<Vec<u8>, PdfError> {
    let failed = |e: std::io::Error| PdfError::Failed(e.into());
    let page = dir.join("report.html");
    let out = dir.join("report.pdf");
    tokio::fs::write(&page, html).await.map_err(failed)?;
    let mut command = tokio::process::Command::new(binary);
    command
        .args(SWITCHES)
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().map_err(failed)?;
    let output = tokio::time::timeout(TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| PdfError::Failed(PrintFailure::Timeout(TIMEOUT.as_secs())))?
        .map_err(failed)?;
    match tokio::fs::read(&out).await {
        Ok(bytes) if bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => Err(PdfError::Failed(PrintFailure::NoPdf {
            status: output.status,
            last_line: String::from_utf8_lossy(&output.stderr)
                .lines()
                .rfind(|l| !l.contains("dbus"))
                .unwrap_or("no output")
                .to_owned(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_goes_first_into_the_head_once() {
        let meta = policy_meta();
        let printed =
            with_policy("<!DOCTYPE html><html><HEAD lang=\"sv\"><title>x</title></head></html>");
        assert_eq!(
            printed,
            format!("<!DOCTYPE html><html><HEAD lang=\"sv\">{meta}<title>x</title></head></html>")
        );
        assert_eq!(with_policy(&printed), printed);
        assert_eq!(
            with_policy("<!doctype html><p>x"),
            format!("<!doctype html>{meta}<p>x")
        );
        assert_eq!(with_policy("<p>x"), format!("{meta}<p>x"));
        assert!(POLICY.contains("script-src 'none'") && POLICY.starts_with("default-src 'none'"));
    }

    #[test]
    fn chromium_is_shut_in_by_its_switches() {
        for switch in [
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--disable-background-networking",
            "--disable-component-update",
        ] {
            assert!(SWITCHES.contains(&switch), "{switch}");
        }
    }
}
