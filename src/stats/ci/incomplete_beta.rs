//! The regularized incomplete beta function I_x(a, b) (both tails, each to its own relative
//! accuracy) and its inverse, on which the beta quantiles and the Korn–Graubard interval rest.

use super::wide::Wide;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tail {
    Lower,
    Upper,
}

/// Both tails of Beta(a, b) at a point: lower = I_x(a, b), upper = 1 − I_x(a, b).
#[derive(Debug, Clone, Copy)]
pub(super) struct Tails {
    pub(super) lower: f64,
    pub(super) upper: f64,
    /// The density at the point, for Newton steps.
    pub(super) density: f64,
}

impl Tails {
    pub(super) fn of(&self, tail: Tail) -> f64 {
        match tail {
            Tail::Lower => self.lower,
            Tail::Upper => self.upper,
        }
    }
}

/// Both tails of Beta(a, b) at x, for a, b > 0 and finite.
///
/// The continued fraction runs on the side where it converges, and the tail it returns is the
/// smaller one, so each tail is accurate relative to itself, not just to 1. Its arithmetic is
/// double-double: with a large shape the fraction's first terms nearly cancel (1 − (a+b)x/(a+1)
/// is O(1/a)), which in plain f64 costs as many digits as the shape has — 1e-8 at shape 1e8.
pub(super) fn beta_tails(a: f64, b: f64, x: f64) -> Tails {
    if x <= 0.0 {
        return Tails {
            lower: 0.0,
            upper: 1.0,
            density: if a < 1.0 { f64::INFINITY } else { 0.0 },
        };
    }
    if x >= 1.0 {
        return Tails {
            lower: 1.0,
            upper: 0.0,
            density: if b < 1.0 { f64::INFINITY } else { 0.0 },
        };
    }
    let x_wide = Wide::from(x);
    let y_wide = Wide::from(1.0).sub(x_wide); // exact: 1 − x in double-double
    let log_kernel = log_beta_kernel(a, b, x_wide, y_wide);
    let density = (log_kernel - wide_ln(x_wide) - wide_ln(y_wide)).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        let lower = (log_kernel.exp() / a) * beta_continued_fraction(a, b, x_wide);
        Tails {
            lower,
            upper: 1.0 - lower,
            density,
        }
    } else {
        let upper = (log_kernel.exp() / b) * beta_continued_fraction(b, a, y_wide);
        Tails {
            lower: 1.0 - upper,
            upper,
            density,
        }
    }
}

/// ln(x^a y^b / B(a, b)) with y = 1 − x, written around the mode x₀ = a/(a+b) so that nothing
/// large cancels: a·ln(x/x₀) + b·ln(y/y₀) = a·φ(u) + b·φ(w) with u = x/x₀ − 1, w = y/y₀ − 1 and
/// φ(u) = ln(1+u) − u (the linear parts a·u + b·w cancel exactly), plus ½·ln(ab/(2π(a+b))) and
/// the Stirling corrections of the three gamma functions.
pub(super) fn log_beta_kernel(a: f64, b: f64, x: Wide, y: Wide) -> f64 {
    let total = Wide::sum(a, b);
    let x0 = Wide::from(a).div(total);
    let y0 = Wide::from(b).div(total);
    let distance = x.sub(x0).value();
    let u = distance / x0.value();
    let w = -distance / y0.value();
    let shape_terms = a * log_ratio_minus_linear(x, x0, u) + b * log_ratio_minus_linear(y, y0, w);
    let scale = 0.5 * (a.ln() + b.ln() - total.value().ln() - (2.0 * std::f64::consts::PI).ln());
    shape_terms + scale - (stirling_error(a) + stirling_error(b) - stirling_error(total.value()))
}

/// ln(v/v₀) − u with u = v/v₀ − 1 given separately: the series in u near v₀, where the two
/// parts cancel; logarithms of v and v₀ far from it, where 1 + u would have lost v to rounding.
pub(super) fn log_ratio_minus_linear(v: Wide, v0: Wide, u: f64) -> f64 {
    if u.abs() >= 0.25 {
        return (wide_ln(v) - wide_ln(v0)) - u;
    }
    log1p_minus(u)
}

