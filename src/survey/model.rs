//! The checked questionnaire: what a survey file becomes once `load` has accepted it.
//!
//! These types are only built by the loader (or by tests); everything downstream — forms, answer
//! validation, statistics — can rely on the invariants the loader checked (unique ids, both
//! translations present, conditions that refer to earlier choice questions, and so on).

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// A user-facing text in both languages. The loader guarantees neither is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub sv: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }
}

/// Who answers a survey. It decides the default minimum cell size and how access works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Residents,
    Staff,
    Pupils,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Residents, Audience::Staff, Audience::Pupils];

    /// The id used in survey files.
    pub fn id(&self) -> &'static str {
        match self {
            Audience::Residents => "residents",
            Audience::Staff => "staff",
            Audience::Pupils => "pupils",
        }
    }

    pub fn parse(id: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.id() == id)
    }

    /// k when the file does not set `min_cell_size`: pupils are few per school and class, and
    /// easier to recognise, so they get a stricter default.
    pub fn default_min_cell_size(&self) -> u32 {
        match self {
            Audience::Pupils => 10,
            Audience::Residents | Audience::Staff => 5,
        }
    }
}

/// One questionnaire, as read from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub id: String,
    pub version: u32,
    pub audience: Audience,
    /// k: estimates on fewer respondents are suppressed. Never below 3.
    pub min_cell_size: u32,
    pub title: Text,
    pub intro: Text,
    pub pages: Vec<Page>,
    pub indicators: Vec<Indicator>,
    /// Respondents for whom this holds are left out of estimates (see `Survey::is_unreliable`).
    pub unreliable_if: Option<Condition>,
    /// Crossed breakdowns of the published indicators (each two or more background questions),
    /// besides the overall figure and each background question alone.
    pub breakdowns: Vec<Vec<String>>,
    /// Pupil surveys: the grades class sessions may be opened for (year 9 = 9, upper-secondary
    /// year 2 = 11). Empty: any grade.
    pub grades: Vec<i32>,
    /// The background question whose categories carry the headline figures (`headline_by`):
    /// the overview, the report and the public page show each indicator per category of it, and
    /// the pooled figure only where asked for. `None`: the overall figure is the headline.
    pub headline_by: Option<String>,
    /// `public = true`: the published figures of its closed waves are shown to residents on the
    /// public page `/trygghet` (the staff survey is not).
    pub public: bool,
    /// Pupil surveys: the background question a class session's grade answers for its pupils
    /// (who are then not asked it), with the question's code for each grade of `grades`.
    pub grade_question: Option<GradeQuestion>,
}

/// The question a class session answers with its grade, and the code of each grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeQuestion {
    pub question: String,
    pub codes: std::collections::BTreeMap<i32, String>,
}

