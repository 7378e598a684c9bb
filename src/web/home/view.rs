//! Markup of the start page: what trygg is for, that answers are anonymous, how the results are
//! used.

use maud::{Markup, html};

use crate::survey::PriorityArea;
use crate::web::AppState;
use crate::web::extract::PageCtx;
use crate::web::markup::layout;

/// The start page, for every visitor.
pub fn start_page(ctx: &PageCtx, state: &AppState) -> Markup {
    let title = ctx.t(
        "trygg – undersökningar för ett tryggare samhälle",
        "trygg – surveys for a safer community",
    );
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            p class="lead" { (ctx.t(
                "Kommunen och lokalpolisen arbetar tillsammans för att minska brottsligheten och öka tryggheten. Här samlar vi in svar på trygghetsundersökningar, enkäter om hot och våld mot anställda och förtroendevalda och drogvaneundersökningar i skolan.",
                "The municipality and the local police work together to reduce crime and make people feel safer. Here we collect answers to resident safety surveys, surveys about threats and violence against staff and elected officials, and drug-habit surveys in schools."
            )) }
            h2 { (ctx.t("Dina svar är anonyma", "Your answers are anonymous")) }
            ul {
                li { (ctx.t("Vi sparar aldrig din IP-adress, din webbläsare eller vem som fick vilken länk eller kod.", "We never store your IP address, your browser, or who received which link or code.")) }
                li { (ctx.t("Svar sparas bara med datum, inte klockslag.", "Answers are stored with the date only, not the time.")) }
                li { (ctx.t("Resultat visas bara för grupper som är så stora att ingen enskild kan pekas ut.", "Results are only shown for groups large enough that no individual can be singled out.")) }
            }
            h2 { (ctx.t("Så används resultaten", "How the results are used")) }
            p { (ctx.t(
                "Svaren blir indikatorer med felmarginaler som följer upp åtgärdsplanens prioriterade områden:",
                "The answers become indicators, with margins of error, that follow up the priority areas of the action plan:"
            )) }
            ul {
                @match crate::local_time::stockholm_date(crate::util::now()).and_then(|d| state.agreements.in_force_on(d)) {
                    Some(agreement) => {
                        @for area in &agreement.areas { li { (area.title.get(ctx.lang)) } }
                    }
                    None => {
                        @for area in PriorityArea::ALL { li { (area.title(ctx.lang)) } }
                    }
                }
            }
            p { a href="/trygghet" { (ctx.t("Vad invånarna har svarat och vad kommunen och polisen gör", "What residents have answered and what the municipality and the police do")) } }
            p { (ctx.t("Aktuella undersökningar:", "Current questionnaires:")) }
            ul {
                @for loaded in state.surveys.iter() {
                    li { (loaded.survey.title.get(ctx.lang)) }
                }
            }
            p class="muted" { (ctx.t(
                "Har du fått en länk eller en kod? Använd den för att svara. Personal loggar in via menyn.",
                "Did you get a link or a code? Use it to answer. Staff sign in from the menu."
            )) }
        },
    )
}
