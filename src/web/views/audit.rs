//! The audit log as an admin reads it: who (e-mail), what in words, when (Swedish local time),
//! and which wave by its name; filters by person, kind of event, dates and wave, with pages.
//! The log never holds which code or invitation went to whom, so neither does this page.

use std::collections::HashMap;

use maud::{Markup, html};

use super::forms::FormErrors;
use super::{layout, local_time};
use crate::entities::audit_log;
use crate::i18n::{Lang, capitalised};
use crate::plan::history::Action as PlanAction;
use crate::web::extract::PageCtx;

/// The kinds of event the filter offers: the family before the first dot of an action.
pub const KINDS: [&str; 8] = [
    "wave",
    "invitations",
    "class_session",
    "user",
    "api_token",
    "report",
    "comparison",
    "plan",
];

pub fn kind_name(kind: &str, lang: Lang) -> &'static str {
    let (sv, en) = match kind {
        "wave" => ("Omgångar", "Waves"),
        "invitations" => ("Inbjudningar", "Invitations"),
        "class_session" => ("Klasstillfällen", "Class sessions"),
        "user" => ("Konton", "Accounts"),
        "api_token" => ("API-nycklar", "API tokens"),
        "report" => ("Årsrapporten", "The annual report"),
        "comparison" => ("Jämförelsevärden", "Comparison values"),
        "plan" => ("Åtgärdsplanen", "The action plan"),
        _ => ("Övrigt", "Other"),
    };
    lang.pick(sv, en)
}

/// A wave as the log names it.
#[derive(Debug, Clone)]
pub struct WaveName {
    pub slug: String,
    /// The questionnaire's title and the year, e.g. "Trygghetsundersökning 2026".
    pub name: String,
}

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

