//! Headline figures: the rows an indicator is led with on the overview, in the report and the
//! API's areas. For most questionnaires that is the whole municipality; a questionnaire with
//! `headline_by` (the school survey: `grade`) is led by each category of that background
//! question apart — year 9 and upper-secondary year 2, as CAN and Ungdata publish them — and
//! the pooled figure is shown only where asked for.
//!
//! Comparison values belong to a group (`grade=y9`, or empty for everyone), so that a national
//! figure per grade is judged against the municipality's figure for the same grade.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Titles;
use super::WaveIndicators;
use super::compare::{self, Standing};
use super::series::{self, DomainSeries};
use crate::i18n::Lang;
use crate::survey::{Indicator, QuestionKind, Survey};

/// One headline group of an indicator and its series.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineRow {
    /// `grade=y9`, or empty for everyone (the key comparison values carry).
    pub key: String,
    pub label: Titles,
    pub series: DomainSeries,
}

/// The group key of a domain: `question=code`, empty for the overall domain.
pub fn key_of(domain: &BTreeMap<String, String>) -> String {
    domain
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The groups comparison values may be entered for: everyone (`""`), then each category of the
/// survey's `headline_by` question, with their names.
pub fn groups(survey: &Survey) -> Vec<(String, Titles)> {
    let mut out = vec![(String::new(), everyone())];
    if let Some((var, choices)) = headline_choices(survey) {
        for c in choices {
            out.push((format!("{var}={}", c.code), Titles::of(&c.label)));
        }
    }
    out
}

fn everyone() -> Titles {
    Titles {
        sv: "Alla".into(),
        en: "Everyone".into(),
    }
}

/// The `headline_by` question and its categories (missing codes left out).
fn headline_choices(survey: &Survey) -> Option<(&str, Vec<&crate::survey::Choice>)> {
    let var = survey.headline_by.as_deref()?;
    let question = survey.question(var)?;
    let QuestionKind::Single { choices } = &question.kind else {
        return None;
    };
    Some((var, choices.iter().filter(|c| !c.missing).collect()))
}

/// The headline rows of `indicator` over `waves`: one per category of `headline_by` that the
/// waves publish (in the questionnaire's order), or the overall series.
pub fn rows(survey: &Survey, indicator: &Indicator, waves: &[WaveIndicators]) -> Vec<HeadlineRow> {
    if let Some((var, choices)) = headline_choices(survey) {
        let built = series::build(&survey.id, indicator, waves, Some(var));
        let rows: Vec<HeadlineRow> = choices
            .iter()
            .filter_map(|c| {
                let s = built
                    .series
                    .iter()
                    .find(|s| s.domain.get(var) == Some(&c.code))?;
                Some(HeadlineRow {
                    key: format!("{var}={}", c.code),
                    label: Titles::of(&c.label),
                    series: s.clone(),
                })
            })
            .collect();
        if !rows.is_empty() {
            return rows;
        }
    }
    let overall = series::build(&survey.id, indicator, waves, None)
        .series
        .into_iter()
        .next();
    overall
        .map(|series| HeadlineRow {
            key: String::new(),
            label: everyone(),
            series,
        })
        .into_iter()
        .collect()
}

/// A comparison value judged against the municipality's figure of the same group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComparisonVerdict {
    /// The comparison line ("Riket").
    pub label: String,
    /// The comparison value's year: the wave's year, or the latest before it.
    pub year: i32,
    pub value: f64,
    pub source: String,
    /// The wave it is judged against.
    pub wave: String,
    #[serde(with = "super::period")]
    #[schema(value_type = String)]
    pub period: i32,
    /// `None` when the municipality's figure has no interval (suppressed).
    pub standing: Option<Standing>,
}

/// Each comparison line of `group` judged against the wave `slug` of `series` (the latest wave
/// with figures when `slug` is `None`).
pub fn comparisons(
    values: &[crate::entities::comparison_value::Model],
    indicator: &Indicator,
    group: &str,
    series: &DomainSeries,
    slug: Option<&str>,
) -> Vec<ComparisonVerdict> {
    let wave = match slug {
        Some(s) => series.waves.iter().find(|w| w.slug == s),
        None => series
            .waves
            .iter()
            .rev()
            .find(|w| w.figures.estimate.is_some()),
    };
    let Some(wave) = wave else {
        return Vec::new();
    };
    let period = wave.period;
    let mut lines: BTreeMap<&str, Vec<(i32, f64)>> = BTreeMap::new();
    for c in values
        .iter()
        .filter(|c| c.indicator_id == indicator.id && c.domain == group)
    {
        lines.entry(&c.label).or_default().push((c.period, c.value));
    }
    lines
        .into_iter()
        .filter_map(|(label, points)| {
            let (year, value) = compare::value_for(&points, period)?;
            let source = values
                .iter()
                .find(|c| {
                    c.indicator_id == indicator.id
                        && c.domain == group
                        && c.label == label
                        && c.period == year
                })
                .map(|c| c.source.clone())
                .unwrap_or_default();
            let standing = match (wave.figures.ci_low, wave.figures.ci_high) {
                (Some(lo), Some(hi)) => Some(compare::standing(lo, hi, value, indicator.better)),
                _ => None,
            };
            Some(ComparisonVerdict {
                label: label.to_owned(),
                year,
                value,
                source,
                wave: wave.slug.clone(),
                period,
                standing,
            })
        })
        .collect()
}

/// The name of a group key in `lang` ("Årskurs 9"), or the key itself if the survey does not
/// know it.
pub fn group_name(survey: &Survey, key: &str, lang: Lang) -> String {
    groups(survey)
        .into_iter()
        .find(|(k, _)| k == key)
        .map_or_else(|| key.to_owned(), |(_, t)| t.get(lang).to_owned())
}
