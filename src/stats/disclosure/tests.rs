//! Disclosure control against simulated attackers: tables with known true counts, published
//! through `suppress`, must give away no hidden cell by subtraction or by linear algebra.

use super::exposure::exposed;
use super::*;
use proptest::prelude::*;

const K: u64 = 5;

/// The true counts of a table: per cell (values in `by` order), respondents and "yes" answers.
#[derive(Debug, Clone)]
struct Truth {
    vars: Vec<String>,
    cells: BTreeMap<Vec<String>, (u64, u64)>,
}

/// A margin as published elsewhere: its domain, its cells, and its true counts.
#[derive(Debug, Clone)]
struct Margin {
    domain: BTreeMap<String, String>,
    members: Vec<Vec<String>>,
    n: u64,
    yes: u64,
}

impl Truth {
    /// A full grid; counts in row-major order. Variables are a, b, c; values a0, a1, …
    fn grid(shape: &[usize], counts: &[(u64, u64)]) -> Truth {
        let vars: Vec<String> = (0..shape.len())
            .map(|var| char::from(b'a' + var as u8).to_string())
            .collect();
        let mut cells = BTreeMap::new();
        for (flat, &count) in counts.iter().enumerate() {
            let mut rest = flat;
            let mut key = vec![String::new(); shape.len()];
            for (var, &size) in shape.iter().enumerate().rev() {
                key[var] = format!("{}{}", vars[var], rest % size);
                rest /= size;
            }
            cells.insert(key, count);
        }
        Truth { vars, cells }
    }

    /// Half of each cell answered yes.
    fn one_way(ns: &[u64]) -> Truth {
        Truth::grid(&[ns.len()], &halves(ns))
    }

    fn two_way(rows: &[&[u64]]) -> Truth {
        let cols = rows.first().map_or(0, |row| row.len());
        let ns: Vec<u64> = rows.iter().flat_map(|row| row.iter().copied()).collect();
        Truth::grid(&[rows.len(), cols], &halves(&ns))
    }

    fn domain(&self, key: &[String]) -> BTreeMap<String, String> {
        self.vars.iter().cloned().zip(key.iter().cloned()).collect()
    }

    /// The cells and the total row, as the estimator would publish them.
    fn table(&self) -> Vec<Estimate> {
        let mut rows: Vec<Estimate> = self
            .cells
            .iter()
            .map(|(key, &(n, yes))| estimate_row(self.domain(key), n, yes))
            .collect();
        let (n, yes) = self
            .cells
            .values()
            .fold((0, 0), |(a, b), (n, y)| (a + n, b + y));
        rows.push(estimate_row(BTreeMap::new(), n, yes));
        rows
    }

    /// The cells, the total row and every other margin row.
    fn table_with_margins(&self) -> Vec<Estimate> {
        let mut rows: Vec<Estimate> = self
            .cells
            .iter()
            .map(|(key, &(n, yes))| estimate_row(self.domain(key), n, yes))
            .collect();
        rows.extend(
            self.margins()
                .into_iter()
                .map(|m| estimate_row(m.domain, m.n, m.yes)),
        );
        rows
    }

    /// Every margin: the cells agreeing on each proper subset of the variables.
    fn margins(&self) -> Vec<Margin> {
        let d = self.vars.len();
        let mut margins = Vec::new();
        for mask in 0..(1usize << d) - 1 {
            let mut groups: BTreeMap<BTreeMap<String, String>, Margin> = BTreeMap::new();
            for (key, &(n, yes)) in &self.cells {
                let domain: BTreeMap<String, String> = (0..d)
                    .filter(|var| mask >> var & 1 == 1)
                    .map(|var| (self.vars[var].clone(), key[var].clone()))
                    .collect();
                let margin = groups.entry(domain.clone()).or_insert(Margin {
                    domain,
                    members: Vec::new(),
                    n: 0,
                    yes: 0,
                });
                margin.members.push(key.clone());
                margin.n += n;
                margin.yes += yes;
            }
            margins.extend(groups.into_values());
        }
        margins
    }

    fn lines(&self) -> Vec<Margin> {
        let d = self.vars.len();
        self.margins()
            .into_iter()
            .filter(|m| m.domain.len() + 1 == d)
            .collect()
    }
}

