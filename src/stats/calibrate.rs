//! Calibration of the weights to known population totals: post-stratification (one set of cells)
//! and raking (several margins, iterated to convergence). The variance of a calibrated design
//! uses the residuals of the scores after weighted least squares on the calibration cells, as
//! R's `calibrate()` does; this module keeps what that regression needs.

use std::collections::HashMap;

use super::data::{DataError, Dataset};
use super::types::{Calibration, Margin, PopulationCell};

/// Relative tolerance of raking: every margin total within this of its population total.
const RAKE_TOLERANCE: f64 = 1e-10;
const RAKE_MAX_SWEEPS: usize = 1000;

/// The calibrated weights and the calibration cells (the columns of the regression).
#[derive(Debug, Clone)]
pub struct Calibrated {
    /// Calibrated weights w*, by row.
    pub weights: Vec<f64>,
    /// The design weights before calibration (the regression weights), by row.
    pub base_weights: Vec<f64>,
    /// Number of margins (1 for post-stratification).
    pub margins: usize,
    /// Number of cells over all margins.
    pub columns: usize,
    /// `row_columns[row * margins + m]` = the cell of margin m that the row is in.
    pub row_columns: Vec<u32>,
    /// X' diag(base weights) X, `columns × columns`, row-major.
    gram: Vec<f64>,
}

impl Calibrated {
    /// A least-squares solution β of `X'WX β = b` (any one: the residuals do not depend on which,
    /// and raking's indicator columns are collinear).
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        solve_psd(&self.gram, b, self.columns)
    }

    /// The cells of one row.
    pub fn columns_of(&self, row: usize) -> &[u32] {
        &self.row_columns[row * self.margins..(row + 1) * self.margins]
    }
}

/// Calibrates `weights` to the population totals of `spec`.
pub fn calibrate(
    data: &Dataset,
    weights: &[f64],
    spec: &Calibration,
) -> Result<Calibrated, DataError> {
    let margins: Vec<Margin> = match spec {
        Calibration::Poststratify {
            variables,
            population,
        } => vec![Margin {
            variables: variables.clone(),
            population: population.clone(),
        }],
        Calibration::Rake { margins } => margins.clone(),
    };
    if margins.is_empty() {
        return Err(DataError("calibration: no margins given".into()));
    }
    let rows = data.rows();
    let mut cells = Vec::with_capacity(margins.len());
    let mut offset = 0u32;
    for margin in &margins {
        let cells_of_margin = MarginCells::new(data, margin, offset)?;
        offset += cells_of_margin.totals.len() as u32;
        cells.push(cells_of_margin);
    }
    if margins.len() > 1 {
        check_margin_totals(&cells)?;
    }
    let m = margins.len();
    let mut row_columns = vec![0u32; rows * m];
    for (k, margin) in cells.iter().enumerate() {
        for row in 0..rows {
            row_columns[row * m + k] = margin.row_cell[row] + margin.offset;
        }
    }
    let calibrated = rake(weights, &cells)?;
    let columns = offset as usize;
    let mut gram = vec![0.0; columns * columns];
    for row in 0..rows {
        let cols = &row_columns[row * m..(row + 1) * m];
        for &a in cols {
            for &b in cols {
                gram[a as usize * columns + b as usize] += weights[row];
            }
        }
    }
    Ok(Calibrated {
        weights: calibrated,
        base_weights: weights.to_vec(),
        margins: m,
        columns,
        row_columns,
        gram,
    })
}

/// The cells of one margin: which cell each row is in, and each cell's population total.
struct MarginCells {
    name: String,
    row_cell: Vec<u32>,
    totals: Vec<f64>,
    offset: u32,
}

