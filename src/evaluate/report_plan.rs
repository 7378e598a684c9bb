//! The action plan's part of the annual report: the interventions of a priority area active in
//! the year, with the year's outputs against plan, the follow-up note and the linked indicators.

use sea_orm::{DatabaseConnection, DbErr};

use super::areas::Titles;
use super::report::{InterventionPart, OutputPart};
use crate::i18n::Lang;
use crate::plan::Responsible;
use crate::survey::SurveyCatalog;

/// The interventions whose period covers `year`, each with its priority area's id, in the
/// plan's order. The plan's outputs, notes and links are read once for all areas.
pub async fn interventions(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    year: i32,
) -> Result<Vec<(&'static str, InterventionPart)>, DbErr> {
    let rows: Vec<_> = crate::store::plan::list(db)
        .await?
        .into_iter()
        .filter(|r| {
            let i = &r.intervention;
            i.start_year <= year && year <= i.end_year
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
                        let values = o.output.values.get(&year);
                        OutputPart {
                            name: o.output.name.clone(),
                            unit: o.output.unit.clone(),
                            planned: values.and_then(|v| v.planned),
                            actual: values.and_then(|v| v.actual),
                        }
                    })
                    .collect(),
                follow_up: notes
                    .iter()
                    .find(|n| n.intervention_id == row.id && n.year == year)
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
            (i.priority_area.id(), part)
        })
        .collect())
}
