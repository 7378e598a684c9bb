//! Quantiles of Student's t, the standard normal and the beta distribution, as R computes them.

use super::incomplete_beta::beta_tails;
use super::incomplete_beta::{
    Tail, beta_tail_inverse, degenerate_beta, far_out_log_quantile, normal_upper_quantile,
};

/// Quantile of Student's t with `df` degrees of freedom (fractional allowed, ∞ = normal), as R's
/// `qt(p, df)`. NaN for NaN arguments, p outside [0, 1] or df ≤ 0; ∓∞ at p = 0 and 1.
pub fn t_quantile(df: f64, p: f64) -> f64 {
    if df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    signed_quantile(p, |tail| t_upper_quantile(df, tail))
}

/// Standard normal quantile, as R's `qnorm(p)`. NaN for p outside [0, 1]; ∓∞ at p = 0 and 1.
pub fn normal_quantile(p: f64) -> f64 {
    signed_quantile(p, normal_upper_quantile)
}

/// Quantile of Beta(a, b), as R's `qbeta(p, a, b)`. NaN for NaN arguments, p outside [0, 1] or a
/// negative shape. Zero and infinite shapes are the point masses R uses: a = 0 or b = ∞ → 0;
/// b = 0 or a = ∞ → 1; a = b = 0 → 0 below p = ½ and 1 above; a = b = ∞ → ½.
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    if p.is_nan() || a.is_nan() || b.is_nan() || !(0.0..=1.0).contains(&p) || a < 0.0 || b < 0.0 {
        return f64::NAN;
    }
    if let Some(mass) = degenerate_beta(p, a, b) {
        return mass;
    }
    if p <= 0.5 {
        beta_tail_inverse(a, b, p, Tail::Lower)
    } else {
        // 1 − p is exact for p ≥ ½, so solving the upper tail loses nothing.
        beta_tail_inverse(a, b, 1.0 - p, Tail::Upper)
    }
}

/// Applies a symmetric distribution's upper-tail quantile to a lower-tail probability p.
pub(super) fn signed_quantile(p: f64, upper_quantile: impl Fn(f64) -> f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p < 0.5 {
        -upper_quantile(p)
    } else {
        // 1 − p is exact for p ≥ ½.
        upper_quantile(1.0 - p)
    }
}

/// t with P(T > t) = tail for T ~ t_df, tail in [0, ½] (df > 0, possibly infinite).
///
/// P(|T| > t) = I_x(df/2, ½) with x = df/(df + t²). When t² ≥ df the small variable is x, else
/// y = 1 − x = t²/(df + t²); solving for the small one keeps t accurate for every df.
pub(super) fn t_upper_quantile(df: f64, tail: f64) -> f64 {
    if tail.is_nan() || df.is_nan() {
        return f64::NAN;
    }
    if tail <= 0.0 {
        return f64::INFINITY;
    }
    if tail >= 0.5 {
        // Not used with larger tails by this module; ½ is the median.
        return if tail == 0.5 { 0.0 } else { f64::NAN };
    }
    let z = normal_upper_quantile(tail);
    if df.is_infinite() {
        return z;
    }
    if df > HUGE_DF {
        // Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5): beyond HUGE_DF its next term,
        // O(z¹¹/df⁵), is below 1e-30 relative for any z a double can reach, so it is exact.
        return t_cornish_fisher(z, df);
    }
    let two_sided = 2.0 * tail;
    let half = 0.5 * df;
    let at_t_squared_equals_df = beta_tails(half, 0.5, 0.5).lower;
    if two_sided <= at_t_squared_equals_df {
        // Heavy tail: t² ≥ df, x = df/(df + t²) ≤ ½.
        if let Some(log_x) = far_out_log_quantile(half, 0.5, two_sided) {
            // x may underflow; t = √(df/x) in logarithms.
            return (0.5 * (df.ln() - log_x)).exp();
        }
        let x = beta_tail_inverse(half, 0.5, two_sided, Tail::Lower);
        (df * (1.0 - x) / x).sqrt()
    } else {
        // t² < df, y = t²/(df + t²) < ½ with P(Beta(½, df/2) > y) = 2·tail.
        let y = beta_tail_inverse(0.5, half, two_sided, Tail::Upper);
        (df * y / (1.0 - y)).sqrt()
    }
}

/// Degrees of freedom beyond which t quantiles come from the Cornish–Fisher expansion.
pub(super) const HUGE_DF: f64 = 1e9;

