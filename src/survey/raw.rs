//! The shape of a survey file as serde reads it, before any checks.
//!
//! Every value keeps its `Spanned` byte range so that each problem found later can name its line.
//! Strings that have a closed set of values (`type`, `audience`, `priority_area`, …) are read as
//! plain strings on purpose: the loader checks them itself, so one wrong value is reported with
//! a readable message and does not stop the other checks of the file.

use serde::Deserialize;
use toml::Spanned;

pub(super) type S<T> = Spanned<T>;

/// One crossed breakdown: background question ids.
pub(super) type RawBreakdown = S<Vec<S<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSurvey {
    pub id: S<String>,
    pub version: S<i64>,
    pub audience: S<String>,
    pub min_cell_size: Option<S<i64>>,
    pub title: S<RawText>,
    pub intro: S<RawText>,
    pub unreliable_if: Option<S<RawCondition>>,
    /// Crossed breakdowns for published indicators, e.g. `[["grade", "gender"]]`.
    pub breakdowns: Option<S<Vec<RawBreakdown>>>,
    /// Pupil surveys: the school grades the survey is for, e.g. `[9, 11]`.
    pub grades: Option<S<Vec<S<i64>>>>,
    /// The background question whose categories carry the headline figures (e.g. `"grade"`:
    /// year 9 and upper-secondary year 2 apart, as national school surveys publish them).
    pub headline_by: Option<S<String>>,
    /// Whether the questionnaire's published figures are shown on the public page `/trygghet`.
    pub public: Option<S<bool>>,
    /// Pupil surveys: the background question a class session's grade answers, and its code
    /// per grade, e.g. `{ question = "grade", codes = { 9 = "y9", 11 = "g2" } }`.
    pub grade_question: Option<S<RawGradeQuestion>>,
    #[serde(default)]
    pub pages: Vec<S<RawPage>>,
    #[serde(default)]
    pub indicators: Vec<S<RawIndicator>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "the grade question, { question = \"grade\", codes = { 9 = \"y9\", 11 = \"g2\" } }"
)]
pub(super) struct RawGradeQuestion {
    pub question: S<String>,
    /// Grade (a TOML key, so a string) → choice code.
    pub codes: S<std::collections::BTreeMap<String, S<String>>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a text in both languages, { sv = \"…\", en = \"…\" }"
)]
pub(super) struct RawText {
    pub sv: Option<S<String>>,
    pub en: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPage {
    pub id: S<String>,
    pub title: S<RawText>,
    #[serde(default)]
    pub questions: Vec<S<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub id: S<String>,
    #[serde(rename = "type")]
    pub kind: S<String>,
    pub text: S<RawText>,
    pub help: Option<S<RawText>>,
    #[serde(default)]
    pub required: bool,
    pub background: Option<S<bool>>,
    /// A background question's name in breakdown headings ("Årskurs", "Kön").
    pub short: Option<S<RawText>>,
    pub show_if: Option<S<RawCondition>>,
    // Type-specific keys: all optional here, the loader says which belong to which type.
    pub choices: Option<S<Vec<S<RawChoice>>>>,
    pub min: Option<S<f64>>,
    pub max: Option<S<f64>>,
    pub integer: Option<S<bool>>,
    pub unit: Option<S<RawText>>,
    pub max_length: Option<S<i64>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a choice, { code = \"…\", label = { sv = \"…\", en = \"…\" } }"
)]
pub(super) struct RawChoice {
    pub code: S<String>,
    pub label: S<RawText>,
    #[serde(default)]
    pub missing: bool,
    pub exclusive: Option<S<bool>>,
}

/// All five condition forms in one table; the loader checks that exactly one form is used.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a condition such as { question = \"q\", equals = \"1\" }"
)]
pub(super) struct RawCondition {
    pub question: Option<S<String>>,
    pub equals: Option<S<String>>,
    pub any_of: Option<S<Vec<S<String>>>>,
    pub not: Option<Box<S<RawCondition>>>,
    pub all: Option<S<Vec<S<RawCondition>>>>,
    pub any: Option<S<Vec<S<RawCondition>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndicator {
    pub id: S<String>,
    pub title: S<RawText>,
    pub priority_area: S<String>,
    pub statistic: S<String>,
    pub better: S<String>,
    pub target: Option<S<f64>>,
    pub questions: S<Vec<S<String>>>,
    pub codes: Option<S<Vec<S<String>>>>,
}
