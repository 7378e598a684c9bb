//! Checking one question of a survey file: its type, the keys that type takes, and its choices.
//!
//! Conditions are checked later by the loader, once every question of the file is known.

use std::collections::HashMap;
use std::ops::Range;

use super::check::{Ctx, IdRule, check_id, check_unique, text};
use super::model::{Choice, Question, QuestionKind, Text};
use super::raw::{RawChoice, RawQuestion, RawText, S};

/// Longest allowed `max_length` of a text question.
const MAX_TEXT_LENGTH: i64 = 10_000;

/// Converts a question. The flag says whether its type and type-specific keys were valid, so
/// that conditions and indicators referring to it can be checked against it.
pub(super) fn check(ctx: &mut Ctx, raw: &S<RawQuestion>) -> (Question, bool) {
    let rq = raw.get_ref();
    let id = rq.id.get_ref();
    let owner = format!("question `{id}`");
    check_id(ctx, &rq.id, IdRule::Question, "question id");
    let question_text = text(ctx, &rq.text, &format!("{owner} text"));
    let help = (rq.help.as_ref()).map(|h| text(ctx, h, &format!("{owner} help")));

    let before = ctx.structural_error_count();
    let kind = kind(ctx, rq, &owner);
    let valid = ctx.structural_error_count() == before;

    let background = rq.background.as_ref().is_some_and(|b| *b.get_ref());
    if let (Some(flag), true) = (&rq.background, background)
        && !matches!(
            kind,
            QuestionKind::Single { .. } | QuestionKind::Ordinal { .. }
        )
        && valid
    {
        let msg = format!(
            "{owner}: only single and ordinal questions can be `background`, this one is {}",
            kind.type_name()
        );
        ctx.error(flag.span(), msg);
    }

    let short = rq
        .short
        .as_ref()
        .map(|raw| short_label(ctx, raw, &owner, background));

    let question = Question {
        id: id.clone(),
        kind,
        text: question_text,
        help,
        required: rq.required,
        background,
        short,
        show_if: None,
    };
    (question, valid)
}

/// Longest `short` label: it heads a table column and is crossed with others ("Årskurs × kön").
const MAX_SHORT_LABEL: usize = 30;

/// `short`: a background question's name in breakdown headings, both languages, short.
fn short_label(ctx: &mut Ctx, raw: &S<RawText>, owner: &str, background: bool) -> Text {
    if !background {
        ctx.error(
            raw.span(),
            format!("{owner}: `short` names a breakdown, so it belongs to background questions (`background = true`)"),
        );
    }
    let label = text(ctx, raw, &format!("{owner} short"));
    for (value, language) in [(&label.sv, "Swedish"), (&label.en, "English")] {
        if value.chars().count() > MAX_SHORT_LABEL {
            ctx.error(
                raw.span(),
                format!("{owner} short: the {language} label has more than {MAX_SHORT_LABEL} characters; it heads a breakdown, such as \"Årskurs\""),
            );
        }
    }
    label
}

/// The question's type with its keys. On problems the result is a placeholder.
fn kind(ctx: &mut Ctx, rq: &RawQuestion, owner: &str) -> QuestionKind {
    let type_name = rq.kind.get_ref().as_str();
    let allowed: &[&str] = match type_name {
        "single" | "multi" | "ordinal" => &["choices"],
        "number" => &["min", "max", "integer", "unit"],
        "text" => &["max_length"],
        other => {
            let msg = format!(
                "{owner}: unknown type `{other}`; use single, multi, ordinal, number or text"
            );
            ctx.error(rq.kind.span(), msg);
            return placeholder();
        }
    };
    let present = [
        ("choices", rq.choices.as_ref().map(|v| v.span())),
        ("min", rq.min.as_ref().map(|v| v.span())),
        ("max", rq.max.as_ref().map(|v| v.span())),
        ("integer", rq.integer.as_ref().map(|v| v.span())),
        ("unit", rq.unit.as_ref().map(|v| v.span())),
        ("max_length", rq.max_length.as_ref().map(|v| v.span())),
    ];
    for (key, span) in present {
        if let Some(span) = span
            && !allowed.contains(&key)
        {
            ctx.error(
                span,
                format!("{owner}: `{key}` does not belong to a {type_name} question"),
            );
        }
    }
    let here = rq.id.span();
    match type_name {
        "single" => QuestionKind::Single {
            choices: choices(ctx, rq, type_name, owner),
        },
        "multi" => QuestionKind::Multi {
            choices: choices(ctx, rq, type_name, owner),
        },
        "ordinal" => QuestionKind::Ordinal {
            choices: choices(ctx, rq, type_name, owner),
        },
        "number" => number(ctx, rq, here, owner),
        _ => match &rq.max_length {
            None => {
                ctx.error(here, format!("{owner}: a text question needs `max_length`"));
                placeholder()
            }
            Some(n) => match usize::try_from(*n.get_ref()) {
                Ok(len) if (1..=MAX_TEXT_LENGTH).contains(n.get_ref()) => {
                    QuestionKind::Text { max_length: len }
                }
                _ => {
                    let msg = format!("{owner}: `max_length` must be from 1 to {MAX_TEXT_LENGTH}");
                    ctx.error(n.span(), msg);
                    placeholder()
                }
            },
        },
    }
}