pub(super) fn t_cornish_fisher(z: f64, df: f64) -> f64 {
    let z2 = z * z;
    let g1 = z * (z2 + 1.0) / 4.0;
    let g2 = z * ((5.0 * z2 + 16.0) * z2 + 3.0) / 96.0;
    let g3 = z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / 384.0;
    let g4 = z * ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) / 92160.0;
    z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

#[cfg(test)]
mod tests {
    use super::super::assert_close;
    use super::super::incomplete_beta::{beta_tails, ln_beta};
    use super::*;
    use proptest::prelude::*;

    // Reference values: R 4.2.2, `sprintf("%.17g", qt(...))` / `qbeta(...)` / `qnorm(...)`.
    #[test]
    fn t_quantile_matches_r() {
        let cases = [
            (10.0, 0.975, 2.228138851986274),
            (1630.0, 0.95, 1.6457889894102617),
            (1.0, 0.975, 12.706204736174694),
            (2.5, 0.975, 3.574654842003692),
            (7.3, 0.995, 3.451031655622184),
            (35.0, 0.025, -2.030107928250343),
            (0.5, 0.9, 10.27032441023428),
            (28.0, 0.975, 2.0484071417952445),
            (3.0, 1e-12, -10331.108244292485),
            // R prints 1.9599663568141066; a 50-digit quadrature (mpmath) gives ...41070.
            (1e6, 0.975, 1.9599663568141066),
        ];
        for (df, p, want) in cases {
            assert_close(t_quantile(df, p), want, 1e-13, &format!("qt({p}, {df})"));
        }
    }

    #[test]
    fn t_quantile_for_huge_and_infinite_df_is_normal_like() {
        // 50-digit quadrature with mpmath: qt(0.975, 1e9) = 1.9599639869123254686.
        assert_close(t_quantile(1e9, 0.975), 1.9599639869123255, 1e-14, "df 1e9");
        // Beyond HUGE_DF: z + (z³ + z)/(4·df) to double precision.
        let z = 1.9599639845400536;
        assert_close(
            t_quantile(1e12, 0.975),
            z + (z * z * z + z) / 4e12,
            1e-15,
            "df 1e12",
        );
        assert_close(t_quantile(f64::INFINITY, 0.975), z, 1e-15, "df ∞");
    }

    #[test]
    fn t_quantile_far_tail_of_fractional_df_is_accurate() {
        // Closed form for tiny x: I_x(a, ½) = x^a/(a·B(a, ½)), computed with mpmath at 40 digits
        // for the double nearest 1 − 1e-7 (whose upper tail is 9.999999994736e-8).
        assert_close(
            t_quantile(0.1, 0.9999999),
            1.6044257141115575e+66,
            1e-12,
            "df 0.1",
        );
        // x itself underflows here; the logarithmic branch gives the mpmath value.
        assert_close(
            t_quantile(0.5, 1e-100),
            -1.02849115631634e+199,
            1e-12,
            "df 0.5",
        );
    }

    #[test]
    fn t_quantile_edges() {
        assert_eq!(t_quantile(5.0, 0.5), 0.0);
        assert_eq!(t_quantile(5.0, 0.0), f64::NEG_INFINITY);
        assert_eq!(t_quantile(5.0, 1.0), f64::INFINITY);
        assert!(t_quantile(0.0, 0.975).is_nan());
        assert!(t_quantile(-3.0, 0.975).is_nan());
        assert!(t_quantile(f64::NAN, 0.975).is_nan());
        assert!(t_quantile(5.0, 1.5).is_nan());
        assert!(t_quantile(5.0, f64::NAN).is_nan());
    }

    #[test]
    fn beta_quantile_matches_r() {
        let cases = [
            // = 1 − 0.025^(1/141) (with 1 − 0.975 as rounded in double precision)
            (0.975, 1.0, 141.0, 0.025822998663865615),
            (0.025, 37.7, 141.3, 0.15423804300690924),
            (0.975, 0.37, 2.9, 0.5569070457250775),
            (0.001, 0.01, 0.1, 1.1832514272919164e-296),
            (0.3, 1e5, 1e5, 0.49941370187173967),
            (0.999, 0.1, 1e8, 3.363676970283678e-08),
            (0.025, 3.0, 1.0, 0.2924017738212866),
            (0.5, 2.5, 2.5, 0.5),
        ];
        for (p, a, b, want) in cases {
            assert_close(
                beta_quantile(p, a, b),
                want,
                1e-12,
                &format!("qbeta({p}, {a}, {b})"),
            );
        }
        let closed_form = 1.0 - (1.0_f64 - 0.975).powf(1.0 / 141.0);
        assert_close(
            beta_quantile(0.975, 1.0, 141.0),
            closed_form,
            1e-14,
            "closed form",
        );
    }

