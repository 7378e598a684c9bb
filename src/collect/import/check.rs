//! Checking an import's lines: each as the API checks a body.
//!
//! The importer hands over lines in chunks, several at once on threads of their own (one per
//! core), and takes their results in the order of the file. Checking is the larger part of an import's
//! work (parsing, the answers against the questionnaire, the body's hash), and lines do not
//! depend on each other: what does (an id twice, an id stored before) is found when the whole
//! file is staged (`store::import_staging`).

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{MAX_SCHOOL_CHARS, class_id, response_digest, uuid_from_hex};
use crate::collect::class_session::MAX_LABEL_CHARS;
use crate::collect::intake;
use crate::collect::submit::{AccessProof, Submission};
use crate::collect::wave::{Access, Wave};
use crate::survey::Survey;

/// A line as read, before it is checked.
pub enum Unchecked {
    /// A line of JSON lines, blank space trimmed.
    Json(Vec<u8>),
    /// A body made of something else (a CSV row, a generated body).
    Body(Value),
}

/// What a line comes to.
pub enum LineCheck {
    Good(Submission),
    /// What is wrong with it, and how many more problems it has that are not described.
    Bad(Vec<String>, usize),
}

/// What checking needs to know of the wave, shared by the threads that check.
pub struct Checker {
    pub wave: Wave,
    pub survey: Arc<Survey>,
    /// A class wave's schools, when its classes-per-school list is uploaded.
    pub schools: Option<HashSet<String>>,
}

impl Checker {
    /// Checks the lines of a chunk, in order.
    pub fn check_chunk(&self, chunk: Vec<(u64, Unchecked)>) -> Vec<(u64, LineCheck)> {
        (chunk.into_iter())
            .map(|(line, input)| (line, self.check(input)))
            .collect()
    }

    /// Checks one line: JSON lines are parsed first (an export's line taken as its body).
    pub fn check(&self, input: Unchecked) -> LineCheck {
        let body = match input {
            Unchecked::Body(body) => body,
            Unchecked::Json(text) => match serde_json::from_slice::<Value>(&text) {
                Ok(mut body) => {
                    from_export_line(&self.wave.id, &mut body);
                    body
                }
                Err(e) => {
                    // serde_json ends its message with "at line 1 column N": the line is ours.
                    let message = e.to_string();
                    let message =
                        (message.rsplit_once(" at line ")).map_or(message.as_str(), |(m, _)| m);
                    return LineCheck::Bad(
                        vec![format!(
                            "not valid JSON at column {}: {message}",
                            e.column()
                        )],
                        0,
                    );
                }
            },
        };
        self.check_body(body)
    }

    /// Checks one body (API format; class waves with `school` and `class`).
    fn check_body(&self, body: Value) -> LineCheck {
        let mut problems: Vec<String> = Vec::new();
        let mut hidden = 0;
        let Value::Object(map) = &body else {
            return LineCheck::Bad(
                vec!["not a JSON object; each line is one body like {\"submission_id\": …, \"answers\": {…}}".into()],
                0,
            );
        };
        let design = self.design(map, &mut problems);
        match intake::from_import(&self.wave, &self.survey, body, design) {
            Ok(submission) if problems.is_empty() => return LineCheck::Good(submission),
            Ok(_) => {}
            Err(intake::Refusal::Malformed(message)) => problems.push(message),
            Err(intake::Refusal::Answers(answers)) => {
                problems.extend(
                    (answers.iter()).map(|p| format!("question {}: {}", p.question, p.message)),
                );
                hidden = answers.hidden();
            }
            // No code is asked of an import; kept for completeness.
            Err(intake::Refusal::MissingCode) => problems.push("an access code is missing".into()),
        }
        LineCheck::Bad(problems, hidden)
    }

    /// The design variables of a body: a class wave's `school` (one of the wave's schools when
    /// it has a list) and `class` (a label as a class session takes it); nothing otherwise.
    fn design(&self, body: &Map<String, Value>, problems: &mut Vec<String>) -> AccessProof {
        let given = |key: &str| body.get(key).filter(|v| !v.is_null());
        let (school, class) = (given("school"), given("class"));
        if self.wave.access != Access::Class {
            if school.is_some() || class.is_some() {
                problems.push(format!(
                    "school, class: only responses of a class wave have a school and a class; wave {} has {} access",
                    self.wave.slug,
                    self.wave.access.id()
                ));
            }
            return AccessProof::Imported {
                school_id: None,
                class_id: None,
            };
        }
        let school = match school {
            None => {
                problems.push("school: missing; every response of a class wave needs the school it was answered at".into());
                None
            }
            Some(Value::String(s)) => {
                let s = s.trim();
                match &self.schools {
                    _ if s.is_empty() => {
                        problems.push("school: empty; every response of a class wave needs the school it was answered at".into());
                        None
                    }
                    Some(list) if !list.contains(s) => {
                        problems.push(format!(
                            "school: `{s}` is not one of the {} schools in the classes-per-school list of wave {}",
                            list.len(),
                            self.wave.slug
                        ));
                        None
                    }
                    _ if s.chars().count() > MAX_SCHOOL_CHARS
                        || s.chars().any(char::is_control) =>
                    {
                        problems.push(format!("school: a school id has at most {MAX_SCHOOL_CHARS} characters and no control characters"));
                        None
                    }
                    _ => Some(s.to_owned()),
                }
            }
            Some(other) => {
                problems.push(format!(
                    "school: expected the school id as a string, got {other}"
                ));
                None
            }
        };
        let class = match class {
            None => {
                problems.push("class: missing; every response of a class wave needs the label of its class, e.g. 9B".into());
                None
            }
            Some(Value::String(label)) => {
                let label = label.trim();
                if label.is_empty() {
                    problems.push("class: empty; every response of a class wave needs the label of its class, e.g. 9B".into());
                    None
                } else if label.chars().count() > MAX_LABEL_CHARS
                    || label.chars().any(char::is_control)
                {
                    problems.push(format!("class: a class label has at most {MAX_LABEL_CHARS} characters and no control characters"));
                    None
                } else {
                    Some(label.to_owned())
                }
            }
            Some(other) => {
                problems.push(format!(
                    "class: expected the class label as a string, got {other}"
                ));
                None
            }
        };
        let class_id = match (&school, &class) {
            (Some(school), Some(label)) => Some(class_id(&self.wave.id, school, label)),
            _ => None,
        };
        AccessProof::Imported {
            school_id: school,
            class_id,
        }
    }
}

/// A line of `trygg export --format jsonl` (`response_id`, no `submission_id`) as an API body:
/// its submission id derived from the wave and `response_id` as for a CSV row (see
/// [`csv_submission_id`]), and the export's `school_classes` (the fpc, which the wave's own
/// list gives) left out. Any other line is left as it is.
fn from_export_line(wave_id: &str, body: &mut Value) {
    let Value::Object(map) = body else {
        return;
    };
    if map.contains_key("submission_id") {
        return;
    }
    let Some(Value::String(response_id)) = map.remove("response_id") else {
        return;
    };
    map.remove("school_classes");
    let digest = response_digest(wave_id, &response_id);
    map.insert(
        "submission_id".into(),
        Value::String(uuid_from_hex(&digest)),
    );
}
