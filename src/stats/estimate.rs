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
use super::types::{CiMethod, Estimate, EstimateSpec, Figures, Flag, Request, Response, Statistic};
use super::variance::{self, Variance};

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
    prepare_columns(data, request)?;
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
    let mut variables: HashMap<&str, std::sync::Arc<Vec<f64>>> = HashMap::new();
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
    let mut estimates: Vec<Estimate> = results.into_iter().flatten().collect();
    if let Some(disclosure) = request.disclosure {
        // Each estimate's rows (one breakdown) are a table of their own; rows of one id are
        // consecutive.
        let mut start = 0;
        for spec in &request.estimates {
            let end = start
                + estimates[start..]
                    .iter()
                    .take_while(|e| e.id == spec.id)
                    .count();
            super::disclosure::suppress(
                &mut estimates[start..end],
                &spec.by,
                disclosure.min_cell_size,
            );
            start = end;
        }
    }
    Ok(Response { estimates })
}

/// The columns a request uses: (numeric, categorical), each sorted and without repeats.
pub fn columns_used(request: &Request) -> (Vec<&str>, Vec<&str>) {
    let design = &request.design;
    let mut numeric: Vec<&str> = design
        .weights
        .iter()
        .chain(&design.fpc)
        .map(String::as_str)
        .collect();
    let mut categorical: Vec<&str> = design
        .strata
        .iter()
        .chain(&design.clusters)
        .map(String::as_str)
        .collect();
    for spec in &request.estimates {
        numeric.push(&spec.variable);
        categorical.extend(spec.by.iter().map(String::as_str));
    }
    match &request.calibration {
        Some(super::types::Calibration::Poststratify { variables, .. }) => {
            categorical.extend(variables.iter().map(String::as_str));
        }
        Some(super::types::Calibration::Rake { margins }) => {
            for margin in margins {
                categorical.extend(margin.variables.iter().map(String::as_str));
            }
        }
        None => {}
    }
    numeric.sort_unstable();
    numeric.dedup();
    categorical.sort_unstable();
    categorical.dedup();
    (numeric, categorical)
}

/// Converts every column the request uses at once, on all cores.
fn prepare_columns(data: &Dataset, request: &Request) -> Result<(), DataError> {
    let (numeric, categorical) = columns_used(request);
    data.prepare(&numeric, &categorical)
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
        // A combination is a mixed-radix number of its codes; up to a million combinations are
        // looked up in a plain table, more in a hash map.
        let radix: Vec<u64> = columns
            .iter()
            .map(|c| c.values.len().max(1) as u64)
            .collect();
        let space = radix.iter().try_fold(1u64, |acc, &r| acc.checked_mul(r));
        let mut table: Vec<u32> = match space {
            Some(size) if size <= 1 << 20 => vec![u32::MAX; size as usize],
            _ => Vec::new(),
        };
        let mut map: HashMap<u64, u32> = HashMap::new();
        let mut combos: Vec<Vec<u32>> = Vec::new();
        let mut of_row = Vec::with_capacity(rows);
        for row in 0..rows {
            let mut key = 0u64;
            let mut complete = true;
            for (c, &r) in columns.iter().zip(&radix) {
                match c.codes[row] {
                    Some(code) => key = key.wrapping_mul(r).wrapping_add(u64::from(code)),
                    None => {
                        complete = false;
                        break;
                    }
                }
            }
            if !complete {
                of_row.push(None);
                continue;
            }
            let slot = if table.is_empty() {
                map.entry(key).or_insert(u32::MAX)
            } else {
                &mut table[key as usize]
            };
            if *slot == u32::MAX {
                *slot = combos.len() as u32;
                combos.push(columns.iter().map(|c| c.codes[row].unwrap_or(0)).collect());
            }
            of_row.push(Some(*slot));
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

impl Context<'_> {
    fn estimate(&self, spec: &EstimateSpec, y: &[f64], domains: &Domains) -> Vec<Estimate> {
        let variance = variance::compute(&variance::Inputs {
            design: self.design,
            weights: self.weights,
            calibrated: self.calibrated,
            statistic: spec.statistic,
            y,
            domain_of_row: &domains.of_row,
            domains: domains.len(),
        });
        (0..domains.len())
            .map(|d| self.finish(spec, domains, &variance, d))
            .collect()
    }

    /// The published row of domain `d`.
    fn finish(
        &self,
        spec: &EstimateSpec,
        domains: &Domains,
        variance: &Variance,
        d: usize,
    ) -> Estimate {
        let sums = &variance.sums[d];
        let subset = domains.subset.get(d).copied().unwrap_or_default();
        let mut out = Figures {
            n: Some(sums.n),
            df: Some(variance.df[d]),
            ..Figures::default()
        };
        let row = |figures| Estimate {
            id: spec.id.clone(),
            domain: domains.labels[d].clone(),
            figures,
        };
        if sums.n == 0 || sums.w <= 0.0 {
            out.flags.push(Flag::Empty);
            return row(out);
        }
        let n = sums.n as f64;
        let df = variance.df[d] as f64;
        let estimate = match spec.statistic {
            Statistic::Total => sums.total(),
            _ => sums.mean(),
        };
        let se = variance.v[d].max(0.0).sqrt();
        // deff against simple random sampling with replacement (R's deff = "replace").
        let s2 = if sums.n > 1 {
            sums.spread() * n / (n - 1.0)
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
        // Proportion intervals use the size and degrees of freedom of the domain's subset design,
        // as R's svyciprop does (rows with a missing answer included); Wilson, which R lacks,
        // uses the estimate's own n and df, and so do means and totals (± t·SE with the `df`
        // reported, as DESIGN.md says and R's indicator reference waves compute them).
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
            _ => (ci::symmetric_interval(estimate, se, df, self.level), false),
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
        row(out)
    }
}
