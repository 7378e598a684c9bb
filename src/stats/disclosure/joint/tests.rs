//! The joint control against an attacker written independently of it: from the true counts of a
//! whole cross-classification (remainders included), every published table, the equations that
//! tie them, and a brute-force search over every small set of hidden cells.

use super::*;
use proptest::prelude::*;

const K: u64 = 5;

/// The truth: per variable its categories (the remainder is `None`), and per respondent the
/// value of each variable and an id.
#[derive(Debug, Clone)]
struct Truth {
    vars: Vec<String>,
    respondents: Vec<(Vec<Option<String>>, u64)>,
    /// Respondents per grid cell, and each respondent's grid cell.
    cells: Vec<u64>,
    cell_of: Vec<usize>,
}

impl Truth {
    /// Counts in a full grid over the variables' values, each with a remainder value last:
    /// `sizes[v]` categories of variable v, then `counts` in row-major order (last variable
    /// fastest), the remainder as the last value of each variable.
    fn grid(sizes: &[usize], counts: &[u64]) -> Truth {
        let vars: Vec<String> = (0..sizes.len())
            .map(|v| char::from(b'a' + v as u8).to_string())
            .collect();
        let mut respondents = Vec::new();
        let mut cell_of = Vec::new();
        let mut id = 1u64;
        for (flat, &n) in counts.iter().enumerate() {
            let mut rest = flat;
            let mut key = vec![None; sizes.len()];
            for v in (0..sizes.len()).rev() {
                let value = rest % (sizes[v] + 1);
                rest /= sizes[v] + 1;
                key[v] = (value < sizes[v]).then(|| format!("{}{value}", vars[v]));
            }
            for _ in 0..n {
                id = id
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                respondents.push((key.clone(), id));
                cell_of.push(flat);
            }
        }
        Truth {
            vars,
            respondents,
            cells: counts.to_vec(),
            cell_of,
        }
    }

    /// The respondents before the last `dropped[i]` of grid cell i came in (grid order as in
    /// [`Truth::grid`]): an earlier publication of the same wave.
    fn without_last(&self, dropped: &[u64]) -> Truth {
        let mut left: Vec<u64> = self.cells.clone();
        for (cell, d) in left.iter_mut().zip(dropped) {
            *cell = cell.saturating_sub(*d);
        }
        let mut seen = vec![0u64; self.cells.len()];
        let respondents = self
            .respondents
            .iter()
            .zip(&self.cell_of)
            .filter(|&(_, &cell)| {
                seen[cell] += 1;
                seen[cell] <= left[cell]
            })
            .map(|(r, _)| r.clone())
            .collect();
        Truth {
            vars: self.vars.clone(),
            respondents,
            cells: left,
            cell_of: Vec::new(),
        }
    }

    /// The table of the variables `by` (indices, ascending), remainders included.
    fn table(&self, by: &[usize]) -> TableCounts {
        let mut cells: BTreeMap<CellKey, Count> = BTreeMap::new();
        for (key, id) in &self.respondents {
            let k: CellKey = by.iter().map(|&v| key[v].clone()).collect();
            cells.entry(k).or_default().add(*id);
        }
        TableCounts::new(by.iter().map(|&v| self.vars[v].clone()).collect(), cells)
    }

    /// What the service publishes for two variables or fewer: overall, each alone, crossed.
    fn published(&self) -> Vec<TableCounts> {
        let d = self.vars.len();
        let mut out = vec![self.table(&[])];
        out.extend((0..d).map(|v| self.table(&[v])));
        if d == 2 {
            out.push(self.table(&[0, 1]));
        }
        out
    }
}

/// The attacker: all cells of all published tables, as (table, key, count); the equations
/// written out directly (a table's cells sum to the overall; a crossed table's rows and
/// columns to the one-way cells).
struct Attacker {
    cells: Vec<(usize, CellKey, Count)>,
    equations: Vec<Vec<(usize, f64)>>,
}

