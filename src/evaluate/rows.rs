//! A wave's responses as columns for estimation: per indicator the value each respondent
//! contributes, per background question the respondent's category, and the design variables of
//! class waves. Unreliable respondents are counted and left out here, as national school surveys
//! leave them out before anything else.
//!
//! Stored answers are read back only in part: the questions the indicators, the background
//! breakdowns and `unreliable_if` need. Every other answer is skipped without being built.

use std::collections::HashMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::survey::{Answer, Question, Survey, ValidatedAnswers};

/// Distinct labels numbered in order of appearance.
#[derive(Debug, Default, Clone)]
pub struct Labels {
    pub names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Labels {
    pub fn code(&mut self, name: &str) -> u32 {
        if let Some(&code) = self.index.get(name) {
            return code;
        }
        let code = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), code);
        code
    }
}

/// The columns of a wave's reliable responses.
#[derive(Debug, Clone)]
pub struct Rows {
    /// Per indicator of the survey (file order): the row's value, NaN when not in the denominator.
    pub values: Vec<Vec<f64>>,
    /// Per background question (file order): the index of the row's choice, `None` when
    /// unanswered or a missing code ("vet inte").
    pub categories: Vec<Vec<Option<u32>>>,
    /// Each row's response id, hashed (`publication::id_hash`): tells two publications of a
    /// wave whether a cell holds the same respondents.
    pub ids: Vec<u64>,
    /// Class waves: each row's school, and its class (numbered within the wave).
    pub school: Vec<u32>,
    pub class: Vec<u32>,
    pub schools: Labels,
    classes: Labels,
    /// Responses left out because `unreliable_if` holds for them.
    pub unreliable: u64,
    /// Stored answers that could not be read (counted and left out; cannot happen unless the
    /// database was edited by hand).
    pub unreadable: u64,
}

/// The class of a row without one.
const NO_CLASS: u32 = u32::MAX;

/// Builds [`Rows`] one stored response at a time.
pub struct RowBuilder<'s> {
    survey: &'s Survey,
    plan: Option<super::plan::Plan<'s>>,
    read: super::plan::Read,
    needed: HashMap<&'s str, &'s Question>,
    background: Vec<&'s Question>,
    rows: Rows,
}

