//! `trygg stats` against the reference cases computed with R's survey package
//! (tests/fixtures/stats/*: data.csv, request.json, expected.json).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stats")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").exists())
        .collect();
    cases.sort();
    cases
}

fn key(row: &Value) -> (String, String) {
    (
        row["id"].as_str().unwrap_or_default().to_owned(),
        serde_json::to_string(&row["domain"]).unwrap_or_default(),
    )
}

/// Relative 1e-6, absolute 1e-9 near zero; null only matches null.
fn close(actual: &Value, expected: &Value) -> bool {
    match (actual.as_f64(), expected.as_f64()) {
        (Some(a), Some(e)) => (a - e).abs() <= 1e-9_f64.max(1e-6 * e.abs()),
        _ => actual.is_null() && expected.is_null(),
    }
}

fn compare(case: &Path, output: &Value) -> Vec<String> {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(case.join("expected.json")).expect("expected.json"),
    )
    .expect("expected json");
    let actual: BTreeMap<(String, String), &Value> = output["estimates"]
        .as_array()
        .expect("estimates")
        .iter()
        .map(|r| (key(r), r))
        .collect();
    let mut problems = Vec::new();
    let rows = expected["estimates"]
        .as_array()
        .expect("expected estimates");
    if rows.len() != actual.len() {
        problems.push(format!("{} rows, expected {}", actual.len(), rows.len()));
    }
    for row in rows {
        let k = key(row);
        let Some(got) = actual.get(&k) else {
            problems.push(format!("missing row {k:?}"));
            continue;
        };
        for field in ["n", "df"] {
            if got[field] != row[field] {
                problems.push(format!(
                    "{k:?} {field}: {} != expected {}",
                    got[field], row[field]
                ));
            }
        }
        for field in ["estimate", "se", "ci_low", "ci_high", "deff"] {
            if !close(&got[field], &row[field]) {
                problems.push(format!(
                    "{k:?} {field}: {} != expected {}",
                    got[field], row[field]
                ));
            }
        }
    }
    problems
}

#[test]
fn every_reference_case_matches_r_through_the_command_line() {
    let cases = cases();
    assert_eq!(cases.len(), 7, "{cases:?}");
    let mut problems = Vec::new();
    for case in &cases {
        let output = Command::new(env!("CARGO_BIN_EXE_trygg"))
            .arg("stats")
            .arg("--data")
            .arg(case.join("data.csv"))
            .arg("--request")
            .arg(case.join("request.json"))
            .output()
            .expect("run trygg stats");
        assert!(
            output.status.success(),
            "{}: {}",
            case.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let json: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
        for p in compare(case, &json) {
            problems.push(format!(
                "{}: {p}",
                case.file_name().and_then(|n| n.to_str()).unwrap_or("?")
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
