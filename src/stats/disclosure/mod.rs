//! Disclosure control: hides the cells of a published table that have fewer than k respondents,
//! and the cells from which a hidden one could be recovered by subtraction from published totals.
//!
//! # Model
//! A table is one estimate id's rows for a breakdown `by = [v1, …, vd]`:
//! - *cells* are the rows whose domain names every variable of `by`;
//! - a *margin* is the sum over the cells that agree on a proper subset of the variables: the
//!   total `{}`, and for two or more variables the rows, the columns, …  A margin that fixes all
//!   but one variable is a *line* (a row or a column of a two-way table; the whole table for one
//!   variable).
//!
//! Every margin is taken as published somewhere — as a total or margin row of this table, or as a
//! cell of a coarser breakdown — except those below k, which rule 1 hides wherever they appear.
//! The attacker knows every published cell (empty ones too: n = 0) and every published margin, and
//! solves the linear system they form. A hidden cell is *exposed* when that system pins it to one
//! value: subtracting a line's published cells from its total is the simple case, combining several
//! lines (a hidden cell that bridges two protected blocks) the less obvious one. The counts of "yes"
//! answers obey the same equations over the same unknowns, so they are exposed exactly when n is.
//!
//! # Algorithm
//! 1. Primary: every row with 0 < n < k, or with an unknown n, loses every number ([`hide`]).
//! 2. Complementary: while a hidden cell is exposed (exact elimination over the known margins), hide
//!    the cheapest published cells that put it on a *cycle* — a ± pattern that sums to zero in every
//!    margin, along which the attacker can shift values without noticing: the smallest other cell
//!    for one variable, the cheapest alternating row/column path (Dijkstra) for two, the cheapest
//!    2×…×2 box for more. Cheapest means fewest respondents hidden, then fewest cells, then the
//!    first in domain order, so the result is deterministic.
//! 3. When no cycle exists (the line's other cells are empty, a variable has a single value), hide
//!    the smallest published cell of the line that pins it; when that line has none, its margin
//!    must not be published: a total or margin row of this table is hidden, and the margin is listed
//!    in [`SuppressionReport::margins_to_hide`] for the tables that would publish it.
//!
//! Empty cells (n = 0) reveal nobody: they stay published as n = 0 with the `empty` flag, and are
//! never hidden as complements, because hiding a zero protects nothing an attacker cannot guess.
mod cover;
mod exposure;
mod grid;
pub mod joint;
mod protect;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Estimate, Figures, Flag};
use grid::{Grid, Plan, State};
use protect::protect;

/// With more breakdown variables than this, only the lines and the grand total count as published
/// margins (there would be 2^d kinds), and exposed cells are protected line by line, without boxes.
const MAX_VARS: usize = 6;

/// Most 2×…×2 boxes examined for one exposed cell; past it the cheapest one found so far is used.
const MAX_BOXES: usize = 4096;

/// What [`suppress`] did, and what must still happen in other tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuppressionReport {
    /// Rows hidden because they have fewer than k respondents, or an unknown n.
    pub primary: usize,
    /// Rows hidden so that no hidden cell can be recovered from the published ones: cells, and
    /// total or margin rows listed in `margins_to_hide`.
    pub complementary: usize,
    /// Margins (a domain over a proper subset of `by`; `{}` is the grand total) that would expose a
    /// hidden cell: no table may publish them. Empty in every table whose cells are all non-empty
    /// and whose variables all have two values or more.
    pub margins_to_hide: Vec<BTreeMap<String, String>>,
}

/// Hides, in one estimate id's rows, every row with fewer than `k` respondents and every cell from
/// which a hidden one could be recovered, given the published margins (see the module docs).
///
/// Rows whose domain names a variable outside `by` get the primary rule only. Rows sharing a
/// domain are one cell: they are hidden together, and when their n differ, hidden outright.
pub fn suppress(table: &mut [Estimate], by: &[String], k: u64) -> SuppressionReport {
    let vars = distinct(by);
    let roles: Vec<Role> = table
        .iter()
        .map(|row| Role::of(&row.domain, &vars))
        .collect();
    // The grid keeps the true n of primary cells: they decide which margins are below k.
    let grid = Grid::build(table, &roles, vars.len(), k);
    let mut hidden: Vec<bool> = table.iter_mut().map(|row| primary(row, k)).collect();
    let mut plan = Plan::new(&grid, k);
    protect(&grid, &mut plan);
    SuppressionReport {
        primary: hidden.iter().filter(|&&is_hidden| is_hidden).count(),
        complementary: apply(table, &roles, &grid, &plan, &mut hidden),
        margins_to_hide: withheld_margins(&grid, &plan, &vars),
    }
}

