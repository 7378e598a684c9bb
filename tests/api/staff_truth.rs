//! Staff pages say what is true: a closed wave offers no link or QR code; times are Swedish
//! time, never UTC; waves are named by their questionnaire and year; the audit log is Swedish
//! on Swedish pages, numbers with a decimal comma.

use trygg::accounts::Role;
use trygg::collect::Access;

use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;
use crate::responses::{create_wave, create_wave_opening};

db_tests!(
    a_closed_wave_offers_no_link_and_no_qr_code,
    staff_pages_show_swedish_time_and_the_waves_names,
    the_audit_log_is_swedish_on_swedish_pages,
);

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

async fn a_closed_wave_offers_no_link_and_no_qr_code(app: TestApp) {
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    create_wave_opening(
        &app,
        "resident-safety",
        "trygghet-2099",
        Access::Open,
        Some("2099-01-05"),
    )
    .await;
    app.sign_in_as(Role::Admin).await;

    let (_, open) = text(&app, "/admin/waves/trygghet-2026").await;
    assert!(open.contains("Alla med länken kan svara:"), "{open}");
    assert!(open.contains("/admin/waves/trygghet-2026/qr.svg"));
    assert_eq!(
        app.get("/admin/waves/trygghet-2026/qr.svg").await.status(),
        200
    );

    // Not yet open: the link and code can be printed ahead, and the page says when they work.
    let (_, scheduled) = text(&app, "/admin/waves/trygghet-2099").await;
    assert!(
        scheduled.contains("Omgången har inte öppnat än"),
        "{scheduled}"
    );
    assert!(
        scheduled.contains("kan svara när omgången har öppnat"),
        "{scheduled}"
    );
    assert!(
        !scheduled.contains("Alla med länken kan svara:"),
        "{scheduled}"
    );

    let page = "/admin/waves/trygghet-2026";
    let closed = app.post_form(page, &format!("{page}/close"), &[]).await;
    assert_eq!(closed.status(), 303);
    let (_, closed) = text(&app, page).await;
    assert!(!closed.contains("Alla med länken kan svara"), "{closed}");
    assert!(
        !closed.contains("qr.svg"),
        "no QR code to download: {closed}"
    );
    assert!(
        !closed.contains("id=\"wave-address\""),
        "no address to copy"
    );
    assert!(!closed.contains("<svg"), "no QR code shown");
    assert!(
        closed.contains("omgången är stängd och tar inte emot fler svar"),
        "{closed}"
    );

    let refused = app.get("/admin/waves/trygghet-2026/qr.svg").await;
    assert_eq!(refused.status(), 410);
    let body = refused.text().await.expect("body");
    assert!(body.contains("Omgången är stängd"), "{body}");
    assert!(!body.contains("<svg"), "{body}");
    let (status, english) = text(&app, "/admin/waves/trygghet-2026/qr.svg?lang=en").await;
    assert_eq!(status, 410);
    assert!(english.contains("The wave is closed"), "{english}");
}

async fn staff_pages_show_swedish_time_and_the_waves_names(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Admin).await;
    create_wave(&app, "resident-safety", "trygghet-extra", Access::Open).await;
    let page = "/admin/waves/trygghet-extra";
    let closed = app.post_form(page, &format!("{page}/close"), &[]).await;
    assert_eq!(closed.status(), 303);
    let (_, list) = text(&app, "/admin/waves").await;
    // Named by questionnaire and year, the short name in small print.
    assert!(list.contains(">Trygghetsundersökning 2025</a>"), "{list}");
    assert!(list.contains("kortnamn trygghet-2025"), "{list}");
    // A wave closed by hand: its opening and closing times in Swedish time.
    let row = &list[list.find("kortnamn trygghet-extra").expect("row")..];
    let row = &row[..row.find("</tr>").expect("end of row")];
    assert!(row.contains("(stängd "), "{row}");
    assert_eq!(row.matches(" kl. ").count(), 2, "{row}");
    for page in ["/admin/waves", "/admin/waves/trygghet-2025", "/admin/audit"] {
        let (_, html) = text(&app, page).await;
        assert!(!html.contains("UTC"), "{page} shows UTC: {html}");
    }

    // The action plan's history.
    let (_, plan) = text(&app, "/evaluate/plan").await;
    let id = plan
        .split("href=\"/evaluate/plan/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
        .expect("an intervention")
        .to_owned();
    let (_, intervention) = text(&app, &format!("/evaluate/plan/{id}")).await;
    let history = &intervention[intervention.find("class=\"history\"").expect("history")..];
    assert!(history.contains("<time datetime=\""), "{history}");
    assert!(history.contains(" kl. "), "{history}");
    assert!(!intervention.contains("UTC"), "{intervention}");
    // Its baseline by the questionnaire's title and year, not the short name alone.
    assert!(
        !intervention.contains("Utgångsläge: trygghet-"),
        "{intervention}"
    );
}

