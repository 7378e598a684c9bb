//! Evaluation: indicators per wave, published when the wave closes and read by the API, the
//! command line and the pages; series over waves; priority areas.
//!
//! One function estimates a wave ([`compute::compute`], fed by [`load`]); everything else reads
//! its stored publication. An open wave publishes nothing derived from its answers, only how
//! many there are. A closed wave is published at once when it closes, and again in the
//! background when its answers or population figures change later ([`refresh`]), each
//! publication checked against the earlier ones ([`publication`]).

pub mod areas;
pub mod collapse;
pub mod compare;
pub mod compute;
pub mod csv_out;
pub mod csv_sv;
pub mod final_follow_up;
pub mod headline;
pub mod lagesbild;
pub mod meaning;
pub mod period;
pub mod plan;
pub mod publication;
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

pub use compute::{Computation, Computed, IndicatorEstimate, Method, Population};
pub use publication::Counts;

use crate::collect::{Wave, WaveState};
use crate::i18n::Lang;
use crate::survey::{Survey, SurveyCatalog};

/// Why a wave's indicators could not be given.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("the questionnaire {0} version {1} is not loaded")]
    SurveyMissing(String, u32),
    #[error("estimation failed: {0}")]
    Estimation(String),
    /// The wave's rows cannot be estimated (the design does not fit them).
    #[error("estimation failed: {0}")]
    Compute(#[from] crate::stats::data::DataError),
    /// A thread of the estimation (reading the responses, or estimating) stopped before it
    /// ended.
    #[error("the estimation stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// A stored publication or report cannot be read or written as JSON.
    #[error("a stored result cannot be read or written: {0}")]
    Stored(#[from] serde_json::Error),
    /// The wave is open (or not yet open), or closed without responses, and has never been
    /// published: its figures are published when it closes with responses.
    #[error("{}", not_published(slug, state, *responses))]
    NotPublished {
        slug: String,
        state: &'static str,
        responses: u64,
    },
    #[error(transparent)]
    Database(#[from] DbErr),
}

fn not_published(slug: &str, state: &str, responses: u64) -> String {
    if state == WaveState::Closed.id() {
        format!("the wave {slug} closed without responses: it has no figures to publish")
    } else {
        format!(
            "the wave {slug} is {state}: its figures are published when it closes ({responses} responses so far)"
        )
    }
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
    /// The year the wave counts for (text in the JSON: `"2026"`).
    #[serde(with = "period")]
    #[schema(value_type = String)]
    pub period: i32,
    /// `scheduled`, `open` or `closed`, now.
    pub state: String,
    /// The version of the questionnaire the wave asked.
    #[serde(default)]
    pub survey_version: u32,
    #[serde(flatten)]
    pub method: Method,
    /// The day these figures were published (`YYYY-MM-DD`, Swedish date; no finer time).
    pub published: String,
    /// Which publication of the wave this is: 1 when it closed, then one more for every later
    /// change of its figures (an import, new population figures).
    pub publication: u32,
    /// False when answers or population figures changed after this publication; a new one is
    /// then on its way.
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
) -> Result<(rows::Rows, Population), EvalError> {
    type Row = (String, String, Option<String>, Option<String>);
    let (batches, mut incoming) = tokio::sync::mpsc::channel::<Vec<Row>>(4);
    let parser = tokio::task::spawn_blocking(move || {
        let mut builder = rows::RowBuilder::new(&survey);
        while let Some(batch) = incoming.blocking_recv() {
            for (id, answers, school, class) in &batch {
                builder.push_stored(
                    publication::id_hash(id),
                    answers,
                    school.as_deref(),
                    class.as_deref(),
                );
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
                row.try_get_by_index::<String>(1)?,
                row.try_get_by_index::<Option<String>>(2)?,
                row.try_get_by_index::<Option<String>>(3)?,
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
    let rows = parser.await?;
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
                "SELECT id, answers, school_id, class_id FROM responses WHERE wave_id = $1"
            }
            _ => "SELECT id, answers, school_id, class_id FROM responses WHERE wave_id = ?",
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
            "SELECT id, answers, school_id, class_id FROM responses NOT INDEXED WHERE wave_id = ?",
            [wave_id.into()],
        ));
    }
    Ok(indexed)
}

/// Estimates a wave afresh from its stored responses, controlled against its earlier
/// publications (their true counts).
#[tracing::instrument(skip_all, fields(wave = %wave.slug))]
pub async fn estimate_wave(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    wave: &Wave,
    earlier: Vec<Counts>,
) -> Result<Computation, EvalError> {
    let survey = catalog
        .version(&wave.survey_id, wave.survey_version)
        .ok_or_else(|| EvalError::SurveyMissing(wave.survey_id.clone(), wave.survey_version))?;
    let (rows, population) = load(db, survey.clone(), wave).await?;
    let access = wave.access;
    // Estimation is CPU work: off the async threads.
    tokio::task::spawn_blocking(move || {
        compute::compute(&survey, access, &rows, &population, &earlier)
    })
    .await?
    .map_err(EvalError::from)
}

/// The published indicators of a wave: its latest publication (even while a newer one is being
/// computed). A closed wave never published yet is published now; an open or scheduled one has
/// nothing to show but its number of responses ([`EvalError::NotPublished`]).
pub async fn wave_indicators(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    wave: &Wave,
) -> Result<WaveIndicators, EvalError> {
    if let Some(found) = published(db, wave).await? {
        return Ok(found);
    }
    let state = wave.state();
    let responses = crate::store::waves::response_count(db, &wave.id).await?;
    if state != WaveState::Closed || responses == 0 {
        return Err(EvalError::NotPublished {
            slug: wave.slug.clone(),
            state: state.id(),
            responses,
        });
    }
    refresh::recompute(db, catalog, wave).await?;
    match published(db, wave).await? {
        Some(found) => Ok(found),
        None => {
            let error = crate::store::indicators::find(db, &wave.id)
                .await?
                .and_then(|row| row.error);
            Err(EvalError::Estimation(
                error.unwrap_or_else(|| "no publication was stored".into()),
            ))
        }
    }
}

/// The wave's latest publication, if it has one that can be read.
pub async fn published(
    db: &DatabaseConnection,
    wave: &Wave,
) -> Result<Option<WaveIndicators>, EvalError> {
    let Some(row) = crate::store::publications::latest(db, &wave.id).await? else {
        return Ok(None);
    };
    let up_to_date = crate::store::indicators::find(db, &wave.id)
        .await?
        .is_none_or(|r| crate::store::indicators::up_to_date(&r));
    let computed: Computed = match serde_json::from_str(&row.result) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(wave = %wave.slug, error = %e, "a stored publication cannot be read");
            return Ok(None);
        }
    };
    Ok(Some(publish(
        wave,
        computed,
        &row.published_on,
        u32::try_from(row.number).unwrap_or(0),
        up_to_date,
    )))
}

/// A publication as shown, with the wave's state as it is now.
pub fn publish(
    wave: &Wave,
    computed: Computed,
    published: &str,
    number: u32,
    up_to_date: bool,
) -> WaveIndicators {
    WaveIndicators {
        wave: WaveInfo {
            slug: wave.slug.clone(),
            survey: wave.survey_id.clone(),
            period: wave.period,
            state: wave.state().id().to_owned(),
            survey_version: wave.survey_version,
            method: computed.method,
            published: published.to_owned(),
            publication: number,
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

/// Today's date in Sweden (`YYYY-MM-DD`): the day a publication carries.
pub fn today() -> String {
    crate::local_time::stockholm_date(crate::util::now())
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;

/// A text in Swedish and English, as the published JSON carries titles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Titles {
    pub sv: String,
    pub en: String,
}

impl Titles {
    pub fn of(text: &crate::survey::Text) -> Titles {
        Titles {
            sv: text.get(Lang::Sv).to_owned(),
            en: text.get(Lang::En).to_owned(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }
}
