//! Change between survey waves, linear trend over waves, and the verdicts the annual evaluation
//! of the action plan reads from them (improved / worsened, target met / not met).
//!
//! Waves are independent samples, so variances add and a trend is an inverse-variance weighted
//! regression with known variances: the design-based SEs are taken as exact, and tests use the
//! normal distribution (no residual-based rescaling, which with a handful of waves would mostly
//! measure noise and would count the sampling error twice).

use serde::{Deserialize, Serialize};

use super::ci::{Interval, critical_value};

/// Two-sided p-value below which a change or trend is called significant.
const SIGNIFICANCE: f64 = 0.05;
/// Fewest waves a linear trend is fitted to.
const MIN_TREND_POINTS: usize = 3;

/// One wave's estimate and its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Point {
    pub estimate: f64,
    pub se: f64,
}

/// Later minus earlier, with its SE, interval and two-sided normal test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Change {
    pub difference: f64,
    pub se: f64,
    pub interval: Interval,
    pub z: f64,
    pub p_value: f64,
    pub significant: bool,
}

/// Weighted least-squares slope per unit of time (per year when times are years).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Trend {
    pub slope: f64,
    pub se: f64,
    pub interval: Interval,
    pub z: f64,
    pub p_value: f64,
    pub significant: bool,
    pub points: usize,
}

/// Why no trend could be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum TrendError {
    /// Fewer than three waves.
    TooFewPoints { points: usize },
    /// A wave whose time or estimate is not finite, or whose SE is not a positive finite number
    /// (an SE of 0, e.g. a boundary proportion, would get infinite weight; an infinite one none).
    InvalidPoint { index: usize },
    /// Every wave has the same time, so there is no slope.
    ConstantTime,
}

impl std::fmt::Display for TrendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrendError::TooFewPoints { points } => write!(
                f,
                "a trend needs at least {MIN_TREND_POINTS} waves, got {points}"
            ),
            TrendError::InvalidPoint { index } => write!(
                f,
                "wave {index} needs a finite time and estimate and a positive finite standard error"
            ),
            TrendError::ConstantTime => write!(f, "all waves have the same time"),
        }
    }
}

impl std::error::Error for TrendError {}

/// Which way an indicator should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    LowerIsBetter,
    HigherIsBetter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Improved,
    Worsened,
    NoSignificantChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Met,
    NotMet,
    Inconclusive,
}

/// later − earlier for independent samples: SE = √(se₁² + se₂²), interval difference ± z·SE,
/// two-sided normal p-value. The sign of an SE is ignored (only its square enters).
pub fn change(earlier: Point, later: Point, level: f64) -> Change {
    let difference = later.estimate - earlier.estimate;
    let se = earlier.se.hypot(later.se);
    let test = z_test(difference, se, level);
    Change {
        difference,
        se,
        interval: test.interval,
        z: test.z,
        p_value: test.p_value,
        significant: test.significant,
    }
}

/// Inverse-variance weighted least-squares slope of estimate on time (w = 1/se²):
/// slope = Σw(x−x̄)(y−ȳ) / Σw(x−x̄)² with weighted means, SE = √(1 / Σw(x−x̄)²).
pub fn linear_trend(points: &[(f64, Point)], level: f64) -> Result<Trend, TrendError> {
    if points.len() < MIN_TREND_POINTS {
        return Err(TrendError::TooFewPoints {
            points: points.len(),
        });
    }
    let weighted = weighted_points(points)?;
    let first_time = weighted[0].time;
    if weighted.iter().all(|p| p.time == first_time) {
        return Err(TrendError::ConstantTime);
    }
    let total_weight: f64 = weighted.iter().map(|p| p.weight).sum();
    let mean_time = weighted.iter().map(|p| p.weight * p.time).sum::<f64>() / total_weight;
    let mean_estimate = weighted.iter().map(|p| p.weight * p.estimate).sum::<f64>() / total_weight;
    let spread: f64 = weighted
        .iter()
        .map(|p| p.weight * (p.time - mean_time).powi(2))
        .sum();
    if !(spread > 0.0 && spread.is_finite()) {
        // Times differ by less than the arithmetic can resolve.
        return Err(TrendError::ConstantTime);
    }
    let co_spread: f64 = weighted
        .iter()
        .map(|p| p.weight * (p.time - mean_time) * (p.estimate - mean_estimate))
        .sum();
    let slope = co_spread / spread;
    let se = (1.0 / spread).sqrt();
    let test = z_test(slope, se, level);
    Ok(Trend {
        slope,
        se,
        interval: test.interval,
        z: test.z,
        p_value: test.p_value,
        significant: test.significant,
        points: weighted.len(),
    })
}

