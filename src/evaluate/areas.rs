//! The priority areas of the action plan: per area, each indicator's latest value, its change
//! from the wave before, the verdict and the target status (`GET /api/v1/areas`).

use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

use super::series::{self, SeriesChange, SeriesTrend, SeriesWave};
use super::{EvalError, WaveIndicators, wave_indicators};
use crate::collect::WaveState;
use crate::i18n::Lang;
use crate::stats::trend::{TargetStatus, Verdict};
use crate::survey::{PriorityArea, SurveyCatalog};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AreaIndicator {
    pub survey: String,
    pub indicator: String,
    pub title: Titles,
    pub statistic: String,
    pub better: String,
    pub target: Option<f64>,
    /// The latest published wave with an estimate.
    pub latest: Option<SeriesWave>,
    /// The latest change between closed waves.
    pub change: Option<SeriesChange>,
    pub trend: Option<SeriesTrend>,
    pub verdict: Option<Verdict>,
    pub target_status: Option<TargetStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Area {
    pub id: String,
    pub title: Titles,
    pub indicators: Vec<AreaIndicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Areas {
    pub areas: Vec<Area>,
}

/// Every published wave of a survey (closed; an open wave publishes nothing), with its
/// published indicators. A wave whose indicators cannot be computed is left out (and logged).
pub async fn survey_waves(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    survey_id: &str,
) -> Result<Vec<WaveIndicators>, EvalError> {
    let mut out = Vec::new();
    for wave in crate::store::waves::list(db).await? {
        if wave.survey_id != survey_id || wave.state() != WaveState::Closed {
            continue;
        }
        match wave_indicators(db, catalog, &wave).await {
            Ok(found) => out.push(found),
            Err(EvalError::Database(e)) => return Err(EvalError::Database(e)),
            Err(EvalError::NotPublished { .. }) => {}
            Err(e) => tracing::warn!(wave = %wave.slug, error = %e, "wave left out of the series"),
        }
    }
    Ok(out)
}

pub async fn areas(db: &DatabaseConnection, catalog: &SurveyCatalog) -> Result<Areas, EvalError> {
    let mut areas: Vec<Area> = PriorityArea::ALL
        .iter()
        .map(|a| Area {
            id: a.id().to_owned(),
            title: Titles {
                sv: a.title(Lang::Sv).to_owned(),
                en: a.title(Lang::En).to_owned(),
            },
            indicators: Vec::new(),
        })
        .collect();
    for loaded in catalog.iter() {
        let survey = &loaded.survey;
        if survey.indicators.is_empty() {
            continue;
        }
        let waves = survey_waves(db, catalog, &survey.id).await?;
        for indicator in &survey.indicators {
            let s = series::build(&survey.id, indicator, &waves, None);
            let overall = s.series.into_iter().next();
            let entry = AreaIndicator {
                survey: survey.id.clone(),
                indicator: indicator.id.clone(),
                title: Titles::of(&indicator.title),
                statistic: indicator.statistic.id().to_owned(),
                better: indicator.better.id().to_owned(),
                target: indicator.target,
                latest: overall
                    .as_ref()
                    .and_then(|o| o.waves.iter().rev().find(|w| w.estimate.is_some()).cloned()),
                change: overall.as_ref().and_then(|o| o.change.clone()),
                trend: overall.as_ref().and_then(|o| o.trend.clone()),
                verdict: overall.as_ref().and_then(|o| o.verdict),
                target_status: overall.as_ref().and_then(|o| o.target_status),
            };
            if let Some(area) = areas
                .iter_mut()
                .find(|a| a.id == indicator.priority_area.id())
            {
                area.indicators.push(entry);
            }
        }
    }
    Ok(Areas { areas })
}
