//! The sign-in page for staff (admins, evaluators, school coordinators).

use maud::{Markup, html};

use crate::web::extract::PageCtx;
use crate::web::markup::{csrf_field, layout};

/// The sign-in page; `error` says why the last attempt failed.
pub fn page(ctx: &PageCtx, next: Option<&str>, email: &str, error: Option<&str>) -> Markup {
    let title = ctx.t("Logga in", "Sign in");
    let full_title = match error {
        Some(_) => format!("{}: {}", ctx.t("Fel", "Error"), title),
        None => title.to_owned(),
    };
    layout(
        ctx,
        &full_title,
        html! {
            h1 { (title) }
            p { (ctx.t(
                "För personal som administrerar undersökningar, följer upp resultat eller samordnar en skola. Du som svarar på en enkät behöver inte logga in.",
                "For staff who administer surveys, follow up results or coordinate a school. If you are answering a survey you do not need to sign in."
            )) }
            @if let Some(error) = error {
                div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                    h2 id="error-summary-title" { (ctx.t("Det finns ett problem", "There is a problem")) }
                    ul { li { a href="#email" { (error) } } }
                }
            }
            form method="post" action="/login" class="stack" {
                (csrf_field(ctx))
                @if let Some(next) = next {
                    input type="hidden" name="next" value=(next);
                }
                div class="field" {
                    label for="email" { (ctx.t("E-postadress", "E-mail address")) }
                    input id="email" name="email" type="email" autocomplete="username" required value=(email);
                }
                div class="field" {
                    label for="password" { (ctx.t("Lösenord", "Password")) }
                    input id="password" name="password" type="password" autocomplete="current-password" required;
                }
                button type="submit" { (ctx.t("Logga in", "Sign in")) }
            }
        },
    )
}
