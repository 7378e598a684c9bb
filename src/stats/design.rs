//! The sampling design of a data set: weights, strata, clusters (PSUs) and finite population
//! corrections, checked once and arranged so that estimation can run through the rows PSU by PSU.

use std::collections::HashMap;

use super::data::{DataError, Dataset};
use super::types::{DesignSpec, LonelyPsu};

/// A checked design. Rows are kept in their file order; `order` lists them grouped by PSU.
#[derive(Debug, Clone)]
pub struct Design {
    /// Sampling weights (1 without a weights column), by row.
    pub weights: Vec<f64>,
    /// PSU of each row (an index into the `psu_*` vectors).
    pub psu_of_row: Vec<u32>,
    /// Stratum of each PSU.
    pub psu_stratum: Vec<u32>,
    /// Rows grouped by PSU: the rows of PSU p are `order[psu_start[p]..psu_start[p + 1]]`.
    pub order: Vec<u32>,
    pub psu_start: Vec<u32>,
    /// Sampled PSUs per stratum (n_h of the whole design).
    pub stratum_psus: Vec<u32>,
    /// The finite population factor f_h = (N_h − n_h)/N_h per stratum (1 without fpc).
    pub stratum_f: Vec<f64>,
    /// Stratum names, for messages.
    pub stratum_names: Vec<String>,
    pub lonely_psu: LonelyPsu,
}

impl Design {
    pub fn rows(&self) -> usize {
        self.weights.len()
    }

    pub fn psus(&self) -> usize {
        self.psu_stratum.len()
    }

    pub fn strata(&self) -> usize {
        self.stratum_psus.len()
    }

    /// Builds the design from the data and the request's column names. With `allow_zero_weights`
    /// a row of weight 0 stays in the design (its PSU and stratum count) but in no estimate —
    /// how trygg leaves out unreliable respondents; data from outside must have weights above 0.
    pub fn from_data(
        data: &Dataset,
        spec: &DesignSpec,
        allow_zero_weights: bool,
    ) -> Result<Design, DataError> {
        let rows = data.rows();
        let weights = match &spec.weights {
            Some(column) => {
                let w = data.numbers(column)?.to_vec();
                let bad = |v: f64| v.is_nan() || v < 0.0 || (v == 0.0 && !allow_zero_weights);
                if let Some(row) = w.iter().position(|&v| bad(v)) {
                    let what = if w[row].is_nan() {
                        "is empty".to_owned()
                    } else {
                        format!("is {}, but weights must be greater than 0", w[row])
                    };
                    return Err(DataError(format!(
                        "line {}: column `{column}` (weights) {what}",
                        row + 2
                    )));
                }
                w
            }
            None => vec![1.0; rows],
        };
        let (stratum_of_row, stratum_names) = match &spec.strata {
            Some(column) => {
                let cats = data.categories(column)?;
                let codes = required_codes(&cats.codes, column, "strata")?;
                (codes, cats.values.clone())
            }
            None => (vec![0; rows], vec!["(all)".to_owned()]),
        };
        // PSUs are numbered per (stratum, cluster): a cluster id is taken to be nested in its
        // stratum, as R's `nest = TRUE`.
        let mut psu_of_row = Vec::with_capacity(rows);
        let mut psu_stratum = Vec::new();
        match &spec.clusters {
            Some(column) => {
                let cats = data.categories(column)?;
                let codes = required_codes(&cats.codes, column, "clusters")?;
                let mut ids: HashMap<u64, u32> = HashMap::new();
                // Rows usually come class by class: the previous row's PSU is the likely one.
                let mut last: Option<(u64, u32)> = None;
                for (row, &cluster) in codes.iter().enumerate() {
                    let stratum = stratum_of_row[row];
                    let key = (u64::from(stratum) << 32) | u64::from(cluster);
                    let psu = match last {
                        Some((k, psu)) if k == key => psu,
                        _ => {
                            let next = psu_stratum.len() as u32;
                            let psu = *ids.entry(key).or_insert_with(|| {
                                psu_stratum.push(stratum);
                                next
                            });
                            last = Some((key, psu));
                            psu
                        }
                    };
                    psu_of_row.push(psu);
                }
            }
            None => {
                // Each row is its own PSU.
                for (row, &stratum) in stratum_of_row.iter().enumerate() {
                    psu_of_row.push(row as u32);
                    psu_stratum.push(stratum);
                }
            }
        }
        let strata = stratum_names.len();
        let mut stratum_psus = vec![0u32; strata];
        for &h in &psu_stratum {
            stratum_psus[h as usize] += 1;
        }
        let stratum_f = match &spec.fpc {
            Some(column) => {
                fpc_factors(data, column, &stratum_of_row, &stratum_psus, &stratum_names)?
            }
            None => vec![1.0; strata],
        };
        if spec.lonely_psu == LonelyPsu::Fail
            && let Some(h) = (0..strata).find(|&h| stratum_psus[h] == 1 && stratum_f[h] > 0.0)
        {
            return Err(DataError(format!(
                "stratum `{}` has only one PSU, so its variance cannot be estimated; \
                 set \"lonely_psu\": \"adjust\" in the design, or merge the stratum with another",
                stratum_names[h]
            )));
        }
        let (order, psu_start) = group_rows(&psu_of_row, psu_stratum.len());
        Ok(Design {
            weights,
            psu_of_row,
            psu_stratum,
            order,
            psu_start,
            stratum_psus,
            stratum_f,
            stratum_names,
            lonely_psu: spec.lonely_psu,
        })
    }
}

