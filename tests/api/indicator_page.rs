//! The indicator page beyond the series: plain sentences from the tests, the smallest detectable
//! change, comparison values (entered with errors and without, judged by the interval, replaced,
//! removed, audit-logged), the crossed breakdowns and the XLSX download — on the demo database.

use trygg::accounts::Role;
use trygg::store::audit::AuditEvent;

use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;

/// The text of one file inside a downloaded workbook (an XLSX file is a zip of XML files).
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX is a zip");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("no {name} in the workbook"))
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

async fn comparison_values(app: &TestApp) -> Vec<trygg::entities::comparison_value::Model> {
    trygg::store::comparisons::for_indicator(&app.db, "resident-safety", "unsafe_night")
        .await
        .expect("query")
}

const PAGE: &str = "/evaluate/indicators/resident-safety/unsafe_night";

async fn add(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post_form(PAGE, &format!("{PAGE}/comparisons"), fields)
        .await
}

async fn an_indicator_page_says_what_the_tests_found_and_compares(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let page = app.get(PAGE).await.text().await.expect("page");
    // Plain sentences from the tests, and never a cause.
    assert!(page.contains("I korthet"), "{page}");
    assert!(
        page.contains("2025 var värdet") && page.contains("med 95 % säkerhet mellan"),
        "{page}"
    );
    assert!(
        page.contains("för stor för att bero på slumpen") && page.contains("en förbättring"),
        "the demo's significant fall since 2024: {page}"
    );
    assert!(page.contains("Siffrorna visar hur läget har utvecklats, inte varför."));
    // The smallest change the sample could detect.
    assert!(
        page.contains("upptäcks en förändring på") && page.contains("procentenheter eller mer"),
        "{page}"
    );
    assert!(page.contains("Minsta förändring som kan upptäckas"));

    // A comparison value with errors: refused with the reasons, nothing stored.
    let before = comparison_values(&app).await.len();
    let refused = add(
        &app,
        &[
            ("label", ""),
            ("year", "20x5"),
            ("value", "130"),
            ("source", ""),
        ],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(body.contains("<title>Fel: "), "{body}");
    for message in [
        "Skriv vad värdet gäller",
        "Skriv året med fyra siffror",
        "måste ligga mellan 0 och 100",
        "Skriv varifrån värdet kommer",
    ] {
        assert!(body.contains(message), "{message}");
    }
    assert!(body.contains("value=\"130\""), "what was typed is kept");
    assert_eq!(
        comparison_values(&app).await.len(),
        before,
        "nothing stored"
    );

    // Two years of one line, one with a decimal comma. The demo's 2025 estimate is far below
    // 45 %, so the municipality is better (lower is better for this indicator).
    for (year, value) in [("2024", "47"), ("2025", "45,5")] {
        let stored = add(
            &app,
            &[
                ("label", "Jämförelsekommun"),
                ("year", year),
                ("value", value),
                ("source", "Testkälla, tabell 1"),
            ],
        )
        .await;
        assert_eq!(stored.status(), 303, "{year}");
        assert_eq!(
            stored.headers()["location"],
            format!("{PAGE}#comparisons-h").as_str()
        );
    }
    let values = comparison_values(&app).await;
    assert_eq!(values.len(), before + 2);
    let v2025 = values
        .iter()
        .find(|c| c.label == "Jämförelsekommun" && c.period == 2025)
        .expect("2025 stored");
    assert!(
        (v2025.value - 0.455).abs() < 1e-12,
        "percent stored as a fraction"
    );
    let page = app.get(PAGE).await.text().await.expect("page");
    let compared = &page[page.find("Senaste omgången jämförd").expect("table")..];
    let row = &compared[compared.find("Jämförelsekommun").expect("row")..];
    let row = &row[..row.find("</tr>").expect("row end")];
    // Shown as the page shows every percentage of 10 or more: whole.
    assert!(row.contains("<td>46\u{a0}%</td>"), "{row}");
    assert!(row.contains("<strong>bättre</strong>"), "{row}");
    assert!(
        page.contains("Värdet är lägre än Jämförelsekommun 2025"),
        "{page}"
    );
    assert!(
        page.contains("key-comparison"),
        "the chart's legend names the line"
    );
    // The same line and year again replaces the value, audit-logged.
    add(
        &app,
        &[
            ("label", "Jämförelsekommun"),
            ("year", "2025"),
            ("value", "44"),
            ("source", "Testkälla, tabell 2"),
        ],
    )
    .await;
    let values = comparison_values(&app).await;
    assert_eq!(values.len(), before + 2);
    let audit = trygg::store::audit::recent(&app.db, 20)
        .await
        .expect("audit");
    assert!(
        audit.iter().any(|e| matches!(
            AuditEvent::from_detail(&e.detail),
            Some(AuditEvent::ComparisonPut { was: Some(was), .. })
                if was.value == 0.455 && was.source == "Testkälla, tabell 1"
        )),
        "{audit:?}"
    );

    // The workbook: four sheets, the series, the comparison and the notes.
    let response = app.get(&format!("{PAGE}/download.xlsx")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains("resident-safety-unsafe_night-trygghet-2025.xlsx")
    );
    let bytes = response.bytes().await.expect("bytes");
    let book = xlsx_part(&bytes, "xl/workbook.xml");
    for sheet in ["Serie", "Bakgrund", "Jämförelser", "Noter"] {
        assert!(
            book.contains(&format!("name=\"{sheet}\"")),
            "{sheet}: {book}"
        );
    }
    let strings = xlsx_part(&bytes, "xl/sharedStrings.xml");
    for text in [
        "trygghet-2025",
        "Jämförelsekommun",
        "Testkälla, tabell 2",
        "Röjandeskydd",
        "Kvinna",
        // What the figures mean, as on the page.
        "Vilka som räknas",
        "Frågan ställdes bara till dem som svarade",
        "Svar som räknas",
        // Breakdowns by their short labels.
        "Stadsdel",
    ] {
        assert!(strings.contains(text), "{text}");
    }
    assert!(
        !strings.contains("I vilken del av kommunen bor du"),
        "{strings}"
    );

    // Removing a value; a second removal finds nothing.
    let id = values
        .iter()
        .find(|c| c.label == "Jämförelsekommun" && c.period == 2024)
        .expect("2024")
        .id
        .clone();
    let delete = format!("{PAGE}/comparisons/{id}/delete");
    assert_eq!(app.post_form(PAGE, &delete, &[]).await.status(), 303);
    assert_eq!(comparison_values(&app).await.len(), before + 1);
    assert_eq!(app.post_form(PAGE, &delete, &[]).await.status(), 404);

    // A school indicator by the survey's crossed breakdown, grade × gender.
    let school = app
        .get("/evaluate/indicators/school-drug-habits/vaping")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        school.contains("<h3>Årskurs × kön</h3>"),
        "a crossed breakdown: {school}"
    );
    assert!(school.contains("Årskurs 9, Tjej"), "{school}");
}