impl Attacker {
    fn new(tables: &[TableCounts], keys_from: &[&[TableCounts]]) -> Attacker {
        let mut cells = Vec::new();
        for (t, table) in tables.iter().enumerate() {
            let mut keys: BTreeSet<CellKey> = table.cells.iter().map(|c| c.key.clone()).collect();
            for other in keys_from {
                if let Some(old) = other.iter().find(|o| o.by == table.by) {
                    keys.extend(old.cells.iter().map(|c| c.key.clone()));
                }
            }
            for key in keys {
                let count = table
                    .cells
                    .iter()
                    .find(|c| c.key == key)
                    .map_or(Count::default(), |c| Count { n: c.n, ids: c.ids });
                cells.push((t, key, count));
            }
        }
        let find =
            |t: usize, key: &CellKey| cells.iter().position(|(ct, ck, _)| *ct == t && ck == key);
        let mut equations = Vec::new();
        // One-way tables against the overall (table 0).
        for (t, table) in tables.iter().enumerate().filter(|(_, t)| t.by.len() == 1) {
            let mut eq: Vec<(usize, f64)> = cells
                .iter()
                .enumerate()
                .filter(|(_, (ct, _, _))| *ct == t)
                .map(|(i, _)| (i, 1.0))
                .collect();
            if let Some(o) = find(0, &Vec::new()) {
                eq.push((o, -1.0));
            }
            let _ = table;
            equations.push(eq);
        }
        // A crossed table's rows and columns against the one-way tables 1 and 2.
        if let Some(crossed) = tables.iter().position(|t| t.by.len() == 2) {
            for (side, one_way) in [(0usize, 1usize), (1, 2)] {
                let values: BTreeSet<Option<String>> = cells
                    .iter()
                    .filter(|(ct, _, _)| *ct == crossed)
                    .map(|(_, key, _)| key[side].clone())
                    .collect();
                for value in values {
                    let mut eq: Vec<(usize, f64)> = cells
                        .iter()
                        .enumerate()
                        .filter(|(_, (ct, key, _))| *ct == crossed && key[side] == value)
                        .map(|(i, _)| (i, 1.0))
                        .collect();
                    if let Some(m) = find(one_way, &vec![value.clone()]) {
                        eq.push((m, -1.0));
                    }
                    equations.push(eq);
                }
            }
        }
        Attacker { cells, equations }
    }

    /// The rank of the equations over `columns`, with `extra` as one more row.
    fn rank(&self, columns: &[usize], extra: Option<&[f64]>) -> usize {
        let mut rows: Vec<Vec<f64>> = self
            .equations
            .iter()
            .map(|eq| {
                columns
                    .iter()
                    .map(|c| eq.iter().filter(|(i, _)| i == c).map(|(_, v)| v).sum())
                    .collect()
            })
            .collect();
        if let Some(extra) = extra {
            rows.push(extra.to_vec());
        }
        let mut rank = 0;
        for col in 0..columns.len() {
            let Some(pivot) = (rank..rows.len())
                .max_by(|&a, &b| rows[a][col].abs().partial_cmp(&rows[b][col].abs()).unwrap())
            else {
                break;
            };
            if rows[pivot][col].abs() < 1e-9 {
                continue;
            }
            rows.swap(rank, pivot);
            let p = rows[rank].clone();
            for (r, row) in rows.iter_mut().enumerate() {
                if r != rank {
                    let f = row[col] / p[col];
                    row.iter_mut().zip(&p).for_each(|(x, y)| *x -= f * y);
                }
            }
            rank += 1;
        }
        rank
    }

    /// A set of cells (weights from `weight`, None = free) whose sum is determined and holds 1 to
    /// K − 1: the first one found.
    fn disclosed(
        &self,
        hidden: &dyn Fn(usize) -> bool,
        weight: &dyn Fn(usize) -> Option<u64>,
    ) -> Option<Vec<usize>> {
        let columns: Vec<usize> = (0..self.cells.len())
            .filter(|&c| hidden(c) && weight(c).is_some())
            .collect();
        let small: Vec<usize> = columns
            .iter()
            .copied()
            .filter(|&c| weight(c).is_some_and(|w| w < K))
            .collect();
        assert!(
            small.len() <= 16,
            "too many small cells to search: {}",
            small.len()
        );
        let base = self.rank(&columns, None);
        for mask in 1u32..(1u32 << small.len()) {
            let set: Vec<usize> = (0..small.len())
                .filter(|b| mask >> b & 1 == 1)
                .map(|b| small[b])
                .collect();
            let sum: u64 = set.iter().filter_map(|&c| weight(c)).sum();
            if sum >= K {
                continue;
            }
            let target: Vec<f64> = columns
                .iter()
                .map(|c| if set.contains(c) { 1.0 } else { 0.0 })
                .collect();
            if self.rank(&columns, Some(&target)) == base {
                return Some(set);
            }
        }
        None
    }
}

