//! Exact linear algebra over the attacker's equations: which sums of hidden cells the published
//! figures determine. Integer (fraction-free) elimination, so no rounding can hide a disclosure.

/// A row space in reduced row echelon form: each row has a pivot column, and no other row has
/// anything in that column. Rows are integer multiples of the rational reduced rows.
#[derive(Debug, Clone)]
pub(super) struct RowSpace {
    width: usize,
    rows: Vec<Vec<i128>>,
    pivots: Vec<usize>,
}

impl RowSpace {
    /// The row space of `rows` (each `width` long), eliminating columns in order, so that a row
    /// whose pivot lies in a later column has zeros in every earlier one. None if an entry
    /// overflows (it cannot for the 0/±1 coefficients of margins, but the caller then counts
    /// everything as determined: more suppression, never less).
    pub(super) fn of(mut rows: Vec<Vec<i128>>, width: usize) -> Option<RowSpace> {
        let mut pivots = Vec::new();
        let mut next = 0;
        for col in 0..width {
            let Some(found) = (next..rows.len()).find(|&r| rows[r][col] != 0) else {
                continue;
            };
            rows.swap(next, found);
            let pivot = rows[next].clone();
            for (r, row) in rows.iter_mut().enumerate() {
                if r != next && row[col] != 0 {
                    eliminate(row, &pivot, col)?;
                }
            }
            pivots.push(col);
            next += 1;
        }
        rows.truncate(next);
        Some(RowSpace {
            width,
            rows,
            pivots,
        })
    }

    /// Whether `target` lies in the row space: the published figures determine its sum.
    pub(super) fn contains(&self, target: &[i128]) -> Option<bool> {
        let mut t = target.to_vec();
        t.resize(self.width, 0);
        for (row, &col) in self.rows.iter().zip(&self.pivots) {
            if t[col] != 0 {
                eliminate(&mut t, row, col)?;
            }
        }
        Some(t.iter().all(|&v| v == 0))
    }

    /// The rows whose pivot is at or after column `from`: with the columns before `from`
    /// eliminated first, they span exactly the vectors of the space that are zero there.
    pub(super) fn rows_from(&self, from: usize) -> Vec<(usize, &[i128])> {
        self.rows
            .iter()
            .zip(&self.pivots)
            .filter(|&(_, &col)| col >= from)
            .map(|(row, &col)| (col, row.as_slice()))
            .collect()
    }
}

/// row ← row·p_col − pivot·row_col, then divided by the gcd of its entries to keep them small.
fn eliminate(row: &mut [i128], pivot: &[i128], col: usize) -> Option<()> {
    let a = pivot[col];
    let b = row[col];
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

fn lcm(a: i128, b: i128) -> Option<i128> {
    let g = i128::try_from(gcd(a.unsigned_abs(), b.unsigned_abs())).ok()?;
    (a / g).checked_mul(b).map(i128::abs)
}

/// Most basis vectors of one block whose 0/1 combinations are tried one by one (2^20 ≈ 10⁶).
pub(super) const MAX_BLOCK: usize = 20;

/// What the search for determined groups found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Found {
    /// The columns (of the "small" part) of a determined group whose weights sum to `|sum| < k`.
    Group(Vec<usize>),
    /// A block too large to search: counted as disclosing, with these columns.
    Unsearchable(Vec<usize>),
}

/// Searches the 0/1 vectors over the "small" columns `from..width` of a row space whose "big"
/// columns come before `from`: a determined sum of whole small cells, free of every big one.
/// Returns one whose weights (all positive) sum to a value `bad` accepts. The basis splits into
/// blocks that share no column; a determined group is a union of groups of single blocks, and
/// with positive weights a union below k has every part below k, so each block is searched on
/// its own.
pub(super) fn small_group(
    space: &RowSpace,
    from: usize,
    weights: &[i64],
    bad: impl Fn(i64) -> bool,
) -> Option<Found> {
    let basis = space.rows_from(from);
    for block in blocks(&basis, space.width) {
        if block.len() > MAX_BLOCK {
            let mut support: Vec<usize> = block
                .iter()
                .flat_map(|&i| {
                    let row = basis[i].1;
                    (from..space.width).filter(move |&c| row[c] != 0)
                })
                .collect();
            support.sort_unstable();
            support.dedup();
            return Some(Found::Unsearchable(support));
        }
        if let Some(found) = search_block(&basis, &block, from, space.width, weights, &bad) {
            return Some(found);
        }
    }
    None
}