fn halves(ns: &[u64]) -> Vec<(u64, u64)> {
    ns.iter().map(|&n| (n, n / 2)).collect()
}

/// A row as the estimator makes it for a proportion with equal weights.
fn estimate_row(domain: BTreeMap<String, String>, n: u64, yes: u64) -> Estimate {
    if n == 0 {
        return Estimate {
            id: "unsafe".into(),
            domain,
            figures: Figures {
                n: Some(0),
                estimate: None,
                se: None,
                ci_low: None,
                ci_high: None,
                df: Some(0),
                deff: None,
                flags: vec![Flag::Empty],
            },
        };
    }
    let p = yes as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    let mut flags = Vec::new();
    if yes == 0 || yes == n {
        flags.push(Flag::Boundary);
    }
    if n < 9 {
        flags.push(Flag::LowDf);
    }
    Estimate {
        id: "unsafe".into(),
        domain,
        figures: Figures {
            n: Some(n),
            estimate: Some(p),
            se: Some(se),
            ci_low: Some((p - 1.96 * se).max(0.0)),
            ci_high: Some((p + 1.96 * se).min(1.0)),
            df: Some(n - 1),
            deff: Some(1.0),
            flags,
        },
    }
}

fn key(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

fn keys(list: &[&[&str]]) -> BTreeSet<Vec<String>> {
    list.iter().map(|values| key(values)).collect()
}

/// The row whose domain has exactly these values (in variable order); `&[]` is the total.
fn cell<'a>(table: &'a [Estimate], values: &[&str]) -> &'a Estimate {
    table
        .iter()
        .find(|row| row.domain.len() == values.len() && row.domain.values().eq(values))
        .expect("row in table")
}

/// Cells (all variables named) hidden by disclosure control.
fn hidden_cells(table: &[Estimate], vars: &[String]) -> BTreeSet<Vec<String>> {
    table
        .iter()
        .filter(|row| {
            row.domain.len() == vars.len() && row.figures.flags.contains(&Flag::Suppressed)
        })
        .map(|row| row.domain.values().cloned().collect())
        .collect()
}

fn run(truth: &Truth, k: u64) -> (Vec<Estimate>, SuppressionReport) {
    let mut table = truth.table();
    let report = suppress(&mut table, &truth.vars, k);
    (table, report)
}

/// Rule 1 alone, to show that the attacker below can win.
fn primary_only(truth: &Truth, k: u64) -> Vec<Estimate> {
    let mut table = truth.table();
    for row in &mut table {
        primary(row, k);
    }
    table
}

/// What an attacker holds: the published cells, and the margins that are published somewhere
/// (true margins of k or more that the report does not withhold, and any margin row left
/// visible in the table itself).
struct Knowledge {
    unknown: BTreeSet<Vec<String>>,
    known: BTreeMap<Vec<String>, (u64, u64)>,
    margins: Vec<Margin>,
}

fn knowledge(
    published: &[Estimate],
    truth: &Truth,
    k: u64,
    withheld: &[BTreeMap<String, String>],
) -> Knowledge {
    let mut known = BTreeMap::new();
    for row in published {
        let visible = !row.figures.flags.contains(&Flag::Suppressed);
        if let (true, true, Some(n)) =
            (visible, row.domain.len() == truth.vars.len(), row.figures.n)
        {
            // Equal weights: the number of "yes" answers is the proportion times n.
            let yes = row
                .figures
                .estimate
                .map_or(0, |p| (p * n as f64).round() as u64);
            known.insert(row.domain.values().cloned().collect(), (n, yes));
        }
    }
    let shown_here = |domain: &BTreeMap<String, String>| {
        published.iter().any(|row| {
            &row.domain == domain
                && row.figures.n.is_some()
                && !row.figures.flags.contains(&Flag::Suppressed)
        })
    };
    let margins = truth
        .margins()
        .into_iter()
        .filter(|m| (m.n >= k && !withheld.contains(&m.domain)) || shown_here(&m.domain))
        .collect();
    let unknown = truth
        .cells
        .keys()
        .filter(|cell| !known.contains_key(*cell))
        .cloned()
        .collect();
    Knowledge {
        unknown,
        known,
        margins,
    }
}

