//! What the questionnaire loader's checks share: where problems are collected while one file is
//! checked (with their lines), the questions by id, and the rules for ids and texts. The checks
//! of questions, conditions and indicators build on this; `load` drives them.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::model::{Question, Text};
use super::raw::{RawText, S};

/// One problem in one survey file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyError {
    pub file: PathBuf,
    /// 1-based; 0 when the problem is not tied to a line (e.g. the file cannot be read).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for SurveyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => write!(f, "{}: {}", self.file.display(), self.message),
            line => write!(f, "{}:{}: {}", self.file.display(), line, self.message),
        }
    }
}

impl std::error::Error for SurveyError {}

/// Where problems are collected while one file is checked.
pub(super) struct Ctx<'a> {
    pub(super) path: &'a Path,
    pub(super) source: &'a str,
    pub(super) errors: Vec<SurveyError>,
    /// How many of `errors` are missing or empty translations.
    pub(super) translation_errors: usize,
}

impl Ctx<'_> {
    /// The 1-based line of a byte offset span (its start).
    pub(super) fn line(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.source.len());
        self.source.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    pub(super) fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.error_at(line, message);
    }

    /// How many problems so far, not counting missing translations: lets a check tell whether
    /// its own part is structurally sound (a missing English label does not make codes doubtful).
    pub(super) fn structural_error_count(&self) -> usize {
        self.errors.len() - self.translation_errors
    }

    pub(super) fn error_at(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(SurveyError {
            file: self.path.to_path_buf(),
            line,
            message: message.into(),
        });
    }
}

/// What conditions and indicators may know about a question: where it is, and — when the
/// question itself was valid — its definition.
pub(super) struct Known<'a> {
    pub position: usize,
    /// `None` when the question has problems of its own, so checks against it are skipped
    /// instead of repeating them.
    pub question: Option<&'a Question>,
}

/// Questions by id; for a duplicated id the first one counts.
pub(super) struct QuestionIndex<'a> {
    map: HashMap<&'a str, Known<'a>>,
}

impl<'a> QuestionIndex<'a> {
    pub(super) fn new(questions: impl Iterator<Item = (&'a Question, bool)>) -> Self {
        let mut map = HashMap::new();
        for (position, (q, valid)) in questions.enumerate() {
            map.entry(q.id.as_str()).or_insert(Known {
                position,
                question: valid.then_some(q),
            });
        }
        QuestionIndex { map }
    }

    pub(super) fn get(&self, id: &str) -> Option<&Known<'a>> {
        self.map.get(id)
    }
}

/// Records the id's line, or an error naming the first line when the id was already used.
pub(super) fn check_unique<'r>(
    ctx: &mut Ctx,
    seen: &mut HashMap<&'r str, usize>,
    id: &'r S<String>,
    what: &str,
) {
    let line = ctx.line(id.span());
    match seen.get(id.get_ref().as_str()) {
        Some(first) => ctx.error_at(
            line,
            format!(
                "{what} `{}` is used twice (first on line {first})",
                id.get_ref()
            ),
        ),
        None => {
            seen.insert(id.get_ref(), line);
        }
    }
}

/// The character rules for the kinds of id in a file.
#[derive(Clone, Copy)]
pub(super) enum IdRule {
    /// Survey ids appear in URLs and file names.
    Survey,
    /// Page and indicator ids.
    Name,
    /// Question ids become column names in exports and in R, hence no '-'.
    Question,
    /// Choice codes.
    Code,
}

impl IdRule {
    fn allows(self, id: &str) -> bool {
        let first_ok = match self {
            IdRule::Code => id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()),
            _ => id.chars().next().is_some_and(|c| c.is_ascii_lowercase()),
        };
        let rest_ok = id.chars().all(|c| match self {
            IdRule::Survey => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            IdRule::Name => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_',
            IdRule::Question => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_',
            IdRule::Code => c.is_ascii_alphanumeric() || c == '-' || c == '_',
        });
        first_ok && rest_ok && id.len() <= 64
    }

    fn rule(self) -> &'static str {
        match self {
            IdRule::Survey => {
                "start with a lowercase letter and use only lowercase letters, digits and '-'"
            }
            IdRule::Name => {
                "start with a lowercase letter and use only lowercase letters, digits, '_' and '-'"
            }
            IdRule::Question => {
                "start with a lowercase letter and use only lowercase letters, digits and '_'"
            }
            IdRule::Code => {
                "use only letters, digits, '_' and '-', starting with a letter or digit"
            }
        }
    }
}

/// Checks an id's characters; `what` names it, e.g. "question id".
pub(super) fn check_id(ctx: &mut Ctx, id: &S<String>, rule: IdRule, what: &str) -> bool {
    let ok = rule.allows(id.get_ref());
    if !ok {
        let msg = format!(
            "{what} `{}` must {} (at most 64 characters)",
            id.get_ref(),
            rule.rule()
        );
        ctx.error(id.span(), msg);
    }
    ok
}

/// A text with both translations; `what` names it, e.g. "question `q` help".
pub(super) fn text(ctx: &mut Ctx, raw: &S<RawText>, what: &str) -> Text {
    let t = raw.get_ref();
    let mut one = |value: &Option<S<String>>, language: &str| match value {
        None => {
            ctx.error(raw.span(), format!("{what}: the {language} is missing"));
            ctx.translation_errors += 1;
            String::new()
        }
        Some(s) if s.get_ref().trim().is_empty() => {
            ctx.error(s.span(), format!("{what}: the {language} is empty"));
            ctx.translation_errors += 1;
            String::new()
        }
        Some(s) => s.get_ref().clone(),
    };
    Text {
        sv: one(&t.sv, "Swedish text (`sv`)"),
        en: one(&t.en, "English translation (`en`)"),
    }
}
