//! The PDF printer is shut in: a script in the printed document writes nothing, the document
//! reaches no other host (not even a DNS look-up) and no local port, and at most two prints run
//! at once — further PDF downloads wait or get 503 with `Retry-After`.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use trygg::accounts::Role;

use crate::db_tests;
use crate::helpers::{TestApp, in_ci, strace_available};
use crate::indicators::run;

db_tests!(six_parallel_pdf_downloads_never_run_more_than_two_printers);

/// The Chromium to print with, or `None` to skip (a failure under CI).
fn chromium() -> Option<std::path::PathBuf> {
    let found = trygg::pdf::chromium();
    if found.is_none() {
        assert!(!in_ci(), "CI is set but Chromium is not installed");
        eprintln!("SKIP: Chromium not found (apt-get install chromium)");
    }
    found
}

/// A PDF's text by `pdftotext`, or `None` to skip (a failure under CI).
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("p.pdf");
    std::fs::write(&file, pdf).expect("write");
    match std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(output) => Some(String::from_utf8_lossy(&output.stdout).into_owned()),
        Err(_) => {
            assert!(!in_ci(), "CI is set but pdftotext is not installed");
            eprintln!("SKIP the text check: pdftotext not found (apt-get install poppler-utils)");
            None
        }
    }
}

/// A document that tries everything a printed page should not do: run a script that writes
/// into it, and load from an outside host, a name that needs a DNS look-up and a local port.
fn hostile_document(port: u16) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="http://stylesheet.example.invalid/s.css">
<link rel="dns-prefetch" href="//prefetch.example.invalid">
<style>@import url("http://127.0.0.1:{port}/import.css");</style>
</head><body><p>STATIC TEXT</p>
<img src="http://example.invalid/x.png" alt="">
<img src="https://www.example.com/x.png" alt="">
<img src="http://127.0.0.1:{port}/local.png" alt="">
<iframe src="http://localhost:{port}/frame"></iframe>
<a href="http://link.example.invalid/">link</a>
<script>document.body.insertAdjacentHTML('beforeend', '<p>SCRIPT RAN</p>');
fetch('http://127.0.0.1:{port}/fetch');</script>
</body></html>"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_in_the_printed_document_writes_nothing() {
    let Some(_) = chromium() else { return };
    let pdf = trygg::pdf::print(&hostile_document(9)).await.expect("PDF");
    let Some(text) = pdf_text(&pdf) else { return };
    assert!(text.contains("STATIC TEXT"), "{text}");
    assert!(!text.contains("SCRIPT RAN"), "the script ran: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printer_connects_nowhere_and_looks_up_no_name() {
    let Some(chromium) = chromium() else { return };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("address").port();
    let html = hostile_document(port);

    // Printed as the service prints: nothing connects to the local port.
    let pdf = trygg::pdf::print_using(&chromium, &html, None)
        .await
        .expect("PDF");
    assert!(pdf.starts_with(b"%PDF"));
    let mut connected = Vec::new();
    while let Ok((mut stream, from)) = listener.accept() {
        let mut request = String::new();
        let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
        let _ = stream.read_to_string(&mut request);
        connected.push(format!("{from}: {request}"));
    }
    assert!(connected.is_empty(), "the printer connected: {connected:?}");

    // And under strace: no DNS query, no connection to any address. Chromium's one IPv6
    // reachability probe (a UDP socket connected to 2001:4860:4860::8888, which sends nothing)
    // is the only connect() it makes.
    if !strace_available("the strace check") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let log = dir.path().join("network.log");
    let wrapper = dir.path().join("chromium-under-strace");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexec strace -f -qq -e trace=connect,sendto,sendmsg -o '{}' '{}' \"$@\"\n",
            log.display(),
            chromium.display()
        ),
    )
    .expect("wrapper");
    make_executable(&wrapper);
    trygg::pdf::print_using(&wrapper, &html, None)
        .await
        .expect("PDF under strace");
    let trace = std::fs::read_to_string(&log).expect("strace log");
    let network: Vec<&str> = trace
        .lines()
        .filter(|l| l.contains("AF_INET"))
        .filter(|l| !(l.contains("connect(") && l.contains("\"2001:4860:4860::8888\"")))
        .collect();
    assert!(
        network.is_empty(),
        "the printer reached for the network: {network:#?}"
    );
    assert!(!trace.contains("htons(53)"), "a DNS query: {trace}");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path).expect("metadata").permissions();
    permissions.set_mode(0o755);
    std::fs::set_permissions(path, permissions).expect("chmod");
}

/// The Chromiums this process runs right now (the browser process of each print: the one with
/// `--print-to-pdf`, whose parent is this process).
fn printers_running() -> usize {
    let me = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter(|e| {
            let status = std::fs::read_to_string(e.path().join("status")).unwrap_or_default();
            let parent = status
                .lines()
                .find_map(|l| l.strip_prefix("PPid:"))
                .map(str::trim);
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            parent == Some(me.as_str())
                && String::from_utf8_lossy(&cmdline).contains("--print-to-pdf=")
        })
        .count()
}

async fn six_parallel_pdf_downloads_never_run_more_than_two_printers(app: TestApp) {
    if chromium().is_none() {
        return;
    }
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;

    // Count the printers while the downloads run.
    let done = Arc::new(AtomicBool::new(false));
    let most = Arc::new(AtomicUsize::new(0));
    let counter = {
        let (done, most) = (Arc::clone(&done), Arc::clone(&most));
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                most.fetch_max(printers_running(), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let downloads: Vec<_> = (0..6)
        .map(|_| {
            let request = app.client.get(app.url("/evaluate/report/2025/pdf")).send();
            tokio::spawn(async move {
                let response = request.await.expect("GET");
                let status = response.status().as_u16();
                let retry = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                let body = response.bytes().await.expect("body");
                (status, retry, body.starts_with(b"%PDF"))
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for download in downloads {
        outcomes.push(download.await.expect("task"));
    }
    done.store(true, Ordering::SeqCst);
    counter.join().expect("counter");

    let statuses: HashSet<u16> = outcomes.iter().map(|o| o.0).collect();
    assert!(
        statuses.is_subset(&HashSet::from([200, 503])),
        "{outcomes:?}"
    );
    for (status, retry, pdf) in &outcomes {
        match status {
            200 => assert!(pdf, "a PDF"),
            _ => assert!(
                retry.is_some_and(|s| s > 0),
                "503 with Retry-After: {outcomes:?}"
            ),
        }
    }
    assert!(outcomes.iter().any(|o| o.0 == 200), "{outcomes:?}");
    let seen = most.load(Ordering::SeqCst);
    assert!(seen >= 1, "the printers were not seen running");
    assert!(seen <= trygg::pdf::MAX_PRINTS, "{seen} Chromiums at once");
    assert!(trygg::pdf::most_at_once() <= trygg::pdf::MAX_PRINTS);
}
