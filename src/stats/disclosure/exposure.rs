//! Which hidden cells the published cells and margins pin to one value: exact elimination over
//! the attacker's linear system.

use super::grid::{Grid, Plan};

/// For every cell: is it hidden and yet pinned to one value by the published cells and margins?
pub(super) fn exposed(grid: &Grid, plan: &Plan) -> Vec<bool> {
    let unknowns: Vec<usize> = (0..grid.cells.len())
        .filter(|&c| plan.is_hidden(c))
        .collect();
    let mut column = vec![None; grid.cells.len()];
    for (j, &cell) in unknowns.iter().enumerate() {
        if let Some(slot) = column.get_mut(cell) {
            *slot = Some(j);
        }
    }
    let equations: Vec<Vec<i128>> = grid
        .groups
        .iter()
        .enumerate()
        .filter(|&(g, _)| plan.knows(grid, g))
        .filter_map(|(_, group)| {
            let mut equation = vec![0; unknowns.len()];
            for &member in &group.members {
                if let Some(slot) = column.get(member).copied().flatten()
                    && let Some(coefficient) = equation.get_mut(slot)
                {
                    *coefficient = 1;
                }
            }
            equation.iter().any(|&v| v != 0).then_some(equation)
        })
        .collect();
    // Should the exact arithmetic ever overflow, every hidden cell counts as exposed: more
    // suppression, never less.
    let pinned =
        pinned_unknowns(equations, unknowns.len()).unwrap_or_else(|| vec![true; unknowns.len()]);
    let mut out = vec![false; grid.cells.len()];
    for (&cell, is_pinned) in unknowns.iter().zip(pinned) {
        if let Some(slot) = out.get_mut(cell) {
            *slot = is_pinned;
        }
    }
    out
}

/// For each unknown: do the equations fix its value? Exact, fraction-free Gauss–Jordan
/// elimination: an unknown is fixed when its unit vector lies in the row space, i.e. its pivot row
/// has no other non-zero entry. None if an entry overflows.
pub(super) fn pinned_unknowns(mut rows: Vec<Vec<i128>>, width: usize) -> Option<Vec<bool>> {
    let mut pivot_of = vec![None; width];
    let mut next = 0;
    for (col, pivot_slot) in pivot_of.iter_mut().enumerate() {
        let Some(found) = (next..rows.len()).find(|&r| rows[r].get(col).is_some_and(|&v| v != 0))
        else {
            continue;
        };
        rows.swap(next, found);
        let pivot = rows[next].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            if r != next && row.get(col).is_some_and(|&v| v != 0) {
                eliminate(row, &pivot, col)?;
            }
        }
        *pivot_slot = Some(next);
        next += 1;
    }
    Some(
        pivot_of
            .iter()
            .enumerate()
            .map(|(col, pivot)| {
                pivot.and_then(|r| rows.get(r)).is_some_and(|row| {
                    row.iter()
                        .enumerate()
                        .all(|(j, &value)| j == col || value == 0)
                })
            })
            .collect(),
    )
}

/// row ← row·p_col − pivot·row_col, then divided by the gcd of its entries to keep them small.
pub(super) fn eliminate(row: &mut [i128], pivot: &[i128], col: usize) -> Option<()> {
    let a = *pivot.get(col)?;
    let b = *row.get(col)?;
    for (x, &p) in row.iter_mut().zip(pivot) {
        *x = x.checked_mul(a)?.checked_sub(p.checked_mul(b)?)?;
    }
    let divisor = row.iter().fold(0u128, |g, &v| gcd(g, v.unsigned_abs()));
    if divisor > 1 {
        let divisor = i128::try_from(divisor).ok()?;
        row.iter_mut().for_each(|x| *x /= divisor);
    }
    Some(())
}

pub(super) fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}