fn required_codes(codes: &[Option<u32>], column: &str, role: &str) -> Result<Vec<u32>, DataError> {
    codes
        .iter()
        .enumerate()
        .map(|(row, code)| {
            code.ok_or_else(|| {
                DataError(format!(
                    "line {}: column `{column}` ({role}) is empty",
                    row + 2
                ))
            })
        })
        .collect()
}

/// f_h per stratum from an fpc column: a value above 1 is the population number of PSUs N_h,
/// one of at most 1 the sampling fraction (as R's `svydesign`). It must be the same on every row
/// of a stratum.
fn fpc_factors(
    data: &Dataset,
    column: &str,
    stratum_of_row: &[u32],
    stratum_psus: &[u32],
    names: &[String],
) -> Result<Vec<f64>, DataError> {
    let values = data.numbers(column)?;
    let mut per_stratum: Vec<Option<f64>> = vec![None; stratum_psus.len()];
    for (row, &value) in values.iter().enumerate() {
        let h = stratum_of_row[row] as usize;
        if value.is_nan() || value <= 0.0 {
            return Err(DataError(format!(
                "line {}: column `{column}` (fpc) must be a population size or a sampling fraction above 0",
                row + 2
            )));
        }
        match per_stratum[h] {
            None => per_stratum[h] = Some(value),
            Some(seen) if seen == value => {}
            Some(seen) => {
                return Err(DataError(format!(
                    "line {}: column `{column}` (fpc) is {value}, but earlier rows of stratum `{}` have {seen}",
                    row + 2,
                    names[h]
                )));
            }
        }
    }
    let mut factors = Vec::with_capacity(stratum_psus.len());
    for (h, value) in per_stratum.into_iter().enumerate() {
        let n = f64::from(stratum_psus[h]);
        let f = match value {
            Some(fraction) if fraction <= 1.0 => 1.0 - fraction,
            Some(population) if population < n => {
                return Err(DataError(format!(
                    "stratum `{}`: fpc says {population} PSUs in the population, but {n} are in the sample",
                    names[h]
                )));
            }
            Some(population) => (population - n) / population,
            None => 1.0,
        };
        factors.push(f);
    }
    Ok(factors)
}

/// Rows grouped by PSU (a counting sort): the order and where each PSU starts.
fn group_rows(psu_of_row: &[u32], psus: usize) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; psus + 1];
    for &p in psu_of_row {
        start[p as usize + 1] += 1;
    }
    for p in 0..psus {
        start[p + 1] += start[p];
    }
    let mut next = start.clone();
    let mut order = vec![0u32; psu_of_row.len()];
    for (row, &p) in psu_of_row.iter().enumerate() {
        let slot = &mut next[p as usize];
        order[*slot as usize] = row as u32;
        *slot += 1;
    }
    (order, start)
}
