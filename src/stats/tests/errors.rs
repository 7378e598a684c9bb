//! Bad data and bad requests get errors that say what is wrong and where.

use serde_json::json;

use super::request;
use crate::stats::data::Dataset;
use crate::stats::estimate::run;

fn data(csv: &str) -> Dataset {
    Dataset::from_csv(csv.as_bytes().to_vec()).expect("csv")
}

fn error(csv: &str, req: serde_json::Value) -> String {
    run(&data(csv), &request(req)).expect_err("an error").0
}

#[test]
fn each_kind_of_bad_input_is_named_with_its_line_or_column() {
    let csv = "s,c,w,y,m,g\na,1,2,1,3.5,x\na,2,2,0,2.5,y\nb,3,1,1,abc,x\nb,4,1,2,1.0,y\n";
    let one = |statistic: &str, variable: &str| json!({"estimates": [{"id": "e", "statistic": statistic, "variable": variable}]});
    let cases = [
        (one("mean", "nope"), "unknown column `nope`"),
        (
            one("mean", "m"),
            "line 4: column `m`: `abc` is not a number",
        ),
        (
            one("proportion", "y"),
            "line 5: column `y` is 2, but a proportion needs 0 or 1",
        ),
        (
            json!({"design": {"weights": "y"}, "estimates": [{"id": "e", "statistic": "total", "variable": "w"}]}),
            "line 3: column `y` (weights) is 0, but weights must be greater than 0",
        ),
        (
            json!({"design": {"strata": "g", "clusters": "c", "lonely_psu": "fail"},
                   "estimates": [{"id": "e", "statistic": "total", "variable": "w"}]}),
            "",
        ),
        (
            json!({"design": {"strata": "s", "clusters": "s"},
                   "estimates": [{"id": "e", "statistic": "total", "variable": "w"}]}),
            "stratum `a` has only one PSU",
        ),
        (
            json!({"confidence_level": 95, "estimates": [{"id": "e", "statistic": "total", "variable": "w"}]}),
            "confidence_level is 95",
        ),
        (
            json!({"estimates": [{"id": "e", "statistic": "total", "variable": "w"},
                                 {"id": "e", "statistic": "mean", "variable": "w"}]}),
            "estimate id `e` is used twice",
        ),
        (
            json!({"calibration": {"method": "poststratify", "variables": ["g"],
                   "population": [{"g": "x", "total": 10}]},
                   "estimates": [{"id": "e", "statistic": "total", "variable": "w"}]}),
            "line 3: the data has the cell g=y but the population has no such cell",
        ),
        (
            json!({"calibration": {"method": "poststratify", "variables": ["g"],
                   "population": [{"g": "x", "total": 10}, {"g": "y", "total": 10}, {"g": "z", "total": 5}]},
                   "estimates": [{"id": "e", "statistic": "total", "variable": "w"}]}),
            "population cell (g=z) has no respondents",
        ),
        (
            json!({"calibration": {"method": "rake", "margins": [
                      {"variables": ["g"], "population": [{"g": "x", "total": 10}, {"g": "y", "total": 10}]},
                      {"variables": ["s"], "population": [{"s": "a", "total": 10}, {"s": "b", "total": 30}]}]},
                   "estimates": [{"id": "e", "statistic": "total", "variable": "w"}]}),
            "the totals of the margins disagree",
        ),
    ];
    for (req, expected) in cases {
        let result = run(&data(csv), &request(req.clone()));
        if expected.is_empty() {
            // g has two strata x and y with PSUs 1,3 and 2,4: valid.
            assert!(result.is_ok(), "{req}: {result:?}");
            continue;
        }
        let message = result.expect_err(expected).0;
        assert!(
            message.contains(expected),
            "{req}:\n  {message}\n  should contain {expected}"
        );
    }
    assert!(error(csv, one("mean", "nope")).contains("the data has: s, c, w, y, m, g"));
}

#[test]
fn an_empty_domain_is_reported_with_n_0_and_a_flag_not_a_panic() {
    // Group y has answers only missing.
    let csv = "g,v\nx,1\nx,0\ny,\ny,\n";
    let response = run(
        &data(csv),
        &request(json!({"estimates": [{"id": "e", "statistic": "proportion", "variable": "v", "by": ["g"]}]})),
    )
    .expect("estimates");
    let empty = response
        .estimates
        .iter()
        .find(|e| e.domain.get("g").map(String::as_str) == Some("y"))
        .expect("row");
    assert_eq!(empty.figures.n, Some(0));
    assert_eq!(empty.figures.estimate, None);
    assert!(empty.figures.flags.contains(&crate::stats::Flag::Empty));
}

#[test]
fn a_proportion_of_exactly_zero_gets_a_defined_interval_and_a_flag() {
    let csv = "v\n0\n0\n0\n0\n0\n";
    let response = run(
        &data(csv),
        &request(json!({"estimates": [{"id": "e", "statistic": "proportion", "variable": "v", "ci": "logit"}]})),
    )
    .expect("estimates");
    let e = &response.estimates[0];
    assert_eq!(e.figures.estimate, Some(0.0));
    assert_eq!(e.figures.se, Some(0.0));
    assert_eq!(e.figures.deff, None);
    assert_eq!(e.figures.ci_low, Some(0.0));
    let high = e.figures.ci_high.expect("upper");
    // n* = 5: 1 − 0.025^(1/5).
    assert!((high - (1.0 - 0.025f64.powf(0.2))).abs() < 1e-9, "{high}");
    assert!(e.figures.flags.contains(&crate::stats::Flag::Boundary));
}
