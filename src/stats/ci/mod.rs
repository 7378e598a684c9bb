//! Confidence intervals for survey estimates (DESIGN.md "Statistical semantics") and the accurate
//! Student t and beta quantiles they rest on.
//!
//! Every function here is total: NaN, infinite, negative or otherwise degenerate inputs give a
//! documented value (often NaN, which serde_json writes as `null`) and never panic.
//!
//! Degenerate inputs, in one place:
//! - `level` is clamped into [0, 1]: level 0 gives critical value 0, level 1 an infinite one
//!   (the whole line, or [0, 1] for the logit, beta and Wilson intervals). NaN level → NaN interval.
//! - `df` below 1 (including ≤ 0 and NaN) is treated as 1: a design has at least one degree of
//!   freedom when it has any, and t₁ is the widest t with an integer df, so the fallback errs on
//!   the side of wide intervals. The same holds for the `n − 1` of the Korn–Graubard ratio when
//!   n < 2 (a fractional 0 < n − 1 < 1 would give an absurdly large t and a near-zero-width
//!   interval). Fractional df ≥ 1 and infinite df are used as given (∞ → normal quantile).
//!   `t_quantile` itself follows R instead: any df > 0, NaN for df ≤ 0.
//! - `se` = 0 (with 0 < p̂ < 1 for proportions) → zero-width interval at the estimate, every method.
//! - `se` that is NaN or negative → NaN interval (an SE is never negative; this is a caller bug and
//!   must stay visible). `se` = ∞ → the widest interval of the method.
//! - p̂ outside [0, 1] or NaN → NaN interval. p̂ exactly 0 or 1 → the boundary interval.
//! - An effective sample size that is NaN or ≤ 0 carries no information → [0, 1].

mod incomplete_beta;
mod proportion;
mod quantile;
#[cfg(test)]
mod tests;
mod wide;

use serde::{Deserialize, Serialize};

use super::types::CiMethod;
use quantile::t_upper_quantile;

pub use proportion::{
    beta_interval, boundary_interval, boundary_n, effective_n, korn_graubard_n, logit_interval,
    wald_interval, wilson_interval,
};
pub use quantile::{beta_quantile, normal_quantile, t_quantile};

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    fn nan() -> Self {
        Interval {
            low: f64::NAN,
            high: f64::NAN,
        }
    }

    fn point(value: f64) -> Self {
        Interval {
            low: value,
            high: value,
        }
    }

    /// The whole range a proportion can take: what an interval says when the data say nothing.
    fn unit() -> Self {
        Interval {
            low: 0.0,
            high: 1.0,
        }
    }

    /// high − low (NaN when either end is undefined).
    pub fn width(&self) -> f64 {
        self.high - self.low
    }

    /// Whether `value` lies in the closed interval (false when anything is NaN).
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// A proportion's interval and whether the boundary rule (p̂ exactly 0 or 1) produced it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ProportionInterval {
    pub interval: Interval,
    pub boundary: bool,
}

// ---------------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------------

/// The interval of a proportion `p` with standard error `se`, `n` respondents and `df` design
/// degrees of freedom, by `method`; p̂ exactly 0 or 1 follows the boundary rule for every method.
pub fn proportion_interval(
    method: CiMethod,
    p: f64,
    se: f64,
    n: f64,
    df: f64,
    level: f64,
) -> ProportionInterval {
    if se.is_nan() || se < 0.0 || !is_proportion(p) {
        return ProportionInterval {
            interval: Interval::nan(),
            boundary: false,
        };
    }
    if p == 0.0 || p == 1.0 {
        return ProportionInterval {
            interval: boundary_interval(p, n, df, level),
            boundary: true,
        };
    }
    let interval = match method {
        CiMethod::Wald => wald_interval(p, se, critical_value(df, level)),
        CiMethod::Logit | CiMethod::Xlogit => logit_interval(p, se, critical_value(df, level)),
        CiMethod::Beta => beta_interval(p, korn_graubard_n(p, se, n, df, level), level),
        CiMethod::Wilson => wilson_interval(
            p,
            // The svy-style Wilson interval uses the t-ratio-adjusted n*; the reference cases
            // agree with this to 1e-14 (and not with the unadjusted `effective_n`).
            korn_graubard_n(p, se, n, df, level),
            critical_value(df, level),
        ),
    };
    ProportionInterval {
        interval: covering(interval, p),
        boundary: false,
    }
}

/// Every method's interval contains p̂ in exact arithmetic; this undoes rounding (logit and back,
/// a quantile solved to the last bit) that can leave p̂ one ulp outside a near-zero-width interval.
fn covering(interval: Interval, p: f64) -> Interval {
    Interval {
        low: if interval.low > p { p } else { interval.low },
        high: if interval.high < p { p } else { interval.high },
    }
}

/// estimate ± t_{df, 1−α/2}·SE, the interval of means and totals.
pub fn symmetric_interval(estimate: f64, se: f64, df: f64, level: f64) -> Interval {
    plus_minus(estimate, se, critical_value(df, level))
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/// t_{df, 1−α/2} with α = 1 − level, after the df and level fallbacks of the module comment.
pub fn critical_value(df: f64, level: f64) -> f64 {
    match tail_of_level(level) {
        Some(tail) => t_upper_quantile(usable_df(df), tail),
        None => f64::NAN,
    }
}

fn plus_minus(estimate: f64, se: f64, t: f64) -> Interval {
    if se.is_nan() || se < 0.0 || estimate.is_nan() || t.is_nan() {
        return Interval::nan();
    }
    if se == 0.0 || t == 0.0 {
        // No sampling error (or level 0): the interval is the estimate (avoids 0·∞).
        return Interval::point(estimate);
    }
    let half_width = t * se;
    Interval {
        low: estimate - half_width,
        high: estimate + half_width,
    }
}

/// α/2 for a confidence level, level clamped into [0, 1]; None for NaN.
fn tail_of_level(level: f64) -> Option<f64> {
    if level.is_nan() {
        return None;
    }
    Some((1.0 - level.clamp(0.0, 1.0)) / 2.0)
}

/// df used for an interval's t quantile: below 1 (or NaN) → 1 (see the module comment).
fn usable_df(df: f64) -> f64 {
    if df >= 1.0 { df } else { 1.0 }
}

fn is_proportion(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

/// Relative error of `got` against `want` within `tolerance` (absolute when `want` is 0).
#[cfg(test)]
fn assert_close(got: f64, want: f64, tolerance: f64, what: &str) {
    let error = if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    };
    assert!(
        error <= tolerance,
        "{what}: got {got:e}, want {want:e}, relative error {error:e}"
    );
}
