//! The evaluators' pages (`/evaluate…`): the dashboard (`overview`), an indicator's page and its
//! downloads, the lägesbild and what evaluators enter for it, the agreements' final follow-up,
//! the action plan and its exports, and the annual report. Everything is read from the stored
//! results of `evaluate`. Here: the routes, and what the pages share.

mod agreements;
mod downloads;
mod indicator;
mod lagesbild;
mod lagesbild_input;
mod overview;
mod plan;
pub(in crate::web) mod plan_export;
pub(crate) mod report;
pub(in crate::web) mod view;
mod xlsx;

pub use agreements::view::standalone as final_standalone;
pub(crate) use lagesbild::load as load_lagesbild;

use serde::Deserialize;

use crate::evaluate::WaveIndicators;
use crate::stats::Flag;
use crate::web::markup::charts::ComparisonLine;
use crate::web::{AppError, AppState, EVALUATORS, Routes};

pub fn routes() -> Routes {
    Routes::default()
        .get("/evaluate", EVALUATORS, overview::overview)
        .merge(indicator::routes())
        .get(
            "/evaluate/indicators/{survey}/{indicator}/download.xlsx",
            EVALUATORS,
            xlsx::download,
        )
        .merge(downloads::routes())
        .merge(agreements::routes())
        .get("/evaluate/lagesbild", EVALUATORS, lagesbild::page)
        .get("/evaluate/lagesbild.xlsx", EVALUATORS, lagesbild::xlsx)
        .get(
            "/evaluate/lagesbild/districts/{code}",
            EVALUATORS,
            lagesbild::district_page,
        )
        .merge(lagesbild_input::routes())
        .merge(plan::routes())
        .merge(plan_export::routes())
        .merge(report::routes())
}

#[derive(Debug, Deserialize)]
struct Pick {
    survey: Option<String>,
    wave: Option<String>,
    /// The overview's year.
    year: Option<String>,
}

/// Flags that make an estimate uncertain enough to be marked.
pub(crate) fn unreliable(flags: &[Flag]) -> bool {
    flags.iter().any(|f| {
        matches!(
            f,
            Flag::LowEffectiveN | Flag::LowDf | Flag::WideInterval | Flag::WideRelativeInterval
        )
    })
}

/// The survey's waves in period order, and how many of them lead up to the chosen one
/// (`?wave=`, or the latest when none or another survey's is asked for).
async fn waves_until(
    state: &AppState,
    survey_id: &str,
    wave: Option<&str>,
) -> Result<(Vec<WaveIndicators>, usize), AppError> {
    let waves = crate::evaluate::areas::up_to(
        crate::evaluate::areas::survey_waves(&state.db, &state.surveys, survey_id).await?,
        None,
    );
    let upto = wave
        .and_then(|slug| waves.iter().position(|w| w.wave.slug == slug))
        .map_or(waves.len(), |i| i + 1);
    Ok((waves, upto))
}

/// An indicator's comparison values for everyone (not for one grade) as chart lines, one per
/// label.
fn comparison_lines(
    values: &[crate::entities::comparison_value::Model],
    indicator: &str,
) -> Vec<ComparisonLine> {
    let mut lines: std::collections::BTreeMap<&str, Vec<(i32, f64)>> = Default::default();
    for c in values
        .iter()
        .filter(|c| c.indicator_id == indicator && c.domain.is_empty())
    {
        lines.entry(&c.label).or_default().push((c.period, c.value));
    }
    lines
        .into_iter()
        .map(|(label, values)| ComparisonLine {
            label: label.to_owned(),
            values,
        })
        .collect()
}