/// The variables of `by` in order, each once.
fn distinct(by: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    by.iter()
        .filter(|var| seen.insert(var.as_str()))
        .cloned()
        .collect()
}

/// Rule 1 on one row; true when the row is hidden.
fn primary(row: &mut Estimate, k: u64) -> bool {
    match row.figures.n {
        Some(0) => {
            present_empty(row);
            false
        }
        Some(n) if n >= k => false,
        // n below k, or unknown: an unknown n may be small, so nothing of the row is shown.
        _ => {
            hide(row);
            true
        }
    }
}

/// Removes every number of a row. `df` goes too: without clusters it is n − 1 (n − strata), and
/// with clusters it still bounds n from below. The other flags go as well, since each describes the
/// hidden numbers: `boundary` says everyone answered alike, `low_df` and `low_effective_n` bound n,
/// and the interval-width flags bound n and the estimate.
pub fn hide(row: &mut Estimate) {
    row.figures = Figures::only(Flag::Suppressed);
}

/// An empty domain is shown as n = 0 with the `empty` flag and no estimate: there is nobody to
/// protect, and an attacker learns nothing about a respondent from it. `df` is left as computed.
fn present_empty(row: &mut Estimate) {
    let f = &mut row.figures;
    f.estimate = None;
    f.se = None;
    f.ci_low = None;
    f.ci_high = None;
    f.deff = None;
    f.flags.push(Flag::Empty);
    f.flags.sort();
    f.flags.dedup();
}

/// What a row is to the table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    /// A cell: its values, in the order of `by`.
    Cell(Vec<String>),
    /// A total or margin row: the indices of the variables it names, and their values.
    Margin(Vec<usize>, Vec<String>),
    /// A row naming a variable outside `by`, or any row of a table without breakdown.
    Other,
}

impl Role {
    fn of(domain: &BTreeMap<String, String>, vars: &[String]) -> Role {
        if vars.is_empty() || domain.keys().any(|key| !vars.contains(key)) {
            return Role::Other;
        }
        let (fixed, key): (Vec<usize>, Vec<String>) = vars
            .iter()
            .enumerate()
            .filter_map(|(i, var)| domain.get(var).map(|value| (i, value.clone())))
            .unzip();
        if fixed.len() == vars.len() {
            Role::Cell(key)
        } else {
            Role::Margin(fixed, key)
        }
    }
}

/// Writes the plan into the rows; returns how many rows it newly hid.
fn apply(
    table: &mut [Estimate],
    roles: &[Role],
    grid: &Grid,
    plan: &Plan,
    hidden: &mut [bool],
) -> usize {
    let mut to_hide: Vec<usize> = grid
        .cells
        .iter()
        .zip(&plan.state)
        .filter(|&(_, state)| *state == State::Hidden)
        .flat_map(|(cell, _)| cell.rows.iter().copied())
        .collect();
    for (row, role) in roles.iter().enumerate() {
        if let Role::Margin(fixed, key) = role {
            let withheld = grid
                .group_of(fixed, key)
                .is_some_and(|g| plan.withheld.get(g) == Some(&true));
            if withheld {
                to_hide.push(row);
            }
        }
    }
    let mut count = 0;
    for row in to_hide {
        if let (Some(estimate), Some(is_hidden)) = (table.get_mut(row), hidden.get_mut(row))
            && !*is_hidden
        {
            hide(estimate);
            *is_hidden = true;
            count += 1;
        }
    }
    count
}

fn withheld_margins(grid: &Grid, plan: &Plan, vars: &[String]) -> Vec<BTreeMap<String, String>> {
    grid.groups
        .iter()
        .zip(&plan.withheld)
        .filter(|&(_, &withheld)| withheld)
        .map(|(group, _)| {
            group
                .fixed
                .iter()
                .zip(&group.key)
                .filter_map(|(&var, value)| Some((vars.get(var)?.clone(), value.clone())))
                .collect()
        })
        .collect()
}