/// The differencing attacker: solves any margin with exactly one unknown cell (n and "yes"
/// by subtraction), and goes on as long as it learns something. Returns what it recovered.
fn line_attack(knowledge: &Knowledge) -> BTreeMap<Vec<String>, (u64, u64)> {
    let mut known = knowledge.known.clone();
    let mut recovered = BTreeMap::new();
    loop {
        let mut learned = false;
        for margin in &knowledge.margins {
            let unknown: Vec<&Vec<String>> = margin
                .members
                .iter()
                .filter(|cell| !known.contains_key(*cell))
                .collect();
            let [only] = unknown.as_slice() else {
                continue;
            };
            let only = (*only).clone();
            let (n, yes) = margin
                .members
                .iter()
                .filter_map(|cell| known.get(cell))
                .fold((0, 0), |(a, b), (n, y)| (a + n, b + y));
            let value = (margin.n - n, margin.yes - yes);
            known.insert(only.clone(), value);
            recovered.insert(only, value);
            learned = true;
        }
        if !learned {
            return recovered;
        }
    }
}

/// A stronger attacker: every unknown cell that any linear combination of the published
/// margins pins down (floating-point Gauss–Jordan, independent of the module's exact one).
fn algebra_attack(knowledge: &Knowledge) -> BTreeSet<Vec<String>> {
    let unknown: Vec<&Vec<String>> = knowledge.unknown.iter().collect();
    let mut rows: Vec<Vec<f64>> = knowledge
        .margins
        .iter()
        .map(|m| {
            unknown
                .iter()
                .map(|cell| f64::from(u8::from(m.members.contains(cell))))
                .collect()
        })
        .collect();
    let mut pivots = Vec::new();
    let mut next = 0;
    for (col, cell) in unknown.iter().enumerate() {
        let Some(best) =
            (next..rows.len()).max_by(|&a, &b| rows[a][col].abs().total_cmp(&rows[b][col].abs()))
        else {
            break;
        };
        if rows[best][col].abs() < 1e-9 {
            continue;
        }
        rows.swap(next, best);
        let pivot = rows[next].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            if r != next {
                let factor = row[col] / pivot[col];
                row.iter_mut()
                    .zip(&pivot)
                    .for_each(|(x, p)| *x -= factor * p);
            }
        }
        pivots.push((col, next, *cell));
        next += 1;
    }
    pivots
        .into_iter()
        .filter(|&(col, r, _)| {
            rows[r]
                .iter()
                .enumerate()
                .all(|(j, v)| j == col || v.abs() < 1e-9)
        })
        .map(|(_, _, cell)| cell.clone())
        .collect()
}

/// Lines with a margin the attacker knows and exactly one hidden cell.
fn lone_hidden_lines(
    table: &[Estimate],
    truth: &Truth,
    k: u64,
    withheld: &[BTreeMap<String, String>],
) -> Vec<BTreeMap<String, String>> {
    let hidden = hidden_cells(table, &truth.vars);
    truth
        .lines()
        .into_iter()
        .filter(|line| line.n >= k && !withheld.contains(&line.domain))
        .filter(|line| line.members.iter().filter(|c| hidden.contains(*c)).count() == 1)
        .map(|line| line.domain)
        .collect()
}

#[test]
fn a_cell_below_k_is_hidden_with_every_number_removed_and_the_flag_set() {
    let truth = Truth::one_way(&[3, 20, 30, 40]);
    let (table, _) = run(&truth, K);
    let row = cell(&table, &["a0"]);
    assert_eq!(
        (
            row.figures.n,
            row.figures.estimate,
            row.figures.se,
            row.figures.ci_low,
            row.figures.ci_high,
            row.figures.df,
            row.figures.deff
        ),
        (None, None, None, None, None, None, None)
    );
    assert_eq!(row.figures.flags, vec![Flag::Suppressed]);
    assert_eq!(row.id, "unsafe");
}

#[test]
fn cells_at_or_above_k_are_left_untouched() {
    let truth = Truth::two_way(&[&[5, 20, 7], &[9, 5, 60]]);
    let (table, report) = run(&truth, K);
    assert_eq!(table, truth.table());
    assert_eq!(report, SuppressionReport::default());
}

