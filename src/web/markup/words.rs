//! Words that pages of more than one audience use: a role's name, a wave's name, state and period,
//! a time span.

use chrono::{DateTime, Timelike};

use crate::accounts::Role;
use crate::collect::{Wave, WaveState};
use crate::i18n::Lang;
use crate::local_time;
use crate::web::AppState;
use crate::web::extract::PageCtx;

/// A role's name.
pub fn role_name(ctx: &PageCtx, role: Role) -> &'static str {
    match role {
        Role::Admin => ctx.lang.pick("Administratör", "Administrator"),
        Role::Evaluator => ctx.lang.pick("Utvärderare", "Evaluator"),
        Role::School => ctx.lang.pick("Skolsamordnare", "School coordinator"),
    }
}

/// The wave's name on staff pages: its questionnaire's title and its year.
pub fn wave_name(state: &AppState, wave: &Wave, lang: Lang) -> String {
    match state.surveys.version(&wave.survey_id, wave.survey_version) {
        Some(survey) => format!("{} {}", survey.title.get(lang), wave.period),
        None => format!("{} {}", wave.slug, wave.period),
    }
}

/// A wave's state in words.
pub fn state_name(ctx: &PageCtx, state: WaveState) -> &'static str {
    match state {
        WaveState::Scheduled => ctx.lang.pick("Planerad", "Scheduled"),
        WaveState::Open => ctx.lang.pick("Öppen", "Open"),
        WaveState::Closed => ctx.lang.pick("Stängd", "Closed"),
    }
}

/// A stored time as the admin typed it: a date when it is the start of a day (which a date
/// input gives), else the moment in Swedish time ("2 april 2026 kl. 14.05").
fn as_date_or_time(seconds: i64, lang: Lang) -> String {
    match DateTime::from_timestamp(seconds, 0) {
        Some(t) if t.num_seconds_from_midnight() == 0 => t.format("%Y-%m-%d").to_string(),
        _ => local_time::readable(seconds, lang),
    }
}

/// The period in words. A closing date is stored as the first second after that day, so it is
/// shown as the day itself ("to and including").
pub fn period(ctx: &PageCtx, wave: &Wave) -> String {
    let from = as_date_or_time(wave.opens_at.unwrap_or(wave.created_at), ctx.lang);
    let until = match wave.closes_at {
        Some(c) => match DateTime::from_timestamp(c - 1, 0) {
            Some(last) if last.num_seconds_from_midnight() == 86_399 => {
                format!("{} {}", ctx.t("t.o.m.", "to"), last.format("%Y-%m-%d"))
            }
            _ => format!(
                "{} {}",
                ctx.t("till", "until"),
                local_time::readable(c, ctx.lang)
            ),
        },
        None => ctx.t("tills den stängs", "until closed").to_owned(),
    };
    let mut text = format!("{} {from} {until}", ctx.t("från", "from"));
    if let Some(closed) = wave.closed_at {
        text.push_str(&format!(
            " ({} {})",
            ctx.t("stängd", "closed"),
            local_time::readable(closed, ctx.lang)
        ));
    }
    text
}

/// "2 timmar och 5 minuter": a time span as words, rounded up to whole minutes.
pub fn duration_words(ctx: &PageCtx, seconds: i64) -> String {
    let minutes = (seconds.max(0) + 59) / 60;
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let unit = |n: i64, one: (&str, &str), many: (&str, &str)| {
        let (sv, en) = if n == 1 { one } else { many };
        format!("{n} {}", ctx.t(sv, en))
    };
    let hours_text = unit(hours, ("timme", "hour"), ("timmar", "hours"));
    let minutes_text = unit(minutes, ("minut", "minute"), ("minuter", "minutes"));
    match (hours, minutes) {
        (0, 0) => ctx.t("mindre än en minut", "less than a minute").to_owned(),
        (0, _) => minutes_text,
        (_, 0) => hours_text,
        _ => format!("{hours_text} {} {minutes_text}", ctx.t("och", "and")),
    }
}

/// "1 adress", "2 adresser".
pub fn count(n: u64, one: &str, many: &str, lang: Lang) -> String {
    let word = if n == 1 { one } else { many };
    format!("{} {word}", lang.number(i128::from(n)))
}