/// Improved or worsened when the change (or slope) is significant and points the better or the
/// worse way; otherwise (including a zero or undefined change) no significant change.
pub fn verdict(direction: Direction, slope_or_difference: f64, significant: bool) -> Verdict {
    if !significant || slope_or_difference.is_nan() || slope_or_difference == 0.0 {
        return Verdict::NoSignificantChange;
    }
    let went_down = slope_or_difference < 0.0;
    match (direction, went_down) {
        (Direction::LowerIsBetter, true) | (Direction::HigherIsBetter, false) => Verdict::Improved,
        _ => Verdict::Worsened,
    }
}

/// Met when the whole interval lies on the better side of the target, not met when it lies
/// wholly on the worse side, inconclusive when it contains the target (or is undefined).
pub fn target_status(direction: Direction, interval: Interval, target: f64) -> TargetStatus {
    if interval.low.is_nan() || interval.high.is_nan() || target.is_nan() {
        return TargetStatus::Inconclusive;
    }
    // Tolerate reversed ends rather than misjudge them.
    let low = interval.low.min(interval.high);
    let high = interval.low.max(interval.high);
    if low <= target && target <= high {
        return TargetStatus::Inconclusive;
    }
    let entirely_below = high < target;
    match (direction, entirely_below) {
        (Direction::LowerIsBetter, true) | (Direction::HigherIsBetter, false) => TargetStatus::Met,
        _ => TargetStatus::NotMet,
    }
}

struct WeightedPoint {
    time: f64,
    estimate: f64,
    weight: f64,
}

fn weighted_points(points: &[(f64, Point)]) -> Result<Vec<WeightedPoint>, TrendError> {
    points
        .iter()
        .enumerate()
        .map(|(index, &(time, point))| {
            let weight = 1.0 / (point.se * point.se);
            let usable = time.is_finite()
                && point.estimate.is_finite()
                && point.se > 0.0
                && point.se.is_finite()
                && weight.is_finite();
            if usable {
                Ok(WeightedPoint {
                    time,
                    estimate: point.estimate,
                    weight,
                })
            } else {
                Err(TrendError::InvalidPoint { index })
            }
        })
        .collect()
}

struct ZTest {
    interval: Interval,
    z: f64,
    p_value: f64,
    significant: bool,
}

/// Two-sided normal test of value = 0 and the interval value ± z_{1−α/2}·se.
fn z_test(value: f64, se: f64, level: f64) -> ZTest {
    let z = if se == 0.0 && value == 0.0 {
        // No difference and no uncertainty: nothing to reject.
        0.0
    } else {
        value / se
    };
    let p_value = two_sided_p(z);
    let interval = if se == 0.0 {
        Interval {
            low: value,
            high: value,
        }
    } else {
        // The normal quantile is t with infinite df.
        let half_width = critical_value(f64::INFINITY, level) * se;
        Interval {
            low: value - half_width,
            high: value + half_width,
        }
    };
    ZTest {
        interval,
        z,
        p_value,
        significant: p_value < SIGNIFICANCE,
    }
}