/// The event of an entry as a sentence without its subject ("closed the wave …"), and what of
/// its raw detail is still worth showing (never the wave's id).
pub fn describe(entry: &audit_log::Model, wave: Option<&WaveName>, lang: Lang) -> (String, String) {
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
    let sv_en = |sv: String, en: String| match lang {
        Lang::Sv => sv,
        Lang::En => en,
    };
    let plain = |sv: &str, en: &str| lang.pick(sv, en).to_owned();
    let email_of = |text: &str| text.split([' ', ':']).next().unwrap_or_default().to_owned();
    let rest_after = |sep: &str| {
        d.split_once(sep)
            .map(|(_, r)| r.to_owned())
            .unwrap_or_default()
    };
    let sentence = match entry.action.as_str() {
        "wave.create" => sv_en(
            format!("skapade omgången {wave_name}"),
            format!("created the wave {wave_name}"),
        ),
        "wave.open" => sv_en(
            format!("öppnade omgången {wave_name}"),
            format!("opened the wave {wave_name}"),
        ),
        "wave.close" => sv_en(
            format!("stängde omgången {wave_name}"),
            format!("closed the wave {wave_name}"),
        ),
        "wave.population" => sv_en(
            format!(
                "sparade befolkningstal för {wave_name} ({})",
                count(n, "cell", "celler", lang)
            ),
            format!(
                "saved population totals for {wave_name} ({})",
                count(n, "cell", "cells", lang)
            ),
        ),
        "wave.school_classes" => sv_en(
            format!(
                "sparade klasser per skola för {wave_name} ({})",
                count(n, "skola", "skolor", lang)
            ),
            format!(
                "saved classes per school for {wave_name} ({})",
                count(n, "school", "schools", lang)
            ),
        ),
        "wave.import" => sv_en(
            format!("importerade svar till {wave_name}"),
            format!("imported responses into {wave_name}"),
        ),
        "invitations.add" => sv_en(
            format!(
                "lade till {} i {wave_name}",
                count(n, "adress", "adresser", lang)
            ),
            format!(
                "added {} to {wave_name}",
                count(n, "address", "addresses", lang)
            ),
        ),
        "invitations.remind" => sv_en(
            format!(
                "skickade {} i {wave_name}",
                count(n, "påminnelse", "påminnelser", lang)
            ),
            format!(
                "sent {} in {wave_name}",
                count(n, "reminder", "reminders", lang)
            ),
        ),
        "invitations.retry" => sv_en(
            format!(
                "försökte skicka {} igen i {wave_name}",
                count(n, "inbjudan", "inbjudningar", lang)
            ),
            format!(
                "retried {} in {wave_name}",
                count(n, "invitation", "invitations", lang)
            ),
        ),
        "class_session.open" => sv_en(
            format!("öppnade ett klasstillfälle i {wave_name}"),
            format!("opened a class session in {wave_name}"),
        ),
        "class_session.end" => sv_en(
            format!("avslutade ett klasstillfälle i {wave_name}"),
            format!("ended a class session in {wave_name}"),
        ),
        "class_session.new_codes" => sv_en(
            format!("skrev ut nya koder för ett klasstillfälle i {wave_name}"),
            format!("printed new codes for a class session in {wave_name}"),
        ),
        "user.add" => {
            let email = email_of(d);
            sv_en(
                format!("skapade kontot {email}"),
                format!("created the account {email}"),
            )
        }
        "user.deactivate" => sv_en(
            format!("stängde av kontot {d}"),
            format!("deactivated the account {d}"),
        ),
        "user.reactivate" => sv_en(
            format!("aktiverade kontot {d} igen"),
            format!("reactivated the account {d}"),
        ),
        "user.password" => sv_en(
            format!("bytte lösenord för {d}"),
            format!("set a new password for {d}"),
        ),
        "user.role" => {
            let email = email_of(d);
            sv_en(
                format!("ändrade rollen för {email}"),
                format!("changed the role of {email}"),
            )
        }
        "user.sign_out" => {
            let email = email_of(d);
            sv_en(
                format!("loggade ut {email} överallt"),
                format!("signed {email} out everywhere"),
            )
        }
        "api_token.create" => plain("skapade en API-nyckel", "created an API token"),
        "api_token.revoke" => plain("återkallade en API-nyckel", "revoked an API token"),
        "report.text" => sv_en(
            format!("skrev i årsrapporten {n}"),
            format!("wrote in the annual report {n}"),
        ),
        "report.final" => sv_en(
            format!("fastställde årsrapporten {d}"),
            format!("marked the annual report {d} final"),
        ),
        "report.reopen" => sv_en(
            format!("öppnade årsrapporten {d} igen"),
            format!("reopened the annual report {d}"),
        ),
        "comparison.put" => plain("sparade ett jämförelsevärde", "saved a comparison value"),
        "comparison.delete" => plain("tog bort ett jämförelsevärde", "removed a comparison value"),
        other => match PlanAction::parse(other) {
            Some(action) => format!(
                "{}: {}",
                lang.pick("åtgärdsplanen", "the action plan"),
                action.label(lang).to_lowercase()
            ),
            // An event this version has no words for (a newer release wrote it): its name made
            // readable rather than hidden.
            None => sv_en(
                format!("händelsen ”{}”", other.replace(['.', '_'], " ")),
                format!("the event “{}”", other.replace(['.', '_'], " ")),
            ),
        },
    };
    // What the sentence does not already say; the wave's id and slug are said by its name.
    let detail = match entry.action.as_str() {
        "wave.create"
        | "wave.open"
        | "wave.close"
        | "wave.population"
        | "wave.school_classes"
        | "invitations.add"
        | "invitations.remind"
        | "invitations.retry"
        | "user.deactivate"
        | "user.reactivate"
        | "user.password"
        | "report.final"
        | "report.reopen" => String::new(),
        "wave.import" => rest_after(": "),
        "class_session.open" => d
            .split_once(", ")
            .map(|(_, r)| r.to_owned())
            .unwrap_or_default(),
        "class_session.end" | "class_session.new_codes" => {
            let before_session = d.split(", session ").next().unwrap_or_default();
            let after = rest_after(": ");
            format!("{before_session}: {after}")
        }
        "user.add" => rest_after(" as "),
        "user.role" => rest_after(" to "),
        "user.sign_out" => rest_after(": "),
        "report.text" => d
            .split_once(' ')
            .map(|(_, r)| r.to_owned())
            .unwrap_or_default(),
        // The intervention's title; its fields' changes are in its history on the plan page.
        other if other.starts_with("plan.") => d
            .split_once(" \"")
            .and_then(|(_, rest)| rest.split_once("\": ").or_else(|| rest.rsplit_once('"')))
            .map_or_else(|| d.to_owned(), |(title, _)| format!("”{title}”")),
        _ => d.to_owned(),
    };
    let detail = in_words(entry.action.as_str(), &detail, lang);
    let detail = shortened(&detail, 200);
    let detail = match wave {
        Some(w) if entry.wave_id.is_some() => detail.replace(&w.slug, &w.name),
        _ => detail,
    };
    (sentence, detail)
}