/// The "Vad" and "Detaljer" cells of the log's rows.
fn log_cells(html: &str) -> Vec<String> {
    let Some(start) = html.find("<tbody>") else {
        return Vec::new();
    };
    let end = html[start..]
        .find("</tbody>")
        .map_or(html.len(), |e| start + e);
    html[start..end]
        .split("<tr>")
        .skip(1)
        .flat_map(|row| {
            row.split("<td")
                .skip(3)
                .map(|cell| {
                    let text = cell.split_once('>').map_or("", |(_, t)| t);
                    text.split("</td>").next().unwrap_or_default().to_owned()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn the_audit_log_is_swedish_on_swedish_pages(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    // A comparison value replaced (its old value in the log), and a report text.
    let indicator = "/evaluate/indicators/resident-safety/unsafe_night";
    for value in ["27,5", "30"] {
        let saved = app
            .post_form(
                indicator,
                &format!("{indicator}/comparisons"),
                &[
                    ("label", "Brå NTU"),
                    ("year", "2025"),
                    ("value", value),
                    ("source", "Brå NTU 2025"),
                ],
            )
            .await;
        assert!(saved.status().is_redirection(), "{}", saved.status());
    }
    app.post_form(
        "/evaluate/report/2025",
        "/evaluate/report/2025/texts/summary",
        &[("body", "Läget har blivit bättre.")],
    )
    .await;
    app.post_form("/evaluate/report/2025", "/logout", &[]).await;
    app.sign_in_as(Role::Admin).await;

    let english_words = [
        " from ",
        "(was ",
        " was ",
        "characters",
        " sessions",
        " codes",
        "token ",
        " as ",
        " of ",
        " valid until",
        " stored",
        "already there",
        " for wave",
    ];
    let mut seen = 0;
    for kind in ["comparison", "report", "wave", "user", "plan"] {
        let (status, page) = text(&app, &format!("/admin/audit?kind={kind}")).await;
        assert_eq!(status, 200);
        let cells = log_cells(&page);
        assert!(!cells.is_empty(), "{kind}: no events");
        seen += cells.len();
        for cell in &cells {
            for word in english_words {
                assert!(
                    !cell.contains(word),
                    "{kind}: English \"{word}\" in \"{cell}\""
                );
            }
            let chars: Vec<char> = cell.chars().collect();
            for i in 1..chars.len().saturating_sub(1) {
                assert!(
                    !(chars[i] == '.'
                        && chars[i - 1].is_ascii_digit()
                        && chars[i + 1].is_ascii_digit()),
                    "{kind}: a decimal point in \"{cell}\""
                );
            }
        }
    }
    assert!(seen > 20, "{seen} cells");
    let (_, comparisons) = text(&app, "/admin/audit?kind=comparison").await;
    assert!(
        comparisons
            .contains("30\u{a0}% (källa: Brå NTU 2025); förut 27,5\u{a0}% (källa: Brå NTU 2025)"),
        "{comparisons}"
    );
    assert!(
        comparisons
            .contains("Sparade jämförelsevärdet Brå NTU 2025 för Andel som känner sig otrygga")
    );
    let (_, report) = text(&app, "/admin/audit?kind=report").await;
    assert!(
        report.contains("avsnittet Sammanfattning: 24 tecken (förut 0)"),
        "{report}"
    );

    let (_, english) = text(&app, "/admin/audit?kind=comparison&lang=en").await;
    assert!(
        english.contains(
            "30\u{a0}% (source: Brå NTU 2025); before 27.5\u{a0}% (source: Brå NTU 2025)"
        ),
        "{english}"
    );
}

/// The changed staff pages in a real browser: no WCAG 2.1 A/AA violation (axe-core).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_changed_staff_pages_break_no_wcag_rule() {
    use crate::axe::assert_no_violations;
    use crate::browser::{app_and_browser, sign_in_as};
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    run(&app.database_url, &["demo"]);
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    sign_in_as(
        &browser,
        &app,
        "admin@kommun.example",
        Role::Admin,
        "/admin/waves",
    )
    .await;
    for (path, name) in [
        ("/admin/waves", "the wave list"),
        ("/admin/waves/trygghet-2026", "an open wave"),
        ("/admin/waves/trygghet-2025", "a closed wave"),
        ("/admin/audit", "the audit log"),
        (
            "/admin/audit?kind=comparison",
            "the audit log's comparison values",
        ),
    ] {
        browser.goto(&app.url(path)).await;
        assert_no_violations(&browser, name).await;
    }
}
