//! Variances by Taylor linearisation: each domain's scores summed per PSU, the PSU totals'
//! spread within strata (with fpc and lonely-PSU rules), and for calibrated designs the
//! residuals of the scores after the calibration regression (as R's `calibrate()`).
//!
//! Scores: mean `z_i = w_i (y_i − ȳ)/Σw`, total `z_i = w_i y_i`; zero outside the domain.
//! V = Σ_h f_h · n_h/(n_h−1) · Σ_psu (z_psu − z̄_h)².

use super::calibrate::Calibrated;
use super::design::Design;
use super::types::{LonelyPsu, Statistic};

/// Sums over one domain's rows, about `shift` (a value near the mean, so that the squares do not
/// swamp the spread).
#[derive(Debug, Clone, Copy, Default)]
pub struct DomainSums {
    pub n: u64,
    pub w: f64,
    pub wy: f64,
    pub wyy: f64,
    pub shift: f64,
}

impl DomainSums {
    pub fn mean(&self) -> f64 {
        self.shift + self.wy / self.w
    }

    pub fn total(&self) -> f64 {
        self.wy + self.shift * self.w
    }

    /// Weighted variance Σw(y − ȳ)²/Σw.
    pub fn spread(&self) -> f64 {
        ((self.wyy - self.wy * self.wy / self.w) / self.w).max(0.0)
    }
}

/// What estimation needs of the design for one estimate.
pub struct Inputs<'a> {
    pub design: &'a Design,
    pub weights: &'a [f64],
    pub calibrated: Option<&'a Calibrated>,
    pub statistic: Statistic,
    pub y: &'a [f64],
    pub domain_of_row: &'a [Option<u32>],
    pub domains: usize,
}

/// Per domain: its sums, the variance of its estimate and the degrees of freedom.
pub struct Variance {
    pub sums: Vec<DomainSums>,
    pub v: Vec<f64>,
    pub df: Vec<u64>,
}

/// Σz and Σz² per stratum and domain, and which PSUs and strata the domain touches.
struct StratumSums {
    s1: Vec<f64>,
    s2: Vec<f64>,
    touched_psus: Vec<u64>,
    stratum_touched: Vec<bool>,
}

pub fn compute(inputs: &Inputs) -> Variance {
    let (sums, strata) = match inputs.calibrated {
        None => one_pass(inputs),
        Some(cal) => calibrated(inputs, cal),
    };
    let (v, df) = combine(inputs, &strata);
    Variance { sums, v, df }
}

/// Without calibration one pass over the rows, PSU by PSU, gives each domain's sums and, per PSU
/// the domain touches, A = Σw·y and B = Σw over its rows there. Once the domain means are known,
/// each such PSU's score total is z = (A − ȳ·B)/Σw (totals: A), computed exactly from that short
/// list rather than by a second pass over the rows.
fn one_pass(inputs: &Inputs) -> (Vec<DomainSums>, StratumSums) {
    let (design, nd) = (inputs.design, inputs.domains);
    let strata = design.strata();
    // Each domain's sums are taken about its first value, so that a domain whose answers are
    // all alike has exactly zero spread.
    let mut sums = vec![DomainSums::default(); nd];
    let mut started = vec![false; nd];
    // (stratum, domain, A, B) for every PSU and domain it touches; A about the domain's shift.
    let mut touched: Vec<(u32, u32, f64, f64)> = Vec::new();
    let (mut a, mut b) = (vec![0.0; nd], vec![0.0; nd]);
    let mut marked = vec![false; nd];
    let mut hit: Vec<usize> = Vec::new();
    for p in 0..design.psus() {
        let h = design.psu_stratum[p];
        for &row in &design.order[design.psu_start[p] as usize..design.psu_start[p + 1] as usize] {
            let row = row as usize;
            let (Some(d), value) = (inputs.domain_of_row[row], inputs.y[row]) else {
                continue;
            };
            if value.is_nan() {
                continue;
            }
            let d = d as usize;
            if !started[d] {
                started[d] = true;
                sums[d].shift = value;
            }
            let w = inputs.weights[row];
            let centred = value - sums[d].shift;
            if !marked[d] {
                marked[d] = true;
                hit.push(d);
            }
            a[d] += w * centred;
            b[d] += w;
            let s = &mut sums[d];
            s.n += 1;
            s.w += w;
            s.wy += w * centred;
            s.wyy += w * centred * centred;
        }
        for &d in &hit {
            touched.push((h, d as u32, a[d], b[d]));
            a[d] = 0.0;
            b[d] = 0.0;
            marked[d] = false;
        }
        hit.clear();
    }
    let mut s1 = vec![0.0; strata * nd];
    let mut s2 = vec![0.0; strata * nd];
    let mut touched_psus = vec![0u64; nd];
    let mut stratum_touched = vec![false; strata * nd];
    for &(h, d, a, b) in &touched {
        let (h, d) = (h as usize, d as usize);
        let sums = &sums[d];
        let z = match inputs.statistic {
            // A total's score is Σw·y itself.
            Statistic::Total => a + sums.shift * b,
            _ => (a - sums.wy / sums.w * b) / sums.w,
        };
        s1[h * nd + d] += z;
        s2[h * nd + d] += z * z;
        touched_psus[d] += 1;
        stratum_touched[h * nd + d] = true;
    }
    (
        sums,
        StratumSums {
            s1,
            s2,
            touched_psus,
            stratum_touched,
        },
    )
}