impl Survey {
    /// The question and code a class session of `grade` answers for its pupils; `None` when
    /// the survey has no `grade_question` or no code for that grade (the pupil is then asked).
    pub fn session_answer(&self, grade: i32) -> Option<(&str, &str)> {
        let q = self.grade_question.as_ref()?;
        let code = q.codes.get(&grade)?;
        Some((q.question.as_str(), code.as_str()))
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// Every question, in file order (which is also the order conditions are evaluated in).
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|p| p.questions.iter())
    }

    /// Questions marked `background = true`: the only ones usable as breakdowns.
    pub fn background_questions(&self) -> impl Iterator<Item = &Question> {
        self.questions().filter(|q| q.background)
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// A breakdown's heading from its questions' short labels: "Kön", "Årskurs × kön". Later
    /// names start in lower case unless they start with an abbreviation ("SCB-område").
    pub fn breakdown_title(&self, keys: &[String], lang: Lang) -> String {
        keys.iter()
            .enumerate()
            .map(|(i, id)| {
                let name = self
                    .question(id)
                    .map_or(id.as_str(), |q| q.short_label(lang));
                if i == 0 {
                    name.to_owned()
                } else {
                    lower_first(name)
                }
            })
            .collect::<Vec<_>>()
            .join(" × ")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub id: String,
    pub title: Text,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub text: Text,
    pub help: Option<Text>,
    pub required: bool,
    /// Usable as a breakdown; only single and ordinal questions can be.
    pub background: bool,
    /// A background question's short name for breakdown headings ("Årskurs", "Kön").
    pub short: Option<Text>,
    /// Shown only when this holds; a hidden question must not be answered.
    pub show_if: Option<Condition>,
}

impl Question {
    /// The choices of a single, multi or ordinal question; empty for number and text.
    pub fn choices(&self) -> &[Choice] {
        match &self.kind {
            QuestionKind::Single { choices }
            | QuestionKind::Multi { choices }
            | QuestionKind::Ordinal { choices } => choices,
            QuestionKind::Number { .. } | QuestionKind::Text { .. } => &[],
        }
    }

    /// The question's name in a breakdown heading: its `short` label, or else its text
    /// without the question mark.
    pub fn short_label(&self, lang: Lang) -> &str {
        match &self.short {
            Some(short) => short.get(lang),
            None => self.text.get(lang).trim_end_matches('?').trim_end(),
        }
    }

    pub fn choice(&self, code: &str) -> Option<&Choice> {
        self.choices().iter().find(|c| c.code == code)
    }

    /// The scale value of an ordinal code (the code as a number); `None` for missing codes,
    /// unknown codes and other question types.
    pub fn ordinal_value(&self, code: &str) -> Option<f64> {
        match &self.kind {
            QuestionKind::Ordinal { choices } => choices
                .iter()
                .find(|c| c.code == code && !c.missing)
                .and_then(|c| c.code.parse::<i64>().ok())
                .map(|v| v as f64),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    Single {
        choices: Vec<Choice>,
    },
    /// A choice marked `exclusive` cannot be combined with others.
    Multi {
        choices: Vec<Choice>,
    },
    /// Non-missing codes are integers, increasing in the order listed.
    Ordinal {
        choices: Vec<Choice>,
    },
    Number {
        min: f64,
        max: f64,
        integer: bool,
        unit: Option<Text>,
    },
    Text {
        max_length: usize,
    },
}

impl QuestionKind {
    /// The `type` as written in survey files.
    pub fn type_name(&self) -> &'static str {
        match self {
            QuestionKind::Single { .. } => "single",
            QuestionKind::Multi { .. } => "multi",
            QuestionKind::Ordinal { .. } => "ordinal",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Text { .. } => "text",
        }
    }

    /// Conditions (`equals`/`any_of`) can only look at questions answered with codes.
    pub fn has_choices(&self) -> bool {
        matches!(
            self,
            QuestionKind::Single { .. } | QuestionKind::Multi { .. } | QuestionKind::Ordinal { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub label: Text,
    /// A valid answer that counts as missing in statistics ("vet inte", "vill inte svara").
    pub missing: bool,
    /// Multi only: cannot be combined with other choices ("none of these").
    pub exclusive: bool,
}

/// The first letter in lower case, unless the second is a capital too (an abbreviation).
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), second) if !second.is_some_and(char::is_uppercase) => first
            .to_lowercase()
            .chain(name[first.len_utf8()..].chars())
            .collect(),
        _ => name.to_owned(),
    }
}

/// A condition on earlier answers. Built only by the loader, which guarantees that every
/// referenced question exists, has choices, and has every code named here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The answer is `code` (multi: `code` is among the chosen ones).
    Equals {
        question: String,
        code: String,
    },
    /// The answer is one of `codes` (multi: at least one of them is chosen).
    AnyOf {
        question: String,
        codes: Vec<String>,
    },
    /// Negation. An unanswered question makes `Equals`/`AnyOf` false, so `Not` of it is true.
    Not(Box<Condition>),
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

/// The priority areas of the action plan (see DESIGN.md); ids as used in files and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PriorityArea {
    YouthAtRisk,
    OutdoorInsecurity,
    ThreatsViolence,
}

impl PriorityArea {
    pub const ALL: [PriorityArea; 3] = [
        PriorityArea::YouthAtRisk,
        PriorityArea::OutdoorInsecurity,
        PriorityArea::ThreatsViolence,
    ];

    pub fn id(&self) -> &'static str {
        match self {
            PriorityArea::YouthAtRisk => "youth-at-risk",
            PriorityArea::OutdoorInsecurity => "outdoor-insecurity",
            PriorityArea::ThreatsViolence => "threats-violence",
        }
    }

    pub fn parse(id: &str) -> Option<PriorityArea> {
        PriorityArea::ALL.into_iter().find(|a| a.id() == id)
    }

    /// The name used in the local agreement (Swedish) and its English rendering.
    pub fn title(&self, lang: Lang) -> &'static str {
        match self {
            PriorityArea::YouthAtRisk => lang.pick("Ungdomar i riskzon", "Young people at risk"),
            PriorityArea::OutdoorInsecurity => lang.pick(
                "Upplevd och faktisk otrygghet i den fysiska utemiljön",
                "Perceived and actual insecurity in the outdoor environment",
            ),
            PriorityArea::ThreatsViolence => lang.pick("Hot och våld", "Threats and violence"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Statistic {
    Proportion,
    Mean,
}

impl Statistic {
    /// The name used in survey files and the API.
    pub fn id(&self) -> &'static str {
        match self {
            Statistic::Proportion => "proportion",
            Statistic::Mean => "mean",
        }
    }
}

/// Which direction of change is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Lower,
    Higher,
}

impl Better {
    /// The name used in survey files and the API.
    pub fn id(&self) -> &'static str {
        match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: String,
    pub title: Text,
    pub priority_area: PriorityArea,
    pub statistic: Statistic,
    pub better: Better,
    /// For a proportion, between 0 and 1.
    pub target: Option<f64>,
    pub questions: Vec<String>,
    /// Proportion only: the codes that count.
    pub codes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::lower_first;

    #[test]
    fn later_names_of_a_crossed_breakdown_start_in_lower_case_unless_abbreviated() {
        assert_eq!(lower_first("Kön"), "kön");
        assert_eq!(lower_first("Ålder"), "ålder");
        assert_eq!(lower_first("SCB-område"), "SCB-område");
        assert_eq!(lower_first("x"), "x");
        assert_eq!(lower_first(""), "");
    }
}