#[test]
fn flags_that_describe_a_hidden_number_are_dropped() {
    // 3 of 3 answered yes: boundary and low_df would tell that much.
    let truth = Truth::grid(&[3], &[(3, 3), (20, 4), (30, 9)]);
    assert_eq!(
        truth.table()[0].figures.flags,
        vec![Flag::Boundary, Flag::LowDf]
    );
    let (table, _) = run(&truth, K);
    assert_eq!(cell(&table, &["a0"]).figures.flags, vec![Flag::Suppressed]);
}

#[test]
fn one_small_cell_in_a_one_way_table_costs_exactly_the_next_smallest_cell() {
    let truth = Truth::one_way(&[40, 3, 12, 25, 9]);
    let (table, report) = run(&truth, K);
    assert_eq!(hidden_cells(&table, &truth.vars), keys(&[&["a1"], &["a4"]]));
    assert_eq!((report.primary, report.complementary), (1, 1));
    assert!(report.margins_to_hide.is_empty());
    assert_eq!(cell(&table, &[]).figures.n, Some(89));
    for untouched in ["a0", "a2", "a3"] {
        assert_eq!(
            cell(&table, &[untouched]),
            cell(&truth.table(), &[untouched])
        );
    }
}

#[test]
fn two_small_cells_in_a_one_way_table_need_no_complement() {
    let truth = Truth::one_way(&[40, 3, 12, 4]);
    let (table, report) = run(&truth, K);
    assert_eq!(hidden_cells(&table, &truth.vars), keys(&[&["a1"], &["a3"]]));
    assert_eq!((report.primary, report.complementary), (2, 0));
}

#[test]
fn ties_between_complements_go_to_the_first_domain() {
    let truth = Truth::one_way(&[3, 9, 9, 20]);
    let (table, _) = run(&truth, K);
    assert_eq!(hidden_cells(&table, &truth.vars), keys(&[&["a0"], &["a1"]]));
}

#[test]
fn empty_cells_stay_published_as_zero_and_are_never_complements() {
    let truth = Truth::one_way(&[3, 0, 8, 20]);
    let (table, _) = run(&truth, K);
    assert_eq!(hidden_cells(&table, &truth.vars), keys(&[&["a0"], &["a2"]]));
    let empty = cell(&table, &["a1"]);
    assert_eq!((empty.figures.n, empty.figures.estimate), (Some(0), None));
    assert_eq!(empty.figures.flags, vec![Flag::Empty]);
}

#[test]
fn a_lone_hidden_cell_with_nothing_to_pair_hides_the_total_row() {
    // a0 arrives already hidden (n unknown); its only neighbours are empty.
    let truth = Truth::one_way(&[20, 0, 0]);
    let mut table = truth.table();
    table[0].figures.n = None;
    let report = suppress(&mut table, &truth.vars, K);
    assert!(cell(&table, &[]).figures.flags.contains(&Flag::Suppressed));
    assert_eq!(cell(&table, &[]).figures.n, None);
    assert_eq!(report.margins_to_hide, vec![BTreeMap::new()]);
}

#[test]
fn a_total_below_k_is_hidden_by_rule_one_and_needs_no_withholding() {
    let truth = Truth::one_way(&[3, 0, 0]);
    let (table, report) = run(&truth, K);
    assert!(cell(&table, &[]).figures.flags.contains(&Flag::Suppressed));
    assert!(report.margins_to_hide.is_empty());
    assert_eq!(report.primary, 2);
}

#[test]
fn a_complement_in_a_row_that_leaves_a_column_exposed_is_followed_until_the_cycle_closes() {
    // (a0,b0) = 2 needs a partner in row a0: (a0,b1) leaves column b1 with a lone hidden
    // cell, paired by (a2,b1), which leaves row a2 alone, closed by (a2,b0) in column b0.
    // That cycle hides 30 + 8 + 45 = 83 respondents; every other cycle hides more.
    let truth = Truth::two_way(&[&[2, 30, 7], &[40, 50, 60], &[45, 8, 55]]);
    let (table, report) = run(&truth, K);
    assert_eq!(
        hidden_cells(&table, &truth.vars),
        keys(&[&["a0", "b0"], &["a0", "b1"], &["a2", "b0"], &["a2", "b1"]])
    );
    assert_eq!((report.primary, report.complementary), (1, 3));
    assert!(lone_hidden_lines(&table, &truth, K, &report.margins_to_hide).is_empty());
}