/// A role as the pages name it.
fn role_words(role: &str, lang: Lang) -> &str {
    match role {
        "admin" => lang.pick("administratör", "administrator"),
        "evaluator" => lang.pick("utvärderare", "evaluator"),
        "school" => lang.pick("skolsamordnare", "school coordinator"),
        other => other,
    }
}

/// The detail of a known event, kept in the log in plain English (`school s1, class 9A (grade
/// 9), 25 codes`), said in the page's language. A detail of another shape is shown as it is.
fn in_words(action: &str, detail: &str, lang: Lang) -> String {
    if lang == Lang::En {
        // Roles are ids in the log; English pages too name them in words.
        return match action {
            "user.add" | "user.role" => role_in_words(detail, lang),
            _ => detail.to_owned(),
        };
    }
    match action {
        // "school S, class C (grade G), N codes"
        "class_session.open" => detail
            .replace("school ", "skola ")
            .replace("class ", "klass ")
            .replace("(grade ", "(årskurs ")
            .replace(" codes", " koder"),
        // "school S, class C: N unused codes stopped|replaced"
        "class_session.end" | "class_session.new_codes" => detail
            .replace("school ", "skola ")
            .replace("class ", "klass ")
            .replace(" unused codes stopped", " oanvända koder slutade gälla")
            .replace(" unused codes replaced", " oanvända koder byttes ut"),
        "user.add" | "user.role" => role_in_words(detail, lang),
        // "N sessions"
        "user.sign_out" => detail.replace(" sessions", " inloggningar"),
        // "stored N, already there M"
        "wave.import" => detail
            .replace("stored ", "sparade ")
            .replace("already there ", "fanns redan "),
        _ => detail.to_owned(),
    }
}

/// "school of s1" (a role, and the school of a coordinator) in words.
fn role_in_words(detail: &str, lang: Lang) -> String {
    let (role, school) = match detail.split_once(" of ") {
        Some((role, school)) => (role, Some(school)),
        None => (detail, None),
    };
    let role = role_words(role.trim(), lang);
    match school {
        Some(school) => format!("{role} {} {school}", lang.pick("på", "at")),
        None => role.to_owned(),
    }
}

/// What the filter form holds, as typed (dates as `YYYY-MM-DD`).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub wave: String,
    #[serde(default)]
    pub page: Option<String>,
}

impl AuditQuery {
    /// This filter's query string for another page number.
    pub fn href(&self, page: u64) -> String {
        let enc = encode;
        format!(
            "/admin/audit?actor={}&kind={}&from={}&until={}&wave={}&page={}",
            enc(&self.actor),
            enc(&self.kind),
            enc(&self.from),
            enc(&self.until),
            enc(&self.wave),
            page + 1
        )
    }
}

/// Percent-encodes a query value.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Everything the log page shows.
pub struct AuditPage<'a> {
    pub entries: &'a [audit_log::Model],
    pub total: u64,
    /// Zero-based.
    pub page: u64,
    pub per_page: u64,
    pub actors: &'a [String],
    /// Wave id → name, for the sentences and the filter (in the order to offer them).
    pub waves: &'a [(String, WaveName)],
    pub query: &'a AuditQuery,
    pub errors: &'a FormErrors,
}

