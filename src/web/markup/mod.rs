//! The markup every audience's pages share (maud): the frame of a page (`layout`), the CSRF
//! field, the error page, form errors, charts, the public-address warning, words for roles and
//! waves, and the style sheet. Nothing here knows an audience's pages.

pub mod charts;
pub mod forms;
pub mod public_url;
pub mod words;

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

use crate::accounts::Role;
use crate::web::extract::PageCtx;

/// The style sheet of every page (`/static/trygg.css`) and of the printed documents.
pub(crate) const STYLESHEET: &str = include_str!("trygg.css");

/// The hidden field every state-changing form carries.
pub fn csrf_field(ctx: &PageCtx) -> Markup {
    html! { input type="hidden" name="_csrf" value=(ctx.csrf); }
}

/// The frame of every page: skip link, header with navigation and language switch, main, footer.
pub fn layout(ctx: &PageCtx, title: &str, body: Markup) -> Markup {
    let other = ctx.lang.other();
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – trygg" }
                link rel="stylesheet" href="/static/trygg.css";
            }
            body {
                a class="skip" href="#main" { (ctx.t("Hoppa till innehållet", "Skip to content")) }
                header class="site" {
                    a class="brand" href="/" { "trygg" }
                    nav aria-label=(ctx.t("Huvudmeny", "Main menu")) {
                        ul {
                            @if let Some(user) = &ctx.user {
                                @if user.role == Role::Admin {
                                    li { a href="/admin" { (ctx.t("Administration", "Administration")) } }
                                }
                                @if matches!(user.role, Role::Admin | Role::Evaluator) {
                                    li { a href="/evaluate" { (ctx.t("Uppföljning", "Evaluation")) } }
                                }
                                @if user.role == Role::School {
                                    li { a href="/school" { (ctx.t("Skola", "School")) } }
                                }
                                li { a href="/evaluate/plan" { (ctx.t("Åtgärdsplan", "Action plan")) } }
                                li { a href="/account" { (ctx.t("Mitt konto", "My account")) } }
                            }
                            li {
                                a href={ (ctx.switch_lang_href) (other.code()) } lang=(other.code()) hreflang=(other.code()) {
                                    (other.pick("Svenska", "English"))
                                }
                            }
                            @if let Some(user) = &ctx.user {
                                li {
                                    form method="post" action="/logout" class="inline" {
                                        (csrf_field(ctx))
                                        button type="submit" class="link" {
                                            (ctx.t("Logga ut", "Sign out")) " (" (user.email) ")"
                                        }
                                    }
                                }
                            } @else if !ctx.respondent {
                                li { a href="/login" { (ctx.t("Logga in", "Sign in")) } }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
                footer class="site" {
                    p { (ctx.t(
                        "trygg – trygghets- och drogvaneundersökningar för det brottsförebyggande arbetet. Svaren är anonyma.",
                        "trygg – safety and drug-habit surveys for local crime prevention. Answers are anonymous."
                    )) }
                }
            }
        }
    }
}

/// A page for an error status, in the visitor's language.
pub fn error_page(
    ctx: &PageCtx,
    status: StatusCode,
    heading: Option<[&'static str; 4]>,
    message: &str,
) -> Markup {
    let [title_sv, title_en, explanation_sv, explanation_en] =
        heading.unwrap_or_else(|| error_texts(status));
    let (title, explanation) = (
        ctx.t(title_sv, title_en),
        ctx.t(explanation_sv, explanation_en),
    );
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            @if !explanation.is_empty() {
                p { (explanation) }
            }
            // A 500 says nothing of its cause; other messages are trygg's own words.
            @if status != StatusCode::INTERNAL_SERVER_ERROR && !message.is_empty() {
                p class="detail" { (message) }
            }
            @match &ctx.user {
                Some(user) if !ctx.respondent => {
                    p { a href=(home_of(user.role)) { (ctx.t("Till din startsida", "To your start page")) } }
                }
                _ => {
                    p { a href="/" { (ctx.t("Till startsidan", "To the start page")) } }
                }
            }
        },
    )
}

/// Title and explanation of an error page, each in Swedish and English.
fn error_texts(status: StatusCode) -> [&'static str; 4] {
    match status {
        StatusCode::NOT_FOUND => [
            "Sidan finns inte",
            "Page not found",
            "Kontrollera adressen. Om du följde en länk kan den vara gammal.",
            "Check the address. If you followed a link, it may be out of date.",
        ],
        StatusCode::FORBIDDEN => [
            "Åtkomst nekad",
            "Access denied",
            // Every refusal says its own reason below.
            "",
            "",
        ],
        StatusCode::TOO_MANY_REQUESTS => [
            "För många försök",
            "Too many attempts",
            "Vänta en stund och försök igen.",
            "Wait a while and try again.",
        ],
        StatusCode::BAD_REQUEST => [
            "Begäran kunde inte läsas",
            "The request could not be read",
            "Det som skickades har inte det format som sidan tar emot. Gå tillbaka, ladda om sidan och försök igen.",
            "What was sent is not in the form this page takes. Go back, reload the page and try again.",
        ],
        StatusCode::PAYLOAD_TOO_LARGE => [
            "För mycket på en gång",
            "Too much at once",
            "Det som skickades är större än vad sidan tar emot. Dela upp det och skicka delarna var för sig.",
            "What was sent is larger than this page takes. Split it and send the parts one at a time.",
        ],
        StatusCode::UNSUPPORTED_MEDIA_TYPE => [
            "Fel sorts innehåll",
            "The wrong kind of content",
            "Sidan tar bara emot innehåll av den sort som anges nedan.",
            "This page takes only the kind of content named below.",
        ],
        StatusCode::CONFLICT => [
            "Det går inte längre",
            "That is no longer possible",
            "Något har ändrats sedan sidan visades.",
            "Something has changed since the page was shown.",
        ],
        StatusCode::METHOD_NOT_ALLOWED => [
            "Sidan kan inte visas så",
            "The page cannot be shown that way",
            "Adressen tar inte emot den sortens begäran.",
            "The address does not take that kind of request.",
        ],
        StatusCode::SERVICE_UNAVAILABLE => [
            "Inte just nu",
            "Not right now",
            "Tjänsten kan inte svara på det just nu.",
            "The service cannot answer that right now.",
        ],
        StatusCode::GONE => [
            "Undersökningen är stängd",
            "The survey is closed",
            "Den här undersökningen tar inte emot svar just nu.",
            "This survey is not accepting answers at the moment.",
        ],
        s if s.is_server_error() => [
            "Något gick fel",
            "Something went wrong",
            "Ett fel uppstod hos oss. Försök igen om en stund.",
            "An error occurred on our side. Please try again shortly.",
        ],
        _ => [
            "Det gick inte",
            "That did not work",
            "Begäran kunde inte utföras.",
            "The request could not be carried out.",
        ],
    }
}

/// Where a user goes after signing in, when no (safe) `next` was given.
pub fn home_of(role: crate::accounts::Role) -> &'static str {
    match role {
        crate::accounts::Role::Admin => "/admin",
        crate::accounts::Role::Evaluator => "/evaluate",
        crate::accounts::Role::School => "/school",
    }
}