#[test]
fn every_row_and_column_of_a_two_way_table_ends_with_zero_or_at_least_two_hidden_cells() {
    let truth = Truth::two_way(&[
        &[12, 3, 40, 22, 17],
        &[30, 25, 1, 19, 8],
        &[6, 44, 28, 2, 35],
        &[50, 21, 33, 27, 4],
    ]);
    let (table, report) = run(&truth, K);
    assert!(report.margins_to_hide.is_empty());
    let hidden = hidden_cells(&table, &truth.vars);
    for line in truth.lines() {
        let count = line.members.iter().filter(|c| hidden.contains(*c)).count();
        assert!(count != 1, "line {:?} has a lone hidden cell", line.domain);
    }
    let attacker = knowledge(&table, &truth, K, &report.margins_to_hide);
    assert!(algebra_attack(&attacker).is_empty());
}

#[test]
fn a_small_cell_of_a_three_way_table_is_covered_by_a_box() {
    let mut counts = vec![(20, 10); 18];
    counts[0] = (2, 1);
    let truth = Truth::grid(&[3, 3, 2], &counts);
    let (table, report) = run(&truth, K);
    assert_eq!(hidden_cells(&table, &truth.vars).len(), 8);
    assert!(report.margins_to_hide.is_empty());
    let attacker = knowledge(&table, &truth, K, &report.margins_to_hide);
    assert!(line_attack(&attacker).is_empty());
    assert!(algebra_attack(&attacker).is_empty());
}

#[test]
fn a_variable_with_a_single_value_leaves_its_margin_to_be_withheld_elsewhere() {
    // One row: each column is a single cell whose margin is that cell. The complement b1 can
    // only stay hidden if the b-breakdown hides b1 as well.
    let truth = Truth::two_way(&[&[3, 40, 50]]);
    let mut table = truth.table_with_margins();
    let report = suppress(&mut table, &truth.vars, K);
    assert_eq!(
        hidden_cells(&table, &truth.vars),
        keys(&[&["a0", "b0"], &["a0", "b1"]])
    );
    let b1: BTreeMap<String, String> = [("b".to_string(), "b1".to_string())].into();
    assert_eq!(report.margins_to_hide, vec![b1]);
    assert!(
        cell(&table, &["b1"])
            .figures
            .flags
            .contains(&Flag::Suppressed)
    );
    assert_eq!(cell(&table, &["a0"]).figures.n, Some(93));
    let attacker = knowledge(&table, &truth, K, &report.margins_to_hide);
    assert!(line_attack(&attacker).is_empty());
}

#[test]
fn the_attacker_recovers_a_cell_from_a_table_with_primary_suppression_only() {
    let truth = Truth::one_way(&[3, 20, 30]);
    let attacker = knowledge(&primary_only(&truth, K), &truth, K, &[]);
    let recovered = line_attack(&attacker);
    assert_eq!(recovered.get(&key(&["a0"])), Some(&(3, 1)));

    let truth = Truth::two_way(&[&[2, 30, 7], &[40, 50, 60], &[45, 8, 55]]);
    let attacker = knowledge(&primary_only(&truth, K), &truth, K, &[]);
    assert_eq!(
        line_attack(&attacker).get(&key(&["a0", "b0"])),
        Some(&(2, 1))
    );
}