impl MarginCells {
    fn new(data: &Dataset, margin: &Margin, offset: u32) -> Result<MarginCells, DataError> {
        let name = margin.variables.join(" × ");
        if margin.variables.is_empty() {
            return Err(DataError("calibration: a margin names no variables".into()));
        }
        let columns = margin
            .variables
            .iter()
            .map(|v| data.categories(v))
            .collect::<Result<Vec<_>, _>>()?;
        // Each population cell gets an index; rows are matched to cells by their values.
        let mut cell_of_values: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut totals = Vec::new();
        let mut labels = Vec::new();
        for cell in &margin.population {
            let label = cell_label(&margin.variables, cell)?;
            if !(cell.total > 0.0 && cell.total.is_finite()) {
                return Err(DataError(format!(
                    "calibration: population cell {label} has total {}; totals must be above 0",
                    cell.total
                )));
            }
            let mut key = Vec::with_capacity(columns.len());
            for (variable, cats) in margin.variables.iter().zip(&columns) {
                let value = population_value(cell, variable)?;
                match cats.values.iter().position(|v| *v == value) {
                    Some(code) => key.push(code as u32),
                    None => {
                        return Err(DataError(format!(
                            "calibration: population cell {label} has no respondents in the data"
                        )));
                    }
                }
            }
            if cell_of_values.insert(key, totals.len() as u32).is_some() {
                return Err(DataError(format!(
                    "calibration: population cell {label} is given twice"
                )));
            }
            totals.push(cell.total);
            labels.push(label);
        }
        let mut row_cell = Vec::with_capacity(data.rows());
        let mut seen = vec![false; totals.len()];
        let mut key = Vec::with_capacity(columns.len());
        for row in 0..data.rows() {
            key.clear();
            for (variable, cats) in margin.variables.iter().zip(&columns) {
                match cats.codes[row] {
                    Some(code) => key.push(code),
                    None => {
                        return Err(DataError(format!(
                            "line {}: column `{variable}` is empty, but calibration needs it",
                            row + 2
                        )));
                    }
                }
            }
            match cell_of_values.get(&key) {
                Some(&cell) => {
                    seen[cell as usize] = true;
                    row_cell.push(cell);
                }
                None => {
                    let values: Vec<String> = margin
                        .variables
                        .iter()
                        .zip(&columns)
                        .zip(&key)
                        .map(|((v, cats), &code)| format!("{v}={}", cats.values[code as usize]))
                        .collect();
                    return Err(DataError(format!(
                        "line {}: the data has the cell {} but the population has no such cell",
                        row + 2,
                        values.join(", ")
                    )));
                }
            }
        }
        if let Some(cell) = seen.iter().position(|s| !s) {
            return Err(DataError(format!(
                "calibration: population cell {} has no respondents in the data",
                labels[cell]
            )));
        }
        Ok(MarginCells {
            name,
            row_cell,
            totals,
            offset,
        })
    }
}

fn population_value(cell: &PopulationCell, variable: &str) -> Result<String, DataError> {
    match cell.values.get(variable) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
        Some(serde_json::Value::Bool(b)) => Ok(b.to_string()),
        _ => Err(DataError(format!(
            "calibration: a population cell lacks a value for `{variable}`"
        ))),
    }
}

fn cell_label(variables: &[String], cell: &PopulationCell) -> Result<String, DataError> {
    let parts = variables
        .iter()
        .map(|v| population_value(cell, v).map(|value| format!("{v}={value}")))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(extra) = cell.values.keys().find(|k| !variables.contains(k)) {
        return Err(DataError(format!(
            "calibration: population cell {} names `{extra}`, which is not one of the margin's variables",
            parts.join(", ")
        )));
    }
    Ok(format!("({})", parts.join(", ")))
}

/// Every margin must describe the same population size.
fn check_margin_totals(cells: &[MarginCells]) -> Result<(), DataError> {
    let sums: Vec<f64> = cells.iter().map(|c| c.totals.iter().sum()).collect();
    let first = sums[0];
    for (k, sum) in sums.iter().enumerate().skip(1) {
        if ((sum - first) / first).abs() > 1e-6 {
            return Err(DataError(format!(
                "calibration: the totals of the margins disagree: {} sums to {first}, {} to {sum}",
                cells[0].name, cells[k].name
            )));
        }
    }
    Ok(())
}

