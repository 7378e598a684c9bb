//! Disclosure control of one estimate's tables together, remainders and earlier publications
//! included: which cells a publication must hide so that no group of 1 to k − 1 respondents
//! can be read off what it publishes, alone or beside an earlier publication of the same wave.
//!
//! # The attacker
//! The attacker knows every published cell of every breakdown of the estimate (overall, each
//! background question alone, each crossed breakdown) and the way they add up: a breakdown's
//! cells sum to the overall, a crossed table's rows and columns to the one-way cells. Cells are
//! counts of respondents (the yes-counts obey the same equations over the same unknowns). The
//! unknowns are the hidden cells and the **remainders**: in every breakdown the respondents in no
//! published category (unanswered, a missing code such as "vill inte svara", a category too small
//! to show) form a cell of their own that is never published. The attacker learns any sum of
//! unknowns that lies in the row space of the equations.
//!
//! # The rule
//! A publication discloses a group when it determines the sum over a set of whole hidden cells
//! holding 1 to k − 1 respondents (and no other respondent): a single small cell pinned by
//! subtraction, a remainder "overall minus the districts" of three people, a row's hidden part.
//! Against an earlier publication of the same wave the same holds for the *change*: each cell's
//! change in respondents is the difference in n, or at least 2 when n is equal but the respondents
//! differ (told by a sum of id hashes), and no published cell and no determined group of hidden
//! cells may have changed by 1 to k − 1 respondents. The attacker is assumed to know every true
//! count of the earlier publication, which is more than it showed.
//!
//! # The algorithm
//! 1. Hidden at the start: every remainder, every cell with fewer than k respondents (a category
//!    too small to show is thereby merged into the remainder), every cell whose change against an
//!    earlier publication is below k, and the cells of breakdowns that are not published.
//! 2. While a group is disclosed, hide the cheapest published cells (fewest respondents, then
//!    fewest cells) that stop that group from being determined: a single cell if one does, else
//!    two, else three; else the smallest cell that shares an equation with the group.
//!
//! Hiding a cell only takes knowledge away, so each step keeps what earlier steps protected and
//! the loop ends; with every cell hidden nothing is determined.

mod algebra;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use algebra::{Found, RowSpace, small_group};

/// A cell of a breakdown: each variable's value in the order of the table's `by`, `None` for the
/// remainder of that variable.
pub type CellKey = Vec<Option<String>>;

/// Who is in a cell: how many, and the wrapping sum of a 64-bit hash of each one's id (equal
/// sums with equal n: the same respondents).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub n: u64,
    pub ids: u64,
}

impl Count {
    pub fn add(&mut self, id: u64) {
        self.n += 1;
        self.ids = self.ids.wrapping_add(id);
    }

    pub fn plus(self, other: Count) -> Count {
        Count {
            n: self.n + other.n,
            ids: self.ids.wrapping_add(other.ids),
        }
    }
}

/// One cell's true count, as stored beside a publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellCount {
    pub key: CellKey,
    pub n: u64,
    pub ids: u64,
}

/// The true counts of one breakdown of an estimate, remainders included; cells nobody is in are
/// left out. `by` is sorted, and every key follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableCounts {
    pub by: Vec<String>,
    pub cells: Vec<CellCount>,
}

impl TableCounts {
    pub fn new(by: Vec<String>, cells: BTreeMap<CellKey, Count>) -> TableCounts {
        TableCounts {
            by,
            cells: cells
                .into_iter()
                .filter(|(_, c)| c.n > 0)
                .map(|(key, c)| CellCount {
                    key,
                    n: c.n,
                    ids: c.ids,
                })
                .collect(),
        }
    }

    fn map(&self) -> BTreeMap<CellKey, Count> {
        self.cells
            .iter()
            .map(|c| (c.key.clone(), Count { n: c.n, ids: c.ids }))
            .collect()
    }
}

/// Which cells of each published table must be hidden (in the order of `published`). A cell not
/// in its table's counts has no respondent; the caller hides such rows too (n = 0 tells nothing
/// about anyone, but an empty cell is never shown as a figure).
pub fn protect(
    published: &[TableCounts],
    earlier: &[&[TableCounts]],
    k: u64,
) -> Vec<BTreeSet<CellKey>> {
    let mut system = System::build(published, earlier, k);
    system.run();
    let mut out = vec![BTreeSet::new(); published.len()];
    for (cell, hidden) in system.cells.iter().zip(&system.hidden) {
        if *hidden
            && cell.table < published.len()
            && cell.key.iter().all(Option::is_some)
            && let Some(set) = out.get_mut(cell.table)
        {
            set.insert(cell.key.clone());
        }
    }
    out
}