#[test]
fn a_cell_bridging_two_protected_blocks_is_exposed_though_no_line_gives_it_away() {
    // Hidden: two 2×2 blocks and (a0,b2) between them. Every row and column holds two hidden
    // cells or none, yet rows a0 + a1 minus columns b0 + b1 leave exactly (a0,b2).
    let truth = Truth::two_way(&[&[20; 4], &[20; 4], &[20; 4], &[20; 4]]);
    let bridge = key(&["a0", "b2"]);
    let hidden = keys(&[
        &["a0", "b0"],
        &["a0", "b1"],
        &["a1", "b0"],
        &["a1", "b1"],
        &["a2", "b2"],
        &["a2", "b3"],
        &["a3", "b2"],
        &["a3", "b3"],
        &["a0", "b2"],
    ]);
    let mut table = truth.table();
    let roles: Vec<Role> = table
        .iter()
        .map(|r| Role::of(&r.domain, &truth.vars))
        .collect();
    let grid = Grid::build(&table, &roles, 2, K);
    let mut plan = Plan::new(&grid, K);
    for (i, c) in grid.cells.iter().enumerate() {
        if hidden.contains(&c.key) {
            plan.hide(i);
            c.rows.iter().for_each(|&r| hide(&mut table[r]));
        }
    }
    let flagged: Vec<&Vec<String>> = exposed(&grid, &plan)
        .iter()
        .zip(&grid.cells)
        .filter(|&(&e, _)| e)
        .map(|(_, c)| &c.key)
        .collect();
    assert_eq!(flagged, vec![&bridge]);
    let attacker = knowledge(&table, &truth, K, &[]);
    assert!(line_attack(&attacker).is_empty());
    assert_eq!(algebra_attack(&attacker), BTreeSet::from([bridge]));
}

#[test]
fn k_of_zero_or_one_hides_nothing() {
    let truth = Truth::two_way(&[&[1, 2, 7], &[3, 1, 60]]);
    for k in [0, 1] {
        let (table, report) = run(&truth, k);
        assert_eq!(table, truth.table());
        assert_eq!(report, SuppressionReport::default());
    }
}

#[test]
fn rows_sharing_a_domain_are_hidden_together() {
    let truth = Truth::one_way(&[20, 30, 40, 50]);
    let mut table = truth.table();
    let mut copy = table[0].clone();
    copy.figures.n = Some(3);
    table.push(copy);
    let report = suppress(&mut table, &truth.vars, K);
    let a0: Vec<&Estimate> = table
        .iter()
        .filter(|r| r.domain.get("a").map(String::as_str) == Some("a0"))
        .collect();
    assert_eq!(a0.len(), 2);
    assert!(
        a0.iter()
            .all(|r| r.figures.n.is_none() && r.figures.flags == [Flag::Suppressed])
    );
    assert_eq!(hidden_cells(&table, &truth.vars).len(), 2);
    assert_eq!((report.primary, report.complementary), (1, 2));
}

#[test]
fn odd_input_never_panics() {
    let vars = key(&["a", "b"]);
    let mut empty: Vec<Estimate> = Vec::new();
    assert_eq!(suppress(&mut empty, &vars, K), SuppressionReport::default());

    let mut table = Truth::two_way(&[&[3, 0], &[0, 2]]).table_with_margins();
    let strange: BTreeMap<String, String> = [("z".to_string(), "?".to_string())].into();
    table.push(estimate_row(strange, 2, 1));
    table.push(estimate_row(BTreeMap::new(), 400, 3));
    table[1].figures.n = None;
    for by in [
        vec![],
        key(&["a"]),
        key(&["b", "a", "b"]),
        key(&["a", "b", "c"]),
    ] {
        for k in [0, 1, 3, 10, u64::MAX] {
            let mut copy = table.clone();
            suppress(&mut copy, &by, k);
            for row in &copy {
                let shown = !row.figures.flags.contains(&Flag::Suppressed);
                assert!(!shown || row.figures.n.is_some_and(|n| n == 0 || n >= k));
            }
        }
    }
}

fn count(min: u64) -> impl Strategy<Value = (u64, u64)> {
    (min..=60u64).prop_flat_map(|n| (Just(n), 0..=n))
}

fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        (1usize..=8).prop_map(|a| vec![a]),
        (1usize..=6, 1usize..=6).prop_map(|(a, b)| vec![a, b]),
        (1usize..=3, 1usize..=3, 1usize..=3).prop_map(|(a, b, c)| vec![a, b, c]),
    ]
}

fn k() -> impl Strategy<Value = u64> {
    prop::sample::select(vec![3u64, 5, 10])
}