/// The school survey leads with its grades: per grade on the indicator page beside the pooled
/// series, and a comparison value entered for one grade is judged against that grade only.
async fn a_school_indicator_is_shown_per_grade_and_compared_per_grade(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    const SCHOOL: &str = "/evaluate/indicators/school-drug-habits/smoking";
    let page = app.get(SCHOOL).await.text().await.expect("page");
    assert!(
        page.contains("<h2 id=\"heads-h\">Per årskurs</h2>"),
        "{page}"
    );
    assert!(page.contains("<th scope=\"col\">Årskurs 9</th>"), "{page}");
    assert!(page.contains("alla elever tillsammans"), "{page}");
    // A value for year 9: stored with its group, shown in the per-grade table with a judgement.
    let added = app
        .post_form(
            SCHOOL,
            &format!("{SCHOOL}/comparisons"),
            &[
                ("label", "Riket, CAN"),
                ("group", "grade=y9"),
                ("year", "2025"),
                ("value", "1"),
                ("source", "CAN 2025, tabell 12"),
            ],
        )
        .await;
    assert!(
        added.status().is_success() || added.status().is_redirection(),
        "{}",
        added.status()
    );
    let stored = trygg::store::comparisons::for_indicator(&app.db, "school-drug-habits", "smoking")
        .await
        .expect("query");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].domain, "grade=y9");
    let page = app.get(SCHOOL).await.text().await.expect("page");
    let table = &page[page
        .find("Per årskurs, senaste omgången")
        .expect("per-grade comparisons")..];
    let row = &table[table
        .find("<th scope=\"row\">Årskurs 9</th>")
        .expect("year 9 row")..];
    let row = &row[..row.find("</tr>").expect("row end")];
    assert!(
        row.contains("Riket, CAN") && row.contains("<td>1,0"),
        "{row}"
    );
    assert!(
        row.contains("sämre"),
        "a national 1 % is far below the municipality's year 9: {row}"
    );
    // Not on the pooled chart's lines, and the overview judges year 9 only.
    let overview = app
        .get("/evaluate?survey=school-drug-habits")
        .await
        .text()
        .await
        .expect("overview");
    let card = &overview[overview.find("Andel som röker").expect("card")..];
    let card = &card[..card.find("</article>").expect("end")];
    assert_eq!(card.matches("Riket, CAN 2025").count(), 1, "{card}");
    // A group the questionnaire does not have: refused, nothing stored.
    let refused = app
        .post_form(
            SCHOOL,
            &format!("{SCHOOL}/comparisons"),
            &[
                ("label", "Riket, CAN"),
                ("group", "grade=y7"),
                ("year", "2025"),
                ("value", "3"),
                ("source", "CAN"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .expect("body")
            .contains("Välj vilka värdet gäller")
    );
    let stored = trygg::store::comparisons::for_indicator(&app.db, "school-drug-habits", "smoking")
        .await
        .expect("query");
    assert_eq!(stored.len(), 1);
}

db_tests!(
    an_indicator_page_says_what_the_tests_found_and_compares,
    a_school_indicator_is_shown_per_grade_and_compared_per_grade,
);
