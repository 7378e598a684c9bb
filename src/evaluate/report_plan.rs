//! The action plan's part of the annual report: the interventions of a priority area active in
//! the year, with the year's outputs against plan, the follow-up note and the linked indicators.

use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

use sea_orm::{DatabaseConnection, DbErr};

use super::areas::Titles;
use crate::i18n::Lang;
use crate::plan::Responsible;
use crate::survey::SurveyCatalog;

/// The interventions whose period meets `years` (one year for the annual report, an agreement's
/// years for its final follow-up), each with its priority area's id, in the plan's order, with
/// their outputs summed over those years and the follow-up note of the last year that has one.
/// The plan's outputs, notes and links are read once for all areas.
pub async fn interventions(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    years: RangeInclusive<i32>,
) -> Result<Vec<(String, InterventionPart)>, DbErr> {
    let rows: Vec<_> = crate::store::plan::list(db)
        .await?
        .into_iter()
        .filter(|r| {
            let i = &r.intervention;
            i.start_year <= *years.end() && *years.start() <= i.end_year
        })
        .collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let outputs = crate::store::plan::outputs(db, None).await?;
    let notes = crate::store::plan::follow_ups(db, None).await?;
    let links = crate::store::plan::links(db, catalog, None).await?;
    let responsible = |i: &crate::plan::Intervention, lang: Lang| {
        if i.responsible == Responsible::Other && !i.responsible_other.is_empty() {
            i.responsible_other.clone()
        } else {
            i.responsible.label(lang).to_owned()
        }
    };
    Ok(rows
        .into_iter()
        .map(|row| {
            let i = &row.intervention;
            let part = InterventionPart {
                id: row.id,
                title: i.title.clone(),
                status: i.status.id().to_owned(),
                status_reason: i.status_reason.clone(),
                citizen_promise: i.citizen_promise,
                promise: i.promise.clone(),
                start_year: i.start_year,
                end_year: i.end_year,
                responsible: Titles {
                    sv: responsible(i, Lang::Sv),
                    en: responsible(i, Lang::En),
                },
                outputs: outputs
                    .iter()
                    .filter(|o| o.intervention_id == row.id)
                    .map(|o| {
                        let in_years: Vec<_> = o
                            .output
                            .values
                            .iter()
                            .filter(|(y, _)| years.contains(y))
                            .map(|(_, v)| v)
                            .collect();
                        let sum = |values: Vec<Option<f64>>| {
                            let known: Vec<f64> = values.into_iter().flatten().collect();
                            (!known.is_empty()).then(|| known.iter().sum())
                        };
                        OutputPart {
                            name: o.output.name.clone(),
                            unit: o.output.unit.clone(),
                            planned: sum(in_years.iter().map(|v| v.planned).collect()),
                            actual: sum(in_years.iter().map(|v| v.actual).collect()),
                        }
                    })
                    .collect(),
                follow_up: notes
                    .iter()
                    .filter(|n| n.intervention_id == row.id && years.contains(&n.year))
                    .max_by_key(|n| n.year)
                    .map(|n| n.note.clone()),
                indicators: links
                    .iter()
                    .filter(|l| l.intervention_id == row.id)
                    .filter_map(|l| {
                        let survey = catalog.get(&l.link.survey_id)?;
                        let indicator = survey.survey.indicator(&l.link.indicator_id)?;
                        Some(Titles::of(&indicator.title))
                    })
                    .collect(),
            };
            (i.priority_area.clone(), part)
        })
        .collect())
}

/// An intervention of the action plan active in the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterventionPart {
    pub id: i64,
    pub title: String,
    /// `not_started`, `ongoing`, `done`, `delayed` or `cancelled`.
    pub status: String,
    pub status_reason: String,
    pub citizen_promise: bool,
    /// The id of the agreement's citizen promise it carries out (empty: none).
    #[serde(default)]
    pub promise: String,
    pub start_year: i32,
    pub end_year: i32,
    /// Who is responsible, in words of both languages.
    pub responsible: Titles,
    pub outputs: Vec<OutputPart>,
    /// The follow-up note written for the year.
    pub follow_up: Option<String>,
    /// Titles of the linked indicators.
    pub indicators: Vec<Titles>,
}

/// An output measure's planned and actual value for the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputPart {
    pub name: String,
    pub unit: String,
    pub planned: Option<f64>,
    pub actual: Option<f64>,
}