    #[test]
    fn beta_quantile_with_huge_shapes_uses_cornish_fisher_accurately() {
        // R's qbeta, agreeing with a 40-digit mpmath quadrature to 1e-16.
        assert_close(
            beta_quantile(0.025, 2e7, 2e7),
            0.49984505124467565,
            1e-14,
            "2e7",
        );
        assert_close(
            beta_quantile(1e-10, 1.1e7, 1e9),
            0.010859574459137728,
            1e-12,
            "1e-10 tail",
        );
    }

    #[test]
    fn beta_quantile_far_out_in_the_tail() {
        // R: qbeta(0.001, 0.01, 1e8) = 5.6607381750830662e-309 (subnormal, still 15 digits);
        // qbeta(1e-8, 0.01, 0.01) = 0 (the true 1e-770 underflows).
        assert_close(
            beta_quantile(0.001, 0.01, 1e8),
            5.660738175083066e-309,
            1e-12,
            "subnormal",
        );
        assert_eq!(beta_quantile(1e-8, 0.01, 0.01), 0.0);
        assert_eq!(beta_quantile(1.0 - 1e-8, 0.01, 0.01), 1.0);
    }

    #[test]
    fn ln_beta_keeps_its_digits_for_unequal_shapes() {
        // ln Γ(a) + ln Γ(b) − ln Γ(a+b) with mpmath at 40 digits.
        let cases = [
            (0.01, 1e8, 4.415273070651998),
            (2.5, 3.5, -3.301835269962053),
            (0.5, 5e8, -9.442694385018533),
            (1e-5, 0.3, 11.512954717525792),
        ];
        for (a, b, want) in cases {
            assert_close(ln_beta(a, b), want, 1e-14, &format!("lnB({a}, {b})"));
            assert_close(ln_beta(b, a), want, 1e-14, &format!("lnB({b}, {a})"));
        }
    }

    #[test]
    fn beta_quantile_degenerate_shapes_follow_r() {
        assert_eq!(beta_quantile(0.3, 0.0, 2.0), 0.0);
        assert_eq!(beta_quantile(0.3, 2.0, 0.0), 1.0);
        assert_eq!(beta_quantile(0.3, 0.0, 0.0), 0.0);
        assert_eq!(beta_quantile(0.7, 0.0, 0.0), 1.0);
        assert_eq!(beta_quantile(0.3, f64::INFINITY, 2.0), 1.0);
        assert_eq!(beta_quantile(0.3, 2.0, f64::INFINITY), 0.0);
        assert_eq!(beta_quantile(0.3, f64::INFINITY, f64::INFINITY), 0.5);
        assert!(beta_quantile(0.3, -1.0, 2.0).is_nan());
        assert!(beta_quantile(1.3, 1.0, 2.0).is_nan());
        assert!(beta_quantile(f64::NAN, 1.0, 2.0).is_nan());
        assert_eq!(beta_quantile(0.0, 2.0, 3.0), 0.0);
        assert_eq!(beta_quantile(1.0, 2.0, 3.0), 1.0);
    }

    #[test]
    fn normal_quantile_matches_r() {
        assert_close(normal_quantile(0.975), 1.9599639845400536, 1e-15, "0.975");
        assert_close(normal_quantile(1e-10), -6.361340902404056, 1e-15, "1e-10");
        assert_close(
            normal_quantile(0.5 + 1e-9),
            2.506628203738712e-09,
            1e-7,
            "near ½",
        );
        assert_close(normal_quantile(0.95), 1.6448536269514715, 1e-15, "0.95");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn beta_quantile_inverts_the_distribution(
            p in 1e-6..(1.0 - 1e-6),
            a in 0.05..5000.0_f64,
            b in 0.05..5000.0_f64,
        ) {
            let x = beta_quantile(p, a, b);
            let tails = beta_tails(a, b, x);
            // The quantile's own rounding (one ulp of x) moves the tail by x·density·ε.
            let slack = 1e-12 * p + 4.0 * f64::EPSILON * x * tails.density;
            prop_assert!((tails.lower - p).abs() <= slack.max(1e-15), "I_x = {} for p {p}", tails.lower);
        }

        #[test]
        fn t_quantile_is_odd_and_increasing(df in 0.2..1e7_f64, p in 0.0001..0.4999_f64) {
            let low = t_quantile(df, p);
            let high = t_quantile(df, 1.0 - p);
            prop_assert!((low + high).abs() <= 1e-13 * high.abs().max(1.0));
            prop_assert!(t_quantile(df, p * 0.9) < low);
        }
    }
}