impl<'s> RowBuilder<'s> {
    pub fn new(survey: &'s Survey) -> RowBuilder<'s> {
        let background: Vec<&Question> = survey.background_questions().collect();
        let mut needed: HashMap<&str, &Question> = HashMap::new();
        let by_id = |id: &str| survey.question(id);
        for q in &background {
            needed.insert(q.id.as_str(), q);
        }
        for indicator in &survey.indicators {
            for q in indicator.questions.iter().filter_map(|id| by_id(id)) {
                needed.insert(q.id.as_str(), q);
            }
        }
        if let Some(condition) = &survey.unreliable_if {
            for q in condition.questions().iter().filter_map(|id| by_id(id)) {
                needed.insert(q.id.as_str(), q);
            }
        }
        RowBuilder {
            survey,
            plan: super::plan::Plan::new(survey),
            read: super::plan::Read {
                slots: Vec::new(),
                condition_values: Vec::new(),
            },
            needed,
            rows: Rows {
                values: vec![Vec::new(); survey.indicators.len()],
                categories: vec![Vec::new(); background.len()],
                ids: Vec::new(),
                school: Vec::new(),
                class: Vec::new(),
                schools: Labels::default(),
                classes: Labels::default(),
                unreliable: 0,
                unreadable: 0,
            },
            background,
        }
    }

    /// The general reader only (no compiled plan), to check the plan against.
    #[cfg(test)]
    pub fn general(survey: &'s Survey) -> RowBuilder<'s> {
        RowBuilder {
            plan: None,
            ..RowBuilder::new(survey)
        }
    }

    /// One stored response: its id's hash, its answers as stored (the JSON object of the HTTP
    /// contract) and, in class waves, its school and class.
    pub fn push_stored(
        &mut self,
        id: u64,
        answers: &str,
        school: Option<&str>,
        class: Option<&str>,
    ) {
        if let Some(plan) = &self.plan {
            if let Err(e) = plan.read(answers, &mut self.read) {
                tracing::error!(error = %e, "stored answers could not be read; left out of estimates");
                self.rows.unreadable += 1;
                return;
            }
            if plan.unreliable(&self.read) {
                self.rows.unreliable += 1;
                return;
            }
            for (i, column) in self.rows.values.iter_mut().enumerate() {
                column.push(plan.value(i, &self.read.slots));
            }
            for (b, column) in self.rows.categories.iter_mut().enumerate() {
                column.push(plan.category(b, &self.read.slots));
            }
            self.push_design(id, school, class);
            return;
        }
        let mut de = serde_json::Deserializer::from_str(answers);
        match (Needed(&self.needed)).deserialize(&mut de) {
            Ok(pairs) => {
                let answers = ValidatedAnswers::from_stored(pairs.iter().map(|(q, v)| (*q, v)));
                self.push(id, &answers, school, class);
            }
            Err(e) => {
                tracing::error!(error = %e, "stored answers could not be read; left out of estimates");
                self.rows.unreadable += 1;
            }
        }
    }

    /// One response's answers.
    pub fn push(
        &mut self,
        id: u64,
        answers: &ValidatedAnswers,
        school: Option<&str>,
        class: Option<&str>,
    ) {
        if self.survey.is_unreliable(answers) {
            self.rows.unreliable += 1;
            return;
        }
        for (indicator, column) in self.survey.indicators.iter().zip(&mut self.rows.values) {
            column.push(indicator.value(self.survey, answers).unwrap_or(f64::NAN));
        }
        for (q, column) in self.background.iter().zip(&mut self.rows.categories) {
            let code = match answers.get(&q.id) {
                Some(Answer::Code(code)) => q
                    .choices()
                    .iter()
                    .position(|c| &c.code == code && !c.missing)
                    .map(|i| i as u32),
                _ => None,
            };
            column.push(code);
        }
        self.push_design(id, school, class);
    }

    fn push_design(&mut self, id: u64, school: Option<&str>, class: Option<&str>) {
        self.rows.ids.push(id);
        let school = school.unwrap_or("");
        let school_code = self.rows.schools.code(school);
        // Classes are clusters within their school: the same label at two schools is two classes.
        let class_code = match class {
            Some(class) => self.rows.classes.code(&format!("{school}\u{1f}{class}")),
            // Open and invitation waves: no classes; each row is its own cluster when asked.
            None => NO_CLASS,
        };
        self.rows.school.push(school_code);
        self.rows.class.push(class_code);
    }

    pub fn finish(self) -> Rows {
        self.rows
    }
}

impl Rows {
    /// Reliable rows.
    pub fn len(&self) -> usize {
        self.school.len()
    }

    pub fn is_empty(&self) -> bool {
        self.school.is_empty()
    }

    /// Classes that occur among the given rows, per school (a row without a class is a class of
    /// its own).
    pub fn classes_per_school(&self, keep: &[bool]) -> Vec<u32> {
        let mut seen = vec![false; self.classes.names.len()];
        let mut count = vec![0u32; self.schools.names.len()];
        for row in (0..self.len()).filter(|&r| keep[r]) {
            let class = self.class[row];
            if class == NO_CLASS {
                count[self.school[row] as usize] += 1;
            } else if !seen[class as usize] {
                seen[class as usize] = true;
                count[self.school[row] as usize] += 1;
            }
        }
        count
    }

    /// The cluster of each of the given rows, numbered, and how many numbers there are.
    pub fn clusters(&self, rows: &[usize]) -> (Vec<u32>, usize) {
        let mut next = self.classes.names.len() as u32;
        let codes = rows
            .iter()
            .map(|&r| match self.class[r] {
                NO_CLASS => {
                    next += 1;
                    next - 1
                }
                class => class,
            })
            .collect();
        (codes, next as usize)
    }
}

/// Reads a stored answer object, keeping only the questions asked for.
struct Needed<'a, 's>(&'a HashMap<&'s str, &'s Question>);

impl<'de, 's> DeserializeSeed<'de> for Needed<'_, 's> {
    type Value = Vec<(&'s Question, Value)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, 's> Visitor<'de> for Needed<'_, 's> {
    type Value = Vec<(&'s Question, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object of answers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(self.0.len());
        while let Some(super::plan::Key(key)) = map.next_key::<super::plan::Key<'de>>()? {
            match self.0.get(key.as_ref()) {
                Some(q) => out.push((*q, map.next_value::<Value>()?)),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }
}
