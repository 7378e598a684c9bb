//! The annual evaluation report on the `trygg demo` database: the page per year with the summary,
//! the indicator panels, the action plan's interventions and the method; texts per section;
//! marking it final freezes what it shows; `trygg report` prints the same as HTML and as a
//! tagged PDF; axe-clean, and printed to PDF no chart is split across pages.

use trygg::accounts::Role;
use trygg::store::audit::AuditEvent;

use crate::axe::assert_no_violations;
use crate::browser::{app_and_browser, in_ci, sign_in_as};
use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;

const REPORT: &str = "/evaluate/report/2025";

async fn page(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.expect("page")
}

async fn a_year_s_report_is_written_made_final_and_stays_as_it_was(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let years = page(&app, "/evaluate/report").await;
    for y in 2022..=2025 {
        assert!(years.contains(&format!("/evaluate/report/{y}")), "{y}");
    }
    assert_eq!(app.get("/evaluate/report/2019").await.status(), 404);
    assert_eq!(app.get("/evaluate/report/tjugo").await.status(), 404);

    let draft = page(&app, REPORT).await;
    assert!(draft.contains("Årlig uppföljning 2025"), "{draft}");
    assert!(draft.contains("Utkast."));
    // Every priority area with its panel and the demo's designed changes.
    for area in [
        "Ungdomar i riskzon",
        "Upplevd och faktisk otrygghet i den fysiska utemiljön",
        "Hot och våld",
    ] {
        assert!(draft.contains(area), "{area}");
    }
    let unsafe_night = &draft[draft
        .find("Andel som känner sig otrygga ute ensamma sent på kvällen")
        .expect("panel")..];
    assert!(
        unsafe_night.contains("Signifikant lägre än 2024"),
        "{unsafe_night}"
    );
    assert!(unsafe_night.contains("Riket (demo) 2025"));
    // The action plan's interventions of the year, the citizen promise marked.
    assert!(draft.contains("Medborgarlöfte"), "{draft}");
    assert!(draft.contains("Planerat") && draft.contains("Utfall"));
    // Method and data quality: the year's waves by their names, the short name in small print.
    for (name, wave) in [
        ("Trygghetsundersökning 2025", "trygghet-2025"),
        ("Drogvaneundersökning", "drogvanor-2025"),
    ] {
        let row = draft
            .find(&format!("<th scope=\"row\">{name}"))
            .unwrap_or_else(|| panic!("{name}: {draft}"));
        let row: String = draft[row..].chars().take(300).collect();
        assert!(row.contains(wave), "{wave}: {row}");
    }
    assert!(draft.contains("personal-2025"));
    // The summary counts the trends, over the waves they rest on, beside the changes since
    // last year: in the table and, for phones, in a sentence per area.
    assert!(draft.contains("Trend 2022–2025 (4 omgångar)"), "{draft}");
    assert!(draft.contains("Sedan omgången före"));
    for area in ["Ungdomar i riskzon", "Hot och våld"] {
        let at = draft
            .find(&format!("<strong>{area}: </strong>"))
            .unwrap_or_else(|| panic!("{area}: {draft}"));
        let sentence: String = draft[at..].chars().take(400).collect();
        assert!(sentence.contains(" bättre, "), "{sentence}");
        assert!(
            sentence.contains("Trend 2022–2025 (4 omgångar): "),
            "{sentence}"
        );
        assert!(sentence.contains(" utan säker trend"), "{sentence}");
    }
    // When the figures were read: Swedish time, never UTC.
    let read: String = draft[draft.find("Siffrorna lästes").expect("read at")..]
        .chars()
        .take(60)
        .collect();
    assert!(read.contains(" kl. "), "{read}");
    assert!(!read.contains('Z'), "{read}");

    // Texts per section; an unknown section does not exist.
    let saved = app
        .post_form(
            REPORT,
            &format!("{REPORT}/texts/summary"),
            &[(
                "body",
                "Läget har blivit bättre på kvällarna.\n\nMen narkotikan oroar.",
            )],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let with_text = page(&app, REPORT).await;
    assert!(
        with_text
            .contains("<p>Läget har blivit bättre på kvällarna.</p><p>Men narkotikan oroar.</p>")
    );
    let unknown = app
        .post_form(
            REPORT,
            &format!("{REPORT}/texts/nonsense"),
            &[("body", "x")],
        )
        .await;
    assert_eq!(unknown.status(), 404);
    let too_long = "a".repeat(20_001);
    let refused = app
        .post_form(
            REPORT,
            &format!("{REPORT}/texts/method"),
            &[("body", too_long.as_str())],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(!page(&app, REPORT).await.contains(&too_long[..100]));

    // "Mark final" asks once more: the page's button leads to a confirmation, and a post
    // without the confirmation's answer only shows it again, freezing nothing.
    assert!(
        draft.contains(&format!("href=\"{REPORT}/final\"")),
        "{draft}"
    );
    let asked = page(&app, &format!("{REPORT}/final")).await;
    assert!(
        asked.contains("Markera uppföljningen 2025 som slutlig?"),
        "{asked}"
    );
    assert!(asked.contains("Bara en administratör kan öppna"));
    assert!(asked.contains("name=\"confirm\" value=\"yes\""));
    let first = app.post_form(REPORT, &format!("{REPORT}/final"), &[]).await;
    assert_eq!(first.status(), 200);
    assert!(
        first
            .text()
            .await
            .expect("body")
            .contains("Ja, markera som slutlig")
    );
    assert!(
        page(&app, REPORT).await.contains("Utkast."),
        "not frozen by the first post"
    );
    let audit = trygg::store::audit::recent(&app.db, 30)
        .await
        .expect("audit");
    assert!(!audit.iter().any(|e| e.action == "report.final"));
    let refused = app
        .post_form(REPORT, &format!("{REPORT}/final"), &[("confirm", "ja")])
        .await;
    assert_eq!(
        refused.status(),
        200,
        "only the confirmation's own answer freezes"
    );
    assert!(page(&app, REPORT).await.contains("Utkast."));

    // Final: the numbers and texts are frozen.
    let done = app
        .post_form(
            &format!("{REPORT}/final"),
            &format!("{REPORT}/final"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(done.status(), 303);
    let audit = trygg::store::audit::recent(&app.db, 30)
        .await
        .expect("audit");
    let frozen_by = audit
        .iter()
        .find(|e| e.action == "report.final")
        .expect("the log records it");
    assert_eq!(
        AuditEvent::from_detail(&frozen_by.detail),
        Some(AuditEvent::ReportFinal { year: 2025 })
    );
    assert_eq!(frozen_by.actor, "evaluator@kommun.example");
    // A final report has nothing to confirm.
    assert_eq!(app.get(&format!("{REPORT}/final")).await.status(), 303);
    let frozen = page(&app, REPORT).await;
    assert!(frozen.contains("Slutlig."), "{frozen}");
    assert!(!frozen.contains("Skriv eller ändra texten"));
    // New data after that: a comparison line the draft would show.
    let indicator = "/evaluate/indicators/resident-safety/unsafe_night";
    app.post_form(
        indicator,
        &format!("{indicator}/comparisons"),
        &[
            ("label", "Frysprovet"),
            ("year", "2025"),
            ("value", "40"),
            ("source", "Test"),
        ],
    )
    .await;
    let later = page(&app, REPORT).await;
    assert!(
        !later.contains("Frysprovet"),
        "a final report never changes"
    );
    assert!(later.contains("Läget har blivit bättre på kvällarna."));
    let edit = app
        .post_form(
            REPORT,
            &format!("{REPORT}/texts/summary"),
            &[("body", "Nytt")],
        )
        .await;
    assert_eq!(edit.status(), 409);
    assert_eq!(
        app.post_form(REPORT, &format!("{REPORT}/final"), &[("confirm", "yes")])
            .await
            .status(),
        409
    );
    // Only an admin opens it again; then it is assembled afresh.
    assert_eq!(
        app.post_form(REPORT, &format!("{REPORT}/reopen"), &[])
            .await
            .status(),
        403
    );
    let command = run(&app.database_url, &["report", "--year", "2025"]);
    assert!(command.contains("Slutlig.") && !command.contains("Frysprovet"));
    app.post_form(REPORT, "/logout", &[]).await;
    app.sign_in_as(Role::Admin).await;
    assert_eq!(
        app.post_form(REPORT, &format!("{REPORT}/reopen"), &[])
            .await
            .status(),
        303
    );
    let reopened = page(&app, REPORT).await;
    assert!(reopened.contains("Utkast.") && reopened.contains("Frysprovet"));
    let audit = trygg::store::audit::recent(&app.db, 30)
        .await
        .expect("audit");
    for action in ["report.text", "report.final", "report.reopen"] {
        assert!(audit.iter().any(|e| e.action == action), "{action}");
    }
}

db_tests!(a_year_s_report_is_written_made_final_and_stays_as_it_was);

/// The pages of a PDF as text, by `pdftotext` (poppler-utils); `None` when it is not installed.
pub(crate) fn pdf_pages(pdf: &[u8]) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("r.pdf");
    std::fs::write(&file, pdf).expect("write");
    let output = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .ok()?;
    assert!(output.status.success(), "pdftotext failed");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    Some(
        text.split('\u{c}')
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_is_axe_clean_and_prints_to_a_tagged_pdf_with_whole_charts() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    sign_in_as(
        &browser,
        &app,
        "analys@kommun.example",
        Role::Evaluator,
        REPORT,
    )
    .await;
    for (path, name) in [
        ("/evaluate/report", "the years"),
        (REPORT, "the 2025 report"),
        (
            "/evaluate/report/2025?lang=en",
            "the 2025 report in English",
        ),
        ("/evaluate/report/2025/final", "the confirmation of final"),
    ] {
        browser.goto(&app.url(path)).await;
        assert_no_violations(&browser, name).await;
    }

    // The command prints a tagged PDF.
    let output = crate::cli::trygg()
        .args(["report", "--year", "2025", "--format", "pdf", "--database"])
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(crate::helpers::surveys_dir())
        .output()
        .expect("trygg report");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pdf = output.stdout;
    assert!(pdf.starts_with(b"%PDF"));
    let raw = String::from_utf8_lossy(&pdf);
    for tag in ["/StructTreeRoot", "/MarkInfo", "/Lang", "/Figure", "/Table"] {
        assert!(raw.contains(tag), "the PDF is tagged: no {tag}");
    }
    // No chart split across pages: each panel's heading and its figure's caption (which ends
    // the figure) are on one page.
    let Some(pages) = pdf_pages(&pdf) else {
        assert!(
            !in_ci(),
            "CI is set but pdftotext (poppler-utils) is not installed"
        );
        eprintln!("SKIP the page check: pdftotext not found (apt-get install poppler-utils)");
        return;
    };
    assert!(pages.len() > 3, "{} pages", pages.len());
    let figures = pages
        .iter()
        .map(|p| p.matches("(figur ").count())
        .sum::<usize>();
    assert!(figures >= 20, "{figures} figure captions");
    for n in 1..=figures {
        let start = format!("Figur {n}.");
        let end = format!("(figur {n})");
        let on = |needle: &str| pages.iter().position(|p| p.contains(needle));
        assert_eq!(
            on(&start),
            on(&end),
            "figure {n} starts and ends on different pages"
        );
    }
    // The web page's link gives the same PDF.
    app.sign_in_as(Role::Evaluator).await;
    let response = app.get(&format!("{REPORT}/pdf")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_evaluator_writes_a_report_text_with_the_keyboard_alone() {
    use crate::browser::{keys, tab_until};
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    sign_in_as(
        &browser,
        &app,
        "analys@kommun.example",
        Role::Evaluator,
        REPORT,
    )
    .await;
    browser.goto(&app.url(REPORT)).await;
    // The summary's text form: Tab to its disclosure, Enter opens it, Tab to the text.
    tab_until(&browser, "#section-summary details.edit summary", 30)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.press_keys(keys::ENTER).await;
    tab_until(&browser, "#text-summary", 3)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    browser.press_keys("Skrivet med tangentbordet.").await;
    tab_until(
        &browser,
        "#section-summary details.edit button[type=submit]",
        3,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    browser.navigate_by(browser.press_keys(keys::ENTER)).await;
    let url = browser.current_url().await;
    assert!(url.contains("#section-summary"), "{url}");
    let source = browser.page_source().await;
    assert!(
        source.contains("<p>Skrivet med tangentbordet.</p>"),
        "the text is saved and shown"
    );
}

/// The pages of a PDF laid out as text (`pdftotext -layout`), each as its non-empty lines;
/// `None` when poppler-utils is not installed.
fn pdf_layout_pages(pdf: &[u8]) -> Option<Vec<Vec<String>>> {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("r.pdf");
    std::fs::write(&file, pdf).expect("write");
    let output = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .ok()?;
    assert!(output.status.success(), "pdftotext failed");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut pages: Vec<Vec<String>> = text
        .split('\u{c}')
        .map(|p| {
            p.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect();
    // pdftotext ends the last page with a form feed too.
    if pages.last().is_some_and(Vec::is_empty) {
        pages.pop();
    }
    Some(pages)
}

/// The texts of the h1–h4 headings of an HTML document, whitespace made single.
fn headings(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for level in 1..=4 {
        let open = format!("<h{level}");
        let close = format!("</h{level}>");
        let mut rest = html;
        while let Some(at) = rest.find(&open) {
            let after = &rest[at..];
            let Some(start) = after.find('>') else { break };
            let Some(end) = after.find(&close) else { break };
            let mut text = String::new();
            let mut in_tag = false;
            for c in after[start + 1..end].chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            let text = text
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
            out.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
            rest = &after[end..];
        }
    }
    out
}

/// The printed report: a cover with the municipality (the setting), the title, the year and
/// the status; every other page's footer says "Sida N av M"; and no page ends with a heading
/// whose text follows on the next page, as far as `pdftotext -layout` tells.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_report_has_a_cover_page_numbers_and_no_heading_left_at_a_page_foot() {
    if trygg::pdf::chromium().is_none() {
        assert!(!in_ci(), "CI is set but Chromium is not installed");
        eprintln!("SKIP: Chromium not found");
        return;
    }
    let app = crate::helpers::spawn_app_with(crate::helpers::Backend::Sqlite, |s| {
        s.municipality_name = Some("Exempelby kommun".to_owned());
    })
    .await
    .expect("SQLite");
    run(&app.database_url, &["demo"]);
    let printed = |format: &str| {
        let output = crate::cli::trygg()
            .env("TRYGG_MUNICIPALITY_NAME", "Exempelby kommun")
            .args(["report", "--year", "2025", "--format", format, "--database"])
            .arg(&app.database_url)
            .arg("--surveys")
            .arg(crate::helpers::surveys_dir())
            .output()
            .expect("trygg report");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    let html = String::from_utf8(printed("html")).expect("UTF-8");
    assert!(html.contains("Uppföljning av trygghetsarbetet 2025"));
    assert!(html.contains("@bottom-right"), "the footer is CSS");
    assert!(!html.contains("<script"), "no script");
    let Some(pages) = pdf_layout_pages(&printed("pdf")) else {
        assert!(!in_ci(), "CI is set but pdftotext is not installed");
        eprintln!("SKIP the page check: pdftotext not found (apt-get install poppler-utils)");
        return;
    };
    let total = pages.len();
    assert!(total > 5, "{total} pages");
    let cover = pages[0].join("\n");
    for text in [
        "Exempelby kommun",
        "Uppföljning av trygghetsarbetet 2025",
        "Utkast.",
        "Utskriven",
    ] {
        assert!(cover.contains(text), "the cover lacks {text}: {cover}");
    }
    assert!(!cover.contains("Sida "), "the cover has no page number");
    let headings = headings(&html);
    assert!(
        headings.iter().any(|h| h == "Sammanfattning"),
        "{headings:?}"
    );
    for (i, lines) in pages.iter().enumerate().skip(1) {
        let number = format!("Sida {} av {total}", i + 1);
        let footer = lines.last().expect("a footer");
        assert!(
            footer.contains(&number) && footer.contains("Exempelby kommun"),
            "page {}: footer \"{footer}\"",
            i + 1
        );
        let body = &lines[..lines.len() - 1];
        assert!(
            body.len() >= 3,
            "page {} holds almost nothing: {body:?}",
            i + 1
        );
        // The last lines of the page are no heading (one to three lines, as it may wrap).
        for h in &headings {
            for k in 1..=3.min(body.len()) {
                let tail = body[body.len() - k..].join(" ");
                assert!(
                    tail != *h,
                    "page {} ends with the heading \"{h}\": {body:?}",
                    i + 1
                );
            }
        }
    }

    // The web page's PDF in English: "Page N of M", the municipality from the settings.
    app.sign_in_as(Role::Evaluator).await;
    let response = app.get(&format!("{REPORT}/pdf?lang=en")).await;
    assert_eq!(response.status(), 200);
    let pdf = response.bytes().await.expect("PDF");
    let pages = pdf_layout_pages(&pdf).expect("pdftotext");
    assert!(
        pages[0]
            .join(" ")
            .contains("Follow-up of the safety work 2025")
    );
    let footer = pages[1].last().expect("footer");
    assert!(
        footer.contains(&format!("Page 2 of {}", pages.len()))
            && footer.contains("Exempelby kommun"),
        "{footer}"
    );
}