pub fn page(ctx: &PageCtx, p: &AuditPage) -> Markup {
    let title = ctx.t(
        "Logg över administrativa händelser",
        "Log of administrative events",
    );
    let names: HashMap<&str, &WaveName> = p.waves.iter().map(|(id, w)| (id.as_str(), w)).collect();
    let q = p.query;
    let first = p.page * p.per_page + 1;
    let last = (p.page * p.per_page + p.entries.len() as u64).max(first.saturating_sub(1));
    let pages = p.total.div_ceil(p.per_page).max(1);
    html! {
        (layout(ctx, &p.errors.title(ctx, title), html! {
            (p.errors.summary(ctx))
            h1 { (title) }
            p { (ctx.t(
                "Vem som gjorde vad och när. Loggen säger aldrig vilken kod eller inbjudan som gick till vem.",
                "Who did what, and when. The log never says which code or invitation went to whom."
            )) }
            form method="get" action="/admin/audit" class="filters" aria-labelledby="filter-title" {
                h2 id="filter-title" { (ctx.t("Urval", "Filter")) }
                div class="filter-grid" {
                    div class="field" {
                        label for="actor" { (ctx.t("Vem", "Who")) }
                        select id="actor" name="actor" {
                            option value="" { (ctx.t("Alla", "Everyone")) }
                            @for a in p.actors {
                                option value=(a) selected[q.actor == *a] { (actor_name(ctx, a)) }
                            }
                        }
                    }
                    div class="field" {
                        label for="kind" { (ctx.t("Slags händelse", "Kind of event")) }
                        select id="kind" name="kind" {
                            option value="" { (ctx.t("Alla", "All")) }
                            @for k in KINDS {
                                option value=(k) selected[q.kind == k] { (kind_name(k, ctx.lang)) }
                            }
                        }
                    }
                    div class=(p.errors.field_class("from")) {
                        label for="from" { (ctx.t("Från och med", "From")) }
                        (p.errors.at_field(ctx, "from"))
                        input id="from" name="from" type="date" value=(q.from)
                            aria-describedby=[p.errors.described_by("from", None)] aria-invalid=[p.errors.has("from").then_some("true")];
                    }
                    div class=(p.errors.field_class("until")) {
                        label for="until" { (ctx.t("Till och med", "Until")) }
                        (p.errors.at_field(ctx, "until"))
                        input id="until" name="until" type="date" value=(q.until)
                            aria-describedby=[p.errors.described_by("until", None)] aria-invalid=[p.errors.has("until").then_some("true")];
                    }
                    div class="field" {
                        label for="wave" { (ctx.t("Omgång", "Wave")) }
                        select id="wave" name="wave" {
                            option value="" { (ctx.t("Alla", "All")) }
                            @for (_, w) in p.waves {
                                option value=(w.slug) selected[q.wave == w.slug] { (w.name) }
                            }
                        }
                    }
                }
                button type="submit" { (ctx.t("Visa", "Show")) }
                " "
                a href="/admin/audit" { (ctx.t("Rensa urvalet", "Clear the filter")) }
            }
            h2 id="entries-title" { (ctx.t("Händelser", "Events")) }
            @if p.entries.is_empty() {
                p { (ctx.t("Inga händelser matchar urvalet.", "No events match the filter.")) }
            } @else {
                p role="status" { (match ctx.lang {
                    Lang::Sv => format!("Visar {}–{} av {}.", first, last, ctx.lang.number(p.total.into())),
                    Lang::En => format!("Showing {}–{} of {}.", first, last, ctx.lang.number(p.total.into())),
                }) }
                div class="table-wrap" tabindex="0" role="region" aria-labelledby="entries-title" { table class="log" aria-labelledby="entries-title" {
                    thead { tr {
                        th scope="col" { (ctx.t("När", "When")) }
                        th scope="col" { (ctx.t("Vem", "Who")) }
                        th scope="col" { (ctx.t("Vad", "What")) }
                        th scope="col" { (ctx.t("Detaljer", "Details")) }
                    } }
                    tbody {
                        @for e in p.entries {
                            @let wave = e.wave_id.as_deref().and_then(|id| names.get(id).copied());
                            @let (what, detail) = describe(e, wave, ctx.lang);
                            tr {
                                td class="nowrap" { (local_time::readable(e.at, ctx.lang)) }
                                td { (actor_name(ctx, &e.actor)) }
                                td { (capitalised(&what)) }
                                td { (detail) }
                            }
                        }
                    }
                } }
            }
            @if pages > 1 {
                nav aria-label=(ctx.t("Sidor i loggen", "Pages of the log")) class="pager" {
                    @if p.page > 0 {
                        a href=(q.href(p.page - 1)) rel="prev" { "← " (ctx.t("Nyare", "Newer")) }
                    }
                    span { (match ctx.lang {
                        Lang::Sv => format!("Sida {} av {}", p.page + 1, pages),
                        Lang::En => format!("Page {} of {}", p.page + 1, pages),
                    }) }
                    @if p.page + 1 < pages {
                        a href=(q.href(p.page + 1)) rel="next" { (ctx.t("Äldre", "Older")) " →" }
                    }
                }
            }
        }))
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn actor_name(ctx: &PageCtx, actor: &str) -> String {
    if actor == "cli" {
        ctx.t("kommandoraden", "the command line").to_owned()
    } else {
        actor.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str, detail: &str, wave: Option<&str>) -> audit_log::Model {
        audit_log::Model {
            id: 1,
            at: 0,
            actor: "a@b.se".into(),
            action: action.into(),
            detail: detail.into(),
            wave_id: wave.map(str::to_owned),
        }
    }

    #[test]
    fn events_are_said_in_words_with_the_waves_name_and_right_plurals() {
        let w = WaveName {
            slug: "trygg-26".into(),
            name: "Trygghetsundersökning 2026".into(),
        };
        let one = entry(
            "invitations.add",
            "1 addresses for wave 0f0e-uuid",
            Some("0f0e-uuid"),
        );
        let (sv, detail) = describe(&one, Some(&w), Lang::Sv);
        assert_eq!(sv, "lade till 1 adress i Trygghetsundersökning 2026");
        assert_eq!(detail, "");
        let two = entry(
            "invitations.add",
            "2 addresses for wave 0f0e-uuid",
            Some("0f0e-uuid"),
        );
        assert_eq!(
            describe(&two, Some(&w), Lang::En).0,
            "added 2 addresses to Trygghetsundersökning 2026"
        );
        let open = entry(
            "class_session.open",
            "wave trygg-26, school s1, class 9A (grade 9), 25 codes",
            Some("0f0e-uuid"),
        );
        let (sv, detail) = describe(&open, Some(&w), Lang::Sv);
        assert_eq!(
            sv,
            "öppnade ett klasstillfälle i Trygghetsundersökning 2026"
        );
        // The English detail of the log in the page's words.
        assert_eq!(detail, "skola s1, klass 9A (årskurs 9), 25 koder");
        assert_eq!(
            describe(&open, Some(&w), Lang::En).1,
            "school s1, class 9A (grade 9), 25 codes"
        );
        let added = entry("user.add", "ny@kommun.se as school of s1", None);
        assert_eq!(describe(&added, None, Lang::Sv).1, "skolsamordnare på s1");
        let ended = entry(
            "class_session.end",
            "school s1, class 9A, session 0f0e: 3 unused codes stopped",
            Some("0f0e-uuid"),
        );
        assert_eq!(
            describe(&ended, Some(&w), Lang::Sv).1,
            "skola s1, klass 9A: 3 oanvända koder slutade gälla"
        );
        let plan = entry(
            "plan.update",
            "intervention 8 \"Trygga vägar\": status: ongoing → done; owner: a → b",
            None,
        );
        assert_eq!(
            describe(&plan, None, Lang::Sv),
            (
                "åtgärdsplanen: insatsen ändrades".to_owned(),
                "”Trygga vägar”".to_owned()
            )
        );
        let unknown = entry("thing.made_up", "x", None);
        assert_eq!(
            describe(&unknown, None, Lang::Sv).0,
            "händelsen ”thing made up”"
        );
    }
}
