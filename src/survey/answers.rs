//! Answers: checking a submitted answer set against a survey, and which questions it shows.
//!
//! `validate` is the only way to get a `ValidatedAnswers`, so code that holds one knows every
//! answer has the right type and code, respects the skip logic, and that required questions
//! are answered.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{Question, QuestionKind, Survey};
use crate::problems::{Problems, SHOWN};

/// One answer, typed by its question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// single, ordinal
    Code(String),
    /// multi; never empty, no duplicates
    Codes(Vec<String>),
    Number(f64),
    /// never empty; surrounding whitespace removed
    Text(String),
}

impl Answer {
    /// The JSON value of the HTTP contract; whole numbers are written without a fraction.
    pub fn to_json(&self) -> Value {
        match self {
            Answer::Code(c) | Answer::Text(c) => Value::String(c.clone()),
            Answer::Codes(cs) => Value::Array(cs.iter().cloned().map(Value::String).collect()),
            Answer::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Value::from(*n as i64),
            Answer::Number(n) => Value::from(*n),
        }
    }
}

/// An answer set that passed `validate`, in the order of the survey's questions. Holds only
/// answers to questions that were shown, so `|id| answers.get(id)` is a valid condition lookup.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValidatedAnswers {
    answers: Vec<(String, Answer)>,
}

impl ValidatedAnswers {
    /// Answers read back from storage, where only answers that passed [`validate`] are written:
    /// the second way to get a `ValidatedAnswers`, for estimation, which needs only some
    /// questions (`pairs` in any order). A value that no longer parses (it cannot, unless the
    /// stored text was edited by hand) is left out, as an unanswered question.
    pub fn from_stored<'a>(
        pairs: impl IntoIterator<Item = (&'a Question, &'a Value)>,
    ) -> ValidatedAnswers {
        let answers = pairs
            .into_iter()
            .filter_map(|(q, v)| Some((q.id.clone(), q.parse_answer(v).ok()??)))
            .collect();
        ValidatedAnswers { answers }
    }

    pub fn get(&self, question: &str) -> Option<&Answer> {
        self.answers
            .iter()
            .find(|(id, _)| id == question)
            .map(|(_, a)| a)
    }

    /// (question id, answer) in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.answers.iter().map(|(id, a)| (id.as_str(), a))
    }

    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// The answers as the JSON object of the HTTP contract (for storage and export).
    pub fn to_json(&self) -> Map<String, Value> {
        self.iter()
            .map(|(id, a)| (id.to_string(), a.to_json()))
            .collect()
    }
}

/// Why an answer set was refused; serializes as one entry of the 422 `details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerProblem {
    pub question: String,
    pub message: String,
}

impl AnswerProblem {
    fn new(question: &str, message: impl Into<String>) -> Self {
        AnswerProblem {
            question: question.to_string(),
            message: message.into(),
        }
    }
}

/// Checks a submitted answer object (`answers` of the HTTP body) and returns every problem.
///
/// Unanswered: a missing key, `null`, an empty list (multi) or a blank string (text). Questions
/// are visited in file order; visibility comes from the answers accepted so far, so a hidden
/// question counts as unanswered downstream. When an answer is invalid, the visibility of
/// questions depending on it is unknown, and they get no "required"/"hidden" complaints.
///
/// Problems are capped (see [`Problems`]): a body with 100,000 unknown keys names the first
/// hundred and counts the rest, which costs one lookup per question, not per key.
pub fn validate(
    survey: &Survey,
    answers: &Map<String, Value>,
) -> Result<ValidatedAnswers, Problems<AnswerProblem>> {
    let mut problems = Problems::new();
    let known = survey
        .questions()
        .filter(|q| answers.contains_key(&q.id))
        .count();
    let unknown = answers.len() - known;
    for id in answers
        .keys()
        .filter(|id| survey.question(id).is_none())
        .take(unknown.min(SHOWN))
    {
        problems.push(AnswerProblem::new(
            id,
            "there is no such question in this survey",
        ));
    }
    problems.count_more(unknown - problems.total());
    let mut accepted = ValidatedAnswers::default();
    // Questions whose answer (or visibility) could not be established.
    let mut uncertain: HashSet<&str> = HashSet::new();
    for q in survey.questions() {
        let given = match answers.get(&q.id) {
            None => Ok(None),
            Some(value) => q.parse_answer(value),
        };
        let depends_on_uncertain = (q.show_if.as_ref())
            .is_some_and(|c| c.questions().iter().any(|id| uncertain.contains(id)));
        let answer = match given {
            Err(message) => {
                problems.push(AnswerProblem::new(&q.id, message));
                uncertain.insert(&q.id);
                continue;
            }
            Ok(answer) => answer,
        };
        if depends_on_uncertain {
            uncertain.insert(&q.id);
            continue;
        }
        let shown = (q.show_if.as_ref()).is_none_or(|c| c.holds(&|id| accepted.get(id)));
        match (shown, answer) {
            (true, Some(answer)) => accepted.answers.push((q.id.clone(), answer)),
            (true, None) if q.required => {
                problems.push(AnswerProblem::new(&q.id, "this question must be answered"));
            }
            (false, Some(_)) => problems.push(AnswerProblem::new(
                &q.id,
                "this question is not shown after the earlier answers, so it must not be answered",
            )),
            (true, None) | (false, None) => {}
        }
    }
    problems.or_ok(accepted)
}