/// ln(1 + u) − u for |u| < ¼ by its series −u²/2 + u³/3 − …
pub(super) fn log1p_minus(u: f64) -> f64 {
    let mut power = u * u;
    let mut sum = 0.0;
    for k in 2..80 {
        let term = power / f64::from(k);
        if k % 2 == 0 {
            sum -= term;
        } else {
            sum += term;
        }
        if term.abs() <= 1e-18 * sum.abs() {
            break;
        }
        power *= u;
    }
    sum
}

/// ln of a double-double to f64 accuracy (the low part enters to first order).
pub(super) fn wide_ln(v: Wide) -> f64 {
    v.hi.ln() + v.lo / v.hi
}

/// δ(z) = ln Γ(z) − [(z − ½)ln z − z + ½ ln 2π], the error of Stirling's formula (z > 0).
pub(super) fn stirling_error(z: f64) -> f64 {
    const SERIES_FROM: f64 = 10.0;
    if z.is_nan() || z <= 0.0 {
        // Outside the domain; also keeps the shift loop below finite.
        return f64::NAN;
    }
    if z >= SERIES_FROM {
        return stirling_series(z);
    }
    // ln Γ(z) = ln Γ(z + k) − ln(z (z+1) … (z+k−1)); shift into the series' range.
    let mut shifted = z;
    let mut product = 1.0;
    let mut steps = 0.0;
    while shifted < SERIES_FROM {
        product *= shifted;
        shifted += 1.0;
        steps += 1.0;
    }
    stirling_series(shifted) + (shifted - 0.5) * shifted.ln()
        - (z - 0.5) * z.ln()
        - steps
        - product.ln()
}

/// The asymptotic series of δ(z) for z ≥ 10 (truncation error below 1e-17 there).
pub(super) fn stirling_series(z: f64) -> f64 {
    const COEFFICIENTS: [f64; 7] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360360.0,
        1.0 / 156.0,
    ];
    let inverse_square = 1.0 / (z * z);
    let polynomial = COEFFICIENTS
        .iter()
        .rev()
        .fold(0.0, |acc, &c| acc * inverse_square + c);
    polynomial / z
}

/// The continued fraction of I_x(a, b)·a·B(a, b)/(x^a y^b), modified Lentz method in
/// double-double; it converges for x < (a+1)/(a+b+2), fast away from that point.
pub(super) fn beta_continued_fraction(a: f64, b: f64, x: Wide) -> f64 {
    // Near the mode convergence takes O(√min(a, b)) terms; the cap is far above any realistic
    // need and only stops a pathological call from running on.
    const MAX_TERMS: u32 = 1_000_000;
    const TINY: f64 = 1e-300;
    let guard = |v: Wide| {
        if v.hi.abs() < TINY {
            Wide::from(TINY)
        } else {
            v
        }
    };
    let one = Wide::from(1.0);
    let a_wide = Wide::from(a);
    let b_wide = Wide::from(b);
    let total = Wide::sum(a, b);

    let mut c = one;
    let mut d = one.div(guard(one.sub(total.mul(x).div(a_wide.add_f64(1.0)))));
    let mut fraction = d;
    for m in 1..=MAX_TERMS {
        let m = f64::from(m);
        let even = Wide::from(m)
            .mul(b_wide.add_f64(-m))
            .mul(x)
            .div(a_wide.add_f64(2.0 * m - 1.0).mul(a_wide.add_f64(2.0 * m)));
        d = one.div(guard(one.add(even.mul(d))));
        c = guard(one.add(even.div(c)));
        fraction = fraction.mul(d).mul(c);
        let odd = a_wide
            .add_f64(m)
            .mul(total.add_f64(m))
            .mul(x)
            .div(a_wide.add_f64(2.0 * m).mul(a_wide.add_f64(2.0 * m + 1.0)))
            .neg();
        d = one.div(guard(one.add(odd.mul(d))));
        c = guard(one.add(odd.div(c)));
        let step = d.mul(c);
        fraction = fraction.mul(step);
        if step.sub(one).hi.abs() <= 1e-18 || !fraction.hi.is_finite() {
            break;
        }
    }
    fraction.value()
}