/// Basis rows joined by a shared column, each group in order.
fn blocks(basis: &[(usize, &[i128])], width: usize) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..basis.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: Vec<Option<usize>> = vec![None; width];
    for (i, (_, row)) in basis.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            if v == 0 {
                continue;
            }
            match owner[c] {
                None => owner[c] = Some(i),
                Some(j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; basis.len()];
    for i in 0..basis.len() {
        let r = root(&mut parent, i);
        match slot[r] {
            Some(g) => groups[g].push(i),
            None => {
                slot[r] = Some(groups.len());
                groups.push(vec![i]);
            }
        }
    }
    groups
}

/// Every non-zero 0/1 combination of a block's basis rows: in reduced form a vector of the span
/// has at each pivot the coefficient of that pivot's row, so a 0/1 vector takes each row 0 or 1
/// times (divided by its pivot).
fn search_block(
    basis: &[(usize, &[i128])],
    block: &[usize],
    from: usize,
    width: usize,
    weights: &[i64],
    bad: &impl Fn(i64) -> bool,
) -> Option<Found> {
    let support = || -> Vec<usize> {
        (from..width)
            .filter(|&c| block.iter().any(|&i| basis[i].1[c] != 0))
            .collect()
    };
    let Some(scale) = block
        .iter()
        .try_fold(1i128, |l, &i| lcm(l, basis[i].1[basis[i].0]))
    else {
        return Some(Found::Unsearchable(support()));
    };
    // Each row scaled so that its pivot is `scale`: a 0/1 vector then has entries 0 or `scale`.
    let scaled: Vec<Vec<i128>> = block
        .iter()
        .map(|&i| {
            let (pivot, row) = basis[i];
            let factor = scale / row[pivot];
            row.iter().map(|&v| v * factor).collect()
        })
        .collect();
    let mut sum = vec![0i128; width];
    for mask in 1u64..(1u64 << block.len()) {
        sum.iter_mut().for_each(|v| *v = 0);
        for (bit, row) in scaled.iter().enumerate() {
            if mask >> bit & 1 == 1 {
                for (s, &v) in sum.iter_mut().zip(row) {
                    *s += v;
                }
            }
        }
        if sum[from..].iter().any(|&v| v != 0 && v != scale) {
            continue;
        }
        let group: Vec<usize> = (from..width).filter(|&c| sum[c] == scale).collect();
        let total: i64 = group
            .iter()
            .map(|&c| weights.get(c).copied().unwrap_or(0))
            .sum();
        if bad(total) {
            return Some(Found::Group(group));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_space_holds_its_rows_sums_and_nothing_else() {
        // x0 + x1 = a, x1 + x2 = b
        let space = RowSpace::of(vec![vec![1, 1, 0], vec![0, 1, 1]], 3).unwrap();
        assert_eq!(space.contains(&[1, 0, -1]), Some(true));
        assert_eq!(space.contains(&[1, 2, 1]), Some(true));
        assert_eq!(space.contains(&[1, 0, 0]), Some(false));
        assert_eq!(space.contains(&[0, 0, 1]), Some(false));
    }

    #[test]
    fn a_small_group_free_of_big_cells_is_found() {
        // Columns: 0 big, then 1, 2 small. x0 + x1 + x2 = a (known), x0 = b (known): so x1 + x2
        // is determined.
        let space = RowSpace::of(vec![vec![1, 1, 1], vec![1, 0, 0]], 3).unwrap();
        let weights = [20, 2, 1];
        let found = small_group(&space, 1, &weights, |s| (1..5).contains(&s));
        assert_eq!(found, Some(Found::Group(vec![1, 2])));
        // With big enough cells the same group is no disclosure.
        let weights = [20, 3, 3];
        assert_eq!(
            small_group(&space, 1, &weights, |s| (1..5).contains(&s)),
            None
        );
    }

    #[test]
    fn a_sum_that_needs_a_big_cell_discloses_nothing() {
        // x0 + x1 = a: x1 alone is not determined while x0 (big) is hidden.
        let space = RowSpace::of(vec![vec![1, 1]], 2).unwrap();
        assert_eq!(
            small_group(&space, 1, &[20, 2], |s| (1..5).contains(&s)),
            None
        );
    }
}
