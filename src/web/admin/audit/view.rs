//! The audit log as an admin reads it: who (e-mail), what in words, when (Swedish local time),
//! and which wave by its name; filters by person, kind of event, dates and wave, with pages.
//! The log never holds which code or invitation went to whom, so neither does this page.

use std::collections::HashMap;

use maud::{Markup, html};

pub use super::words::{IndicatorName, IndicatorNames, WaveName, describe};
use crate::entities::audit_log;
use crate::i18n::{Lang, capitalised};
use crate::local_time;
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::layout;

/// The kinds of event the filter offers: the family before the first dot of an action.
pub const KINDS: [&str; 11] = [
    "wave",
    "invitations",
    "class_session",
    "user",
    "api_token",
    "report",
    "comparison",
    "plan",
    "promise",
    "agreement_report",
    "sources",
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
        "promise" => ("Medborgarlöften", "Citizen promises"),
        "agreement_report" => ("Slutlig uppföljning", "Final follow-up"),
        "sources" => ("Lägesbilden", "Situation picture"),
        _ => ("Övrigt", "Other"),
    };
    lang.pick(sv, en)
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
    /// The indicators by `survey/indicator`, for the comparison values' sentences.
    pub indicators: &'a IndicatorNames,
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
                            @let (what, detail) = describe(e, wave, p.indicators, ctx.lang);
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

fn actor_name(ctx: &PageCtx, actor: &str) -> String {
    if actor == "cli" {
        ctx.t("kommandoraden", "the command line").to_owned()
    } else {
        actor.to_owned()
    }
}