/// Every sub-breakdown of the given ones, aggregated from a finer one (the overall included):
/// the margins an attacker knows or must solve for. The given tables come first, in order.
fn complete(tables: &[TableCounts]) -> Vec<Table> {
    let mut out: Vec<Table> = tables.iter().map(|t| (t.by.clone(), t.map())).collect();
    let mut next = 0;
    while next < out.len() {
        let by = out[next].0.clone();
        for drop in 0..by.len() {
            let sub: Vec<String> = by
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != drop)
                .map(|(_, v)| v.clone())
                .collect();
            if out.iter().any(|(b, _)| *b == sub) {
                continue;
            }
            let mut cells: BTreeMap<CellKey, Count> = BTreeMap::new();
            for (key, count) in &out[next].1 {
                let sub_key: CellKey = key
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != drop)
                    .map(|(_, v)| v.clone())
                    .collect();
                let entry = cells.entry(sub_key).or_default();
                *entry = entry.plus(*count);
            }
            out.push((sub, cells));
        }
        next += 1;
    }
    out
}

/// A breakdown's variables and its cells' counts.
type Table = (Vec<String>, BTreeMap<CellKey, Count>);

#[derive(Debug, Clone)]
struct Cell {
    table: usize,
    key: CellKey,
    now: Count,
    /// A category cell of a published breakdown: shown unless hidden.
    shown: bool,
}

/// A change against one earlier publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    None,
    /// At least this many respondents came or went.
    By(u64),
}

fn change(now: Count, then: Count) -> Change {
    if now == then {
        Change::None
    } else if now.n == then.n {
        // The same number, other respondents: at least one came and one went.
        Change::By(2)
    } else {
        Change::By(now.n.abs_diff(then.n))
    }
}

/// What a check looks at: the respondents now, or the change against an earlier publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Now,
    Since(usize),
}

struct System {
    k: u64,
    cells: Vec<Cell>,
    /// Per earlier publication, each cell's change.
    changes: Vec<Vec<Change>>,
    /// Each equation: cells with coefficient ±1; sums to zero.
    equations: Vec<Vec<(usize, i8)>>,
    hidden: Vec<bool>,
}

impl System {
    fn build(published: &[TableCounts], earlier: &[&[TableCounts]], k: u64) -> System {
        let now = complete(published);
        let then: Vec<Vec<Table>> = earlier.iter().map(|tables| complete(tables)).collect();
        let mut cells = Vec::new();
        let mut index: HashMap<(usize, CellKey), usize> = HashMap::new();
        for (t, (_, table)) in now.iter().enumerate() {
            // Every key now, and every key an earlier publication had (now empty).
            let mut keys: BTreeSet<&CellKey> = table.keys().collect();
            for tables in &then {
                if let Some((_, old)) = tables.iter().find(|(b, _)| *b == now[t].0) {
                    keys.extend(old.keys());
                }
            }
            for key in keys {
                index.insert((t, key.clone()), cells.len());
                cells.push(Cell {
                    table: t,
                    key: key.clone(),
                    now: table.get(key).copied().unwrap_or_default(),
                    shown: t < published.len() && key.iter().all(Option::is_some),
                });
            }
        }
        let changes = then
            .iter()
            .map(|tables| {
                cells
                    .iter()
                    .map(|cell| {
                        let old = tables
                            .iter()
                            .find(|(b, _)| *b == now[cell.table].0)
                            .map(|(_, old)| old.get(&cell.key).copied().unwrap_or_default());
                        // A breakdown the earlier publication did not have: nothing to compare.
                        old.map_or(Change::None, |old| change(cell.now, old))
                    })
                    .collect()
            })
            .collect();
        let equations = equations(&now, &cells, &index);
        let mut system = System {
            k,
            cells,
            changes,
            equations,
            hidden: Vec::new(),
        };
        system.hidden = (0..system.cells.len())
            .map(|c| {
                let cell = &system.cells[c];
                !cell.shown || cell.now.n < k || system.changed_little(c)
            })
            .collect();
        system
    }

