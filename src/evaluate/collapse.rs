//! Calibration cells for categories no register counts: SCB publishes women and men, not the
//! gender "Annat" a questionnaire offers. Demanding a total for it would be impossible, and
//! leaving its respondents out would drop them from every estimate, so their cells are
//! collapsed, the way survey practice treats a weighting category without a target:
//!
//! - A respondent in such a category (in one variable, say gender) is calibrated within the
//!   collapsed cell of the other variables (their age band): post-stratified on age band alone.
//! - That category is given the share of the collapsed cell its respondents have (design-weighted),
//!   and the categories the register counts share the rest of the cell's register total in the
//!   register's proportions: with N women and M men aged 16–24 and a share s of "Annat" among
//!   the respondents of that age, the cells get N·(1 − s), M·(1 − s) and (N + M)·s.
//!
//! The register's total of each collapsed cell is kept exactly. Post-stratification then runs on
//! these cells as on any others (R: `postStratify` with these totals), so the estimation engine
//! and its agreement with R are unchanged; the estimated share's own uncertainty is not carried
//! into the variance (small while few answer outside the register's categories).

use std::collections::{BTreeMap, HashMap, HashSet};

/// One cell: codes in the order of the calibration variables, and its total.
pub type Cell = (Vec<String>, f64);

/// The cells after collapsing on variable `var`: `cells` are the uploaded ones, `rows` each
/// placeable respondent's codes and design weight, `named` the codes of `var` the upload names.
/// `Err` is a cell of respondents whose collapsed cell has no register total at all.
pub fn collapse(
    cells: &[Cell],
    rows: &[(Vec<&str>, f64)],
    var: usize,
    named: &HashSet<&str>,
) -> Result<Vec<Cell>, Vec<String>> {
    let other = |codes: &[&str]| -> Vec<String> {
        let mut key: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
        key.remove(var);
        key
    };
    let mut all: HashMap<Vec<String>, f64> = HashMap::new();
    let mut unnamed: BTreeMap<(Vec<String>, String), f64> = BTreeMap::new();
    for (codes, weight) in rows {
        let key = other(codes);
        *all.entry(key.clone()).or_default() += weight;
        if !named.contains(codes[var]) {
            *unnamed.entry((key, codes[var].to_owned())).or_default() += weight;
        }
    }
    let mut register: HashMap<Vec<String>, f64> = HashMap::new();
    for (codes, total) in cells {
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        *register.entry(other(&refs)).or_default() += total;
    }
    let mut share: HashMap<&Vec<String>, f64> = HashMap::new();
    let mut added = Vec::new();
    for ((key, code), weight) in &unnamed {
        let total = register.get(key).copied().unwrap_or(0.0);
        let whole = all.get(key).copied().unwrap_or(0.0);
        if total <= 0.0 || whole <= 0.0 {
            let mut cell = key.clone();
            cell.insert(var, code.clone());
            return Err(cell);
        }
        *share.entry(key).or_default() += weight / whole;
        let mut cell = key.clone();
        cell.insert(var, code.clone());
        added.push((cell, total * weight / whole));
    }
    let mut out: Vec<Cell> = cells
        .iter()
        .map(|(codes, total)| {
            let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
            let s = share.get(&other(&refs)).copied().unwrap_or(0.0);
            (codes.clone(), total * (1.0 - s))
        })
        .collect();
    out.extend(added);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(codes: &[&str], total: f64) -> Cell {
        (codes.iter().map(|c| (*c).to_owned()).collect(), total)
    }

    #[test]
    fn other_gets_its_share_of_the_age_band_and_women_and_men_the_rest() {
        // Register: 16–24 has 600 women and 400 men; 25–34 has 500 and 500.
        let cells = [
            cell(&["16-24", "f"], 600.0),
            cell(&["16-24", "m"], 400.0),
            cell(&["25-34", "f"], 500.0),
            cell(&["25-34", "m"], 500.0),
        ];
        // 16–24: 5 women, 3 men, 2 "other" (a fifth); 25–34: no "other".
        let mut rows = Vec::new();
        for (age, gender, n) in [
            ("16-24", "f", 5),
            ("16-24", "m", 3),
            ("16-24", "o", 2),
            ("25-34", "f", 4),
            ("25-34", "m", 4),
        ] {
            for _ in 0..n {
                rows.push((vec![age, gender], 1.0));
            }
        }
        let named: HashSet<&str> = ["f", "m"].into_iter().collect();
        let out = collapse(&cells, &rows, 1, &named).expect("collapsed");
        let total = |age: &str, g: &str| {
            out.iter()
                .find(|(c, _)| c[0] == age && c[1] == g)
                .map(|(_, t)| *t)
                .expect("cell")
        };
        assert!((total("16-24", "f") - 480.0).abs() < 1e-9);
        assert!((total("16-24", "m") - 320.0).abs() < 1e-9);
        assert!((total("16-24", "o") - 200.0).abs() < 1e-9);
        assert_eq!(total("25-34", "f"), 500.0);
        // Each age band keeps its register total.
        let band = |age: &str| {
            out.iter()
                .filter(|(c, _)| c[0] == age)
                .map(|(_, t)| t)
                .sum::<f64>()
        };
        assert!((band("16-24") - 1000.0).abs() < 1e-9);
        assert!((band("25-34") - 1000.0).abs() < 1e-9);
        // An "other" respondent's post-stratified weight is that of age band alone: 1000 / 10.
        assert!((total("16-24", "o") / 2.0 - 100.0).abs() < 1e-9);
    }

    #[test]
    fn design_weights_give_the_share() {
        let cells = [cell(&["f"], 300.0), cell(&["m"], 700.0)];
        // One "other" respondent of weight 3 among weights summing to 10: a share of 0.3.
        let rows = vec![(vec!["f"], 4.0), (vec!["m"], 3.0), (vec!["o"], 3.0)];
        let named: HashSet<&str> = ["f", "m"].into_iter().collect();
        let out = collapse(&cells, &rows, 0, &named).expect("collapsed");
        assert_eq!(out.len(), 3);
        assert!((out[0].1 - 210.0).abs() < 1e-9);
        assert!((out[1].1 - 490.0).abs() < 1e-9);
        assert!((out[2].1 - 300.0).abs() < 1e-9);
    }

    #[test]
    fn a_collapsed_cell_without_any_register_total_is_named() {
        let cells = [cell(&["16-24", "f"], 600.0), cell(&["16-24", "m"], 400.0)];
        let rows = vec![(vec!["16-24", "f"], 1.0), (vec!["25-34", "o"], 1.0)];
        let named: HashSet<&str> = ["f", "m"].into_iter().collect();
        assert_eq!(
            collapse(&cells, &rows, 1, &named),
            Err(vec!["25-34".to_owned(), "o".to_owned()])
        );
    }
}
