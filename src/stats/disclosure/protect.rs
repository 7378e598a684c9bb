//! Rule 2, complementary suppression: while a hidden cell is exposed, hide the cheapest cells that
//! put it on a cycle, or else the smallest cell (or the margin) of the line that pins it.

use super::cover::cheapest_cover;
use super::exposure::exposed;
use super::grid::{Grid, Plan, State};

/// Rule 2: protects every hidden cell. Terminates because every pass hides one more cell or
/// withholds one more margin, or stops.
pub(super) fn protect(grid: &Grid, plan: &mut Plan) {
    while let Some(target) = next_target(grid, plan) {
        match cheapest_cover(grid, plan, target) {
            Some(cells) => cells.into_iter().for_each(|cell| plan.hide(cell)),
            None => {
                if !shield(grid, plan, target) {
                    return;
                }
            }
        }
    }
}

/// The exposed cell to protect next: first one that a line pins on its own, since such a cell may
/// expose others through combinations, which then need nothing more; else the first exposed one.
pub(super) fn next_target(grid: &Grid, plan: &Plan) -> Option<usize> {
    let exposed = exposed(grid, plan);
    let mut candidates = exposed
        .iter()
        .enumerate()
        .filter(|&(_, &e)| e)
        .map(|(c, _)| c);
    let first = candidates.clone().next();
    candidates
        .find(|&cell| pinning_line(grid, plan, cell).is_some())
        .or(first)
}

/// A known line in which `cell` is the only hidden cell: its margin minus the published cells
/// gives the cell away.
pub(super) fn pinning_line(grid: &Grid, plan: &Plan, cell: usize) -> Option<usize> {
    grid.memberships
        .get(cell)?
        .iter()
        .copied()
        .find(|&g| grid.is_line(g) && plan.knows(grid, g) && plan.hidden_in(grid, g) == 1)
}

/// No cycle runs through `target`. Hide the smallest published cell of the line that pins it or,
/// when it has none, withhold that line's margin. False when nothing is left to do.
pub(super) fn shield(grid: &Grid, plan: &mut Plan, target: usize) -> bool {
    let Some(groups) = grid.memberships.get(target) else {
        return false;
    };
    let known: Vec<usize> = groups
        .iter()
        .copied()
        .filter(|&g| plan.knows(grid, g))
        .collect();
    let pinning = pinning_line(grid, plan, target);
    // Pinned only by a combination of margins: any known margin of the target will do.
    let (scope, last_resort) = match pinning {
        Some(line) => (vec![line], Some(line)),
        None => (known.clone(), known.first().copied()),
    };
    if let Some(cell) = smallest_complement(grid, plan, &scope) {
        plan.hide(cell);
        return true;
    }
    match last_resort.and_then(|g| plan.withheld.get_mut(g)) {
        Some(withheld) => {
            *withheld = true;
            true
        }
        None => false,
    }
}

/// The smallest published cell of the given margins, preferring cells whose other lines could
/// still be protected inside the table.
pub(super) fn smallest_complement(grid: &Grid, plan: &Plan, scope: &[usize]) -> Option<usize> {
    scope
        .iter()
        .flat_map(|&g| {
            grid.groups
                .get(g)
                .into_iter()
                .flat_map(move |group| group.members.iter().map(move |&cell| (g, cell)))
        })
        .filter_map(|(g, cell)| match plan.state.get(cell) {
            Some(State::Published(n)) => Some((dead_end(grid, plan, cell, g), *n, cell)),
            _ => None,
        })
        .min()
        .map(|(_, _, cell)| cell)
}

/// Hiding `cell` would leave one of its other known lines with a lone hidden cell and no published
/// cell to pair it with: that line's margin would then have to be withheld.
pub(super) fn dead_end(grid: &Grid, plan: &Plan, cell: usize, from: usize) -> bool {
    grid.memberships.get(cell).into_iter().flatten().any(|&g| {
        g != from
            && grid.is_line(g)
            && plan.knows(grid, g)
            && plan.hidden_in(grid, g) == 0
            && grid.groups.get(g).is_some_and(|group| {
                !group
                    .members
                    .iter()
                    .any(|&m| m != cell && matches!(plan.state.get(m), Some(State::Published(_))))
            })
    })
}
