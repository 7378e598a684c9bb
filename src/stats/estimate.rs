//! Estimation: proportions, means and totals for the whole sample and for domains, with
//! Taylor-linearised standard errors from the design (and calibration), degrees of freedom,
//! design effects, confidence intervals and reliability flags.
//!
//! Domains are estimated as R's `survey` does on a subset design: scores are zero outside the
//! domain and every PSU and stratum of the whole design stays in the variance.

use std::collections::{BTreeMap, HashMap};

use super::calibrate::{Calibrated, calibrate};
use super::ci;
use super::data::{DataError, Dataset};
use super::design::Design;
use super::reliability::reliability_flags;
use super::types::{
    CiMethod, Estimate, EstimateSpec, Flag, LonelyPsu, Request, Response, Statistic,
};

/// Runs every estimate of a request on a data set whose weights are all above 0.
pub fn run(data: &Dataset, request: &Request) -> Result<Response, DataError> {
    run_with(data, request, false)
}

/// [`run`], optionally allowing rows of weight 0: they keep their place in the design (PSUs,
/// strata) but are in no domain, exactly as rows outside a domain.
pub fn run_with(
    data: &Dataset,
    request: &Request,
    allow_zero_weights: bool,
) -> Result<Response, DataError> {
    check_request(request)?;
    let design = Design::from_data(data, &request.design, allow_zero_weights)?;
    let calibrated = match &request.calibration {
        Some(spec) => Some(calibrate(data, &design.weights, spec)?),
        None => None,
    };
    let context = Context {
        design: &design,
        weights: calibrated.as_ref().map_or(&design.weights, |c| &c.weights),
        calibrated: calibrated.as_ref(),
        level: request.confidence_level,
    };
    let mut variables: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut domains: HashMap<&[String], Domains> = HashMap::new();
    for spec in &request.estimates {
        if !variables.contains_key(spec.variable.as_str()) {
            variables.insert(&spec.variable, data.numbers(&spec.variable)?);
        }
        if !domains.contains_key(spec.by.as_slice()) {
            let mut new = Domains::new(data, &spec.by)?;
            new.exclude_weightless(&design.weights);
            new.measure(&design, calibrated.is_some());
            domains.insert(&spec.by, new);
        }
    }
    // Check every proportion variable before computing anything.
    for spec in request
        .estimates
        .iter()
        .filter(|s| s.statistic == Statistic::Proportion)
    {
        if let Some(values) = variables.get(spec.variable.as_str()) {
            check_binary(values, &spec.variable)?;
        }
    }
    let work: Vec<(&EstimateSpec, &[f64], &Domains)> = request
        .estimates
        .iter()
        .filter_map(|spec| {
            let y = variables.get(spec.variable.as_str())?;
            let d = domains.get(spec.by.as_slice())?;
            Some((spec, y.as_slice(), d))
        })
        .collect();
    // Estimates are independent: share them out over the cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, work.len().max(1));
    let chunk = work.len().div_ceil(threads).max(1);
    let results: Vec<Vec<Estimate>> = std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .chunks(chunk)
            .map(|part| {
                let context = &context;
                scope.spawn(move || {
                    part.iter()
                        .flat_map(|(spec, y, d)| context.estimate(spec, y, d))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    Ok(Response {
        estimates: results.into_iter().flatten().collect(),
    })
}

fn check_request(request: &Request) -> Result<(), DataError> {
    let level = request.confidence_level;
    if !(level > 0.0 && level < 1.0) {
        return Err(DataError(format!(
            "request: confidence_level is {level}; it must be between 0 and 1, e.g. 0.95"
        )));
    }
    if request.estimates.is_empty() {
        return Err(DataError("request: `estimates` is empty".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for spec in &request.estimates {
        if spec.id.trim().is_empty() {
            return Err(DataError("request: an estimate has an empty `id`".into()));
        }
        if !seen.insert(spec.id.as_str()) {
            return Err(DataError(format!(
                "request: estimate id `{}` is used twice",
                spec.id
            )));
        }
        if let Some(dup) = spec
            .by
            .iter()
            .enumerate()
            .find(|(i, v)| spec.by[..*i].contains(v))
        {
            return Err(DataError(format!(
                "request: estimate `{}` names `{}` twice in `by`",
                spec.id, dup.1
            )));
        }
    }
    Ok(())
}

fn check_binary(values: &[f64], column: &str) -> Result<(), DataError> {
    match values
        .iter()
        .position(|&v| !(v.is_nan() || v == 0.0 || v == 1.0))
    {
        Some(row) => Err(DataError(format!(
            "line {}: column `{column}` is {}, but a proportion needs 0 or 1 (or an empty cell)",
            row + 2,
            values[row]
        ))),
        None => Ok(()),
    }
}

/// The domains of a breakdown: each row's domain (None when a `by` value is missing) and each
/// domain's values, sorted.
pub struct Domains {
    of_row: Vec<Option<u32>>,
    labels: Vec<BTreeMap<String, String>>,
    /// Rows and degrees of freedom of each domain's subset design (whatever the variable), which
    /// R's `svyciprop` uses for its intervals: `nrow(design)` and `degf(design)`.
    subset: Vec<SubsetSize>,
}

#[derive(Debug, Clone, Copy, Default)]
struct SubsetSize {
    rows: u64,
    df: u64,
}

impl Domains {
    fn new(data: &Dataset, by: &[String]) -> Result<Domains, DataError> {
        let rows = data.rows();
        if by.is_empty() {
            return Ok(Domains {
                of_row: vec![Some(0); rows],
                labels: vec![BTreeMap::new()],
                subset: Vec::new(),
            });
        }
        let columns = by
            .iter()
            .map(|v| data.categories(v))
            .collect::<Result<Vec<_>, _>>()?;
        // Combination → domain, numbered in order of appearance, then sorted by their values.
        let mut index: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut combos: Vec<Vec<u32>> = Vec::new();
        let mut of_row = Vec::with_capacity(rows);
        let mut key = Vec::with_capacity(columns.len());
        for row in 0..rows {
            key.clear();
            let complete = columns.iter().all(|c| match c.codes[row] {
                Some(code) => {
                    key.push(code);
                    true
                }
                None => false,
            });
            if !complete {
                of_row.push(None);
                continue;
            }
            let next = combos.len() as u32;
            let d = *index.entry(key.clone()).or_insert_with(|| {
                combos.push(key.clone());
                next
            });
            of_row.push(Some(d));
        }
        let values = |combo: &[u32]| -> Vec<&str> {
            combo
                .iter()
                .zip(&columns)
                .map(|(&code, c)| c.values[code as usize].as_str())
                .collect()
        };
        let mut sorted: Vec<u32> = (0..combos.len() as u32).collect();
        sorted.sort_by(|&a, &b| {
            let (va, vb) = (values(&combos[a as usize]), values(&combos[b as usize]));
            va.iter()
                .zip(&vb)
                .map(|(x, y)| natural_cmp(x, y))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut rank = vec![0u32; combos.len()];
        for (position, &d) in sorted.iter().enumerate() {
            rank[d as usize] = position as u32;
        }
        let labels = sorted
            .iter()
            .map(|&d| {
                by.iter()
                    .cloned()
                    .zip(values(&combos[d as usize]).into_iter().map(str::to_owned))
                    .collect()
            })
            .collect();
        let of_row = of_row
            .into_iter()
            .map(|d| d.map(|d| rank[d as usize]))
            .collect();
        Ok(Domains {
            of_row,
            labels,
            subset: Vec::new(),
        })
    }

    /// Rows of weight 0 belong to no domain.
    fn exclude_weightless(&mut self, weights: &[f64]) {
        for (domain, &w) in self.of_row.iter_mut().zip(weights) {
            if w == 0.0 {
                *domain = None;
            }
        }
    }

    /// Counts each domain's rows, PSUs and strata in the design. A calibrated design keeps every
    /// row when subset (R sets the others' weights to zero), so its row count is the whole sample.
    fn measure(&mut self, design: &Design, calibrated: bool) {
        let nd = self.len();
        let mut rows = vec![0u64; nd];
        let mut psus = vec![0u64; nd];
        let mut strata = vec![0u64; nd];
        let mut psu_seen = vec![u32::MAX; nd];
        let mut stratum_seen = vec![false; nd * design.strata()];
        for p in 0..design.psus() {
            let h = design.psu_stratum[p] as usize;
            let range = design.psu_start[p] as usize..design.psu_start[p + 1] as usize;
            for &row in &design.order[range] {
                let Some(d) = self.of_row[row as usize] else {
                    continue;
                };
                let d = d as usize;
                rows[d] += 1;
                if psu_seen[d] != p as u32 {
                    psu_seen[d] = p as u32;
                    psus[d] += 1;
                    if !stratum_seen[h * nd + d] {
                        stratum_seen[h * nd + d] = true;
                        strata[d] += 1;
                    }
                }
            }
        }
        let all = design.rows() as u64;
        self.subset = (0..nd)
            .map(|d| SubsetSize {
                rows: if calibrated { all } else { rows[d] },
                df: psus[d].saturating_sub(strata[d]),
            })
            .collect();
    }

    fn len(&self) -> usize {
        self.labels.len()
    }
}

/// Numbers sort as numbers, everything else as text.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    }
}

struct Context<'a> {
    design: &'a Design,
    weights: &'a [f64],
    calibrated: Option<&'a Calibrated>,
    level: f64,
}

/// Sums over one domain's rows.
#[derive(Debug, Clone, Copy, Default)]
struct DomainSums {
    n: u64,
    w: f64,
    wy: f64,
    wyy: f64,
}

impl Context<'_> {
    fn estimate(&self, spec: &EstimateSpec, y: &[f64], domains: &Domains) -> Vec<Estimate> {
        let nd = domains.len();
        let sums = self.domain_sums(y, domains);
        let centre: Vec<f64> = sums
            .iter()
            .map(|s| if s.w > 0.0 { s.wy / s.w } else { 0.0 })
            .collect();
        let variance = self.variance(spec.statistic, y, domains, &sums, &centre);
        (0..nd)
            .map(|d| self.finish(spec, domains, &sums[d], centre[d], &variance, d))
            .collect()
    }

    fn domain_sums(&self, y: &[f64], domains: &Domains) -> Vec<DomainSums> {
        let mut sums = vec![DomainSums::default(); domains.len()];
        for (row, (&value, domain)) in y.iter().zip(&domains.of_row).enumerate() {
            if let Some(d) = domain
                && !value.is_nan()
            {
                let w = self.weights[row];
                let s = &mut sums[*d as usize];
                s.n += 1;
                s.w += w;
                s.wy += w * value;
                s.wyy += w * value * value;
            }
        }
        sums
    }

    /// The score of a row in its domain, before dividing by the domain's weight total (means)
    /// — kept as two sums per PSU so that one pass suffices.
    fn variance(
        &self,
        statistic: Statistic,
        y: &[f64],
        domains: &Domains,
        sums: &[DomainSums],
        centre: &[f64],
    ) -> Variance {
        let design = self.design;
        let nd = domains.len();
        let strata = design.strata();
        // Per stratum and domain: Σ z and Σ z² over PSUs.
        let mut s1 = vec![0.0; strata * nd];
        let mut s2 = vec![0.0; strata * nd];
        let mut touched_psus = vec![0u64; nd];
        let mut stratum_touched = vec![false; strata * nd];
        let mut a = vec![0.0; nd];
        let mut b = vec![0.0; nd];
        let mut hit: Vec<u32> = Vec::new();
        let mut marked = vec![false; nd];
        // Calibration: β per domain and, per PSU, the calibrated weight in each cell.
        let beta = self
            .calibrated
            .map(|cal| self.calibration_coefficients(cal, statistic, y, domains, sums, centre));
        let mut cell_weights: Vec<(u32, f64)> = Vec::new();
        for p in 0..design.psus() {
            let h = design.psu_stratum[p] as usize;
            let rows =
                &design.order[design.psu_start[p] as usize..design.psu_start[p + 1] as usize];
            for &row in rows {
                let row = row as usize;
                if let Some(cal) = self.calibrated {
                    for &col in cal.columns_of(row) {
                        match cell_weights.iter_mut().find(|(c, _)| *c == col) {
                            Some(entry) => entry.1 += cal.weights[row],
                            None => cell_weights.push((col, cal.weights[row])),
                        }
                    }
                }
                let (Some(d), value) = (domains.of_row[row], y[row]) else {
                    continue;
                };
                if value.is_nan() {
                    continue;
                }
                let d = d as usize;
                let w = self.weights[row];
                a[d] += w * value;
                b[d] += w;
                if !marked[d] {
                    marked[d] = true;
                    hit.push(d as u32);
                }
            }
            let score = |d: usize, a: f64, b: f64| -> f64 {
                match statistic {
                    Statistic::Total => a,
                    _ if sums[d].w > 0.0 => (a - centre[d] * b) / sums[d].w,
                    _ => 0.0,
                }
            };
            for &d in &hit {
                let d = d as usize;
                touched_psus[d] += 1;
                stratum_touched[h * nd + d] = true;
            }
            match &beta {
                None => {
                    for &d in &hit {
                        let d = d as usize;
                        let z = score(d, a[d], b[d]);
                        s1[h * nd + d] += z;
                        s2[h * nd + d] += z * z;
                    }
                }
                Some(beta) => {
                    // Residuals are non-zero in every PSU, inside the domain or not.
                    let columns = self.calibrated.map_or(0, |c| c.columns);
                    for d in 0..nd {
                        let fitted: f64 = cell_weights
                            .iter()
                            .map(|&(col, w)| beta[d * columns + col as usize] * w)
                            .sum();
                        let z = score(d, a[d], b[d]) - fitted;
                        s1[h * nd + d] += z;
                        s2[h * nd + d] += z * z;
                    }
                }
            }
            for &d in &hit {
                a[d as usize] = 0.0;
                b[d as usize] = 0.0;
                marked[d as usize] = false;
            }
            hit.clear();
            cell_weights.clear();
        }
        let mut v = vec![0.0; nd];
        let mut df = vec![0u64; nd];
        for d in 0..nd {
            let touched_strata =
                (0..strata).filter(|&h| stratum_touched[h * nd + d]).count() as u64;
            df[d] = touched_psus[d].saturating_sub(touched_strata);
            // R's "adjust": a lonely PSU is centred on the mean PSU total over the PSUs in use.
            let psus_in_use = if self.calibrated.is_some() {
                design.psus() as f64
            } else {
                touched_psus[d] as f64
            };
            let grand: f64 = (0..strata).map(|h| s1[h * nd + d]).sum();
            let lonely_centre = if psus_in_use > 0.0 {
                grand / psus_in_use
            } else {
                0.0
            };
            let mut total = 0.0;
            for h in 0..strata {
                let n_h = f64::from(design.stratum_psus[h]);
                let f = design.stratum_f[h];
                let (t1, t2) = (s1[h * nd + d], s2[h * nd + d]);
                if n_h >= 2.0 {
                    total += f * n_h / (n_h - 1.0) * (t2 - t1 * t1 / n_h).max(0.0);
                } else if design.lonely_psu == LonelyPsu::Adjust
                    && (self.calibrated.is_some() || stratum_touched[h * nd + d])
                {
                    total += f * (t1 - lonely_centre).powi(2);
                }
            }
            v[d] = total;
        }
        Variance { v, df }
    }

    /// β of the regression of the domain's scores (divided by the calibrated weights) on the
    /// calibration cells, weighted by the design weights — as R's `calibrate()` residuals.
    fn calibration_coefficients(
        &self,
        cal: &Calibrated,
        statistic: Statistic,
        y: &[f64],
        domains: &Domains,
        sums: &[DomainSums],
        centre: &[f64],
    ) -> Vec<f64> {
        let nd = domains.len();
        let p = cal.columns;
        let mut sy = vec![0.0; nd * p];
        let mut s = vec![0.0; nd * p];
        for (row, (&value, domain)) in y.iter().zip(&domains.of_row).enumerate() {
            if let Some(d) = domain
                && !value.is_nan()
            {
                let ww = cal.base_weights[row];
                for &col in cal.columns_of(row) {
                    sy[*d as usize * p + col as usize] += ww * value;
                    s[*d as usize * p + col as usize] += ww;
                }
            }
        }
        let mut beta = vec![0.0; nd * p];
        for d in 0..nd {
            let rhs: Vec<f64> = (0..p)
                .map(|j| match statistic {
                    Statistic::Total => sy[d * p + j],
                    _ if sums[d].w > 0.0 => (sy[d * p + j] - centre[d] * s[d * p + j]) / sums[d].w,
                    _ => 0.0,
                })
                .collect();
            beta[d * p..(d + 1) * p].copy_from_slice(&cal.solve(&rhs));
        }
        beta
    }

    /// The published row of domain `d`.
    fn finish(
        &self,
        spec: &EstimateSpec,
        domains: &Domains,
        sums: &DomainSums,
        mean: f64,
        variance: &Variance,
        d: usize,
    ) -> Estimate {
        let subset = domains.subset.get(d).copied().unwrap_or_default();
        let mut out = Estimate {
            id: spec.id.clone(),
            domain: domains.labels[d].clone(),
            n: Some(sums.n),
            estimate: None,
            se: None,
            ci_low: None,
            ci_high: None,
            df: Some(variance.df[d]),
            deff: None,
            flags: Vec::new(),
        };
        if sums.n == 0 || sums.w <= 0.0 {
            out.flags.push(Flag::Empty);
            return out;
        }
        let n = sums.n as f64;
        let df = variance.df[d] as f64;
        let estimate = match spec.statistic {
            Statistic::Total => sums.wy,
            _ => mean,
        };
        let se = variance.v[d].max(0.0).sqrt();
        // deff against simple random sampling with replacement (R's deff = "replace").
        let s2 = if sums.n > 1 {
            ((sums.wyy - sums.w * mean * mean) / sums.w).max(0.0) * n / (n - 1.0)
        } else {
            f64::NAN
        };
        let srs_variance = match spec.statistic {
            Statistic::Total => s2 * sums.w * sums.w / n,
            _ => s2 / n,
        };
        let deff = (srs_variance > 0.0)
            .then(|| variance.v[d] / srs_variance)
            .filter(|d| d.is_finite());
        // Intervals use the size and degrees of freedom of the domain's subset design, as R's
        // svyciprop does (rows with a missing answer included); Wilson, which R lacks, uses the
        // estimate's own n and df.
        let (ci_n, ci_df) = match spec.ci {
            CiMethod::Wilson => (n, df),
            _ => (subset.rows as f64, subset.df as f64),
        };
        let (interval, boundary) = match spec.statistic {
            Statistic::Proportion => {
                let result =
                    ci::proportion_interval(spec.ci, estimate, se, ci_n, ci_df, self.level);
                (result.interval, result.boundary)
            }
            _ => (
                ci::symmetric_interval(estimate, se, subset.df as f64, self.level),
                false,
            ),
        };
        out.estimate = Some(estimate);
        if boundary {
            out.se = Some(0.0);
            out.flags.push(Flag::Boundary);
        } else {
            out.se = Some(se);
            out.deff = deff;
        }
        out.ci_low = Some(interval.low);
        out.ci_high = Some(interval.high);
        out.flags.extend(reliability_flags(
            spec.statistic,
            estimate,
            sums.n,
            out.deff,
            variance.df[d],
            interval,
        ));
        out.flags.sort();
        out.flags.dedup();
        out
    }
}

struct Variance {
    v: Vec<f64>,
    df: Vec<u64>,
}
