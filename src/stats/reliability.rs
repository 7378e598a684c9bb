//! Reliability flags on one estimate, modelled on the NCHS Data Presentation Standards for
//! Proportions (Parker et al. 2017, Vital Health Stat 2(175)).
//!
//! The rules, each a flag rather than a suppression (the evaluator decides what to publish):
//! - effective sample size n/deff below 30 → `LowEffectiveN` (NCHS: the minimum for a
//!   proportion); without a usable deff (None, NaN, ≤ 0 — e.g. a boundary proportion) n is used.
//! - fewer than 8 design degrees of freedom → `LowDf` (NCHS: "flag for statistical review").
//! - proportions only: interval width above 0.30 → `WideInterval`; width relative to p̂ above
//!   130 % → `WideRelativeInterval`. The relative rule is skipped at p̂ = 0: the ratio is then
//!   infinite for any interval of positive width, so it would only repeat what the `Boundary`
//!   flag and the absolute width already say. (NCHS applies the relative rule only to widths
//!   between 0.05 and 0.30 and also to the complement 1 − p̂; here it is the plain ratio.)
//!
//! Undefined inputs (NaN estimate or interval ends) raise no width flag: there is nothing to
//! measure, and the caller reports the estimate as missing anyway.

use super::ci::Interval;
use super::types::{Flag, Statistic};

/// Effective sample size below which an estimate is flagged.
const MIN_EFFECTIVE_N: f64 = 30.0;
/// Degrees of freedom below which an estimate is flagged.
const MIN_DF: u64 = 8;
/// Largest acceptable absolute width of a proportion's interval.
const MAX_WIDTH: f64 = 0.30;
/// Largest acceptable width of a proportion's interval relative to the proportion.
const MAX_RELATIVE_WIDTH: f64 = 1.30;

/// The reliability flags of one estimate, sorted and without duplicates.
pub fn reliability_flags(
    statistic: Statistic,
    estimate: f64,
    n: u64,
    deff: Option<f64>,
    df: u64,
    interval: Interval,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    if effective_sample_size(n, deff) < MIN_EFFECTIVE_N {
        flags.push(Flag::LowEffectiveN);
    }
    if df < MIN_DF {
        flags.push(Flag::LowDf);
    }
    if statistic == Statistic::Proportion {
        flags.extend(proportion_width_flags(estimate, interval));
    }
    flags.sort();
    flags.dedup();
    flags
}

/// n / deff, or n when the design effect is missing or not a positive number.
pub fn effective_sample_size(n: u64, deff: Option<f64>) -> f64 {
    // u64 → f64 is exact up to 2^53 respondents, far beyond any survey.
    let n = n as f64;
    match deff {
        Some(deff) if deff > 0.0 && deff.is_finite() => n / deff,
        _ => n,
    }
}

fn proportion_width_flags(estimate: f64, interval: Interval) -> Vec<Flag> {
    let width = interval.width();
    let mut flags = Vec::new();
    if width > MAX_WIDTH {
        flags.push(Flag::WideInterval);
    }
    if estimate > 0.0 && width / estimate > MAX_RELATIVE_WIDTH {
        flags.push(Flag::WideRelativeInterval);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(low: f64, high: f64) -> Interval {
        Interval { low, high }
    }

    #[test]
    fn a_large_precise_proportion_has_no_flags() {
        let flags = reliability_flags(
            Statistic::Proportion,
            0.28,
            1631,
            Some(1.0),
            1630,
            interval(0.26, 0.31),
        );
        assert!(flags.is_empty());
    }

    #[test]
    fn effective_n_divides_by_deff() {
        // 100 respondents with deff 4 are worth 25 < 30; with deff 3, 33.3 ≥ 30.
        let tight = interval(0.4, 0.5);
        let low = reliability_flags(Statistic::Mean, 0.45, 100, Some(4.0), 50, tight);
        assert_eq!(low, vec![Flag::LowEffectiveN]);
        let ok = reliability_flags(Statistic::Mean, 0.45, 100, Some(3.0), 50, tight);
        assert!(ok.is_empty());
        // Exactly 30 is enough (the rule is "below 30").
        assert_eq!(effective_sample_size(60, Some(2.0)), 30.0);
        let edge = reliability_flags(Statistic::Mean, 0.45, 60, Some(2.0), 50, tight);
        assert!(edge.is_empty());
    }

    #[test]
    fn missing_or_invalid_deff_uses_n() {
        for deff in [
            None,
            Some(0.0),
            Some(-1.0),
            Some(f64::NAN),
            Some(f64::INFINITY),
        ] {
            assert_eq!(effective_sample_size(29, deff), 29.0, "{deff:?}");
            assert_eq!(effective_sample_size(40, deff), 40.0, "{deff:?}");
        }
    }

    #[test]
    fn fewer_than_eight_df_is_flagged() {
        let tight = interval(1.0, 2.0);
        assert_eq!(
            reliability_flags(Statistic::Total, 1.5, 500, None, 7, tight),
            vec![Flag::LowDf]
        );
        assert!(reliability_flags(Statistic::Total, 1.5, 500, None, 8, tight).is_empty());
    }

    #[test]
    fn width_rules_apply_to_proportions_only() {
        // Width 0.35 > 0.30; relative 0.35/0.5 = 0.7 ≤ 1.3.
        let wide = interval(0.3, 0.65);
        assert_eq!(
            reliability_flags(Statistic::Proportion, 0.5, 500, None, 100, wide),
            vec![Flag::WideInterval]
        );
        assert!(reliability_flags(Statistic::Mean, 0.5, 500, None, 100, wide).is_empty());
    }

    #[test]
    fn relative_width_is_width_over_the_proportion() {
        // Width 0.07 (not wide), relative 0.07/0.05 = 1.4 > 1.3.
        let flags = reliability_flags(
            Statistic::Proportion,
            0.05,
            500,
            None,
            100,
            interval(0.02, 0.09),
        );
        assert_eq!(flags, vec![Flag::WideRelativeInterval]);
        // Width 0.06, relative 0.06/0.05 = 1.2 ≤ 1.3.
        let flags = reliability_flags(
            Statistic::Proportion,
            0.05,
            500,
            None,
            100,
            interval(0.02, 0.08),
        );
        assert!(flags.is_empty());
    }

    #[test]
    fn zero_proportion_skips_the_relative_rule() {
        // A boundary estimate: [0, 0.026] would be infinitely wide relative to 0.
        let flags = reliability_flags(
            Statistic::Proportion,
            0.0,
            141,
            None,
            140,
            interval(0.0, 0.026),
        );
        assert!(flags.is_empty());
    }

    #[test]
    fn all_flags_come_sorted_and_once() {
        let flags = reliability_flags(
            Statistic::Proportion,
            0.1,
            20,
            Some(1.5),
            3,
            interval(0.0, 0.45),
        );
        assert_eq!(
            flags,
            vec![
                Flag::LowEffectiveN,
                Flag::LowDf,
                Flag::WideInterval,
                Flag::WideRelativeInterval
            ]
        );
    }

    #[test]
    fn undefined_estimates_raise_no_width_flags() {
        let nan = interval(f64::NAN, f64::NAN);
        assert!(reliability_flags(Statistic::Proportion, f64::NAN, 500, None, 50, nan).is_empty());
        let flags = reliability_flags(
            Statistic::Proportion,
            f64::NAN,
            500,
            None,
            50,
            interval(0.0, 1.0),
        );
        assert_eq!(flags, vec![Flag::WideInterval]);
    }
}