    /// Whether a cell changed by 1 to k − 1 respondents against some earlier publication.
    fn changed_little(&self, cell: usize) -> bool {
        self.changes
            .iter()
            .any(|c| matches!(c[cell], Change::By(d) if d < self.k))
    }

    /// A cell's weight in a view: respondents now, or respondents changed; None when the cell
    /// cannot be part of a disclosure there (nobody in it, or unchanged: any coefficient).
    fn weight(&self, view: View, cell: usize) -> Option<u64> {
        match view {
            View::Now => Some(self.cells[cell].now.n).filter(|&n| n > 0),
            View::Since(p) => match self.changes[p][cell] {
                Change::None => None,
                Change::By(d) => Some(d),
            },
        }
    }

    fn views(&self) -> Vec<View> {
        std::iter::once(View::Now)
            .chain((0..self.changes.len()).map(View::Since))
            .collect()
    }

    fn run(&mut self) {
        // Each pass hides at least one more cell, so there are at most as many passes as cells.
        for _ in 0..=self.cells.len() {
            let Some((view, group)) = self.first_disclosure() else {
                return;
            };
            let chosen = self.cheapest_fix(view, &group);
            if chosen.is_empty() {
                return;
            }
            for cell in chosen {
                self.hidden[cell] = true;
            }
        }
    }

    fn first_disclosure(&self) -> Option<(View, Vec<usize>)> {
        self.views()
            .into_iter()
            .find_map(|view| disclosure(self, &self.hidden, view).map(|group| (view, group)))
    }

    /// The cheapest set of shown cells whose hiding stops `group` from being determined in
    /// `view`; failing that, the smallest shown cell that shares an equation with the group.
    fn cheapest_fix(&self, view: View, group: &[usize]) -> Vec<usize> {
        let mut candidates: Vec<usize> = (0..self.cells.len())
            .filter(|&c| !self.hidden[c] && self.cells[c].now.n > 0)
            .collect();
        candidates.sort_by_key(|&c| (self.cells[c].now.n, c));
        let stops = |extra: &[usize]| {
            let mut hidden = self.hidden.clone();
            extra.iter().for_each(|&c| hidden[c] = true);
            !determines(self, &hidden, view, group)
        };
        const PAIRS_FROM: usize = 24;
        const TRIPLES_FROM: usize = 16;
        let mut best: Option<(u64, Vec<usize>)> = None;
        for &a in &candidates {
            if stops(&[a]) {
                return vec![a];
            }
        }
        let cost = |set: &[usize]| set.iter().map(|&c| self.cells[c].now.n).sum::<u64>();
        let pool = &candidates[..candidates.len().min(PAIRS_FROM)];
        for (i, &a) in pool.iter().enumerate() {
            for &b in &pool[i + 1..] {
                let set = [a, b];
                if best.as_ref().is_none_or(|(known, _)| cost(&set) < *known) && stops(&set) {
                    best = Some((cost(&set), set.to_vec()));
                }
            }
        }
        if let Some((_, set)) = best {
            return set;
        }
        let pool = &candidates[..candidates.len().min(TRIPLES_FROM)];
        for (i, &a) in pool.iter().enumerate() {
            for (j, &b) in pool.iter().enumerate().skip(i + 1) {
                for &c in &pool[j + 1..] {
                    let set = [a, b, c];
                    if best.as_ref().is_none_or(|(known, _)| cost(&set) < *known) && stops(&set) {
                        best = Some((cost(&set), set.to_vec()));
                    }
                }
            }
        }
        if let Some((_, set)) = best {
            return set;
        }
        let near: BTreeSet<usize> = self
            .equations
            .iter()
            .filter(|eq| eq.iter().any(|(c, _)| group.contains(c)))
            .flat_map(|eq| eq.iter().map(|&(c, _)| c))
            .collect();
        candidates
            .iter()
            .copied()
            .find(|c| near.contains(c))
            .or_else(|| candidates.first().copied())
            .into_iter()
            .collect()
    }
}