/// v in [0, 1] with P(V < v) (Lower) or P(V > v) (Upper) equal to `target` for V ~ Beta(a, b),
/// a, b > 0 finite.
///
/// Newton's method on ln(tail) against ln v (exact for the power-law ends of the beta, and
/// quadratic near the root everywhere), kept inside a shrinking bracket; when a step leaves the
/// bracket it is replaced by bisection, geometric while the bracket spans orders of magnitude.
pub(super) fn beta_tail_inverse(a: f64, b: f64, target: f64, tail: Tail) -> f64 {
    const MAX_STEPS: u32 = 400;
    if target.is_nan() || a.is_nan() || b.is_nan() || a < 0.0 || b < 0.0 {
        return f64::NAN;
    }
    if let Some(mass) = degenerate_beta(
        if tail == Tail::Lower {
            target
        } else {
            1.0 - target
        },
        a,
        b,
    ) {
        return mass;
    }
    let (at_zero, at_one) = match tail {
        Tail::Lower => (0.0, 1.0),
        Tail::Upper => (1.0, 0.0),
    };
    if target <= 0.0 {
        return at_zero;
    }
    if target >= 1.0 {
        return at_one;
    }
    if a.min(b) > HUGE_SHAPE {
        return beta_cornish_fisher(a, b, target, tail);
    }
    // A quantile within ~1e-260 of 0 (or 1) is the leading term of the tail in closed form, and
    // the only way to get it right where it underflows.
    let (near_shape, far_shape) = match tail {
        Tail::Lower => (a, b),
        Tail::Upper => (b, a),
    };
    if let Some(log_distance) = far_out_log_quantile(near_shape, far_shape, target) {
        return match tail {
            Tail::Lower => log_distance.exp(),
            Tail::Upper => 1.0 - log_distance.exp(),
        };
    }
    // Bracket [below, above] with tail(below) on the "too small v" side.
    let mut below = 0.0_f64;
    let mut above = 1.0_f64;
    let mut v = a / (a + b);
    let log_target = target.ln();
    for _ in 0..MAX_STEPS {
        let tails = beta_tails(a, b, v);
        let value = tails.of(tail);
        if value == target {
            return v;
        }
        let v_too_small = match tail {
            Tail::Lower => value < target,
            Tail::Upper => value > target,
        };
        if v_too_small {
            below = v;
        } else {
            above = v;
        }
        // d ln(tail) / d ln v
        let slope = match tail {
            Tail::Lower => v * tails.density / value,
            Tail::Upper => -v * tails.density / value,
        };
        let newton = v * ((log_target - value.ln()) / slope).exp();
        // (Subnormal v has too few bits for a relative test; the bracket decides there.)
        if (newton - v).abs() <= 2.0 * f64::EPSILON * v && v >= f64::MIN_POSITIVE {
            // Converged; checked before the bracket, since a step that rounds to v itself sits
            // on the bracket end v has just become.
            return newton.clamp(below, above);
        }
        let next = if newton > below && newton < above {
            newton
        } else {
            bisect(below, above)
        };
        if next == below || next == above {
            // The bracket is down to adjacent doubles.
            return next;
        }
        v = next;
    }
    v
}

/// Shapes beyond which beta quantiles come from the Cornish–Fisher expansion: the continued
/// fraction needs O(√shape) terms there, while the expansion's error, of order shape^{-3/2}
/// standard deviations, is below 1e-13 relative.
pub(super) const HUGE_SHAPE: f64 = 1e7;

/// Cornish–Fisher quantile of Beta(a, b) with skewness and excess-kurtosis terms.
pub(super) fn beta_cornish_fisher(a: f64, b: f64, target: f64, tail: Tail) -> f64 {
    let total = a + b;
    let mean = a / total;
    let sd = (a * b / (total * total * (total + 1.0))).sqrt();
    let skewness = 2.0 * (b - a) * (total + 1.0).sqrt() / ((total + 2.0) * (a * b).sqrt());
    let excess_kurtosis = 6.0 * ((a - b) * (a - b) * (total + 1.0) - a * b * (total + 2.0))
        / (a * b * (total + 2.0) * (total + 3.0));
    let z = match tail {
        Tail::Lower => -normal_upper_quantile(target),
        Tail::Upper => normal_upper_quantile(target),
    };
    let z2 = z * z;
    let w = z + skewness * (z2 - 1.0) / 6.0 + excess_kurtosis * z * (z2 - 3.0) / 24.0
        - skewness * skewness * z * (2.0 * z2 - 5.0) / 36.0;
    (mean + sd * w).clamp(0.0, 1.0)
}

