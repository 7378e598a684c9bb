//! What a wave's estimates may show: every breakdown of an indicator (overall, each background
//! question alone, each crossed breakdown) is protected together with its remainders and against
//! the wave's earlier publications (`stats::disclosure::joint`).
//!
//! The true count of every cell, remainders included, is taken from the rows the estimates were
//! made from (the same rows: after `unreliable_if`, and without the uncalibrated when the wave is
//! calibrated), with a sum of hashes of the respondents' ids that tells a later publication
//! whether a cell still holds the same respondents. The counts are stored beside each
//! publication and never shown.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::rows::Rows;
use crate::stats::Estimate;
use crate::stats::disclosure::joint::{self, CellKey, Count, TableCounts};
use crate::survey::Survey;

/// Per indicator (by id), the true counts of each of its breakdowns, in the order of
/// [`breakdowns`].
pub type Counts = BTreeMap<String, Vec<TableCounts>>;

/// A full cross-classification of all background questions is counted in one array up to this
/// many cells (per indicator); beyond, each breakdown is counted on its own.
const DENSE_CELLS: usize = 1 << 16;

/// A 64-bit hash of a response id (a random UUID: its bits are already random).
pub fn id_hash(id: &str) -> u64 {
    match uuid::Uuid::parse_str(id) {
        Ok(uuid) => {
            let (high, low) = uuid.as_u64_pair();
            high ^ low
        }
        // FNV-1a: ids are UUIDs, but nothing may fail on one that is not.
        Err(_) => id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        }),
    }
}

/// Each breakdown's background questions (indices among the survey's background questions),
/// sorted by question id: the order of every cell key.
pub fn tables(survey: &Survey) -> Vec<Vec<usize>> {
    let background: Vec<&str> = survey
        .background_questions()
        .map(|q| q.id.as_str())
        .collect();
    breakdowns(survey)
        .into_iter()
        .map(|by| {
            let mut ids = by;
            ids.sort();
            ids.dedup();
            ids.iter()
                .filter_map(|id| background.iter().position(|b| b == id))
                .collect()
        })
        .collect()
}

/// The true counts of every cell of every breakdown of every indicator, over the `kept` rows.
pub fn counts(survey: &Survey, rows: &Rows, kept: &[usize]) -> Counts {
    let background: Vec<&crate::survey::Question> = survey.background_questions().collect();
    let tables = tables(survey);
    // Each question's values: its choices, then the remainder.
    let sizes: Vec<usize> = background.iter().map(|q| q.choices().len() + 1).collect();
    let cells = sizes
        .iter()
        .try_fold(1usize, |product, &s| product.checked_mul(s))
        .filter(|&product| product <= DENSE_CELLS);
    let value_of = |b: usize, row: usize| -> usize {
        rows.categories[b][row].map_or(sizes[b] - 1, |c| c as usize)
    };
    // Each kept row's cell of the full cross-classification, when that is small enough.
    let flat: Option<Vec<usize>> = cells.map(|_| {
        kept.iter()
            .map(|&r| (0..sizes.len()).fold(0, |f, b| f * sizes[b] + value_of(b, r)))
            .collect()
    });
    let mut out = Counts::new();
    for (i, indicator) in survey.indicators.iter().enumerate() {
        let present = |at: usize| !rows.values[i][kept[at]].is_nan();
        let per_table: Vec<BTreeMap<Vec<usize>, Count>> = match (&flat, cells) {
            (Some(flat), Some(cells)) => {
                // One pass into the full cross-classification, then each breakdown from it.
                let mut grid = vec![Count::default(); cells];
                for (at, &f) in flat.iter().enumerate().filter(|&(at, _)| present(at)) {
                    grid[f].add(rows.ids[kept[at]]);
                }
                tables
                    .iter()
                    .map(|by| {
                        let mut table: BTreeMap<Vec<usize>, Count> = BTreeMap::new();
                        for (f, count) in grid.iter().enumerate().filter(|(_, c)| c.n > 0) {
                            let mut digits = vec![0; sizes.len()];
                            let mut rest = f;
                            for b in (0..sizes.len()).rev() {
                                digits[b] = rest % sizes[b];
                                rest /= sizes[b];
                            }
                            let key = by.iter().map(|&b| digits[b]).collect();
                            let entry = table.entry(key).or_default();
                            *entry = entry.plus(*count);
                        }
                        table
                    })
                    .collect()
            }
            _ => {
                let mut per_table: Vec<HashMap<Vec<usize>, Count>> =
                    vec![HashMap::new(); tables.len()];
                for at in (0..kept.len()).filter(|&at| present(at)) {
                    let r = kept[at];
                    for (by, table) in tables.iter().zip(per_table.iter_mut()) {
                        let key = by.iter().map(|&b| value_of(b, r)).collect();
                        table.entry(key).or_default().add(rows.ids[r]);
                    }
                }
                per_table
                    .into_iter()
                    .map(|t| t.into_iter().collect())
                    .collect()
            }
        };
        let named = tables
            .iter()
            .zip(per_table)
            .map(|(by, table)| {
                let cells = table
                    .into_iter()
                    .map(|(key, count)| {
                        let key: CellKey = by
                            .iter()
                            .zip(key)
                            .map(|(&b, v)| background[b].choices().get(v).map(|c| c.code.clone()))
                            .collect();
                        (key, count)
                    })
                    .collect();
                TableCounts::new(
                    by.iter().map(|&b| background[b].id.clone()).collect(),
                    cells,
                )
            })
            .collect();
        out.insert(indicator.id.clone(), named);
    }
    out
}

/// Hides every estimate the publication rules require: `estimates` are (indicator, breakdown,
/// row) as estimated, `counts` the wave's true counts now, `earlier` those of its earlier
/// publications.
pub fn control(
    survey: &Survey,
    estimates: &mut [(usize, usize, Estimate)],
    counts: &Counts,
    earlier: &[Counts],
    k: u64,
) {
    for (i, indicator) in survey.indicators.iter().enumerate() {
        let Some(now) = counts.get(&indicator.id) else {
            continue;
        };
        let before: Vec<&[TableCounts]> = earlier
            .iter()
            .filter_map(|c| c.get(&indicator.id).map(Vec::as_slice))
            .collect();
        let hide: Vec<BTreeSet<CellKey>> = joint::protect(now, &before, k);
        for (_, b, row) in estimates.iter_mut().filter(|(ri, _, _)| *ri == i) {
            let Some(table) = now.get(*b) else {
                continue;
            };
            let key: CellKey = table
                .by
                .iter()
                .map(|v| row.domain.get(v).cloned())
                .collect();
            let true_n = table.cells.iter().find(|c| c.key == key).map_or(0, |c| c.n);
            if row.figures.n != Some(true_n) && row.figures.n.is_some() {
                // The estimate and the count disagree: a bug, but nothing is shown on it.
                tracing::error!(indicator = %indicator.id, n = ?row.figures.n, true_n, "an estimate's n differs from its cell's count; hidden");
            }
            let must_hide = row.figures.n != Some(true_n)
                || true_n == 0
                || hide.get(*b).is_some_and(|set| set.contains(&key));
            if must_hide && !row.figures.flags.contains(&crate::stats::Flag::Suppressed) {
                crate::stats::disclosure::hide(row);
            }
        }
    }
}

/// The breakdowns of every indicator: overall, each background question alone, each crossed
/// breakdown of the survey file.
pub fn breakdowns(survey: &crate::survey::Survey) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    out.extend(survey.background_questions().map(|q| vec![q.id.clone()]));
    out.extend(survey.breakdowns.iter().cloned());
    out
}
