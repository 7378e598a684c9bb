//! The audit log's entries in words, in Swedish and in English. The log stores each event's
//! detail as a short English line (`school s1, class 9A (grade 9), 25 codes`, `… 0.275 from Brå
//! NTU (was …)`); here every kind of event the service writes is read back into its parts and
//! said whole in the page's language, numbers with a decimal comma in Swedish. A detail of a
//! shape this version does not know is shown as it is rather than hidden.

use std::collections::HashMap;

use crate::entities::audit_log;
use crate::i18n::Lang;
use crate::plan::history::Action as PlanAction;

/// A wave as the log names it.
#[derive(Debug, Clone)]
pub struct WaveName {
    pub slug: String,
    /// The questionnaire's title and the year, e.g. "Trygghetsundersökning 2026".
    pub name: String,
}

/// An indicator as the log names it, by `survey/indicator`.
#[derive(Debug, Clone)]
pub struct IndicatorName {
    pub sv: String,
    pub en: String,
    /// A proportion (its values are shown in percent).
    pub proportion: bool,
}

pub type IndicatorNames = HashMap<String, IndicatorName>;

/// Every action the service writes to the log (the action plan's come from
/// [`PlanAction::ALL`]); each has its words below.
pub const ACTIONS: [&str; 34] = [
    "wave.create",
    "wave.open",
    "wave.close",
    "wave.population",
    "wave.school_classes",
    "wave.import",
    "invitations.add",
    "invitations.remind",
    "invitations.retry",
    "class_session.open",
    "class_session.end",
    "class_session.new_codes",
    "user.add",
    "user.deactivate",
    "user.reactivate",
    "user.password",
    "user.role",
    "user.sign_out",
    "api_token.create",
    "api_token.revoke",
    "report.text",
    "report.final",
    "report.reopen",
    "agreement_report.text",
    "agreement_report.final",
    "agreement_report.reopen",
    "promise.follow_up",
    "sources.import",
    "sources.dialogue",
    "sources.dialogue_delete",
    "sources.problem",
    "sources.problem_delete",
    "sources.cause",
    "sources.cause_delete",
];

/// The comparison actions (kept apart from [`ACTIONS`] only to keep that list's length honest).
pub const COMPARISON_ACTIONS: [&str; 2] = ["comparison.put", "comparison.delete"];

/// "1 adress", "2 adresser".
pub fn count(n: u64, one: &str, many: &str, lang: Lang) -> String {
    let word = if n == 1 { one } else { many };
    format!("{} {word}", lang.number(i128::from(n)))
}

fn leading_number(detail: &str) -> Option<u64> {
    detail
        .split_whitespace()
        .next()?
        .trim_end_matches(':')
        .parse()
        .ok()
}

/// The number after `word ` in `text` ("stored 3" → 3).
fn number_after(text: &str, word: &str) -> Option<u64> {
    let (_, rest) = text.split_once(word)?;
    rest.split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())?
        .parse()
        .ok()
}

/// A role as the pages name it.
fn role_words(role: &str, lang: Lang) -> String {
    match role.trim() {
        "admin" => lang.pick("administratör", "administrator").to_owned(),
        "evaluator" => lang.pick("utvärderare", "evaluator").to_owned(),
        "school" => lang.pick("skolsamordnare", "school coordinator").to_owned(),
        other => other.to_owned(),
    }
}

/// "school of s1" (a role, and the school of a coordinator) in words.
fn role_in_words(detail: &str, lang: Lang) -> String {
    match detail.split_once(" of ") {
        Some((role, school)) => format!(
            "{} {} {}",
            role_words(role, lang),
            lang.pick("på", "at"),
            school.trim()
        ),
        None => role_words(detail, lang),
    }
}

/// A grade as schools say it: grades 1–9 are "årskurs", upper-secondary year 2 (grade 11)
/// "gymnasiet år 2".
fn grade_words(grade: &str, lang: Lang) -> String {
    match grade.trim().parse::<i32>() {
        Ok(g) if g >= 10 => match lang {
            Lang::Sv => format!("gymnasiet år {}", g - 9),
            Lang::En => format!("upper-secondary year {}", g - 9),
        },
        _ => format!("{} {}", lang.pick("årskurs", "year"), grade.trim()),
    }
}

