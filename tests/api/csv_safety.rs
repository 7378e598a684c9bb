//! Every CSV the service writes opens in a spreadsheet as data: hostile texts go in wherever
//! trygg takes text (free-text answers, the action plan's titles, texts, output measures and
//! notes), and each CSV is read back both ways — by a CSV reader with `,` and with `;` as
//! delimiter, and split naively on `,`, `;` and line breaks — without a cell that starts with
//! `=`, `+`, `-`, `@`, a tab or CR. Read with `,` (and the `'` guards taken off) the data are
//! what went in.

use std::collections::HashMap;

use serde_json::{Value, json};
use trygg::accounts::Role;
use trygg::collect::Access;
use trygg::safe_csv::unguard;

use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;
use crate::plan::create_intervention;
use crate::responses::{body, create_wave, minimal_resident_answers, post};

db_tests!(every_csv_reads_without_a_formula_both_ways);

/// Texts that a spreadsheet would run, in one piece or another.
const HOSTILE: [&str; 8] = [
    "a;=cmd|' /C calc'!A0;b",
    "=HYPERLINK(\"http://x.example\";\"klicka\")",
    "+46 70 123 45 67",
    "-2+3",
    "@SUM(A1:A9)",
    "rad ett\n=rad två\r\n+rad tre",
    "x,-1;+2,@3;\tTAB",
    "'=redan skyddad",
];

const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Cells of `text` read by a CSV reader with `delimiter`.
fn cells(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("CSV with {:?}: {e}", delimiter as char))
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// Checks that no cell of `text` starts a formula however it is split; the rows read with `,`.
fn read_both_ways(what: &str, text: &str) -> Vec<Vec<String>> {
    assert!(!text.is_empty(), "{what}: empty");
    for delimiter in [b',', b';'] {
        for row in cells(text, delimiter) {
            for cell in &row {
                assert!(
                    !cell.starts_with(FORMULA_START),
                    "{what}, read with {:?}: cell {cell:?} in {row:?}",
                    delimiter as char
                );
            }
        }
    }
    for piece in text.split([',', ';', '\n', '\r']) {
        assert!(
            !piece.starts_with(FORMULA_START),
            "{what}, split naively: {piece:?}"
        );
    }
    cells(text, b',')
}

/// A CSV read with `,` as maps from column to cell, the guards taken off.
fn records(what: &str, text: &str) -> Vec<HashMap<String, String>> {
    let mut rows = read_both_ways(what, text).into_iter();
    let header = rows.next().unwrap_or_else(|| panic!("{what}: no header"));
    rows.map(|row| {
        assert_eq!(row.len(), header.len(), "{what}: {row:?}");
        header
            .iter()
            .zip(row)
            .map(|(h, c)| (unguard(h).into_owned(), unguard(&c).into_owned()))
            .collect()
    })
    .collect()
}

/// A file for Swedish Excel read with `;` as maps from column to cell (the guards taken off),
/// after checking it both ways; the rows of its table only (the notes after it have two cells).
fn excel_records(what: &str, text: &str) -> Vec<HashMap<String, String>> {
    read_both_ways(what, text);
    let mut rows = crate::chart_downloads::excel_rows(text).into_iter();
    let header = rows.next().unwrap_or_else(|| panic!("{what}: no header"));
    rows.take_while(|row| row.len() == header.len())
        .map(|row| {
            header
                .iter()
                .zip(row)
                .map(|(h, c)| (unguard(h).into_owned(), unguard(&c).into_owned()))
                .collect()
        })
        .collect()
}

/// Every number anywhere in a JSON value (and every text that reads as one, such as a period).
fn numbers(value: &Value, out: &mut Vec<f64>) {
    match value {
        Value::Number(n) => out.extend(n.as_f64()),
        Value::String(s) => out.extend(s.parse::<f64>().ok()),
        Value::Array(a) => a.iter().for_each(|v| numbers(v, out)),
        Value::Object(o) => o.values().for_each(|v| numbers(v, out)),
        _ => {}
    }
}