/// Stands in for a broken question type; never reaches a caller because the survey is refused.
fn placeholder() -> QuestionKind {
    QuestionKind::Text { max_length: 1 }
}

fn number(ctx: &mut Ctx, rq: &RawQuestion, here: Range<usize>, owner: &str) -> QuestionKind {
    let integer = rq.integer.as_ref().is_none_or(|i| *i.get_ref());
    let mut bound = |value: &Option<S<f64>>, key: &str| match value {
        None => {
            ctx.error(
                here.clone(),
                format!("{owner}: a number question needs `{key}`"),
            );
            None
        }
        Some(v) if !v.get_ref().is_finite() => {
            ctx.error(
                v.span(),
                format!("{owner}: `{key}` must be a finite number"),
            );
            None
        }
        Some(v) if integer && v.get_ref().fract() != 0.0 => {
            let msg = format!("{owner}: `{key}` must be a whole number, as `integer` is true");
            ctx.error(v.span(), msg);
            None
        }
        Some(v) => Some(*v.get_ref()),
    };
    let min = bound(&rq.min, "min");
    let max = bound(&rq.max, "max");
    if let (Some(lo), Some(hi), Some(at)) = (min, max, rq.min.as_ref())
        && lo >= hi
    {
        ctx.error(
            at.span(),
            format!("{owner}: `min` ({lo}) must be less than `max` ({hi})"),
        );
    }
    let unit = (rq.unit.as_ref()).map(|u| text(ctx, u, &format!("{owner} unit")));
    QuestionKind::Number {
        min: min.unwrap_or(0.0),
        max: max.unwrap_or(0.0),
        integer,
        unit,
    }
}

fn choices(ctx: &mut Ctx, rq: &RawQuestion, type_name: &str, owner: &str) -> Vec<Choice> {
    let Some(list) = &rq.choices else {
        let msg = format!("{owner}: a {type_name} question needs `choices`");
        ctx.error(rq.id.span(), msg);
        return Vec::new();
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for raw in list.get_ref() {
        let rc: &RawChoice = raw.get_ref();
        let code = rc.code.get_ref();
        check_id(
            ctx,
            &rc.code,
            IdRule::Code,
            &format!("{owner}: choice code"),
        );
        check_unique(ctx, &mut seen, &rc.code, &format!("{owner}: choice code"));
        let label = text(ctx, &rc.label, &format!("{owner} choice `{code}` label"));
        let exclusive = rc.exclusive.as_ref().is_some_and(|e| *e.get_ref());
        if let Some(flag) = &rc.exclusive
            && type_name != "multi"
        {
            let msg = format!("{owner}: `exclusive` (choice `{code}`) is only for multi questions");
            ctx.error(flag.span(), msg);
        }
        // A "don't know" that could be ticked together with real answers would make the
        // respondent both missing and not missing in a proportion.
        if type_name == "multi" && rc.missing && !exclusive {
            let msg = format!(
                "{owner}: choice `{code}` is `missing`, so in a multi question it must also be `exclusive`"
            );
            ctx.error(rc.code.span(), msg);
        }
        out.push(Choice {
            code: code.clone(),
            label,
            missing: rc.missing,
            exclusive,
        });
    }
    if out.iter().filter(|c| !c.missing).count() < 2 {
        let msg = format!("{owner}: needs at least 2 choices that are not `missing`");
        ctx.error(list.span(), msg);
    }
    if type_name == "ordinal" {
        check_scale(ctx, list.get_ref(), owner);
    }
    out
}

/// Ordinal codes are the scale values used in means, so they must be integers that follow the
/// order in which the choices are listed. (A repeated code is already reported as a duplicate.)
fn check_scale(ctx: &mut Ctx, list: &[S<RawChoice>], owner: &str) {
    let mut previous: Option<(i64, &str)> = None;
    for raw in list.iter().filter(|c| !c.get_ref().missing) {
        let code = &raw.get_ref().code;
        let Ok(value) = code.get_ref().parse::<i64>() else {
            let msg = format!(
                "{owner}: ordinal code `{}` must be a whole number (or the choice `missing = true`)",
                code.get_ref()
            );
            ctx.error(code.span(), msg);
            continue;
        };
        if let Some((before, before_code)) = previous
            && value <= before
            && code.get_ref() != before_code
        {
            let msg = format!(
                "{owner}: ordinal codes must increase in the order listed, but `{}` follows `{before_code}`",
                code.get_ref()
            );
            ctx.error(code.span(), msg);
        }
        previous = Some((value, code.get_ref()));
    }
}
