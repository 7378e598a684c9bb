//! Properties every design-based estimator must have: estimates do not depend on the order of
//! the rows or on the scale of the weights, and a domain estimate is the estimate on the whole
//! design with the other rows weighted zero.

use proptest::prelude::*;
use serde_json::json;

use super::{close, dataset, estimate, find, request};

/// Rows of a stratified cluster sample: 2–3 strata, 2–4 clusters each, 1–5 rows per cluster,
/// weights 0.5–20, a group of 0–2 and a 0/1 answer.
fn sample() -> impl Strategy<Value = Vec<(u8, u8, f64, u8, f64)>> {
    (2u8..=3)
        .prop_flat_map(|strata| prop::collection::vec(2u8..=4, strata as usize))
        .prop_flat_map(|clusters_per_stratum| {
            let cells: Vec<(u8, u8)> = clusters_per_stratum
                .iter()
                .enumerate()
                .flat_map(|(h, &k)| (0..k).map(move |c| (h as u8, c)))
                .collect();
            let rows = cells
                .into_iter()
                .map(|(h, c)| {
                    prop::collection::vec((0.5f64..20.0, 0u8..3, 0u8..2), 1..=5).prop_map(
                        move |people| {
                            people
                                .into_iter()
                                .map(|(w, g, y)| {
                                    (h, c, (w * 100.0).round() / 100.0, g, f64::from(y))
                                })
                                .collect::<Vec<_>>()
                        },
                    )
                })
                .collect::<Vec<_>>();
            rows.prop_map(|clusters| clusters.into_iter().flatten().collect::<Vec<_>>())
        })
}

fn design_request(statistic: &str, by: &[&str]) -> serde_json::Value {
    json!({
        "design": {"weights": "w", "strata": "stratum", "clusters": "cluster", "lonely_psu": "adjust"},
        "estimates": [{"id": "e", "statistic": statistic, "variable": "y", "by": by, "ci": "wald"}]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn estimates_do_not_depend_on_row_order(rows in sample(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        for statistic in ["proportion", "mean", "total"] {
            let req = request(design_request(statistic, &["group"]));
            let a = estimate(&dataset(&rows), &req);
            let b = estimate(&dataset(&shuffled), &req);
            prop_assert_eq!(a.estimates.len(), b.estimates.len());
            for (x, y) in a.estimates.iter().zip(&b.estimates) {
                prop_assert_eq!(&x.domain, &y.domain);
                prop_assert_eq!(x.figures.n, y.figures.n);
                prop_assert_eq!(x.figures.df, y.figures.df);
                prop_assert!(close(x.figures.estimate, y.figures.estimate, 1e-9), "{:?} {:?}", x, y);
                prop_assert!(close(x.figures.se, y.figures.se, 1e-9), "{:?} {:?}", x, y);
            }
        }
    }

    #[test]
    fn means_do_not_depend_on_the_scale_of_the_weights(rows in sample(), scale in 0.01f64..100.0) {
        let scaled: Vec<_> = rows.iter().map(|&(h, c, w, g, y)| (h, c, w * scale, g, y)).collect();
        for statistic in ["proportion", "mean", "total"] {
            let req = request(design_request(statistic, &["group"]));
            let a = estimate(&dataset(&rows), &req);
            let b = estimate(&dataset(&scaled), &req);
            // Totals scale with the weights; means and proportions do not move.
            let factor = if statistic == "total" { scale } else { 1.0 };
            for (x, y) in a.estimates.iter().zip(&b.estimates) {
                prop_assert!(close(x.figures.estimate.map(|v| v * factor), y.figures.estimate, 1e-9), "{:?} {:?}", x, y);
                prop_assert!(close(x.figures.se.map(|v| v * factor), y.figures.se, 1e-9), "{:?} {:?}", x, y);
                prop_assert!(close(x.figures.deff, y.figures.deff, 1e-7), "{:?} {:?}", x, y);
            }
        }
    }

    #[test]
    fn a_domain_estimate_is_the_estimate_with_the_other_rows_weighted_zero(rows in sample()) {
        for statistic in ["proportion", "mean", "total"] {
            let by_group = estimate(&dataset(&rows), &request(design_request(statistic, &["group"])));
            for group in 0u8..3 {
                let label = format!("g{group}");
                let Some(domain) = by_group.estimates.iter().find(|e| e.domain.get("group") == Some(&label)) else {
                    continue;
                };
                let zeroed: Vec<_> = rows
                    .iter()
                    .map(|&(h, c, w, g, y)| (h, c, if g == group { w } else { 0.0 }, g, y))
                    .collect();
                let whole = estimate(&dataset(&zeroed), &request(design_request(statistic, &[])));
                let other = find(&whole, "e", None);
                prop_assert_eq!(domain.figures.n, other.figures.n);
                prop_assert_eq!(domain.figures.df, other.figures.df);
                prop_assert!(close(domain.figures.estimate, other.figures.estimate, 1e-9), "{:?} {:?}", domain, other);
                prop_assert!(close(domain.figures.se, other.figures.se, 1e-9), "{:?} {:?}", domain, other);
                prop_assert!(close(domain.figures.ci_low, other.figures.ci_low, 1e-9), "{:?} {:?}", domain, other);
            }
        }
    }
}