/// Every number cell of the CSV (guards taken off) is a number of the JSON of the same route;
/// returns how many were negative.
fn numbers_match(what: &str, rows: &[HashMap<String, String>], json: &Value) -> usize {
    let mut known = Vec::new();
    numbers(json, &mut known);
    let mut negative = 0;
    for row in rows {
        for (column, cell) in row {
            if let Ok(n) = cell.parse::<f64>() {
                // serde_json's default float parsing may miss the last bit.
                assert!(
                    known.iter().any(|k| (k - n).abs() <= 1e-12 * n.abs()),
                    "{what}: {column} = {cell} is not in the JSON"
                );
                negative += usize::from(n < 0.0);
            }
        }
    }
    negative
}

async fn text_of(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

async fn json_of(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("JSON")
}

async fn every_csv_reads_without_a_formula_both_ways(app: TestApp) {
    // Four years of closed waves with published indicators, whose changes go both ways.
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;

    // Free-text answers in the export, and read back by `trygg import`.
    create_wave(&app, "resident-safety", "fri-text", Access::Open).await;
    for text in HOSTILE {
        let mut answers = minimal_resident_answers();
        answers["comments"] = json!(text);
        assert_eq!(
            post(&app, "fri-text", &body(answers)).await.0,
            201,
            "{text}"
        );
    }
    run(&app.database_url, &["wave", "close", "fri-text"]);
    let export = run(
        &app.database_url,
        &["export", "--wave", "fri-text", "--format", "csv"],
    );
    let rows = records("trygg export", &export);
    let mut comments: Vec<&str> = rows.iter().map(|r| r["comments"].as_str()).collect();
    comments.sort_unstable();
    let mut sent = HOSTILE.map(str::trim);
    sent.sort_unstable();
    assert_eq!(comments, sent);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("fri-text.csv");
    std::fs::write(&file, &export).expect("write");
    create_wave(&app, "resident-safety", "kopia", Access::Open).await;
    let out = run(
        &app.database_url,
        &[
            "import",
            "--wave",
            "kopia",
            "--file",
            file.to_str().expect("path"),
        ],
    );
    assert!(out.contains("stored 8, already there 0"), "{out}");
    run(&app.database_url, &["wave", "close", "kopia"]);
    let again = run(
        &app.database_url,
        &["export", "--wave", "kopia", "--format", "jsonl"],
    );
    let mut imported: Vec<String> = again
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON line");
            v["answers"]["comments"].as_str().expect("text").to_owned()
        })
        .collect();
    imported.sort_unstable();
    assert_eq!(imported, sent);

    // The action plan: hostile texts in every field a person types.
    let id = create_intervention(
        &app,
        &[
            ("title", HOSTILE[0]),
            ("problem", HOSTILE[5]),
            ("mechanism", HOSTILE[6]),
            ("planned_by", HOSTILE[2]),
            ("carried_out_by", HOSTILE[3]),
            ("followed_up_by", HOSTILE[4]),
            ("partners", HOSTILE[1]),
            ("status", "delayed"),
            ("status_reason", HOSTILE[7]),
        ],
    )
    .await;
    let outputs = format!("/evaluate/plan/{id}/outputs");
    let response = app
        .post_form(
            &format!("{outputs}/new"),
            &outputs,
            &[
                ("name", "=1+1"),
                ("unit", "@antal"),
                ("planned-2024", "4"),
                ("actual-2024", "3,5"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let note = format!("/evaluate/plan/{id}/follow-up/2024");
    let response = app.post_form(&note, &note, &[("note", HOSTILE[5])]).await;
    assert_eq!(response.status(), 303);

    let plan = json_of(&app, "/api/v1/plan").await;
    let ours = plan["interventions"]
        .as_array()
        .expect("list")
        .iter()
        .find(|i| i["id"] == id)
        .expect("the intervention")
        .clone();
    for path in ["/api/v1/plan?format=csv"] {
        let rows = records(path, &text_of(&app, path).await);
        let row = rows
            .iter()
            .find(|r| r["id"] == id.to_string())
            .expect("its row");
        for field in [
            "title",
            "problem",
            "mechanism",
            "planned_by",
            "carried_out_by",
            "followed_up_by",
            "partners",
            "status_reason",
        ] {
            assert_eq!(Some(row[field].as_str()), ours[field].as_str(), "{field}");
        }
        assert!(row["title"].contains(";=cmd"), "{row:?}");
    }
    // The pages' files, for Swedish Excel (`;`): the same texts, read back with `;`.
    for path in ["/evaluate/plan.csv", "/api/v1/plan?dialect=excel-sv"] {
        let rows = excel_records(path, &text_of(&app, path).await);
        let row = rows
            .iter()
            .find(|r| r["Id"] == id.to_string())
            .expect("its row");
        for (field, column) in [
            ("title", "Insats"),
            ("problem", "Problem"),
            ("mechanism", "Hur insatsen ska verka"),
            ("planned_by", "Planeras av"),
            ("carried_out_by", "Genomförs av"),
            ("followed_up_by", "Följs upp av"),
            ("partners", "Samverkanspartner"),
            ("status_reason", "Kommentar till status"),
        ] {
            assert_eq!(Some(row[column].as_str()), ours[field].as_str(), "{field}");
        }
    }
    let rows = excel_records(
        "outputs.csv",
        &text_of(&app, "/evaluate/plan/outputs.csv").await,
    );
    let row = rows
        .iter()
        .find(|r| r["Insatsens id"] == id.to_string())
        .expect("its output");
    assert_eq!(
        (row["Prestationsmått"].as_str(), row["Enhet"].as_str()),
        ("=1+1", "@antal")
    );
    assert_eq!(
        (row["Planerat"].as_str(), row["Utfall"].as_str()),
        ("4", "3,5")
    );
    assert_eq!(row["Insats"], HOSTILE[0]);
    let rows = excel_records(
        "follow-ups.csv",
        &text_of(&app, "/evaluate/plan/follow-ups.csv").await,
    );
    let row = rows
        .iter()
        .find(|r| r["Insatsens id"] == id.to_string())
        .expect("its note");
    assert_eq!(
        Some(row["Uppföljning"].as_str()),
        ours["follow_ups"][0]["note"].as_str()
    );

    // Indicators, series and areas: numbers, negative ones among them, as the JSON gives them.
    let wave = "trygghet-2025";
    let path = format!("/api/v1/waves/{wave}/indicators");
    let json = json_of(&app, &path).await;
    let rows = records(&path, &text_of(&app, &format!("{path}?format=csv")).await);
    assert_eq!(rows.len(), json["estimates"].as_array().map_or(0, Vec::len));
    numbers_match(&path, &rows, &json);
    let cli = run(
        &app.database_url,
        &["indicators", "--wave", wave, "--format", "csv"],
    );
    assert_eq!(records("trygg indicators", &cli), rows);

    let mut negative = 0;
    for path in [
        "/api/v1/surveys/resident-safety/indicators/unsafe_night/series",
        "/api/v1/surveys/resident-safety/indicators/unsafe_night/series?by=gender",
        "/api/v1/areas",
    ] {
        let json = json_of(&app, path).await;
        let joiner = if path.contains('?') { '&' } else { '?' };
        let text = text_of(&app, &format!("{path}{joiner}format=csv")).await;
        negative += numbers_match(path, &records(path, &text), &json);
    }
    assert!(
        negative > 0,
        "the demo's series should have a negative change to guard"
    );

    // The same figures for Swedish Excel: a change is its size and its direction, so no number
    // needs a guard, and none starts with `-` however the file is split.
    let page = "/evaluate/indicators/resident-safety/unsafe_night";
    let mut decreases = 0;
    for path in [
        format!("{path}?dialect=excel-sv"),
        "/api/v1/surveys/resident-safety/indicators/unsafe_night/series?by=gender&dialect=excel-sv"
            .to_owned(),
        "/api/v1/areas?dialect=excel-sv".to_owned(),
        format!("{page}/chart.csv"),
        format!("{page}/by/district/chart.csv?wave=trygghet-2023"),
        format!("{page}/by/age_band/chart.csv?lang=en"),
    ] {
        let text = text_of(&app, &path).await;
        read_both_ways(&path, &text);
        for row in cells(&text, b';') {
            for cell in &row {
                assert!(!cell.starts_with('\''), "{path}: a guarded cell {cell:?}");
            }
            decreases += row
                .iter()
                .filter(|c| *c == "minskning" || *c == "decrease")
                .count();
        }
    }
    assert!(decreases > 0, "the demo's changes go down somewhere");

    // The synthetic school survey of the benchmarks holds codes and numbers only.
    let synthetic = run(&app.database_url, &["synth-data", "--pupils", "300"]);
    assert!(records("trygg synth-data", &synthetic).len() >= 300);
}
