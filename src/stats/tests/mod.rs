//! Tests of the estimation engine as a whole (the reference cases run through the CLI in
//! tests/api/stats.rs).

mod errors;
mod properties;

use super::data::Dataset;
use super::estimate::run_with;
use super::types::{Estimate, Request, Response};

/// Builds a data set from rows of (stratum, cluster, weight, group, y).
pub fn dataset(rows: &[(u8, u8, f64, u8, f64)]) -> Dataset {
    let mut csv = String::from("stratum,cluster,w,group,y\n");
    for (h, c, w, g, y) in rows {
        csv.push_str(&format!("s{h},c{h}-{c},{w},g{g},{y}\n"));
    }
    Dataset::from_csv(csv.into_bytes()).expect("csv")
}

pub fn request(json: serde_json::Value) -> Request {
    serde_json::from_value(json).expect("request")
}

pub fn estimate(data: &Dataset, request: &Request) -> Response {
    run_with(data, request, true).expect("estimates")
}

pub fn find<'a>(response: &'a Response, id: &str, group: Option<&str>) -> &'a Estimate {
    response
        .estimates
        .iter()
        .find(|e| e.id == id && e.domain.get("group").map(String::as_str) == group)
        .expect("row")
}

/// Relative closeness for floating results.
pub fn close(a: Option<f64>, b: Option<f64>, tolerance: f64) -> bool {
    match (a, b) {
        // Relative, with an absolute floor for values that are zero up to rounding.
        (Some(a), Some(b)) => (a - b).abs() <= tolerance * a.abs().max(b.abs()) + 1e-12,
        (None, None) => true,
        _ => false,
    }
}