/// "school S, class C" (and what follows) as the page says it.
fn school_and_class(text: &str, lang: Lang) -> Option<String> {
    let rest = text.strip_prefix("school ")?;
    let (school, rest) = rest.split_once(", class ")?;
    Some(format!(
        "{} {school}, {} {}",
        lang.pick("skola", "school"),
        lang.pick("klass", "class"),
        rest.trim()
    ))
}

/// A number as stored in the log (`0.275`, `-3`) in the page's language.
fn plain_number(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Sv => text.replace('.', ",").replace('-', "−"),
        Lang::En => text.to_owned(),
    }
}

/// A comparison value: in percent for a proportion ("27,5 %"), else as stored.
fn comparison_value(text: &str, proportion: bool, lang: Lang) -> String {
    match text.trim().parse::<f64>() {
        Ok(v) if proportion => {
            let percent = (v * 1000.0).round() / 10.0;
            let places = if percent.fract() == 0.0 { 0 } else { 1 };
            format!("{}\u{a0}%", lang.decimal(percent, places))
        }
        Ok(_) => plain_number(text.trim(), lang),
        Err(_) => text.trim().to_owned(),
    }
}

/// A comparison value's entry: `survey/indicator LABEL PERIOD: VALUE from SOURCE[ (was VALUE
/// from SOURCE)]`.
struct Comparison<'a> {
    key: &'a str,
    label: &'a str,
    period: &'a str,
    value: &'a str,
    source: &'a str,
    was: Option<(&'a str, &'a str)>,
}

fn comparison(detail: &str) -> Option<Comparison<'_>> {
    let (key, rest) = detail.split_once(' ')?;
    // The period is the four digits before the first ": " that has them.
    let mut at = None;
    for (i, _) in rest.match_indices(": ") {
        let before = &rest[..i];
        if before.len() >= 5
            && before.is_char_boundary(before.len() - 5)
            && before[before.len() - 5..].starts_with(' ')
            && before[before.len() - 4..]
                .chars()
                .all(|c| c.is_ascii_digit())
        {
            at = Some(i);
            break;
        }
    }
    let at = at?;
    let (label, period) = (&rest[..at - 5], &rest[at - 4..at]);
    let after = &rest[at + 2..];
    let (value, source) = after.split_once(" from ")?;
    let (source, was) = match source
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once(" (was "))
    {
        Some((source, old)) => (source, old.split_once(" from ")),
        None => (source, None),
    };
    Some(Comparison {
        key,
        label,
        period,
        value,
        source,
        was,
    })
}

/// The section of the annual report a text was written for, by its id.
fn section_words(section: &str, lang: Lang) -> String {
    match section {
        "summary" => lang.pick("Sammanfattning", "Summary").to_owned(),
        "method" => lang
            .pick("Metod och datakvalitet", "Method and data quality")
            .to_owned(),
        "next" => lang.pick("Nästa steg", "Next steps").to_owned(),
        "promises" => lang.pick("Medborgarlöften", "Citizen promises").to_owned(),
        other => crate::survey::PriorityArea::parse(other)
            .map_or_else(|| other.to_owned(), |a| a.title(lang).to_owned()),
    }
}