/// Midpoint of a bracket in [0, 1]: arithmetic when the ends are within a factor of 4, else the
/// midpoint of the bit patterns (a geometric mean that also works from 0).
pub(super) fn bisect(below: f64, above: f64) -> f64 {
    if below >= 0.25 * above {
        0.5 * (below + above)
    } else {
        f64::from_bits(below.to_bits() / 2 + above.to_bits() / 2)
    }
}

/// The point-mass limits of Beta(a, b) at zero or infinite shapes (None for a proper beta).
pub(super) fn degenerate_beta(p: f64, a: f64, b: f64) -> Option<f64> {
    let at_zero = a == 0.0 || (b.is_infinite() && a.is_finite());
    let at_one = b == 0.0 || (a.is_infinite() && b.is_finite());
    if a == 0.0 && b == 0.0 {
        return Some(if p < 0.5 {
            0.0
        } else if p > 0.5 {
            1.0
        } else {
            0.5
        });
    }
    if at_zero {
        return Some(0.0);
    }
    if at_one {
        return Some(1.0);
    }
    if a.is_infinite() && b.is_infinite() {
        return Some(0.5);
    }
    None
}

/// z with P(Z > z) = tail, for tail in [0, ½] (larger tails give the negative quantile).
pub(super) fn normal_upper_quantile(tail: f64) -> f64 {
    if tail.is_nan() {
        return f64::NAN;
    }
    if tail <= 0.0 {
        return f64::INFINITY;
    }
    if tail >= 1.0 {
        return f64::NEG_INFINITY;
    }
    // statrs's erfc_inv (Boost's rational approximations) is within 3e-16 of a 40-digit
    // reference over 1e-300 ≤ 2·tail < 2; its erfc is not (1e-10), so no Newton polish.
    std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * tail)
}

/// ln x below which a beta quantile comes from the leading term of its tail.
pub(super) const LOG_FAR_OUT: f64 = -600.0;

/// ln x for I_x(a, b) = target from the leading term x^a/(a·B(a, b)) of the lower tail, when
/// that x is below e^LOG_FAR_OUT and the next term, a(1−b)x/(a+1) relative, is negligible;
/// None otherwise.
pub(super) fn far_out_log_quantile(a: f64, b: f64, target: f64) -> Option<f64> {
    let log_x = (target.ln() + a.ln() + ln_beta(a, b)) / a;
    let next_term_log = log_x + (b - 1.0).abs().max(1.0).ln();
    (log_x < LOG_FAR_OUT && next_term_log < -40.0).then_some(log_x)
}

/// ln B(a, b) through Stirling's formula and its corrections (a, b > 0), arranged so that the
/// large (b − ½)·ln b and (a + b − ½)·ln(a + b) never meet: their difference is taken as
/// −(b − ½)·ln(1 + a/b) − a·ln(a + b) with b the larger shape.
pub(super) fn ln_beta(a: f64, b: f64) -> f64 {
    let (small, large) = if a <= b { (a, b) } else { (b, a) };
    let total = small + large;
    (small - 0.5) * small.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln()
        - small * total.ln()
        - (large - 0.5) * (small / large).ln_1p()
        + stirling_error(small)
        + stirling_error(large)
        - stirling_error(total)
}

#[cfg(test)]
mod tests {
    use super::super::assert_close;
    use super::*;

    #[test]
    fn beta_tails_are_accurate_in_both_directions() {
        // I_x(2, 3) = 1 − (1−x)^3 (1 + 3x) … at x = 0.1: 0.0523 exactly.
        let tails = beta_tails(2.0, 3.0, 0.1);
        assert_close(tails.lower, 0.0523, 1e-14, "lower");
        assert_close(tails.upper, 0.9477, 1e-14, "upper");
        // Far upper tail of Beta(1, 1000) at 0.05: (0.95)^1000, small, kept relative.
        let far = beta_tails(1.0, 1000.0, 0.05);
        assert_close(far.upper, 0.95_f64.powi(1000), 1e-12, "far upper");
    }
}
