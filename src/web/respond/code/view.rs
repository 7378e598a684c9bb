//! Markup of the pupil code entry page (`/k`).

use maud::{Markup, html};

use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::{csrf_field, layout};

/// The pupil code entry page, with the GOV.UK error pattern when the code did not work.
pub fn code_entry(ctx: &PageCtx, typed: &str, error: Option<&str>) -> Markup {
    let base = ctx.t("Skriv in din kod", "Enter your code");
    let mut errors = FormErrors::new();
    if let Some(message) = error {
        errors.add("code", message);
    }
    let title = errors.title(ctx, base);
    layout(
        ctx,
        &title,
        html! {
            (errors.summary(ctx))
            h1 { (base) }
            p class="lead" { (ctx.t(
                "Koden står på lappen du fått av din lärare. Den fungerar en gång och säger inget om vem du är.",
                "The code is on the slip you got from your teacher. It works once and says nothing about who you are."
            )) }
            form method="post" action="/k" novalidate {
                (csrf_field(ctx))
                div class=(errors.field_class("code")) {
                    label for="code" { (ctx.t("Kod", "Code")) }
                    p class="hint" id="code-hint" { (ctx.t("12 tecken, till exempel ABCD-EFGH-JKLM. Stora eller små bokstäver, med eller utan bindestreck.", "12 characters, for example ABCD-EFGH-JKLM. Upper or lower case, with or without hyphens.")) }
                    (errors.at_field(ctx, "code"))
                    input type="text" id="code" name="code" value=(typed) class="code-input"
                        autocomplete="off" autocapitalize="characters" spellcheck="false"
                        aria-describedby=[errors.described_by("code", Some("code-hint"))]
                        aria-invalid=[errors.has("code").then_some("true")];
                }
                div class="actions" {
                    button type="submit" { (ctx.t("Börja", "Begin")) }
                }
            }
        },
    )
}