/// The solver's verdict as a test of each attacker cell: hidden or shown.
fn hidden_of(attacker: &Attacker, tables: &[TableCounts], hide: &[BTreeSet<CellKey>]) -> Vec<bool> {
    attacker
        .cells
        .iter()
        .map(|(t, key, _)| {
            key.iter().any(Option::is_none)
                || hide[*t].contains(key)
                || !tables[*t].cells.iter().any(|c| c.key == *key)
        })
        .collect()
}

fn check_now(truth: &Truth) -> Result<(), String> {
    let tables = truth.published();
    let hide = protect(&tables, &[], K);
    let attacker = Attacker::new(&tables, &[]);
    let hidden = hidden_of(&attacker, &tables, &hide);
    for (c, (_, key, count)) in attacker.cells.iter().enumerate() {
        if !hidden[c] && count.n < K {
            return Err(format!("{key:?} shown with {} respondents", count.n));
        }
    }
    let weight = |c: usize| Some(attacker.cells[c].2.n).filter(|&n| n > 0);
    match attacker.disclosed(&|c| hidden[c], &weight) {
        Some(set) => Err(format!(
            "the sum over {:?} is determined",
            set.iter()
                .map(|&c| &attacker.cells[c].1)
                .collect::<Vec<_>>()
        )),
        None => Ok(()),
    }
}

fn check_since(truth: &Truth, before: &Truth) -> Result<(), String> {
    let tables = truth.published();
    let earlier = before.published();
    let hide = protect(&tables, &[&earlier], K);
    let attacker = Attacker::new(&tables, &[&earlier]);
    let hidden = hidden_of(&attacker, &tables, &hide);
    let old = |c: usize| {
        let (t, key, _) = &attacker.cells[c];
        earlier[*t]
            .cells
            .iter()
            .find(|x| x.key == *key)
            .map_or(Count::default(), |x| Count { n: x.n, ids: x.ids })
    };
    let weight = |c: usize| {
        let now = attacker.cells[c].2;
        let then = old(c);
        if now == then {
            None
        } else if now.n == then.n {
            Some(2)
        } else {
            Some(now.n.abs_diff(then.n))
        }
    };
    for (c, _) in hidden.iter().enumerate().filter(|(_, h)| !**h) {
        if weight(c).is_some_and(|w| w < K) {
            return Err(format!(
                "{:?} shown with a change of {:?}",
                attacker.cells[c].1,
                weight(c)
            ));
        }
    }
    match attacker.disclosed(&|c| hidden[c], &weight) {
        Some(set) => Err(format!(
            "the change over {:?} is determined",
            set.iter()
                .map(|&c| &attacker.cells[c].1)
                .collect::<Vec<_>>()
        )),
        None => Ok(()),
    }
}

fn hidden_in(truth: &Truth, table_by: &[usize], earlier: Option<&Truth>) -> BTreeSet<CellKey> {
    let tables = truth.published();
    let earlier_tables = earlier.map(Truth::published);
    let earlier_refs: Vec<&[TableCounts]> = earlier_tables.iter().map(Vec::as_slice).collect();
    let hide = protect(&tables, &earlier_refs, K);
    let by: Vec<String> = table_by.iter().map(|&v| truth.vars[v].clone()).collect();
    let t = tables.iter().position(|t| t.by == by).expect("table");
    hide[t].clone()
}

fn some(values: &[&str]) -> CellKey {
    values.iter().map(|v| Some(v.to_string())).collect()
}

#[test]
fn a_remainder_of_one_is_protected_by_hiding_the_smallest_district() {
    // Four districts and one respondent who did not say: overall minus the districts would be
    // that one person.
    let truth = Truth::grid(&[4], &[30, 20, 25, 24, 1]);
    assert_eq!(
        hidden_in(&truth, &[0], None),
        BTreeSet::from([some(&["a1"])])
    );
    check_now(&truth).unwrap();
}

#[test]
fn a_small_category_merges_into_the_remainder_without_taking_a_large_group_with_it() {
    // Girls 50, boys 45, a third category of 3, and 4 who did not say: the third category is
    // hidden and, with the remainder, 7 ≥ k: nobody else needs to be hidden.
    let truth = Truth::grid(&[3], &[50, 45, 3, 4]);
    assert_eq!(
        hidden_in(&truth, &[0], None),
        BTreeSet::from([some(&["a2"])])
    );
    check_now(&truth).unwrap();
}

