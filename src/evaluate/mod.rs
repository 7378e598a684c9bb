//! Evaluation: indicators per wave, computed once from the stored responses and read by the API,
//! the command line and the pages; series over waves; priority areas.
//!
//! One function estimates a wave ([`compute::compute`], fed by [`load`]); everything else reads
//! its stored result. Results are recomputed in the background when a wave's answers or
//! population figures change ([`refresh`]), at most every [`refresh::DEBOUNCE_SECONDS`] per wave,
//! and at once when a wave closes.

pub mod areas;
pub mod compare;
pub mod compute;
pub mod csv_out;
pub mod plan;
pub mod refresh;
pub mod report;
pub mod report_plan;
pub mod rows;
pub mod series;
pub mod words;

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, StreamTrait};
use serde::{Deserialize, Serialize};

pub use compute::{Computed, IndicatorEstimate, Method, Population};

use crate::collect::{Wave, WaveState};
use crate::survey::{Survey, SurveyCatalog};

/// Why a wave's indicators could not be given.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("the questionnaire {0} version {1} is not loaded")]
    SurveyMissing(String, u32),
    #[error("estimation failed: {0}")]
    Estimation(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A wave's published indicators: the shape of `GET /api/v1/waves/{slug}/indicators`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WaveIndicators {
    pub wave: WaveInfo,
    pub estimates: Vec<IndicatorEstimate>,
}

/// The wave, and what went into its estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WaveInfo {
    pub slug: String,
    pub survey: String,
    /// The year the wave counts for, as text (`"2026"`).
    pub period: String,
    /// `scheduled`, `open` or `closed`, now.
    pub state: String,
    /// An open wave's figures are preliminary: answers may still come.
    pub preliminary: bool,
    #[serde(flatten)]
    pub method: Method,
    /// When the estimates were computed (RFC 3339, UTC).
    pub computed_at: String,
    /// False when answers or population figures changed after `computed_at`; a recomputation
    /// is then on its way.
    pub up_to_date: bool,
}

/// Rows handed from the database reader to the parser at a time.
const BATCH: usize = 2048;

/// Reads a wave's responses (streamed, never all in memory as text) into estimation columns.
/// The database is read on this task while another thread turns the answers into columns.
pub async fn load(
    db: &DatabaseConnection,
    survey: Arc<Survey>,
    wave: &Wave,
) -> Result<(rows::Rows, Population), DbErr> {
    type Row = (String, Option<String>, Option<String>);
    let (batches, mut incoming) = tokio::sync::mpsc::channel::<Vec<Row>>(4);
    let parser = tokio::task::spawn_blocking(move || {
        let mut builder = rows::RowBuilder::new(&survey);
        while let Some(batch) = incoming.blocking_recv() {
            for (answers, school, class) in &batch {
                builder.push_stored(answers, school.as_deref(), class.as_deref());
            }
        }
        builder.finish()
    });
    let read = async {
        let mut stream = db.stream_raw(responses_query(db, &wave.id).await?).await?;
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(row) = stream.next().await {
            let row = row?;
            batch.push((
                row.try_get_by_index::<String>(0)?,
                row.try_get_by_index::<Option<String>>(1)?,
                row.try_get_by_index::<Option<String>>(2)?,
            ));
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if batches.send(full).await.is_err() {
                    break;
                }
            }
        }
        if !batch.is_empty() {
            let _ = batches.send(batch).await;
        }
        Ok::<(), DbErr>(())
    }
    .await;
    drop(batches);
    let rows = parser
        .await
        .map_err(|e| DbErr::Custom(format!("reading responses: {e}")))?;
    read?;
    let totals = crate::store::population::totals(db, &wave.id).await?;
    let school_classes: HashMap<String, i32> =
        crate::store::population::school_classes(db, &wave.id)
            .await?
            .into_iter()
            .collect();
    Ok((
        rows,
        Population {
            totals,
            school_classes,
        },
    ))
}