/// P(|Z| > |z|) = erfc(|z|/√2) (statrs's erfc: about 1e-10 relative, ample for a p-value).
fn two_sided_p(z: f64) -> f64 {
    statrs::function::erf::erfc(z.abs() / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tolerance: f64) -> bool {
        (got - want).abs() <= tolerance * want.abs().max(1e-300)
    }

    fn point(estimate: f64, se: f64) -> Point {
        Point { estimate, se }
    }

    #[test]
    fn change_between_two_waves() {
        // 0.30 (se 0.02) → 0.25 (se 0.015): difference −0.05, SE √(0.0004 + 0.000225) = 0.025,
        // z = −2, p = erfc(√2) = 0.0455002638963584 (mpmath), interval −0.05 ± 1.959964·0.025.
        let result = change(point(0.30, 0.02), point(0.25, 0.015), 0.95);
        assert!(close(result.difference, -0.05, 1e-14));
        assert!(close(result.se, 0.025, 1e-14));
        assert!(close(result.z, -2.0, 1e-13));
        assert!(close(result.p_value, 0.0455002638963584, 1e-9));
        assert!(close(result.interval.low, -0.0989990996135013, 1e-13));
        assert!(close(result.interval.high, -0.0010009003864987, 1e-11));
        assert!(result.significant);
        assert_eq!(
            verdict(
                Direction::LowerIsBetter,
                result.difference,
                result.significant
            ),
            Verdict::Improved
        );
    }

    #[test]
    fn change_uses_the_requested_level_for_the_interval_only() {
        // z_{0.95} = 1.6448536269514729: the 90 % interval is narrower; p is the same.
        let at_95 = change(point(0.30, 0.02), point(0.25, 0.015), 0.95);
        let at_90 = change(point(0.30, 0.02), point(0.25, 0.015), 0.90);
        assert!(close(
            at_90.interval.low,
            -0.05 - 1.6448536269514729 * 0.025,
            1e-13
        ));
        assert_eq!(at_90.p_value, at_95.p_value);
    }

    #[test]
    fn change_without_uncertainty() {
        let same = change(point(0.3, 0.0), point(0.3, 0.0), 0.95);
        assert_eq!((same.z, same.p_value, same.significant), (0.0, 1.0, false));
        assert_eq!(
            same.interval,
            Interval {
                low: 0.0,
                high: 0.0
            }
        );
        let moved = change(point(0.3, 0.0), point(0.4, 0.0), 0.95);
        assert!(moved.significant && moved.p_value == 0.0 && moved.z == f64::INFINITY);
        let undefined = change(point(f64::NAN, 0.1), point(0.4, 0.1), 0.95);
        assert!(undefined.p_value.is_nan() && !undefined.significant);
    }

    #[test]
    fn weighted_trend_by_hand() {
        // x = 0, 1, 2; se 0.05, 0.1, 0.1 → w = 400, 100, 100; y = 0.5, 0.4, 0.2.
        // x̄ = 300/600 = 0.5, ȳ = 260/600; Σw(x−x̄)² = 100 + 25 + 225 = 350;
        // Σw(x−x̄)(y−ȳ) = −40/3 − 5/3 − 35 = −50 → slope −1/7 (unweighted OLS: −0.15).
        // SE = √(1/350) = 0.0534522483824849; z = −2.67261241912424; p = 0.00752631516645789
        // (mpmath); interval −1/7 ± 1.959964·SE = [−0.247621624579503, −0.0380926611347831].
        let points = [
            (2021.0, point(0.5, 0.05)),
            (2022.0, point(0.4, 0.1)),
            (2023.0, point(0.2, 0.1)),
        ];
        let trend = linear_trend(&points, 0.95).expect("three valid waves");
        assert!(close(trend.slope, -1.0 / 7.0, 1e-12));
        assert!(close(trend.se, 0.0534522483824849, 1e-13));
        assert!(close(trend.z, -2.67261241912424, 1e-12));
        assert!(close(trend.p_value, 0.00752631516645789, 1e-9));
        assert!(close(trend.interval.low, -0.247621624579503, 1e-12));
        assert!(close(trend.interval.high, -0.0380926611347831, 1e-11));
        assert!(trend.significant);
        assert_eq!(trend.points, 3);
        assert_eq!(
            verdict(Direction::HigherIsBetter, trend.slope, trend.significant),
            Verdict::Worsened
        );
    }

    #[test]
    fn equal_weights_give_ordinary_least_squares() {
        // x = 0..3, se 0.1 (w 100): Σw(x−x̄)² = 100·5 = 500, Σw(x−x̄)(y−ȳ) = −15 → slope −0.03,
        // SE = √(1/500) = 0.0447213595499958, z = −0.670820393249937, p = 0.502334954360502.
        let points: Vec<(f64, Point)> = [0.40, 0.38, 0.35, 0.31]
            .iter()
            .enumerate()
            .map(|(i, &y)| (i as f64, point(y, 0.1)))
            .collect();
        let trend = linear_trend(&points, 0.95).expect("four valid waves");
        assert!(close(trend.slope, -0.03, 1e-12));
        assert!(close(trend.se, 0.0447213595499958, 1e-13));
        assert!(close(trend.p_value, 0.502334954360502, 1e-9));
        assert!(!trend.significant);
        assert_eq!(
            verdict(Direction::LowerIsBetter, trend.slope, trend.significant),
            Verdict::NoSignificantChange
        );
    }

    #[test]
    fn trend_errors() {
        let two = [(2020.0, point(0.3, 0.01)), (2021.0, point(0.2, 0.01))];
        assert_eq!(
            linear_trend(&two, 0.95),
            Err(TrendError::TooFewPoints { points: 2 })
        );
        for bad in [0.0, -0.01, f64::NAN, f64::INFINITY, 1e-200] {
            let points = [
                (2020.0, point(0.3, 0.01)),
                (2021.0, point(0.2, bad)),
                (2022.0, point(0.1, 0.01)),
            ];
            assert_eq!(
                linear_trend(&points, 0.95),
                Err(TrendError::InvalidPoint { index: 1 }),
                "se {bad}"
            );
        }
        let no_time = [
            (f64::NAN, point(0.3, 0.01)),
            (2021.0, point(0.2, 0.01)),
            (2022.0, point(0.1, 0.01)),
        ];
        assert_eq!(
            linear_trend(&no_time, 0.95),
            Err(TrendError::InvalidPoint { index: 0 })
        );
        let same_year = [
            (2021.0, point(0.3, 0.01)),
            (2021.0, point(0.2, 0.01)),
            (2021.0, point(0.1, 0.01)),
        ];
        assert_eq!(
            linear_trend(&same_year, 0.95),
            Err(TrendError::ConstantTime)
        );
        assert_eq!(
            TrendError::TooFewPoints { points: 2 }.to_string(),
            "a trend needs at least 3 waves, got 2"
        );
    }

    #[test]
    fn verdicts() {
        use Direction::*;
        assert_eq!(verdict(LowerIsBetter, -0.1, true), Verdict::Improved);
        assert_eq!(verdict(LowerIsBetter, 0.1, true), Verdict::Worsened);
        assert_eq!(verdict(HigherIsBetter, 0.1, true), Verdict::Improved);
        assert_eq!(verdict(HigherIsBetter, -0.1, true), Verdict::Worsened);
        assert_eq!(
            verdict(HigherIsBetter, 0.1, false),
            Verdict::NoSignificantChange
        );
        assert_eq!(
            verdict(HigherIsBetter, 0.0, true),
            Verdict::NoSignificantChange
        );
        assert_eq!(
            verdict(LowerIsBetter, f64::NAN, true),
            Verdict::NoSignificantChange
        );
    }

    #[test]
    fn target_statuses() {
        use Direction::*;
        let interval = Interval {
            low: 0.20,
            high: 0.26,
        };
        assert_eq!(
            target_status(LowerIsBetter, interval, 0.30),
            TargetStatus::Met
        );
        assert_eq!(
            target_status(LowerIsBetter, interval, 0.15),
            TargetStatus::NotMet
        );
        assert_eq!(
            target_status(HigherIsBetter, interval, 0.15),
            TargetStatus::Met
        );
        assert_eq!(
            target_status(HigherIsBetter, interval, 0.30),
            TargetStatus::NotMet
        );
        assert_eq!(
            target_status(LowerIsBetter, interval, 0.25),
            TargetStatus::Inconclusive
        );
        // An end on the target is still compatible with it.
        assert_eq!(
            target_status(HigherIsBetter, interval, 0.20),
            TargetStatus::Inconclusive
        );
        let undefined = Interval {
            low: f64::NAN,
            high: 0.3,
        };
        assert_eq!(
            target_status(LowerIsBetter, undefined, 0.5),
            TargetStatus::Inconclusive
        );
        let reversed = Interval {
            low: 0.26,
            high: 0.20,
        };
        assert_eq!(
            target_status(LowerIsBetter, reversed, 0.30),
            TargetStatus::Met
        );
    }

    #[test]
    fn serialises_in_snake_case() {
        let json = |value: serde_json::Result<String>| value.ok().unwrap_or_default();
        assert_eq!(
            json(serde_json::to_string(&Verdict::NoSignificantChange)),
            r#""no_significant_change""#
        );
        assert_eq!(
            json(serde_json::to_string(&TargetStatus::NotMet)),
            r#""not_met""#
        );
        assert_eq!(
            json(serde_json::to_string(&Direction::LowerIsBetter)),
            r#""lower_is_better""#
        );
        assert_eq!(
            json(serde_json::to_string(&TrendError::TooFewPoints {
                points: 2
            })),
            r#"{"error":"too_few_points","points":2}"#
        );
        let result = change(point(0.30, 0.02), point(0.25, 0.015), 0.95);
        let value = serde_json::to_value(result).unwrap_or_default();
        assert!(value.get("p_value").is_some() && value.get("interval").is_some());
    }
}
