//! Conditions (`show_if`, `unreliable_if`): what they mean and how the loader checks them.

use super::answers::Answer;
use super::check::{Ctx, QuestionIndex};
use super::model::Condition;
use super::raw::{RawCondition, S};

impl Condition {
    /// Evaluates the condition against answers found through `answer(question_id)`.
    ///
    /// `answer` must return `None` for a question that is unanswered *or hidden*: a hidden
    /// question counts as unanswered downstream. `Survey::is_shown` and `Survey::shown_questions`
    /// build such a lookup from raw answers; a `ValidatedAnswers` never holds hidden answers, so
    /// `|id| validated.get(id)` is one already.
    pub fn holds<'a>(&self, answer: &impl Fn(&str) -> Option<&'a Answer>) -> bool {
        match self {
            Condition::Equals { question, code } => chosen(answer(question), |c| c == code),
            Condition::AnyOf { question, codes } => {
                chosen(answer(question), |c| codes.iter().any(|x| x == c))
            }
            Condition::Not(inner) => !inner.holds(answer),
            Condition::All(parts) => parts.iter().all(|c| c.holds(answer)),
            Condition::Any(parts) => parts.iter().any(|c| c.holds(answer)),
        }
    }

    /// The ids of every question the condition looks at, in the order written.
    pub fn questions(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_questions(&mut out);
        out
    }

    fn collect_questions<'s>(&'s self, out: &mut Vec<&'s str>) {
        match self {
            Condition::Equals { question, .. } | Condition::AnyOf { question, .. } => {
                out.push(question)
            }
            Condition::Not(inner) => inner.collect_questions(out),
            Condition::All(parts) | Condition::Any(parts) => {
                parts.iter().for_each(|c| c.collect_questions(out))
            }
        }
    }
}

/// Whether the answer holds a code matching `hit`. Numbers and texts never match: the loader
/// does not let conditions refer to such questions.
fn chosen(answer: Option<&Answer>, hit: impl Fn(&str) -> bool) -> bool {
    match answer {
        Some(Answer::Code(code)) => hit(code),
        Some(Answer::Codes(codes)) => codes.iter().any(|c| hit(c)),
        Some(Answer::Number(_)) | Some(Answer::Text(_)) | None => false,
    }
}

/// Which questions a condition may refer to.
#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    /// `show_if` of the question `id` at `position`: only questions before it, because
    /// visibility is computed once, in file order.
    Before { position: usize, id: &'a str },
    /// `unreliable_if`: evaluated after all answers are in, so any question will do.
    Anywhere,
}

const FORMS: &str = "use one of { question = …, equals = … }, { question = …, any_of = […] }, \
                     { not = … }, { all = […] } or { any = […] }";

/// Turns a raw condition into a `Condition`, recording every problem in `ctx`. `owner` names the
/// place for messages, e.g. "question `safe_night`". On problems the returned value is a
/// placeholder; the loader discards the survey anyway.
pub(super) fn check(
    ctx: &mut Ctx,
    raw: &S<RawCondition>,
    index: &QuestionIndex,
    scope: Scope,
    owner: &str,
) -> Condition {
    let r = raw.get_ref();
    let forms = [
        r.equals.is_some(),
        r.any_of.is_some(),
        r.not.is_some(),
        r.all.is_some(),
        r.any.is_some(),
    ];
    let used = forms.iter().filter(|f| **f).count();
    if used != 1 || (r.question.is_some() != (r.equals.is_some() || r.any_of.is_some())) {
        ctx.error(
            raw.span(),
            format!("{owner}: a condition must have exactly one form; {FORMS}"),
        );
        return Condition::All(Vec::new());
    }
    if let Some(inner) = &r.not {
        return Condition::Not(Box::new(check(ctx, inner, index, scope, owner)));
    }
    if let Some(parts) = r.all.as_ref().or(r.any.as_ref()) {
        if parts.get_ref().is_empty() {
            let key = if r.all.is_some() { "all" } else { "any" };
            ctx.error(
                parts.span(),
                format!("{owner}: `{key}` lists no conditions"),
            );
        }
        let checked = parts
            .get_ref()
            .iter()
            .map(|p| check(ctx, p, index, scope, owner))
            .collect();
        return if r.all.is_some() {
            Condition::All(checked)
        } else {
            Condition::Any(checked)
        };
    }
    let Some(question) = &r.question else {
        return Condition::All(Vec::new()); // unreachable: the form check above requires it
    };
    let codes: Vec<&S<String>> = match (&r.equals, &r.any_of) {
        (Some(code), _) => vec![code],
        (None, Some(list)) => {
            if list.get_ref().is_empty() {
                ctx.error(list.span(), format!("{owner}: `any_of` lists no codes"));
            }
            list.get_ref().iter().collect()
        }
        (None, None) => Vec::new(),
    };
    check_reference(ctx, question, &codes, index, scope, owner);
    let id = question.get_ref().clone();
    match &r.equals {
        Some(code) => Condition::Equals {
            question: id,
            code: code.get_ref().clone(),
        },
        None => Condition::AnyOf {
            question: id,
            codes: codes.iter().map(|c| c.get_ref().clone()).collect(),
        },
    }
}

/// The referred question must exist, come before the owner, have choices and every code.
fn check_reference(
    ctx: &mut Ctx,
    question: &S<String>,
    codes: &[&S<String>],
    index: &QuestionIndex,
    scope: Scope,
    owner: &str,
) {
    let id = question.get_ref();
    let Some(known) = index.get(id) else {
        ctx.error(
            question.span(),
            format!("{owner}: condition refers to `{id}`, which is not a question in this file"),
        );
        return;
    };
    if let Scope::Before { position, id: own } = scope {
        if own == id.as_str() {
            ctx.error(
                question.span(),
                format!("{owner}: condition refers to the question itself"),
            );
            return;
        }
        if known.position > position {
            ctx.error(
                question.span(),
                format!("{owner}: condition refers to `{id}`, which comes later in the file"),
            );
            return;
        }
    }
    let Some(target) = known.question else {
        return; // that question has its own errors; checking codes against it would only echo them
    };
    if !target.kind.has_choices() {
        ctx.error(
            question.span(),
            format!(
                "{owner}: condition refers to `{id}`, a {} question; conditions work only on \
                 single, multi and ordinal questions",
                target.kind.type_name()
            ),
        );
        return;
    }
    for code in codes {
        if target.choice(code.get_ref()).is_none() {
            ctx.error(
                code.span(),
                format!(
                    "{owner}: condition uses code `{}`, which question `{id}` does not have",
                    code.get_ref()
                ),
            );
        }
    }
}
