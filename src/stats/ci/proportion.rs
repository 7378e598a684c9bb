//! The interval of a proportion by each method (Wald, logit, Korn–Graubard beta, Wilson) and the
//! boundary rule for p̂ exactly 0 or 1, with the effective sample sizes they use.

use super::incomplete_beta::{Tail, beta_tail_inverse};
use super::quantile::t_upper_quantile;
use super::{Interval, is_proportion, plus_minus, tail_of_level, usable_df};

/// Wald: p̂ ± t·SE (not clipped, as in R).
pub fn wald_interval(p: f64, se: f64, t: f64) -> Interval {
    if !is_proportion(p) {
        return Interval::nan();
    }
    plus_minus(p, se, t)
}

/// Logit (and xlogit): expit(logit p̂ ± t·SE / (p̂(1−p̂))).
pub fn logit_interval(p: f64, se: f64, t: f64) -> Interval {
    if !is_proportion(p) {
        return Interval::nan();
    }
    let on_logit_scale = plus_minus(logit(p), se / (p * (1.0 - p)), t);
    Interval {
        low: expit(on_logit_scale.low),
        high: expit(on_logit_scale.high),
    }
}

/// Korn–Graubard (R's svyciprop "beta"): Clopper–Pearson with x = n*·p̂ successes out of n*,
/// [qbeta(α/2; x, n*−x+1), qbeta(1−α/2; x+1, n*−x)]. Pass n* from [`korn_graubard_n`].
pub fn beta_interval(p: f64, n_star: f64, level: f64) -> Interval {
    let Some(tail) = tail_of_level(level) else {
        return Interval::nan();
    };
    if !is_proportion(p) {
        return Interval::nan();
    }
    if n_star.is_nan() || n_star <= 0.0 {
        return Interval::unit();
    }
    if n_star.is_infinite() {
        return Interval::point(p);
    }
    if p == 0.0 || p == 1.0 {
        // Here n*·(1 − p̂) or n*·p̂ is 0 and the Clopper–Pearson shapes degenerate; the boundary
        // formulas are the limits of the two ends.
        return clopper_pearson_boundary(p, n_star, tail);
    }
    let successes = n_star * p;
    let failures = n_star * (1.0 - p);
    Interval {
        low: beta_tail_inverse(successes, failures + 1.0, tail, Tail::Lower),
        high: beta_tail_inverse(successes + 1.0, failures, tail, Tail::Upper),
    }
}

/// Wilson score interval with effective sample size `n_eff` and critical value `t`:
/// centre (p̂ + t²/(2n))/(1 + t²/n), half-width t/(1 + t²/n)·√(p̂(1−p̂)/n + t²/(4n²)),
/// clipped to [0, 1].
pub fn wilson_interval(p: f64, n_eff: f64, t: f64) -> Interval {
    if !is_proportion(p) || t.is_nan() {
        return Interval::nan();
    }
    if n_eff.is_nan() || n_eff <= 0.0 || t.is_infinite() {
        return Interval::unit();
    }
    let shrink = t * t / n_eff;
    let centre = (p + shrink / 2.0) / (1.0 + shrink);
    let half_width = t / (1.0 + shrink) * (p * (1.0 - p) / n_eff + shrink / (4.0 * n_eff)).sqrt();
    Interval {
        low: (centre - half_width).clamp(0.0, 1.0),
        high: (centre + half_width).clamp(0.0, 1.0),
    }
}

/// Effective sample size of a proportion, p̂(1−p̂)/SE² (∞ when SE is 0, NaN when SE is NaN or
/// negative).
pub fn effective_n(p: f64, se: f64) -> f64 {
    if se.is_nan() || se < 0.0 || !is_proportion(p) {
        return f64::NAN;
    }
    p * (1.0 - p) / (se * se)
}

/// Korn–Graubard effective size n* = p̂(1−p̂)/SE² · (t_{n−1}/t_{df})², t at 1 − α/2.
pub fn korn_graubard_n(p: f64, se: f64, n: f64, df: f64, level: f64) -> f64 {
    effective_n(p, se) * degrees_of_freedom_ratio(n, df, level)
}

/// n* = min(n, n·(t_{n−1}/t_{df})²), the effective size of the boundary rule.
pub fn boundary_n(n: f64, df: f64, level: f64) -> f64 {
    if n.is_nan() {
        return f64::NAN;
    }
    n.min(n * degrees_of_freedom_ratio(n, df, level))
}

/// NCHS Korn–Graubard interval for p̂ exactly 0 or 1: p̂ = 0 → [0, Beta⁻¹(1−α/2; 1, n*)],
/// p̂ = 1 → [Beta⁻¹(α/2; n*, 1), 1], with n* from [`boundary_n`]. Other p̂ → NaN interval.
pub fn boundary_interval(p: f64, n: f64, df: f64, level: f64) -> Interval {
    let Some(tail) = tail_of_level(level) else {
        return Interval::nan();
    };
    if p != 0.0 && p != 1.0 {
        return Interval::nan();
    }
    let n_star = boundary_n(n, df, level);
    if n_star.is_nan() || n_star <= 0.0 {
        return Interval::unit();
    }
    clopper_pearson_boundary(p, n_star, tail)
}

/// Beta⁻¹(1−q; 1, m) = 1 − q^{1/m} and Beta⁻¹(q; m, 1) = q^{1/m} in closed form (accurate
/// where 1 − q^{1/m} is tiny, unlike the subtraction).
pub(super) fn clopper_pearson_boundary(p: f64, n_star: f64, tail: f64) -> Interval {
    let tail_root_log = tail.ln() / n_star;
    if p == 0.0 {
        Interval {
            low: 0.0,
            high: -tail_root_log.exp_m1(),
        }
    } else {
        Interval {
            low: tail_root_log.exp(),
            high: 1.0,
        }
    }
}

/// (t_{n−1}/t_{df})² at 1 − α/2, both df after the fallback of the module comment.
pub(super) fn degrees_of_freedom_ratio(n: f64, df: f64, level: f64) -> f64 {
    let Some(tail) = tail_of_level(level) else {
        return f64::NAN;
    };
    let t_sample = t_upper_quantile(usable_df(n - 1.0), tail);
    let t_design = t_upper_quantile(usable_df(df), tail);
    if t_design == 0.0 || t_design.is_infinite() {
        // level 0 or 1: the ratio of two equal limits; 1 keeps n* = p̂(1−p̂)/SE².
        return 1.0;
    }
    let ratio = t_sample / t_design;
    ratio * ratio
}

pub(super) fn logit(p: f64) -> f64 {
    p.ln() - (-p).ln_1p()
}

pub(super) fn expit(x: f64) -> f64 {
    // Two branches so neither overflows: exp of a large positive number is never taken.
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}
