//! The cheapest published cells that put an exposed cell on a cycle (a ± pattern that sums to
//! zero in every margin): the smallest other cell for one variable, the cheapest alternating
//! row/column path for two, the cheapest 2×…×2 box for more.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::grid::{Cell, Grid, Plan, State};
use super::{MAX_BOXES, MAX_VARS};

/// Respondents hidden, then cells hidden: the information a complement costs.
pub(super) type Cost = (u64, usize);

pub(super) fn cost_of(state: State) -> Cost {
    match state {
        State::Published(n) => (n, 1),
        State::Empty | State::Hidden => (0, 0),
    }
}

pub(super) fn add(a: Cost, b: Cost) -> Cost {
    (a.0.saturating_add(b.0), a.1.saturating_add(b.1))
}

/// The published cells to hide so that `target` lies on a cycle; None when there is no cycle.
pub(super) fn cheapest_cover(grid: &Grid, plan: &Plan, target: usize) -> Option<Vec<usize>> {
    let cover = if grid.vars == 2 {
        cheapest_cycle(grid, plan, target)?
    } else {
        cheapest_box(grid, plan, target)?
    };
    // A cover made of hidden cells only would mean the target was not exposed; refuse it so that
    // every pass of `protect` makes progress.
    (!cover.is_empty()).then_some(cover)
}

/// Two variables: the cheapest path from the target's row to its column through other non-empty
/// cells, which closes a cycle with the target. Hidden cells are free to pass through.
pub(super) fn cheapest_cycle(grid: &Grid, plan: &Plan, target: usize) -> Option<Vec<usize>> {
    let rows = grid.values.first()?.len();
    let nodes = rows + grid.values.get(1)?.len();
    let node = |cell: &Cell| -> Option<(usize, usize)> {
        let row = grid.values.first()?.binary_search(cell.key.first()?).ok()?;
        let col = grid.values.get(1)?.binary_search(cell.key.get(1)?).ok()?;
        Some((row, rows + col))
    };
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes];
    for (i, cell) in grid.cells.iter().enumerate() {
        if i == target || plan.state.get(i) == Some(&State::Empty) {
            continue;
        }
        if let Some((row, col)) = node(cell) {
            edges[row].push((col, i));
            edges[col].push((row, i));
        }
    }
    let (start, goal) = node(grid.cells.get(target)?)?;
    let weight = |cell: usize| plan.state.get(cell).copied().map_or((0, 0), cost_of);
    let path = shortest_path(&edges, weight, start, goal)?;
    Some(
        path.into_iter()
            .filter(|&cell| matches!(plan.state.get(cell), Some(State::Published(_))))
            .collect(),
    )
}

/// Dijkstra over nodes joined by cells; returns the cells of the cheapest path. Ties go to the
/// lower node, so the path is deterministic.
pub(super) fn shortest_path(
    edges: &[Vec<(usize, usize)>],
    weight: impl Fn(usize) -> Cost,
    start: usize,
    goal: usize,
) -> Option<Vec<usize>> {
    let mut best: Vec<Option<Cost>> = vec![None; edges.len()];
    let mut via: Vec<Option<(usize, usize)>> = vec![None; edges.len()];
    let mut queue = BinaryHeap::new();
    *best.get_mut(start)? = Some((0, 0));
    queue.push(Reverse(((0u64, 0usize), start)));
    while let Some(Reverse((cost, node))) = queue.pop() {
        if node == goal {
            break;
        }
        if best.get(node).copied().flatten().is_some_and(|b| cost > b) {
            continue;
        }
        for &(next, cell) in edges.get(node).into_iter().flatten() {
            let reach = add(cost, weight(cell));
            if best
                .get(next)
                .copied()
                .flatten()
                .is_none_or(|known| reach < known)
            {
                best[next] = Some(reach);
                via[next] = Some((node, cell));
                queue.push(Reverse((reach, next)));
            }
        }
    }
    best.get(goal).copied().flatten()?;
    let mut cells = Vec::new();
    let mut node = goal;
    // A shortest path visits each node once at most, which also bounds this walk.
    for _ in 0..edges.len() {
        if node == start {
            return Some(cells);
        }
        let (previous, cell) = via.get(node).copied().flatten()?;
        cells.push(cell);
        node = previous;
    }
    None
}

/// One or three and more variables: the cheapest 2×…×2 box with the target at one corner (for one
/// variable, the target and one other cell). Its ± pattern sums to zero in every margin.
pub(super) fn cheapest_box(grid: &Grid, plan: &Plan, target: usize) -> Option<Vec<usize>> {
    if grid.vars > MAX_VARS {
        return None;
    }
    let key = &grid.cells.get(target)?.key;
    let alternatives: Vec<Vec<&String>> = grid
        .values
        .iter()
        .zip(key)
        .map(|(values, own)| values.iter().filter(|&value| value != own).collect())
        .collect();
    if alternatives.len() != grid.vars || alternatives.iter().any(Vec::is_empty) {
        return None;
    }
    let mut choice = vec![0usize; grid.vars];
    let mut best: Option<(Cost, Vec<usize>)> = None;
    for _ in 0..MAX_BOXES {
        if let Some((cost, cells)) = box_at(grid, plan, key, &alternatives, &choice)
            && best.as_ref().is_none_or(|(known, _)| cost < *known)
        {
            best = Some((cost, cells));
        }
        if !advance(&mut choice, &alternatives) {
            break;
        }
    }
    best.map(|(_, cells)| cells)
}

/// The cost and published cells of one box; None when a corner is missing or empty.
pub(super) fn box_at(
    grid: &Grid,
    plan: &Plan,
    key: &[String],
    alternatives: &[Vec<&String>],
    choice: &[usize],
) -> Option<(Cost, Vec<usize>)> {
    let mut cost = (0, 0);
    let mut cells = Vec::new();
    for mask in 0..(1usize << grid.vars) {
        let mut corner = Vec::with_capacity(key.len());
        for (var, own) in key.iter().enumerate() {
            let value = if mask >> var & 1 == 1 {
                *alternatives.get(var)?.get(*choice.get(var)?)?
            } else {
                own
            };
            corner.push(value.clone());
        }
        let &cell = grid.index.get(&corner)?;
        let state = *plan.state.get(cell)?;
        match state {
            State::Empty => return None,
            State::Hidden => {}
            State::Published(_) => cells.push(cell),
        }
        cost = add(cost, cost_of(state));
    }
    Some((cost, cells))
}

/// Next choice of alternative values, like an odometer; false after the last one.
pub(super) fn advance(choice: &mut [usize], alternatives: &[Vec<&String>]) -> bool {
    for (digit, options) in choice.iter_mut().zip(alternatives) {
        *digit += 1;
        if *digit < options.len() {
            return true;
        }
        *digit = 0;
    }
    false
}
