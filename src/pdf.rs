//! HTML to PDF with headless Chromium: the annual report is printed by the same engine that
//! shows it, with its print style sheet (A4, no chart split across pages), and Chromium writes a
//! tagged PDF (structure tree with headings, tables and figures, the document's language and
//! title), which screen readers need.
//!
//! Why Chromium rather than a PDF crate: a Rust typesetter with tagged output (e.g. typst) adds
//! some 290 crates and minutes of cold build on two cores, and would lay the report out a second
//! time in another language; Chromium is one package on the server (`apt-get install chromium`),
//! and without it the page says how to get it and the browser's own "print to PDF" still works.

use std::path::PathBuf;
use std::time::Duration;

/// Where Chromium is looked for, in order, unless `TRYGG_CHROMIUM` names it.
const CANDIDATES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long a print may take.
const TIMEOUT: Duration = Duration::from_secs(90);

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "PDF needs Chromium on the server: install it (Debian: apt-get install chromium) or name it in TRYGG_CHROMIUM"
    )]
    NoChromium,
    #[error("Chromium could not print the report: {0}")]
    Failed(String),
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

/// Prints a self-contained HTML document (styles inline, no outside resources) to PDF.
pub async fn print(html: &str) -> Result<Vec<u8>, PdfError> {
    let binary = chromium().ok_or(PdfError::NoChromium)?;
    let dir = std::env::temp_dir().join(format!("trygg-pdf-{}", uuid::Uuid::new_v4()));
    let failed = |e: std::io::Error| PdfError::Failed(e.to_string());
    tokio::fs::create_dir_all(&dir).await.map_err(failed)?;
    let result = print_in(&binary, &dir, html).await;
    let _ = tokio::fs::remove_dir_all(&dir).await;
    result
}

async fn print_in(
    binary: &PathBuf,
    dir: &std::path::Path,
    html: &str,
) -> Result<Vec<u8>, PdfError> {
    let failed = |e: std::io::Error| PdfError::Failed(e.to_string());
    let page = dir.join("report.html");
    let out = dir.join("report.pdf");
    tokio::fs::write(&page, html).await.map_err(failed)?;
    let mut command = tokio::process::Command::new(binary);
    command
        .arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--no-pdf-header-footer")
        .arg("--disable-extensions")
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
        .map_err(|_| PdfError::Failed(format!("no PDF within {} s", TIMEOUT.as_secs())))?
        .map_err(failed)?;
    match tokio::fs::read(&out).await {
        Ok(bytes) if bytes.starts_with(b"%PDF") => Ok(bytes),
        _ => Err(PdfError::Failed(format!(
            "{}; {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .rfind(|l| !l.contains("dbus"))
                .unwrap_or("no output")
        ))),
    }
}