/// With calibration, scores are replaced by their residuals from the regression on the
/// calibration cells, which are non-zero in every PSU: a first pass for the domain means and the
/// regression, a second PSU by PSU.
fn calibrated(inputs: &Inputs, cal: &Calibrated) -> (Vec<DomainSums>, StratumSums) {
    let (design, nd) = (inputs.design, inputs.domains);
    let strata = design.strata();
    let p = cal.columns;
    let mut sums = vec![DomainSums::default(); nd];
    let mut sy = vec![0.0; nd * p];
    let mut s = vec![0.0; nd * p];
    for (row, (&value, domain)) in inputs.y.iter().zip(inputs.domain_of_row).enumerate() {
        let Some(d) = domain else { continue };
        if value.is_nan() {
            continue;
        }
        let d = *d as usize;
        let w = inputs.weights[row];
        let sums = &mut sums[d];
        if sums.n == 0 {
            sums.shift = value;
        }
        let centred = value - sums.shift;
        sums.n += 1;
        sums.w += w;
        sums.wy += w * centred;
        sums.wyy += w * centred * centred;
        let base = cal.base_weights[row];
        for &col in cal.columns_of(row) {
            sy[d * p + col as usize] += base * value;
            s[d * p + col as usize] += base;
        }
    }
    // β per domain: the regression of z/w* on the cells, weighted by the design weights.
    let mut beta = vec![0.0; nd * p];
    for d in 0..nd {
        let mean = if sums[d].w > 0.0 { sums[d].mean() } else { 0.0 };
        let rhs: Vec<f64> = (0..p)
            .map(|j| match inputs.statistic {
                Statistic::Total => sy[d * p + j],
                _ if sums[d].w > 0.0 => (sy[d * p + j] - mean * s[d * p + j]) / sums[d].w,
                _ => 0.0,
            })
            .collect();
        beta[d * p..(d + 1) * p].copy_from_slice(&cal.solve(&rhs));
    }
    let mut s1 = vec![0.0; strata * nd];
    let mut s2 = vec![0.0; strata * nd];
    let mut touched_psus = vec![0u64; nd];
    let mut stratum_touched = vec![false; strata * nd];
    let (mut a, mut b) = (vec![0.0; nd], vec![0.0; nd]);
    let mut touched = vec![false; nd];
    let mut cell_weights: Vec<(u32, f64)> = Vec::new();
    for psu in 0..design.psus() {
        let h = design.psu_stratum[psu] as usize;
        for &row in
            &design.order[design.psu_start[psu] as usize..design.psu_start[psu + 1] as usize]
        {
            let row = row as usize;
            for &col in cal.columns_of(row) {
                match cell_weights.iter_mut().find(|(c, _)| *c == col) {
                    Some(entry) => entry.1 += cal.weights[row],
                    None => cell_weights.push((col, cal.weights[row])),
                }
            }
            let (Some(d), value) = (inputs.domain_of_row[row], inputs.y[row]) else {
                continue;
            };
            if value.is_nan() {
                continue;
            }
            let d = d as usize;
            let w = inputs.weights[row];
            a[d] += w * value;
            b[d] += w;
            touched[d] = true;
        }
        for d in 0..nd {
            let score = match inputs.statistic {
                Statistic::Total => a[d],
                _ if sums[d].w > 0.0 => (a[d] - sums[d].mean() * b[d]) / sums[d].w,
                _ => 0.0,
            };
            let fitted: f64 = cell_weights
                .iter()
                .map(|&(col, w)| beta[d * p + col as usize] * w)
                .sum();
            let z = score - fitted;
            s1[h * nd + d] += z;
            s2[h * nd + d] += z * z;
            if touched[d] {
                touched_psus[d] += 1;
                stratum_touched[h * nd + d] = true;
            }
            a[d] = 0.0;
            b[d] = 0.0;
            touched[d] = false;
        }
        cell_weights.clear();
    }
    (
        sums,
        StratumSums {
            s1,
            s2,
            touched_psus,
            stratum_touched,
        },
    )
}

/// V and df per domain from the per-stratum sums.
fn combine(inputs: &Inputs, st: &StratumSums) -> (Vec<f64>, Vec<u64>) {
    let (design, nd) = (inputs.design, inputs.domains);
    let strata = design.strata();
    let mut v = vec![0.0; nd];
    let mut df = vec![0u64; nd];
    for d in 0..nd {
        let touched_strata = (0..strata)
            .filter(|&h| st.stratum_touched[h * nd + d])
            .count() as u64;
        df[d] = st.touched_psus[d].saturating_sub(touched_strata);
        // R's "adjust": a lonely PSU is centred on the mean PSU total over the PSUs in use (all
        // of them in a calibrated design, which keeps every row; else those of the domain).
        let psus_in_use = if inputs.calibrated.is_some() {
            design.psus() as f64
        } else {
            st.touched_psus[d] as f64
        };
        let grand: f64 = (0..strata).map(|h| st.s1[h * nd + d]).sum();
        let lonely_centre = if psus_in_use > 0.0 {
            grand / psus_in_use
        } else {
            0.0
        };
        let mut total = 0.0;
        for h in 0..strata {
            let n_h = f64::from(design.stratum_psus[h]);
            let f = design.stratum_f[h];
            let (t1, t2) = (st.s1[h * nd + d], st.s2[h * nd + d]);
            if n_h >= 2.0 {
                total += f * n_h / (n_h - 1.0) * (t2 - t1 * t1 / n_h).max(0.0);
            } else if design.lonely_psu == LonelyPsu::Adjust
                && (inputs.calibrated.is_some() || st.stratum_touched[h * nd + d])
            {
                total += f * (t1 - lonely_centre).powi(2);
            }
        }
        v[d] = total;
    }
    (v, df)
}