/// The query for a wave's answers and design variables. On SQLite, a wave that holds a good part
/// of the table is read by scanning the table in storage order: following the index instead
/// costs a B-tree descent per response, ten times slower for a million of them (4.2 s against
/// 0.44 s measured with the sqlite3 shell). PostgreSQL's planner makes that choice itself.
async fn responses_query(db: &DatabaseConnection, wave_id: &str) -> Result<Statement, DbErr> {
    let backend = db.get_database_backend();
    let indexed = Statement::from_sql_and_values(
        backend,
        match backend {
            DbBackend::Postgres => {
                "SELECT answers, school_id, class_id FROM responses WHERE wave_id = $1"
            }
            _ => "SELECT answers, school_id, class_id FROM responses WHERE wave_id = ?",
        },
        [wave_id.into()],
    );
    if backend != DbBackend::Sqlite {
        return Ok(indexed);
    }
    let wave_rows = crate::store::waves::response_count(db, wave_id).await?;
    let table_rows = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COALESCE(MAX(rowid), 0) AS last FROM responses",
        ))
        .await?
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or(0);
    if wave_rows.saturating_mul(4) >= table_rows.max(0) as u64 {
        return Ok(Statement::from_sql_and_values(
            backend,
            "SELECT answers, school_id, class_id FROM responses NOT INDEXED WHERE wave_id = ?",
            [wave_id.into()],
        ));
    }
    Ok(indexed)
}

/// Estimates a wave afresh from its stored responses (no cache involved).
pub async fn estimate_wave(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    wave: &Wave,
) -> Result<Computed, EvalError> {
    let survey = catalog
        .version(&wave.survey_id, wave.survey_version)
        .ok_or_else(|| EvalError::SurveyMissing(wave.survey_id.clone(), wave.survey_version))?;
    let (rows, population) = load(db, survey.clone(), wave).await?;
    let access = wave.access;
    // Estimation is CPU work: off the async threads.
    tokio::task::spawn_blocking(move || compute::compute(&survey, access, &rows, &population))
        .await
        .map_err(|e| EvalError::Estimation(e.to_string()))?
        .map_err(EvalError::Estimation)
}

/// The published indicators of a wave: the stored result when there is one (even while a newer
/// one is being computed), otherwise computed now and stored.
pub async fn wave_indicators(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    wave: &Wave,
) -> Result<WaveIndicators, EvalError> {
    let stored = crate::store::indicators::find(db, &wave.id).await?;
    if let Some(found) = stored.as_ref().and_then(|row| from_row(wave, row)) {
        return Ok(found);
    }
    refresh::recompute(db, catalog, wave).await?;
    let stored = crate::store::indicators::find(db, &wave.id).await?;
    match stored.as_ref() {
        Some(row) => match from_row(wave, row) {
            Some(found) => Ok(found),
            None => Err(EvalError::Estimation(
                row.error
                    .clone()
                    .unwrap_or_else(|| "no result was stored".into()),
            )),
        },
        None => Err(EvalError::Estimation("no result was stored".into())),
    }
}

/// A stored result as published, with the wave's state as it is now.
pub fn from_row(
    wave: &Wave,
    row: &crate::entities::indicator_result::Model,
) -> Option<WaveIndicators> {
    let text = row.result.as_deref()?;
    let computed: Computed = match serde_json::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(wave = %wave.slug, error = %e, "a stored indicator result cannot be read; recomputing");
            return None;
        }
    };
    Some(publish(
        wave,
        computed,
        row.computed_at.unwrap_or(0),
        crate::store::indicators::up_to_date(row),
    ))
}

/// A computed result as published.
pub fn publish(
    wave: &Wave,
    computed: Computed,
    computed_at: i64,
    up_to_date: bool,
) -> WaveIndicators {
    let state = wave.state();
    WaveIndicators {
        wave: WaveInfo {
            slug: wave.slug.clone(),
            survey: wave.survey_id.clone(),
            period: wave.period.to_string(),
            state: state.id().to_owned(),
            preliminary: state != WaveState::Closed,
            method: computed.method,
            computed_at: rfc3339(computed_at),
            up_to_date,
        },
        estimates: computed.estimates,
    }
}

pub fn rfc3339(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
