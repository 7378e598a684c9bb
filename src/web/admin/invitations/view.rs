//! The admin's invitation page of a wave: where sending stands, the address upload, reminders
//! and retries. Addresses are never shown once uploaded.

use maud::{Markup, html};

use crate::collect::{Wave, WaveState};
use crate::config::Settings;
use crate::i18n::Lang;
use crate::problems::Problems;
use crate::store::invitations::Summary;
use crate::survey::Text;
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::words::count;
use crate::web::markup::{csrf_field, layout, public_url};

/// What the invitation page shows.
pub struct Page<'a> {
    pub wave: &'a Wave,
    pub summary: &'a Summary,
    /// The addresses as typed, when refused.
    pub typed: &'a str,
    pub problems: &'a Problems<Text>,
    /// The confirmation of the change just made.
    pub notice: Option<&'a str>,
    pub settings: &'a Settings,
    /// The wave's name (its questionnaire's title and year).
    pub name: &'a str,
}

/// The confirmation after a redirect: `n` of the thing done, `skipped` addresses already there.
pub fn notice(ctx: &PageCtx, done: &str, n: u64, skipped: u64) -> Option<String> {
    let lang = ctx.lang;
    let text = match (done, lang) {
        ("invited", Lang::Sv) => {
            let mut text = format!(
                "{} lades till. Inbjudningarna skickas nu.",
                count(n, "ny adress", "nya adresser", lang)
            );
            if skipped > 0 {
                text.push_str(&format!(
                    " {} fanns redan och hoppades över.",
                    count(skipped, "adress", "adresser", lang)
                ));
            }
            text
        }
        ("invited", Lang::En) => {
            let mut text = format!(
                "{} added. The invitations are being sent.",
                count(n, "new address", "new addresses", lang)
            );
            if skipped > 0 {
                text.push_str(&format!(
                    " {} already there {} skipped.",
                    count(skipped, "address", "addresses", lang),
                    if skipped == 1 { "was" } else { "were" }
                ));
            }
            text
        }
        ("reminded", Lang::Sv) => format!(
            "{} skickas nu.",
            count(n, "påminnelse", "påminnelser", lang)
        ),
        ("reminded", Lang::En) => format!(
            "{} being sent.",
            count(n, "reminder is", "reminders are", lang)
        ),
        ("retried", Lang::Sv) => format!(
            "{} försöks igen.",
            count(n, "inbjudan", "inbjudningar", lang)
        ),
        ("retried", Lang::En) => format!(
            "{} being retried.",
            count(n, "invitation is", "invitations are", lang)
        ),
        _ => return None,
    };
    Some(text)
}

pub fn page(ctx: &PageCtx, page: &Page) -> Markup {
    let Page {
        wave,
        summary,
        typed,
        problems,
        notice,
        settings,
        name,
    } = *page;
    let base = format!("{} – {name}", ctx.t("Inbjudningar", "Invitations"));
    let mut form_errors = FormErrors::new();
    form_errors.add_problems(ctx, "addresses", problems);
    let title = form_errors.title(ctx, &base);
    let open = wave.state() != WaveState::Closed;
    let unanswered = summary.sent.saturating_sub(summary.answered);
    layout(
        ctx,
        &title,
        html! {
            (form_errors.summary(ctx))
            p { a href={ "/admin/waves/" (wave.slug) } { "← " (ctx.t("Till omgången", "Back to the wave")) } }
            h1 { (base) }
            @if let Some(notice) = notice {
                p class="notice" role="status" { (notice) }
            }
            @if open { (public_url::warning(ctx, settings)) }
            div class="table-wrap" { table {
                tbody {
                    tr { th scope="row" { (ctx.t("Inbjudna", "Invited")) } td { (summary.invited) } }
                    tr { th scope="row" { (ctx.t("Skickade", "Sent")) } td { (summary.sent) } }
                    tr { th scope="row" { (ctx.t("Väntar på att skickas", "Waiting to be sent")) } td {
                        (summary.waiting)
                        @if summary.retrying > 0 { " (" (summary.retrying) " " (ctx.t("försöks igen", "being retried")) ")" }
                    } }
                    tr { th scope="row" { (ctx.t("Kunde inte skickas", "Could not be sent")) } td { (summary.failed) } }
                    tr { th scope="row" { (ctx.t("Har svarat", "Have answered")) } td { (summary.answered) } }
                    tr { th scope="row" { (ctx.t("Har fått påminnelse", "Have been reminded")) } td { (summary.reminded) } }
                }
            } }
            @if !summary.errors.is_empty() {
                h2 { (ctx.t("Fel vid utskick", "Sending errors")) }
                p class="hint" { (ctx.t(
                    "Felen visas utan adresser. Tillfälliga fel försöks igen automatiskt; rätta inställningarna och försök igen för dem som gett upp.",
                    "Errors are shown without addresses. Temporary errors are retried automatically; fix the settings and retry those given up."
                )) }
                ul { @for (stored, count) in &summary.errors { li { (crate::mail::describe_failure(stored, ctx.lang)) " – " (count) } } }
                @if summary.failed > 0 && open {
                    form method="post" action={ "/admin/waves/" (wave.slug) "/invitations/retry" } {
                        (csrf_field(ctx))
                        button type="submit" class="secondary" { (ctx.t("Försök igen med dem som inte kunde skickas", "Retry those that could not be sent")) }
                    }
                }
            }
            @if open {
                h2 { (ctx.t("Påminnelse", "Reminder")) }
                p { (ctx.t(
                    "En påminnelse går bara till dem som fått inbjudan och inte svarat.",
                    "A reminder goes only to those who were invited and have not answered."
                )) }
                form method="post" action={ "/admin/waves/" (wave.slug) "/reminders" } {
                    (csrf_field(ctx))
                    button type="submit" disabled[unanswered == 0] {
                        (ctx.t("Skicka påminnelse", "Send a reminder")) " (" (unanswered) ")"
                    }
                }
                h2 { (ctx.t("Lägg till adresser", "Add addresses")) }
                form method="post" action={ "/admin/waves/" (wave.slug) "/invitations" } novalidate {
                    (csrf_field(ctx))
                    div class=(form_errors.field_class("addresses")) {
                        label for="addresses" { (ctx.t("E-postadresser", "E-mail addresses")) }
                        p class="hint" id="addresses-hint" { (ctx.t(
                            "En adress per rad, eller åtskilda med komma eller semikolon, som Outlook och Excel klistrar in dem (även Namn <adress>). Högst 50 000 per gång. Adresser som redan bjudits in hoppas över. Inbjudan skickas direkt; adresserna raderas när omgången stänger.",
                            "One address per line, or separated by commas or semicolons, as Outlook and Excel paste them (Name <address> too). At most 50,000 at a time. Addresses already invited are skipped. Invitations go out at once; addresses are deleted when the wave closes."
                        )) }
                        (form_errors.at_field(ctx, "addresses"))
                        textarea id="addresses" name="addresses" rows="10"
                            aria-describedby=[form_errors.described_by("addresses", Some("addresses-hint"))] { (typed) }
                    }
                    div class="actions" { button type="submit" { (ctx.t("Bjud in", "Invite")) } }
                }
            } @else {
                p class="notice" { (ctx.t(
                    "Omgången är stängd. E-postadresserna är raderade.",
                    "The wave is closed. The e-mail addresses have been deleted."
                )) }
            }
        },
    )
}
