//! The cells of a table and the margins over them that an attacker may know.

use std::collections::{BTreeMap, BTreeSet};

use super::{MAX_VARS, Role};
use crate::stats::types::Estimate;

/// One cell of the table, with the rows that show it.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub(super) key: Vec<String>,
    pub(super) rows: Vec<usize>,
    /// None when unknown, or when rows of the same domain disagree.
    pub(super) n: Option<u64>,
}

/// A margin: the cells that agree on the variables `fixed` (indices into `by`) with values `key`.
#[derive(Debug, Clone)]
pub(super) struct Group {
    pub(super) fixed: Vec<usize>,
    pub(super) key: Vec<String>,
    pub(super) members: Vec<usize>,
    /// Provably below k: hidden wherever it appears, so unknown to the attacker.
    pub(super) small: bool,
}

/// The cells of a table and the margins over them, in a fixed order: cells by domain values,
/// margins lines first (they are the cheapest to withhold), then by variables and values.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    pub(super) vars: usize,
    /// Distinct values of each variable among the cells, sorted.
    pub(super) values: Vec<Vec<String>>,
    pub(super) cells: Vec<Cell>,
    pub(super) index: BTreeMap<Vec<String>, usize>,
    pub(super) groups: Vec<Group>,
    /// The groups each cell belongs to, in group order.
    pub(super) memberships: Vec<Vec<usize>>,
}

impl Grid {
    pub(super) fn build(table: &[Estimate], roles: &[Role], vars: usize, k: u64) -> Grid {
        let mut rows_of: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
        for (row, role) in roles.iter().enumerate() {
            if let Role::Cell(key) = role {
                rows_of.entry(key.clone()).or_default().push(row);
            }
        }
        let cells: Vec<Cell> = rows_of
            .into_iter()
            .map(|(key, rows)| {
                let n = agreed_n(table, &rows);
                Cell { key, rows, n }
            })
            .collect();
        let index = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| (cell.key.clone(), i))
            .collect();
        let values = (0..vars)
            .map(|var| {
                let set: BTreeSet<&String> =
                    cells.iter().filter_map(|cell| cell.key.get(var)).collect();
                set.into_iter().cloned().collect()
            })
            .collect();
        let groups = margin_groups(&cells, vars, k);
        let mut memberships = vec![Vec::new(); cells.len()];
        for (g, group) in groups.iter().enumerate() {
            for &member in &group.members {
                if let Some(list) = memberships.get_mut(member) {
                    list.push(g);
                }
            }
        }
        Grid {
            vars,
            values,
            cells,
            index,
            groups,
            memberships,
        }
    }

    pub(super) fn is_line(&self, group: usize) -> bool {
        self.groups
            .get(group)
            .is_some_and(|g| g.fixed.len() + 1 == self.vars)
    }

    pub(super) fn group_of(&self, fixed: &[usize], key: &[String]) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.fixed == fixed && g.key == key)
    }
}

/// The n shared by every row of a cell; None when unknown or when the rows disagree.
pub(super) fn agreed_n(table: &[Estimate], rows: &[usize]) -> Option<u64> {
    let mut ns = rows
        .iter()
        .map(|&row| table.get(row).and_then(|r| r.figures.n));
    let first = ns.next().flatten()?;
    ns.all(|n| n == Some(first)).then_some(first)
}

pub(super) fn margin_groups(cells: &[Cell], vars: usize, k: u64) -> Vec<Group> {
    let mut groups = Vec::new();
    if vars == 0 {
        return groups;
    }
    for fixed in margin_kinds(vars) {
        let mut members: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
        for (i, cell) in cells.iter().enumerate() {
            let key = fixed
                .iter()
                .filter_map(|&var| cell.key.get(var).cloned())
                .collect();
            members.entry(key).or_default().push(i);
        }
        for (key, members) in members {
            let small = provably_below(cells, &members, k);
            groups.push(Group {
                fixed: fixed.clone(),
                key,
                members,
                small,
            });
        }
    }
    groups
}

/// The sets of variables a margin fixes: every proper subset, largest (the lines) first.
pub(super) fn margin_kinds(vars: usize) -> Vec<Vec<usize>> {
    let mut kinds: Vec<Vec<usize>> = if vars <= MAX_VARS {
        (0..(1usize << vars) - 1)
            .map(|mask| (0..vars).filter(|var| mask >> var & 1 == 1).collect())
            .collect()
    } else {
        let mut lines: Vec<Vec<usize>> = (0..vars)
            .map(|free| (0..vars).filter(|&var| var != free).collect())
            .collect();
        lines.push(Vec::new());
        lines
    };
    kinds.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    kinds
}

pub(super) fn provably_below(cells: &[Cell], members: &[usize], k: u64) -> bool {
    members
        .iter()
        .try_fold(0u64, |sum, &m| {
            cells.get(m)?.n.map(|n| sum.saturating_add(n))
        })
        .is_some_and(|total| total < k)
}

/// What the attacker sees of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Published(u64),
    Empty,
    Hidden,
}

/// The cells to hide and the margins to withhold, as they are decided.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub(super) state: Vec<State>,
    pub(super) withheld: Vec<bool>,
}

impl Plan {
    pub(super) fn new(grid: &Grid, k: u64) -> Plan {
        let state = grid
            .cells
            .iter()
            .map(|cell| match cell.n {
                Some(0) => State::Empty,
                Some(n) if n >= k => State::Published(n),
                _ => State::Hidden,
            })
            .collect();
        Plan {
            state,
            withheld: vec![false; grid.groups.len()],
        }
    }

    pub(super) fn is_hidden(&self, cell: usize) -> bool {
        self.state.get(cell) == Some(&State::Hidden)
    }

    pub(super) fn hide(&mut self, cell: usize) {
        if let Some(state) = self.state.get_mut(cell) {
            *state = State::Hidden;
        }
    }

    /// Whether the attacker knows this margin.
    pub(super) fn knows(&self, grid: &Grid, group: usize) -> bool {
        grid.groups.get(group).is_some_and(|g| !g.small) && self.withheld.get(group) == Some(&false)
    }

    pub(super) fn hidden_in(&self, grid: &Grid, group: usize) -> usize {
        grid.groups.get(group).map_or(0, |g| {
            g.members.iter().filter(|&&m| self.is_hidden(m)).count()
        })
    }
}
