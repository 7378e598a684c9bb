//! Comparing an indicator's estimate with a comparison value (a national figure, say) and the
//! smallest change a wave of the same precision could detect.
//!
//! The comparison is decided by the interval, as Fingertips and Brå do, never by rank: a value
//! outside the estimate's 95 % interval differs, and the indicator's `better` says whether the
//! municipality is then better or worse; a value inside it is similar. The comparison value is
//! taken as known (official statistics from far larger samples), so only the municipality's
//! uncertainty counts.

use serde::{Deserialize, Serialize};

use crate::stats::ci::normal_quantile;
use crate::survey::Better;

/// How the municipality's estimate stands against a comparison value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Better,
    Similar,
    Worse,
}

/// The standing of an estimate with the interval `[low, high]` against `value`.
pub fn standing(low: f64, high: f64, value: f64, better: Better) -> Standing {
    let higher = low > value;
    let lower = high < value;
    match (higher, lower, better) {
        (true, _, Better::Higher) | (_, true, Better::Lower) => Standing::Better,
        (true, _, Better::Lower) | (_, true, Better::Higher) => Standing::Worse,
        _ => Standing::Similar,
    }
}

/// Significance level and power for the smallest detectable change.
pub const ALPHA: f64 = 0.05;
pub const POWER: f64 = 0.80;

/// The smallest change from a wave with standard error `se` to the next that a two-sided test at
/// level [`ALPHA`] detects with probability [`POWER`], when the next wave is as precise as this
/// one: (z₁₋α/₂ + z_power) · √2 · se, about 3.96 · se. A change smaller than this will usually
/// be called "no certain change" even when it is real.
pub fn detectable_change(se: f64) -> f64 {
    (normal_quantile(1.0 - ALPHA / 2.0) + normal_quantile(POWER)) * std::f64::consts::SQRT_2 * se
}

/// The comparison value for a wave of `period` from a line's values (`(period, value)`): the
/// same year's, else the latest earlier one; `None` when the line starts later.
pub fn value_for(values: &[(i32, f64)], period: i32) -> Option<(i32, f64)> {
    values
        .iter()
        .filter(|(p, _)| *p <= period)
        .max_by_key(|(p, _)| *p)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_decides_and_the_direction_names_it() {
        // 21 % (17–26) against a national 30 %: clearly lower.
        assert_eq!(standing(0.17, 0.26, 0.30, Better::Lower), Standing::Better);
        assert_eq!(standing(0.17, 0.26, 0.30, Better::Higher), Standing::Worse);
        // Against 24 %: inside the interval, similar whatever the direction.
        assert_eq!(standing(0.17, 0.26, 0.24, Better::Lower), Standing::Similar);
        assert_eq!(
            standing(0.17, 0.26, 0.24, Better::Higher),
            Standing::Similar
        );
        // Against 12 %: higher.
        assert_eq!(standing(0.17, 0.26, 0.12, Better::Lower), Standing::Worse);
        assert_eq!(standing(0.17, 0.26, 0.12, Better::Higher), Standing::Better);
        // On the edge of the interval counts as similar.
        assert_eq!(standing(0.17, 0.26, 0.26, Better::Lower), Standing::Similar);
    }

    #[test]
    fn the_detectable_change_is_about_four_standard_errors() {
        // z 0.975 = 1.959964, z 0.8 = 0.841621: (2.801585) · √2 = 3.962044.
        let d = detectable_change(0.02);
        assert!((d - 0.079_240_796).abs() < 1e-8, "{d}");
        assert_eq!(detectable_change(0.0), 0.0);
    }

    #[test]
    fn a_wave_takes_the_same_year_or_the_latest_before() {
        let line = [(2022, 0.3), (2024, 0.28)];
        assert_eq!(value_for(&line, 2024), Some((2024, 0.28)));
        assert_eq!(value_for(&line, 2025), Some((2024, 0.28)));
        assert_eq!(value_for(&line, 2023), Some((2022, 0.3)));
        assert_eq!(value_for(&line, 2021), None);
    }
}
