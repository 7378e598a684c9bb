//! Outcome indicators an intervention is followed up with: an indicator of a loaded
//! questionnaire, the wave of that questionnaire that gives the baseline (utgångsläge), and a
//! target in the indicator's own terms (percent for a proportion).

use serde::Deserialize;

use super::number::{self, NumberError};
use super::{Change, FormProblems, history};
use crate::collect::Wave;
use crate::entities::plan_indicator;
use crate::i18n::Lang;
use crate::survey::{Statistic, SurveyCatalog};

/// What the link form holds, as typed: `survey/indicator`, a wave's slug, the target.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub indicator: String,
    pub baseline_wave: String,
    pub target: String,
}

/// A checked link.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub survey_id: String,
    pub indicator_id: String,
    pub statistic: Statistic,
    pub baseline_wave_id: String,
    pub baseline_slug: String,
    /// A proportion between 0 and 1, or a mean.
    pub target: Option<f64>,
}

/// The value of the indicator select: `survey/indicator`.
pub fn indicator_key(survey_id: &str, indicator_id: &str) -> String {
    format!("{survey_id}/{indicator_id}")
}

/// A target as the form and the history write it: percent for a proportion (`15`), the value
/// itself for a mean.
fn target_number(statistic: Statistic, target: f64) -> f64 {
    match statistic {
        Statistic::Proportion => target * 100.0,
        Statistic::Mean => target,
    }
}

/// A target for the history and the CSV: `15 %`, or `3.2` for a mean.
pub fn target_text(statistic: Statistic, target: f64) -> String {
    let n = number::canonical(target_number(statistic, target));
    match statistic {
        Statistic::Proportion => format!("{n} %"),
        Statistic::Mean => n,
    }
}

impl LinkForm {
    /// The form filled in with a stored link, the target as `lang` writes numbers.
    pub fn of(link: &Link, lang: Lang) -> LinkForm {
        LinkForm {
            indicator: indicator_key(&link.survey_id, &link.indicator_id),
            baseline_wave: link.baseline_slug.clone(),
            target: link
                .target
                .map(|t| number::for_input(lang, target_number(link.statistic, t)))
                .unwrap_or_default(),
        }
    }

    /// The checked link: a loaded questionnaire's indicator, a wave of that questionnaire, a
    /// target within the indicator's range.
    pub fn parse(&self, catalog: &SurveyCatalog, waves: &[Wave]) -> Result<Link, FormProblems> {
        let mut p = FormProblems::default();
        let found = self.indicator.trim().split_once('/').and_then(|(s, i)| {
            let survey = &catalog.get(s)?.survey;
            Some((survey.id.clone(), survey.indicator(i)?.clone()))
        });
        let Some((survey_id, indicator)) = found else {
            p.add(
                "indicator",
                "Välj en indikator i listan.",
                "Choose an indicator from the list.",
            );
            if self.baseline_wave.trim().is_empty() {
                p.add(
                    "baseline_wave",
                    "Välj den omgång som ger utgångsläget.",
                    "Choose the wave that gives the baseline.",
                );
            }
            return Err(p);
        };
        let wave = waves.iter().find(|w| w.slug == self.baseline_wave.trim());
        match wave {
            None => p.add(
                "baseline_wave",
                "Välj den omgång som ger utgångsläget.",
                "Choose the wave that gives the baseline.",
            ),
            Some(w) if w.survey_id != survey_id => p.add(
                "baseline_wave",
                format!(
                    "Omgången {} hör till en annan enkät än indikatorn. Välj en omgång av {}.",
                    w.slug, survey_id
                ),
                format!(
                    "Wave {} belongs to another questionnaire than the indicator. Choose a wave of {}.",
                    w.slug, survey_id
                ),
            ),
            Some(_) => {}
        }
        let target = match (number::parse_number(&self.target), indicator.statistic) {
            (Ok(None), _) => None,
            (Ok(Some(v)), Statistic::Proportion) if (0.0..=100.0).contains(&v) => Some(v / 100.0),
            (Ok(Some(v)), Statistic::Mean) => Some(v),
            (Ok(Some(_)), Statistic::Proportion) => {
                p.add(
                    "target",
                    "Målet för en andel anges i procent, från 0 till 100.",
                    "The target of a proportion is given in percent, from 0 to 100.",
                );
                None
            }
            (Err(NumberError::TooLarge | NumberError::Negative), _) => {
                p.add("target", "Målet är för stort.", "The target is too large.");
                None
            }
            (Err(NumberError::NotANumber), _) => {
                p.add(
                    "target",
                    "Målet ska vara ett tal, t.ex. 15 eller 12,5.",
                    "The target must be a number, e.g. 15 or 12.5.",
                );
                None
            }
        };
        let Some(wave) = wave.filter(|_| p.is_empty()) else {
            return Err(p);
        };
        Ok(Link {
            survey_id,
            indicator_id: indicator.id.clone(),
            statistic: indicator.statistic,
            baseline_wave_id: wave.id.clone(),
            baseline_slug: wave.slug.clone(),
            target,
        })
    }
}

impl Link {
    /// A stored link; `baseline_slug` is its wave's slug. An indicator of a questionnaire that
    /// is no longer loaded is taken for a proportion (the usual kind) so that it can still be
    /// shown.
    pub fn from_model(
        m: &plan_indicator::Model,
        catalog: &SurveyCatalog,
        baseline_slug: String,
    ) -> Link {
        let statistic = catalog
            .get(&m.survey_id)
            .and_then(|l| l.survey.indicator(&m.indicator_id))
            .map_or(Statistic::Proportion, |i| i.statistic);
        Link {
            survey_id: m.survey_id.clone(),
            indicator_id: m.indicator_id.clone(),
            statistic,
            baseline_wave_id: m.baseline_wave_id.clone(),
            baseline_slug,
            target: m.target,
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "indicator",
                indicator_key(&self.survey_id, &self.indicator_id),
            ),
            ("baseline_wave", self.baseline_slug.clone()),
            (
                "target",
                self.target
                    .map(|t| target_text(self.statistic, t))
                    .unwrap_or_default(),
            ),
        ]
    }

    fn subject(&self) -> String {
        indicator_key(&self.survey_id, &self.indicator_id)
    }
}

/// What changed from `old` (none for a new link) to `new`, named by the indicator.
pub fn changes(old: Option<&Link>, new: &Link) -> Vec<Change> {
    let list = match old {
        Some(old) => history::diff(&old.fields(), &new.fields()),
        None => history::created(&new.fields()),
    };
    list.into_iter().map(|c| c.about(&new.subject())).collect()
}

/// Everything a removed link held, for the history.
pub fn removed(old: &Link) -> Vec<Change> {
    old.fields()
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(field, v)| Change::new(field, Some(v), None).about(&old.subject()))
        .collect()
}