/// The event of an entry as a sentence without its subject ("stängde omgången …"), and what
/// else is worth showing, both in `lang` (never the wave's id).
pub fn describe(
    entry: &audit_log::Model,
    wave: Option<&WaveName>,
    indicators: &IndicatorNames,
    lang: Lang,
) -> (String, String) {
    let d = entry.detail.as_str();
    let n = leading_number(d).unwrap_or(0);
    let wave_name = wave.map_or_else(
        || {
            lang.pick(
                "en omgång som inte finns kvar",
                "a wave that no longer exists",
            )
            .to_owned()
        },
        |w| w.name.clone(),
    );
    let say = |sv: String, en: String| match lang {
        Lang::Sv => sv,
        Lang::En => en,
    };
    let plain = |sv: &str, en: &str| lang.pick(sv, en).to_owned();
    let email_of = |text: &str| {
        text.split([' ', ':', ','])
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let (sentence, detail) = match entry.action.as_str() {
        "wave.create" => (
            say(
                format!("skapade omgången {wave_name}"),
                format!("created the wave {wave_name}"),
            ),
            String::new(),
        ),
        "wave.open" => (
            say(
                format!("öppnade omgången {wave_name}"),
                format!("opened the wave {wave_name}"),
            ),
            String::new(),
        ),
        "wave.close" => (
            say(
                format!("stängde omgången {wave_name}"),
                format!("closed the wave {wave_name}"),
            ),
            String::new(),
        ),
        "wave.population" => (
            say(
                format!(
                    "sparade befolkningstal för {wave_name} ({})",
                    count(n, "cell", "celler", lang)
                ),
                format!(
                    "saved population totals for {wave_name} ({})",
                    count(n, "cell", "cells", lang)
                ),
            ),
            String::new(),
        ),
        "wave.school_classes" => (
            say(
                format!(
                    "sparade klasser per skola för {wave_name} ({})",
                    count(n, "skola", "skolor", lang)
                ),
                format!(
                    "saved classes per school for {wave_name} ({})",
                    count(n, "school", "schools", lang)
                ),
            ),
            String::new(),
        ),
        // "SLUG: stored N, already there M"
        "wave.import" => {
            let detail = match (
                number_after(d, "stored "),
                number_after(d, "already there "),
            ) {
                (Some(stored), Some(already)) => say(
                    format!(
                        "{} sparade, {} fanns redan",
                        count(stored, "svar", "svar", lang),
                        lang.number(i128::from(already))
                    ),
                    format!(
                        "{} stored, {} already there",
                        count(stored, "response", "responses", lang),
                        lang.number(i128::from(already))
                    ),
                ),
                _ => d.to_owned(),
            };
            (
                say(
                    format!("importerade svar till {wave_name}"),
                    format!("imported responses into {wave_name}"),
                ),
                detail,
            )
        }
        "invitations.add" => (
            say(
                format!(
                    "lade till {} i {wave_name}",
                    count(n, "adress", "adresser", lang)
                ),
                format!(
                    "added {} to {wave_name}",
                    count(n, "address", "addresses", lang)
                ),
            ),
            String::new(),
        ),
        "invitations.remind" => (
            say(
                format!(
                    "skickade {} i {wave_name}",
                    count(n, "påminnelse", "påminnelser", lang)
                ),
                format!(
                    "sent {} in {wave_name}",
                    count(n, "reminder", "reminders", lang)
                ),
            ),
            String::new(),
        ),
        "invitations.retry" => (
            say(
                format!(
                    "försökte skicka {} igen i {wave_name}",
                    count(n, "inbjudan", "inbjudningar", lang)
                ),
                format!(
                    "retried {} in {wave_name}",
                    count(n, "invitation", "invitations", lang)
                ),
            ),
            String::new(),
        ),
        // "wave SLUG, school S, class C (grade G), N codes"
        "class_session.open" => {
            let rest = d.split_once(", ").map_or(d, |(_, r)| r);
            let detail = rest
                .rsplit_once(" (grade ")
                .and_then(|(place, tail)| {
                    let (grade, codes) = tail.split_once("), ")?;
                    let codes = leading_number(codes)?;
                    Some(format!(
                        "{} ({}), {}",
                        school_and_class(place, lang)?,
                        grade_words(grade, lang),
                        count(
                            codes,
                            lang.pick("kod", "code"),
                            lang.pick("koder", "codes"),
                            lang
                        )
                    ))
                })
                .unwrap_or_else(|| rest.to_owned());
            (
                say(
                    format!("öppnade ett klasstillfälle i {wave_name}"),
                    format!("opened a class session in {wave_name}"),
                ),
                detail,
            )
        }
        // "school S, class C, session ID: N unused codes stopped|replaced"
        "class_session.end" | "class_session.new_codes" => {
            let ended = entry.action == "class_session.end";
            let detail = d
                .split_once(", session ")
                .and_then(|(place, rest)| {
                    let (_, tail) = rest.split_once(": ")?;
                    let codes = leading_number(tail)?;
                    let what = match (ended, lang) {
                        (true, Lang::Sv) => {
                            count(codes, "oanvänd kod", "oanvända koder", lang) + " slutade gälla"
                        }
                        (true, Lang::En) => {
                            count(codes, "unused code", "unused codes", lang) + " stopped"
                        }
                        (false, Lang::Sv) => {
                            count(codes, "oanvänd kod", "oanvända koder", lang) + " byttes ut"
                        }
                        (false, Lang::En) => {
                            count(codes, "unused code", "unused codes", lang) + " replaced"
                        }
                    };
                    Some(format!("{}: {what}", school_and_class(place, lang)?))
                })
                .unwrap_or_else(|| d.to_owned());
            let sentence = if ended {
                say(
                    format!("avslutade ett klasstillfälle i {wave_name}"),
                    format!("ended a class session in {wave_name}"),
                )
            } else {
                say(
                    format!("skrev ut nya koder för ett klasstillfälle i {wave_name}"),
                    format!("printed new codes for a class session in {wave_name}"),
                )
            };
            (sentence, detail)
        }
        // "EMAIL as ROLE[ of SCHOOL]"
        "user.add" => {
            let email = email_of(d);
            let role = d.split_once(" as ").map(|(_, r)| r).unwrap_or_default();
            (
                say(
                    format!("skapade kontot {email}"),
                    format!("created the account {email}"),
                ),
                role_in_words(role, lang),
            )
        }
        "user.deactivate" => (
            say(
                format!("stängde av kontot {d}"),
                format!("deactivated the account {d}"),
            ),
            String::new(),
        ),
        "user.reactivate" => (
            say(
                format!("aktiverade kontot {d} igen"),
                format!("reactivated the account {d}"),
            ),
            String::new(),
        ),
        "user.password" => (
            say(
                format!("bytte lösenord för {d}"),
                format!("set a new password for {d}"),
            ),
            String::new(),
        ),
        // "EMAIL to ROLE[ of SCHOOL]"
        "user.role" => {
            let email = email_of(d);
            let role = d.split_once(" to ").map(|(_, r)| r).unwrap_or_default();
            (
                say(
                    format!("ändrade rollen för {email}"),
                    format!("changed the role of {email}"),
                ),
                format!("{} {}", lang.pick("till", "to"), role_in_words(role, lang)),
            )
        }
        // "EMAIL: N sessions"
        "user.sign_out" => {
            let email = email_of(d);
            let sessions = d
                .split_once(": ")
                .and_then(|(_, r)| leading_number(r))
                .unwrap_or(0);
            (
                say(
                    format!("loggade ut {email} överallt"),
                    format!("signed {email} out everywhere"),
                ),
                match lang {
                    Lang::Sv => count(sessions, "inloggning", "inloggningar", lang) + " avslutades",
                    Lang::En => count(sessions, "session", "sessions", lang) + " ended",
                },
            )
        }
        // "token \"NAME\" (ID) of EMAIL[, valid until DATE]"
        "api_token.create" | "api_token.revoke" => {
            let name = d
                .strip_prefix("token \"")
                .and_then(|r| r.rsplit_once("\" ("))
                .map(|(name, _)| name);
            let owner = d.rsplit_once(") of ").map(|(_, r)| email_of(r));
            let until = d.rsplit_once(", valid until ").map(|(_, day)| day.trim());
            let created = entry.action == "api_token.create";
            let sentence = if created {
                plain("skapade en API-nyckel", "created an API token")
            } else {
                plain("återkallade en API-nyckel", "revoked an API token")
            };
            let detail = match (name, owner) {
                (Some(name), Some(owner)) => {
                    let mut text = say(
                        format!("”{name}” för {owner}"),
                        format!("“{name}” of {owner}"),
                    );
                    if let Some(day) = until {
                        text.push_str(&say(
                            format!(", giltig t.o.m. {day}"),
                            format!(", valid until {day}"),
                        ));
                    }
                    text
                }
                _ => d.to_owned(),
            };
            (sentence, detail)
        }
        // "YEAR SECTION: N characters (was M)" (an agreement's id in place of the year)
        "report.text" | "agreement_report.text" => {
            let detail = d
                .split_once(' ')
                .and_then(|(_, rest)| {
                    let (section, tail) = rest.split_once(": ")?;
                    let now = leading_number(tail)?;
                    let before = number_after(tail, "(was ")?;
                    Some(say(
                        format!(
                            "avsnittet {}: {} (förut {})",
                            section_words(section, lang),
                            count(now, "tecken", "tecken", lang),
                            lang.number(i128::from(before))
                        ),
                        format!(
                            "the section {}: {} (before {})",
                            section_words(section, lang),
                            count(now, "character", "characters", lang),
                            lang.number(i128::from(before))
                        ),
                    ))
                })
                .unwrap_or_else(|| d.to_owned());
            let sentence = if entry.action == "report.text" {
                say(
                    format!("skrev i årsrapporten {n}"),
                    format!("wrote in the annual report {n}"),
                )
            } else {
                let id = d.split(' ').next().unwrap_or_default();
                say(
                    format!("skrev i den slutliga uppföljningen {id}"),
                    format!("wrote in the final follow-up {id}"),
                )
            };
            (sentence, detail)
        }
        "agreement_report.final" => (
            say(
                format!("fastställde den slutliga uppföljningen {d}"),
                format!("marked the final follow-up {d} final"),
            ),
            String::new(),
        ),
        "agreement_report.reopen" => (
            say(
                format!("öppnade den slutliga uppföljningen {d} igen"),
                format!("reopened the final follow-up {d}"),
            ),
            String::new(),
        ),
        // "SOURCE: N rows, M values stored (FILE)"
        "sources.import" => {
            let (source, rest) = d.split_once(": ").unwrap_or((d, ""));
            let rows = leading_number(rest).unwrap_or(0);
            let stored = number_after(rest, "rows, ").unwrap_or(0);
            let file = rest
                .rsplit_once('(')
                .map(|(_, f)| f.trim_end_matches(')'))
                .unwrap_or_default();
            let source = match source {
                "kolada" => "Kolada",
                "scb" => "SCB",
                "felanmalan" => lang.pick("felanmälningar", "fault reports"),
                _ => lang.pick("serier", "series"),
            };
            (
                say(
                    format!("läste in {file} till lägesbilden"),
                    format!("imported {file} into the situation picture"),
                ),
                say(
                    format!(
                        "{source}: {}, {} sparade",
                        count(rows, "rad", "rader", lang),
                        count(stored, "värde", "värden", lang)
                    ),
                    format!(
                        "{source}: {}, {} stored",
                        count(rows, "row", "rows", lang),
                        count(stored, "value", "values", lang)
                    ),
                ),
            )
        }
        // "DAY KIND DISTRICT: N took part"
        "sources.dialogue" | "sources.dialogue_delete" => {
            let (what, took) = d.split_once(": ").unwrap_or((d, ""));
            let mut parts = what.splitn(3, ' ');
            let day = parts.next().unwrap_or_default();
            let kind = parts
                .next()
                .and_then(crate::sources::dialogues::DialogueKind::parse)
                .map_or_else(String::new, |k| k.label(lang).to_lowercase());
            let place = match parts.next().unwrap_or_default() {
                "municipality" => lang
                    .pick("hela kommunen", "the whole municipality")
                    .to_owned(),
                other => other.to_owned(),
            };
            let n = leading_number(took).unwrap_or(0);
            let (sv, en) = if entry.action == "sources.dialogue" {
                ("förde in", "recorded")
            } else {
                ("tog bort", "removed")
            };
            (
                say(
                    format!("{sv} en {kind} {day} ({place})"),
                    format!("{en} a {kind} of {day} ({place})"),
                ),
                if took.is_empty() {
                    String::new()
                } else {
                    say(
                        format!("{} deltog", count(n, "person", "personer", lang)),
                        format!("{} took part", count(n, "person", "people", lang)),
                    )
                },
            )
        }
        // "problem ID \"TITLE\""
        "sources.problem" | "sources.problem_delete" => {
            // After "problem ID ".
            let title = d.splitn(3, ' ').nth(2).unwrap_or(d);
            let (sv, en) = if entry.action == "sources.problem" {
                ("sparade problemet", "saved the problem")
            } else {
                ("tog bort problemet", "removed the problem")
            };
            (
                say(format!("{sv} {title}"), format!("{en} {title}")),
                String::new(),
            )
        }
        // "problem P, cause C: KIND/ASPECT, N interventions"
        "sources.cause" | "sources.cause_delete" => {
            let (what, rest) = d.split_once(": ").unwrap_or((d, ""));
            let problem = number_after(what, "problem ").unwrap_or(0);
            let (sv, en) = if entry.action == "sources.cause" {
                ("sparade en orsak till problem", "saved a cause of problem")
            } else {
                (
                    "tog bort en orsak till problem",
                    "removed a cause of problem",
                )
            };
            let detail = rest.split_once(", ").map(|(kind_aspect, links)| {
                let (kind, aspect) = kind_aspect.split_once('/').unwrap_or((kind_aspect, ""));
                let kind =
                    crate::plan::analysis::CauseKind::parse(kind).map_or("", |k| k.label(lang));
                let aspect =
                    crate::plan::analysis::Aspect::parse(aspect).map_or("", |a| a.label(lang));
                let n = leading_number(links).unwrap_or(0);
                say(
                    format!(
                        "{kind} ({aspect}), {}",
                        count(n, "insats", "insatser", lang)
                    ),
                    format!(
                        "{kind} ({aspect}), {}",
                        count(n, "intervention", "interventions", lang)
                    ),
                )
            });
            (
                say(format!("{sv} {problem}"), format!("{en} {problem}")),
                detail.unwrap_or_default(),
            )
        }
        // "PROMISE YEAR: STATE"
        "promise.follow_up" => {
            let (what, state) = d.split_once(": ").unwrap_or((d, ""));
            let state = crate::plan::promises::PromiseState::parse(state)
                .map_or_else(|| state.to_owned(), |s| s.label(lang).to_lowercase());
            (
                say(
                    format!("följde upp medborgarlöftet {what}"),
                    format!("followed up the citizen promise {what}"),
                ),
                say(state.clone(), state),
            )
        }
        "report.final" => (
            say(
                format!("fastställde årsrapporten {d}"),
                format!("marked the annual report {d} final"),
            ),
            String::new(),
        ),
        "report.reopen" => (
            say(
                format!("öppnade årsrapporten {d} igen"),
                format!("reopened the annual report {d}"),
            ),
            String::new(),
        ),
        "comparison.put" | "comparison.delete" => {
            let saved = entry.action == "comparison.put";
            match comparison(d) {
                Some(c) => {
                    let indicator = indicators.get(c.key);
                    let title = indicator
                        .map_or_else(|| c.key.to_owned(), |i| lang.pick(&i.sv, &i.en).to_owned());
                    let proportion = indicator.is_some_and(|i| i.proportion);
                    let value = comparison_value(c.value, proportion, lang);
                    let sentence = if saved {
                        say(
                            format!(
                                "sparade jämförelsevärdet {} {} för {title}",
                                c.label, c.period
                            ),
                            format!(
                                "saved the comparison value {} {} for {title}",
                                c.label, c.period
                            ),
                        )
                    } else {
                        say(
                            format!(
                                "tog bort jämförelsevärdet {} {} för {title}",
                                c.label, c.period
                            ),
                            format!(
                                "removed the comparison value {} {} for {title}",
                                c.label, c.period
                            ),
                        )
                    };
                    let mut detail = say(
                        format!("{value} (källa: {})", c.source),
                        format!("{value} (source: {})", c.source),
                    );
                    if let Some((old, source)) = c.was {
                        let old = comparison_value(old, proportion, lang);
                        detail.push_str(&say(
                            format!("; förut {old} (källa: {source})"),
                            format!("; before {old} (source: {source})"),
                        ));
                    }
                    (sentence, detail)
                }
                None => (
                    if saved {
                        plain("sparade ett jämförelsevärde", "saved a comparison value")
                    } else {
                        plain("tog bort ett jämförelsevärde", "removed a comparison value")
                    },
                    d.to_owned(),
                ),
            }
        }
        other => match PlanAction::parse(other) {
            // "intervention ID \"TITLE\": CHANGES": the title; the changes field by field are
            // in the intervention's history on the plan page.
            Some(action) => (
                format!(
                    "{}: {}",
                    lang.pick("åtgärdsplanen", "the action plan"),
                    action.label(lang).to_lowercase()
                ),
                d.split_once(" \"")
                    .and_then(|(_, rest)| rest.split_once("\": ").or_else(|| rest.rsplit_once('"')))
                    .map_or_else(|| d.to_owned(), |(title, _)| format!("”{title}”")),
            ),
            // An event this version has no words for (a newer release wrote it): its name made
            // readable rather than hidden.
            None => (
                say(
                    format!("händelsen ”{}”", other.replace(['.', '_'], " ")),
                    format!("the event “{}”", other.replace(['.', '_'], " ")),
                ),
                d.to_owned(),
            ),
        },
    };
    let detail = shortened(&detail, 200);
    let detail = match wave {
        Some(w) if entry.wave_id.is_some() => detail.replace(&w.slug, &w.name),
        _ => detail,
    };
    (sentence, detail)
}

/// At most `max` characters, with an ellipsis when cut.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