impl Question {
    /// One JSON value as an answer to this question, checked on its own (skip logic and
    /// `required` need the whole set: see `validate`). `Ok(None)` when it counts as unanswered;
    /// `Err` is a plain English message. Useful for re-filling a form page by page.
    pub fn parse_answer(&self, value: &Value) -> Result<Option<Answer>, String> {
        let q = self;
        if value.is_null() {
            return Ok(None);
        }
        match &q.kind {
            QuestionKind::Single { .. } | QuestionKind::Ordinal { .. } => {
                let Value::String(code) = value else {
                    return Err(format!(
                        "expected one choice code as a string, got {}",
                        kind_of(value)
                    ));
                };
                known_code(q, code)?;
                Ok(Some(Answer::Code(code.clone())))
            }
            QuestionKind::Multi { choices } => {
                let Value::Array(items) = value else {
                    return Err(format!(
                        "expected a list of choice codes, got {}",
                        kind_of(value)
                    ));
                };
                let mut codes: Vec<String> = Vec::with_capacity(items.len());
                for item in items {
                    let Value::String(code) = item else {
                        return Err(format!(
                            "expected choice codes as strings, got {}",
                            kind_of(item)
                        ));
                    };
                    known_code(q, code)?;
                    if codes.contains(code) {
                        return Err(format!("`{code}` is chosen more than once"));
                    }
                    codes.push(code.clone());
                }
                if codes.len() > 1
                    && let Some(alone) = choices
                        .iter()
                        .find(|c| c.exclusive && codes.contains(&c.code))
                {
                    return Err(format!(
                        "`{}` cannot be combined with other choices",
                        alone.code
                    ));
                }
                Ok((!codes.is_empty()).then_some(Answer::Codes(codes)))
            }
            QuestionKind::Number {
                min, max, integer, ..
            } => {
                let Some(n) = value.as_f64() else {
                    return Err(format!("expected a number, got {}", kind_of(value)));
                };
                if !n.is_finite() {
                    return Err("the number must be finite".to_string());
                }
                if *integer && n.fract() != 0.0 {
                    return Err(format!("expected a whole number, got {n}"));
                }
                if n < *min || n > *max {
                    return Err(format!("{n} is outside the allowed range {min} to {max}"));
                }
                Ok(Some(Answer::Number(n)))
            }
            QuestionKind::Text { max_length } => {
                let Value::String(s) = value else {
                    return Err(format!("expected a string, got {}", kind_of(value)));
                };
                let s = s.trim();
                let length = s.chars().count();
                if length > *max_length {
                    return Err(format!(
                        "the text has {length} characters; at most {max_length} are allowed"
                    ));
                }
                Ok((!s.is_empty()).then(|| Answer::Text(s.to_string())))
            }
        }
    }
}

fn known_code(q: &Question, code: &str) -> Result<(), String> {
    match q.choice(code) {
        Some(_) => Ok(()),
        None => Err(format!("`{code}` is not a choice of this question")),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl Survey {
    /// Whether `question_id` is shown given the answers so far (e.g. while a form is being
    /// filled in). Visibility is computed in file order, so answers to hidden questions are
    /// ignored downstream. Unknown ids are not shown.
    pub fn is_shown<'a>(
        &self,
        question_id: &str,
        answers: &impl Fn(&str) -> Option<&'a Answer>,
    ) -> bool {
        self.shown_questions(answers)
            .iter()
            .any(|q| q.id == question_id)
    }

    /// The questions shown for these answers, in file order.
    pub fn shown_questions<'a>(
        &self,
        answers: &impl Fn(&str) -> Option<&'a Answer>,
    ) -> Vec<&Question> {
        let mut hidden: HashSet<&str> = HashSet::new();
        let mut shown = Vec::new();
        for q in self.questions() {
            let lookup = |id: &str| {
                if hidden.contains(id) {
                    None
                } else {
                    answers(id)
                }
            };
            if (q.show_if.as_ref()).is_none_or(|c| c.holds(&lookup)) {
                shown.push(q);
            } else {
                hidden.insert(&q.id);
            }
        }
        shown
    }

    /// Whether the respondent trips `unreliable_if` and should be left out of estimates.
    pub fn is_unreliable(&self, answers: &ValidatedAnswers) -> bool {
        (self.unreliable_if.as_ref()).is_some_and(|c| c.holds(&|id| answers.get(id)))
    }
}