/// Random tables of 1 to 3 variables, 0–60 respondents per cell, k in {3, 5, 10}.
fn case() -> impl Strategy<Value = (Truth, u64)> {
    (shape(), k())
        .prop_flat_map(|(shape, k)| {
            let size: usize = shape.iter().product();
            (Just(shape), prop::collection::vec(count(0), size), Just(k))
        })
        .prop_map(|(shape, counts, k)| (Truth::grid(&shape, &counts), k))
}

/// Tables with some combinations of values missing altogether.
fn sparse_case() -> impl Strategy<Value = (Truth, u64)> {
    (
        case(),
        prop::collection::vec(prop::bool::weighted(0.85), 216),
    )
        .prop_map(|((mut truth, k), present)| {
            let mut keep = present.into_iter().cycle();
            truth.cells.retain(|_, _| keep.next().unwrap_or(true));
            (truth, k)
        })
}

/// Two or more values per variable, and no empty cell.
fn full_case() -> impl Strategy<Value = (Truth, u64)> {
    let shape = prop_oneof![
        (2usize..=8).prop_map(|a| vec![a]),
        (2usize..=6, 2usize..=6).prop_map(|(a, b)| vec![a, b]),
        (2usize..=3, 2usize..=3, 2usize..=3).prop_map(|(a, b, c)| vec![a, b, c]),
    ];
    (shape, k())
        .prop_flat_map(|(shape, k)| {
            let size: usize = shape.iter().product();
            (Just(shape), prop::collection::vec(count(1), size), Just(k))
        })
        .prop_map(|(shape, counts, k)| (Truth::grid(&shape, &counts), k))
}

proptest! {
    #[test]
    fn the_differencing_attacker_recovers_no_hidden_cell((truth, k) in case()) {
        let (table, report) = run(&truth, k);
        let attacker = knowledge(&table, &truth, k, &report.margins_to_hide);
        let recovered = line_attack(&attacker);
        prop_assert!(recovered.is_empty(), "recovered {:?}", recovered);
    }

    #[test]
    fn no_combination_of_published_margins_pins_a_hidden_cell((truth, k) in case()) {
        let (table, report) = run(&truth, k);
        let attacker = knowledge(&table, &truth, k, &report.margins_to_hide);
        let pinned = algebra_attack(&attacker);
        prop_assert!(pinned.is_empty(), "pinned {:?}", pinned);
    }

    #[test]
    fn every_line_with_a_published_margin_ends_with_zero_or_at_least_two_hidden_cells(
        (truth, k) in case()
    ) {
        let (table, report) = run(&truth, k);
        let lone = lone_hidden_lines(&table, &truth, k, &report.margins_to_hide);
        prop_assert!(lone.is_empty(), "lone hidden cell in {:?}", lone);
    }

    #[test]
    fn published_cells_keep_their_numbers_and_none_has_fewer_than_k_respondents(
        (truth, k) in case()
    ) {
        let original = truth.table();
        let (table, _) = run(&truth, k);
        for (before, after) in original.iter().zip(&table) {
            if after.figures.flags.contains(&Flag::Suppressed) {
                prop_assert_eq!(after.figures.n, None);
                prop_assert_eq!(after.figures.estimate, None);
                prop_assert!(before.figures.n.is_some_and(|n| n > 0));
            } else {
                prop_assert_eq!(before, after);
                prop_assert!(after.figures.n.is_some_and(|n| n == 0 || n >= k));
            }
        }
    }

    #[test]
    fn suppression_is_deterministic((truth, k) in case()) {
        prop_assert_eq!(run(&truth, k), run(&truth, k));
    }

    #[test]
    fn tables_with_missing_combinations_and_margin_rows_are_protected_too(
        (truth, k) in sparse_case()
    ) {
        let mut table = truth.table_with_margins();
        let report = suppress(&mut table, &truth.vars, k);
        let attacker = knowledge(&table, &truth, k, &report.margins_to_hide);
        prop_assert!(line_attack(&attacker).is_empty());
        prop_assert!(algebra_attack(&attacker).is_empty());
    }

    #[test]
    fn full_tables_never_ask_for_a_margin_to_be_withheld((truth, k) in full_case()) {
        let (table, report) = run(&truth, k);
        prop_assert!(report.margins_to_hide.is_empty());
        let attacker = knowledge(&table, &truth, k, &[]);
        prop_assert!(algebra_attack(&attacker).is_empty());
    }
}
