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

fn run_stats(dir: &Path, csv: &str, request: &Value) -> std::process::Output {
    std::fs::write(dir.join("data.csv"), csv).expect("write data");
    std::fs::write(dir.join("request.json"), request.to_string()).expect("write request");
    Command::new(env!("CARGO_BIN_EXE_trygg"))
        .arg("stats")
        .arg("--data")
        .arg(dir.join("data.csv"))
        .arg("--request")
        .arg(dir.join("request.json"))
        .output()
        .expect("run trygg stats")
}

#[test]
fn published_tables_hide_small_cells_and_their_complements() {
    let dir = tempfile::tempdir().expect("dir");
    // District a: 20 people, b: 12, c: 3 (below k = 5).
    let mut csv = String::from("district,unsafe\n");
    for (district, count) in [("a", 20), ("b", 12), ("c", 3)] {
        for i in 0..count {
            csv.push_str(&format!("{district},{}\n", i % 2));
        }
    }
    let request = serde_json::json!({
        "disclosure": {"min_cell_size": 5},
        "estimates": [
            {"id": "all", "statistic": "proportion", "variable": "unsafe"},
            {"id": "by_district", "statistic": "proportion", "variable": "unsafe", "by": ["district"]}
        ]
    });
    let output = run_stats(dir.path(), &csv, &request);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    let rows = json["estimates"].as_array().expect("rows");
    let row = |id: &str, district: Option<&str>| {
        rows.iter()
            .find(|r| {
                r["id"] == id && r["domain"].get("district").and_then(Value::as_str) == district
            })
            .expect("row")
    };
    let hidden = |r: &Value| {
        r["n"].is_null()
            && r["estimate"].is_null()
            && r["flags"] == serde_json::json!(["suppressed"])
    };
    assert!(hidden(row("by_district", Some("c"))), "{rows:?}");
    // Without hiding b too, c = total − a − b.
    assert!(hidden(row("by_district", Some("b"))), "{rows:?}");
    assert_eq!(row("by_district", Some("a"))["n"], 20);
    assert_eq!(row("all", None)["n"], 35);
}

#[test]
fn bad_input_names_the_file_and_the_line_or_column() {
    let dir = tempfile::tempdir().expect("dir");
    let request =
        serde_json::json!({"estimates": [{"id": "e", "statistic": "proportion", "variable": "v"}]});
    let cases = [
        (
            "v\n0\n1\n2\n",
            request.clone(),
            "data.csv: line 4: column `v` is 2, but a proportion needs 0 or 1",
        ),
        (
            "v\n0\nyes\n",
            request.clone(),
            "data.csv: line 3: column `v`: `yes` is not a number",
        ),
        (
            "x\n0\n",
            request.clone(),
            "data.csv: unknown column `v`; the data has: x",
        ),
        (
            "v,w\n0,1\n1,-2\n",
            serde_json::json!({"design": {"weights": "w"}, "estimates": [{"id": "e", "statistic": "mean", "variable": "v"}]}),
            "data.csv: line 3: column `w` (weights) is -2, but weights must be greater than 0",
        ),
        (
            "v\n0\n",
            serde_json::json!({"estimates": [{"id": "e", "statistic": "median", "variable": "v"}]}),
            "request.json:1:",
        ),
    ];
    for (csv, request, expected) in cases {
        let output = run_stats(dir.path(), csv, &request);
        assert_eq!(output.status.code(), Some(1), "{expected}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(expected),
            "{stderr}\nshould contain {expected}"
        );
        assert!(output.stdout.is_empty());
    }
}