#[test]
fn a_small_category_with_a_small_remainder_takes_the_smallest_other_cell() {
    let truth = Truth::grid(&[3], &[50, 45, 2, 1]);
    assert_eq!(
        hidden_in(&truth, &[0], None),
        BTreeSet::from([some(&["a1"]), some(&["a2"])])
    );
    check_now(&truth).unwrap();
}

#[test]
fn in_grade_by_gender_the_small_category_goes_with_the_remainder_and_the_boys_stay() {
    // Two grades × (girls, boys, a third category) with remainders; the third category is
    // small in each grade, but with the pupils who did not say it is ≥ k.
    #[rustfmt::skip]
    let truth = Truth::grid(&[2, 3], &[
        // girls boys third remainder
        120, 110, 3, 4, // grade 9
        100, 105, 2, 6, // grade 11
        0, 0, 0, 0,     // grade not given
    ]);
    let crossed = hidden_in(&truth, &[0, 1], None);
    assert!(
        !crossed.iter().any(|key| key[1].as_deref() == Some("b1")),
        "boys hidden: {crossed:?}"
    );
    assert!(!crossed.iter().any(|key| key[1].as_deref() == Some("b0")));
    assert_eq!(
        crossed,
        BTreeSet::from([some(&["a0", "b2"]), some(&["a1", "b2"])])
    );
    check_now(&truth).unwrap();
}

#[test]
fn one_new_respondent_without_a_district_is_not_read_off_two_publications() {
    // Before: 30, 20, 25, 24 and a remainder of 5. After: five more in the first district and
    // one more who gave no district. Overall +6, the first district +5, the remainder +1: shown
    // as they are, the two publications would give that one person's answer.
    let after = Truth::grid(&[4], &[35, 20, 25, 24, 6]);
    let before = after.without_last(&[5, 0, 0, 0, 1]);
    let hidden = hidden_in(&after, &[0], Some(&before));
    assert!(!hidden.is_empty(), "something must be hidden");
    check_since(&after, &before).unwrap();
}

#[test]
fn an_unchanged_publication_hides_nothing_more() {
    let truth = Truth::grid(&[4], &[35, 20, 25, 24, 6]);
    assert_eq!(hidden_in(&truth, &[0], Some(&truth)), BTreeSet::new());
}

#[test]
fn three_late_answers_hide_the_overall_they_changed() {
    let after = Truth::grid(&[2], &[50, 40, 0]);
    let before = after.without_last(&[2, 1, 0]);
    let tables = after.published();
    let earlier = before.published();
    let hide = protect(&tables, &[&earlier], K);
    assert!(hide[0].contains(&Vec::new()), "the overall changed by 3");
    check_since(&after, &before).unwrap();
}

fn grid_strategy() -> impl Strategy<Value = (Vec<usize>, Vec<u64>)> {
    prop_oneof![
        (2usize..=4).prop_flat_map(|a| {
            let cells = a + 1;
            (Just(vec![a]), prop::collection::vec(count(), cells))
        }),
        (2usize..=3, 2usize..=3).prop_flat_map(|(a, b)| {
            let cells = (a + 1) * (b + 1);
            (Just(vec![a, b]), prop::collection::vec(count(), cells))
        }),
    ]
}

/// Cell sizes that make small cells, remainders and empty cells common.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), 1u64..5, 5u64..12, 12u64..60]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No published set of tables determines a group of 1 to k − 1 respondents, and no cell
    /// below k is shown.
    #[test]
    fn no_small_group_follows_from_what_is_published((sizes, counts) in grid_strategy()) {
        let truth = Truth::grid(&sizes, &counts);
        prop_assert_eq!(check_now(&truth), Ok(()));
    }

    /// Against an earlier publication of the same wave, no shown cell and no determined group of
    /// hidden cells changed by 1 to k − 1 respondents.
    #[test]
    fn no_small_change_follows_from_two_publications(
        (sizes, counts) in grid_strategy(),
        dropped in prop::collection::vec(prop_oneof![Just(0u64), Just(0u64), 1u64..4, 5u64..9], 16),
    ) {
        let after = Truth::grid(&sizes, &counts);
        let before = after.without_last(&dropped);
        prop_assert_eq!(check_now(&after), Ok(()));
        prop_assert_eq!(check_since(&after, &before), Ok(()));
    }
}