/// Iterative proportional fitting; one margin is post-stratification (one sweep).
fn rake(weights: &[f64], cells: &[MarginCells]) -> Result<Vec<f64>, DataError> {
    let mut w = weights.to_vec();
    for _ in 0..RAKE_MAX_SWEEPS {
        for margin in cells {
            let mut sums = vec![0.0; margin.totals.len()];
            for (row, &cell) in margin.row_cell.iter().enumerate() {
                sums[cell as usize] += w[row];
            }
            let factors: Vec<f64> = margin
                .totals
                .iter()
                .zip(&sums)
                .map(|(total, sum)| total / sum)
                .collect();
            for (row, &cell) in margin.row_cell.iter().enumerate() {
                w[row] *= factors[cell as usize];
            }
        }
        if cells.len() == 1 || worst_margin_error(&w, cells) < RAKE_TOLERANCE {
            return Ok(w);
        }
    }
    Err(DataError(format!(
        "calibration: raking did not converge within {RAKE_MAX_SWEEPS} sweeps (largest relative \
         margin error {:.3e}); the margins may contradict each other through empty cells",
        worst_margin_error(&w, cells)
    )))
}

fn worst_margin_error(w: &[f64], cells: &[MarginCells]) -> f64 {
    let mut worst: f64 = 0.0;
    for margin in cells {
        let mut sums = vec![0.0; margin.totals.len()];
        for (row, &cell) in margin.row_cell.iter().enumerate() {
            sums[cell as usize] += w[row];
        }
        for (sum, total) in sums.iter().zip(&margin.totals) {
            worst = worst.max(((sum - total) / total).abs());
        }
    }
    worst
}

/// Solves `G x = b` for a symmetric positive semi-definite G by Gaussian elimination with full
/// (diagonal) pivoting, treating negligible pivots as zero (their unknowns are set to 0). For b
/// in the range of G this is a least-squares solution.
fn solve_psd(gram: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut a = gram.to_vec();
    let mut rhs = b.to_vec();
    let scale = (0..n).map(|i| a[i * n + i].abs()).fold(0.0, f64::max);
    let tolerance = scale * 1e-12;
    let mut pivots: Vec<usize> = Vec::with_capacity(n);
    let mut used = vec![false; n];
    for _ in 0..n {
        // The largest remaining diagonal element.
        let Some(p) = (0..n)
            .filter(|&i| !used[i])
            .max_by(|&i, &j| a[i * n + i].abs().total_cmp(&a[j * n + j].abs()))
        else {
            break;
        };
        if a[p * n + p].abs() <= tolerance {
            break;
        }
        used[p] = true;
        pivots.push(p);
        for i in (0..n).filter(|&i| !used[i]) {
            let factor = a[i * n + p] / a[p * n + p];
            if factor == 0.0 {
                continue;
            }
            for j in 0..n {
                a[i * n + j] -= factor * a[p * n + j];
            }
            rhs[i] -= factor * rhs[p];
        }
    }
    // Back substitution over the pivots in reverse; unknowns without a pivot stay 0.
    let mut x = vec![0.0; n];
    for &p in pivots.iter().rev() {
        let mut sum = rhs[p];
        for &q in &pivots {
            if q != p {
                sum -= a[p * n + q] * x[q];
            }
        }
        x[p] = sum / a[p * n + p];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_singular_system_gets_a_least_squares_solution() {
        // Two margins of two cells each over four rows with unit weights: columns a1 a2 b1 b2,
        // rows (a1,b1) (a1,b2) (a2,b1) (a2,b2). G has rank 3.
        let g = [
            2.0, 0.0, 1.0, 1.0, //
            0.0, 2.0, 1.0, 1.0, //
            1.0, 1.0, 2.0, 0.0, //
            1.0, 1.0, 0.0, 2.0,
        ];
        // b = X'y for y = (1, 2, 3, 5): a1 = 3, a2 = 8, b1 = 4, b2 = 7.
        let x = solve_psd(&g, &[3.0, 8.0, 4.0, 7.0], 4);
        let fitted = [x[0] + x[2], x[0] + x[3], x[1] + x[2], x[1] + x[3]];
        // The additive fit of that 2×2 table: residuals ±0.25.
        let y = [1.0, 2.0, 3.0, 5.0];
        let residuals: Vec<f64> = y.iter().zip(fitted).map(|(y, f)| y - f).collect();
        for (r, expected) in residuals.iter().zip([0.25, -0.25, -0.25, 0.25]) {
            assert!((r - expected).abs() < 1e-12, "{residuals:?}");
        }
    }
}