/// The equations of the breakdowns: for each breakdown and each of its variables, every cell of
/// the breakdown without that variable is the sum of the cells it splits into.
fn equations(
    tables: &[Table],
    cells: &[Cell],
    index: &HashMap<(usize, CellKey), usize>,
) -> Vec<Vec<(usize, i8)>> {
    let mut out = Vec::new();
    for (t, (by, _)) in tables.iter().enumerate() {
        for drop in 0..by.len() {
            let Some(margin) = tables.iter().position(|(b, _)| {
                b.len() + 1 == by.len()
                    && by
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| i != drop)
                        .map(|(_, v)| v)
                        .eq(b.iter())
            }) else {
                continue;
            };
            let mut sums: BTreeMap<CellKey, Vec<(usize, i8)>> = BTreeMap::new();
            for (c, cell) in cells.iter().enumerate().filter(|(_, cell)| cell.table == t) {
                let sub: CellKey = cell
                    .key
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != drop)
                    .map(|(_, v)| v.clone())
                    .collect();
                sums.entry(sub).or_default().push((c, 1));
            }
            for (sub, mut members) in sums {
                if let Some(&m) = index.get(&(margin, sub)) {
                    members.push((m, -1));
                }
                out.push(members);
            }
            // Margin cells without members are cells nobody is in now or before: they hold 0 in
            // every view and need no equation.
        }
    }
    out
}

/// The row space of the equations over the hidden cells that count in `view`, with the cells
/// at or above k (or changed by k or more) first: (space, columns in order, first small column).
fn attacker(
    system: &System,
    hidden: &[bool],
    view: View,
) -> Option<(RowSpace, Vec<usize>, usize, Vec<i64>)> {
    let k = system.k;
    let mut big = Vec::new();
    let mut small = Vec::new();
    for (c, &is_hidden) in hidden.iter().enumerate() {
        if !is_hidden {
            continue;
        }
        match system.weight(view, c) {
            Some(w) if w >= k => big.push(c),
            Some(_) => small.push(c),
            None => {}
        }
    }
    let from = big.len();
    let columns: Vec<usize> = big.into_iter().chain(small).collect();
    let mut position = vec![usize::MAX; system.cells.len()];
    for (i, &c) in columns.iter().enumerate() {
        position[c] = i;
    }
    let rows: Vec<Vec<i128>> = system
        .equations
        .iter()
        .filter_map(|eq| {
            let mut row = vec![0i128; columns.len()];
            for &(c, coefficient) in eq {
                if let Some(slot) = row.get_mut(position[c]) {
                    *slot += i128::from(coefficient);
                }
            }
            row.iter().any(|&v| v != 0).then_some(row)
        })
        .collect();
    let weights = columns
        .iter()
        .map(|&c| {
            system
                .weight(view, c)
                .map_or(0, |w| i64::try_from(w).unwrap_or(i64::MAX))
        })
        .collect();
    let space = RowSpace::of(rows, columns.len())?;
    Some((space, columns, from, weights))
}

/// A disclosed group in `view`: hidden cells (by index) whose determined sum covers 1 to k − 1
/// respondents (now, or changed). Every hidden small cell counts as disclosed should the exact
/// arithmetic overflow or a block be too large to search.
fn disclosure(system: &System, hidden: &[bool], view: View) -> Option<Vec<usize>> {
    let k = i64::try_from(system.k).unwrap_or(i64::MAX);
    let Some((space, columns, from, weights)) = attacker(system, hidden, view) else {
        return Some(
            (0..system.cells.len())
                .filter(|&c| hidden[c] && system.weight(view, c).is_some_and(|w| w < system.k))
                .collect(),
        )
        .filter(|g: &Vec<usize>| !g.is_empty());
    };
    let found = small_group(&space, from, &weights, |sum| (1..k).contains(&sum))?;
    let group = match found {
        Found::Group(group) | Found::Unsearchable(group) => group,
    };
    Some(group.into_iter().map(|i| columns[i]).collect())
}

/// Whether the equations determine the sum over exactly `group` in `view` with `hidden` hidden.
fn determines(system: &System, hidden: &[bool], view: View, group: &[usize]) -> bool {
    let Some((space, columns, _, _)) = attacker(system, hidden, view) else {
        return true;
    };
    let target: Vec<i128> = columns
        .iter()
        .map(|c| i128::from(group.contains(c)))
        .collect();
    space.contains(&target).unwrap_or(true)
}
