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

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use super::types::{Estimate, Flag};

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
    match row.n {
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
fn hide(row: &mut Estimate) {
    row.n = None;
    row.estimate = None;
    row.se = None;
    row.ci_low = None;
    row.ci_high = None;
    row.df = None;
    row.deff = None;
    row.flags = vec![Flag::Suppressed];
}

/// An empty domain is shown as n = 0 with the `empty` flag and no estimate: there is nobody to
/// protect, and an attacker learns nothing about a respondent from it. `df` is left as computed.
fn present_empty(row: &mut Estimate) {
    row.estimate = None;
    row.se = None;
    row.ci_low = None;
    row.ci_high = None;
    row.deff = None;
    row.flags.push(Flag::Empty);
    row.flags.sort();
    row.flags.dedup();
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

/// One cell of the table, with the rows that show it.
#[derive(Debug, Clone)]
struct Cell {
    key: Vec<String>,
    rows: Vec<usize>,
    /// None when unknown, or when rows of the same domain disagree.
    n: Option<u64>,
}

/// A margin: the cells that agree on the variables `fixed` (indices into `by`) with values `key`.
#[derive(Debug, Clone)]
struct Group {
    fixed: Vec<usize>,
    key: Vec<String>,
    members: Vec<usize>,
    /// Provably below k: hidden wherever it appears, so unknown to the attacker.
    small: bool,
}

/// The cells of a table and the margins over them, in a fixed order: cells by domain values,
/// margins lines first (they are the cheapest to withhold), then by variables and values.
#[derive(Debug, Clone)]
struct Grid {
    vars: usize,
    /// Distinct values of each variable among the cells, sorted.
    values: Vec<Vec<String>>,
    cells: Vec<Cell>,
    index: BTreeMap<Vec<String>, usize>,
    groups: Vec<Group>,
    /// The groups each cell belongs to, in group order.
    memberships: Vec<Vec<usize>>,
}

impl Grid {
    fn build(table: &[Estimate], roles: &[Role], vars: usize, k: u64) -> Grid {
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

    fn is_line(&self, group: usize) -> bool {
        self.groups
            .get(group)
            .is_some_and(|g| g.fixed.len() + 1 == self.vars)
    }

    fn group_of(&self, fixed: &[usize], key: &[String]) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.fixed == fixed && g.key == key)
    }
}

/// The n shared by every row of a cell; None when unknown or when the rows disagree.
fn agreed_n(table: &[Estimate], rows: &[usize]) -> Option<u64> {
    let mut ns = rows.iter().map(|&row| table.get(row).and_then(|r| r.n));
    let first = ns.next().flatten()?;
    ns.all(|n| n == Some(first)).then_some(first)
}

fn margin_groups(cells: &[Cell], vars: usize, k: u64) -> Vec<Group> {
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
fn margin_kinds(vars: usize) -> Vec<Vec<usize>> {
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

fn provably_below(cells: &[Cell], members: &[usize], k: u64) -> bool {
    members
        .iter()
        .try_fold(0u64, |sum, &m| {
            cells.get(m)?.n.map(|n| sum.saturating_add(n))
        })
        .is_some_and(|total| total < k)
}

/// What the attacker sees of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Published(u64),
    Empty,
    Hidden,
}

/// The cells to hide and the margins to withhold, as they are decided.
#[derive(Debug, Clone)]
struct Plan {
    state: Vec<State>,
    withheld: Vec<bool>,
}

impl Plan {
    fn new(grid: &Grid, k: u64) -> Plan {
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

    fn is_hidden(&self, cell: usize) -> bool {
        self.state.get(cell) == Some(&State::Hidden)
    }

    fn hide(&mut self, cell: usize) {
        if let Some(state) = self.state.get_mut(cell) {
            *state = State::Hidden;
        }
    }

    /// Whether the attacker knows this margin.
    fn knows(&self, grid: &Grid, group: usize) -> bool {
        grid.groups.get(group).is_some_and(|g| !g.small) && self.withheld.get(group) == Some(&false)
    }

    fn hidden_in(&self, grid: &Grid, group: usize) -> usize {
        grid.groups.get(group).map_or(0, |g| {
            g.members.iter().filter(|&&m| self.is_hidden(m)).count()
        })
    }
}

/// Rule 2: protects every hidden cell. Terminates because every pass hides one more cell or
/// withholds one more margin, or stops.
fn protect(grid: &Grid, plan: &mut Plan) {
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
fn next_target(grid: &Grid, plan: &Plan) -> Option<usize> {
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
fn pinning_line(grid: &Grid, plan: &Plan, cell: usize) -> Option<usize> {
    grid.memberships
        .get(cell)?
        .iter()
        .copied()
        .find(|&g| grid.is_line(g) && plan.knows(grid, g) && plan.hidden_in(grid, g) == 1)
}

/// For every cell: is it hidden and yet pinned to one value by the published cells and margins?
fn exposed(grid: &Grid, plan: &Plan) -> Vec<bool> {
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
fn pinned_unknowns(mut rows: Vec<Vec<i128>>, width: usize) -> Option<Vec<bool>> {
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
fn eliminate(row: &mut [i128], pivot: &[i128], col: usize) -> Option<()> {
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

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Respondents hidden, then cells hidden: the information a complement costs.
type Cost = (u64, usize);

fn cost_of(state: State) -> Cost {
    match state {
        State::Published(n) => (n, 1),
        State::Empty | State::Hidden => (0, 0),
    }
}

fn add(a: Cost, b: Cost) -> Cost {
    (a.0.saturating_add(b.0), a.1.saturating_add(b.1))
}

/// The published cells to hide so that `target` lies on a cycle; None when there is no cycle.
fn cheapest_cover(grid: &Grid, plan: &Plan, target: usize) -> Option<Vec<usize>> {
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
fn cheapest_cycle(grid: &Grid, plan: &Plan, target: usize) -> Option<Vec<usize>> {
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
fn shortest_path(
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
fn cheapest_box(grid: &Grid, plan: &Plan, target: usize) -> Option<Vec<usize>> {
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
fn box_at(
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
fn advance(choice: &mut [usize], alternatives: &[Vec<&String>]) -> bool {
    for (digit, options) in choice.iter_mut().zip(alternatives) {
        *digit += 1;
        if *digit < options.len() {
            return true;
        }
        *digit = 0;
    }
    false
}

/// No cycle runs through `target`. Hide the smallest published cell of the line that pins it or,
/// when it has none, withhold that line's margin. False when nothing is left to do.
fn shield(grid: &Grid, plan: &mut Plan, target: usize) -> bool {
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
fn smallest_complement(grid: &Grid, plan: &Plan, scope: &[usize]) -> Option<usize> {
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
fn dead_end(grid: &Grid, plan: &Plan, cell: usize, from: usize) -> bool {
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

#[cfg(test)]
mod tests {
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
                n: Some(0),
                estimate: None,
                se: None,
                ci_low: None,
                ci_high: None,
                df: Some(0),
                deff: None,
                flags: vec![Flag::Empty],
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
            n: Some(n),
            estimate: Some(p),
            se: Some(se),
            ci_low: Some((p - 1.96 * se).max(0.0)),
            ci_high: Some((p + 1.96 * se).min(1.0)),
            df: Some(n - 1),
            deff: Some(1.0),
            flags,
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
            .filter(|row| row.domain.len() == vars.len() && row.flags.contains(&Flag::Suppressed))
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
            let visible = !row.flags.contains(&Flag::Suppressed);
            if let (true, true, Some(n)) = (visible, row.domain.len() == truth.vars.len(), row.n) {
                // Equal weights: the number of "yes" answers is the proportion times n.
                let yes = row.estimate.map_or(0, |p| (p * n as f64).round() as u64);
                known.insert(row.domain.values().cloned().collect(), (n, yes));
            }
        }
        let shown_here = |domain: &BTreeMap<String, String>| {
            published.iter().any(|row| {
                &row.domain == domain && row.n.is_some() && !row.flags.contains(&Flag::Suppressed)
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
            let Some(best) = (next..rows.len())
                .max_by(|&a, &b| rows[a][col].abs().total_cmp(&rows[b][col].abs()))
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
                row.n,
                row.estimate,
                row.se,
                row.ci_low,
                row.ci_high,
                row.df,
                row.deff
            ),
            (None, None, None, None, None, None, None)
        );
        assert_eq!(row.flags, vec![Flag::Suppressed]);
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
        assert_eq!(truth.table()[0].flags, vec![Flag::Boundary, Flag::LowDf]);
        let (table, _) = run(&truth, K);
        assert_eq!(cell(&table, &["a0"]).flags, vec![Flag::Suppressed]);
    }

    #[test]
    fn one_small_cell_in_a_one_way_table_costs_exactly_the_next_smallest_cell() {
        let truth = Truth::one_way(&[40, 3, 12, 25, 9]);
        let (table, report) = run(&truth, K);
        assert_eq!(hidden_cells(&table, &truth.vars), keys(&[&["a1"], &["a4"]]));
        assert_eq!((report.primary, report.complementary), (1, 1));
        assert!(report.margins_to_hide.is_empty());
        assert_eq!(cell(&table, &[]).n, Some(89));
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
        assert_eq!((empty.n, empty.estimate), (Some(0), None));
        assert_eq!(empty.flags, vec![Flag::Empty]);
    }

    #[test]
    fn a_lone_hidden_cell_with_nothing_to_pair_hides_the_total_row() {
        // a0 arrives already hidden (n unknown); its only neighbours are empty.
        let truth = Truth::one_way(&[20, 0, 0]);
        let mut table = truth.table();
        table[0].n = None;
        let report = suppress(&mut table, &truth.vars, K);
        assert!(cell(&table, &[]).flags.contains(&Flag::Suppressed));
        assert_eq!(cell(&table, &[]).n, None);
        assert_eq!(report.margins_to_hide, vec![BTreeMap::new()]);
    }

    #[test]
    fn a_total_below_k_is_hidden_by_rule_one_and_needs_no_withholding() {
        let truth = Truth::one_way(&[3, 0, 0]);
        let (table, report) = run(&truth, K);
        assert!(cell(&table, &[]).flags.contains(&Flag::Suppressed));
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
        assert!(cell(&table, &["b1"]).flags.contains(&Flag::Suppressed));
        assert_eq!(cell(&table, &["a0"]).n, Some(93));
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
        copy.n = Some(3);
        table.push(copy);
        let report = suppress(&mut table, &truth.vars, K);
        let a0: Vec<&Estimate> = table
            .iter()
            .filter(|r| r.domain.get("a").map(String::as_str) == Some("a0"))
            .collect();
        assert_eq!(a0.len(), 2);
        assert!(
            a0.iter()
                .all(|r| r.n.is_none() && r.flags == [Flag::Suppressed])
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
        table[1].n = None;
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
                    let shown = !row.flags.contains(&Flag::Suppressed);
                    assert!(!shown || row.n.is_some_and(|n| n == 0 || n >= k));
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
                if after.flags.contains(&Flag::Suppressed) {
                    prop_assert_eq!(after.n, None);
                    prop_assert_eq!(after.estimate, None);
                    prop_assert!(before.n.is_some_and(|n| n > 0));
                } else {
                    prop_assert_eq!(before, after);
                    prop_assert!(after.n.is_some_and(|n| n == 0 || n >= k));
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
}
