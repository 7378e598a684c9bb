//! Markup of the account page: who is signed in, and personal API tokens for evaluators and
//! admins.

use maud::{Markup, html};

use crate::accounts::Role;
use crate::accounts::api_token::{DEFAULT_TOKEN_DAYS, TOKEN_DAYS_CHOICES};
use crate::entities::api_token;
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::words::role_name;
use crate::web::markup::{csrf_field, layout};

/// What the token form was sent with, to show it again when refused.
#[derive(Debug, Clone)]
pub struct TokenForm {
    pub name: String,
    pub days: String,
}

impl Default for TokenForm {
    fn default() -> Self {
        TokenForm {
            name: String::new(),
            days: DEFAULT_TOKEN_DAYS.to_string(),
        }
    }
}

/// A token made by this very request: shown once, here, and never again.
pub struct Fresh<'a> {
    pub token: &'a str,
    pub name: &'a str,
    pub expires_at: i64,
    /// Where the service is reached, for the curl example.
    pub public_url: &'a str,
}

/// Everything the account page shows.
pub struct Page<'a> {
    pub email: &'a str,
    pub role: Role,
    pub tokens: &'a [api_token::Model],
    pub now: i64,
    pub form: &'a TokenForm,
    pub errors: &'a FormErrors,
    pub fresh: Option<Fresh<'a>>,
    /// A line above the page (after revoking, say).
    pub notice: Option<&'a str>,
}

fn status(ctx: &PageCtx, token: &api_token::Model, now: i64) -> &'static str {
    if token.revoked_at.is_some() {
        ctx.t("Återkallad", "Revoked")
    } else if token.expires_at <= now {
        ctx.t("Utgången", "Expired")
    } else {
        ctx.t("Giltig", "Valid")
    }
}

pub fn page(ctx: &PageCtx, page: &Page<'_>) -> Markup {
    let title = ctx.t("Mitt konto", "My account");
    let may_have_tokens = matches!(page.role, Role::Admin | Role::Evaluator);
    layout(
        ctx,
        &page.errors.title(ctx, title),
        html! {
            (page.errors.summary(ctx))
            h1 { (title) }
            @if let Some(notice) = page.notice {
                p class="notice" role="status" { (notice) }
            }
            dl class="facts" {
                dt { (ctx.t("E-postadress", "E-mail address")) }
                dd { (page.email) }
                dt { (ctx.t("Roll", "Role")) }
                dd { (role_name(ctx, page.role)) }
            }
            h2 id="tokens" { (ctx.t("API-nycklar", "API tokens")) }
            @if !may_have_tokens {
                p { (ctx.t(
                    "API-nycklar är till för utvärderare och administratörer som hämtar indikatorer med egna skript. Ditt konto behöver ingen.",
                    "API tokens are for evaluators and administrators who fetch indicators with their own scripts. Your account does not need one."
                )) }
            } @else {
                p { (ctx.t(
                    "Med en personlig API-nyckel kan ett skript hämta indikatorer från /api/v1/ i ditt namn, utan att logga in. Nyckeln öppnar inga sidor. Behandla den som ett lösenord: återkalla den när den inte längre behövs eller om någon annan kan ha sett den.",
                    "A personal API token lets a script fetch indicators from /api/v1/ on your behalf, without signing in. It opens no pages. Treat it like a password: revoke it when it is no longer needed or when someone else may have seen it."
                )) }
                @if let Some(fresh) = &page.fresh {
                    (fresh_token(ctx, fresh))
                }
                (token_table(ctx, page.tokens, page.now))
                h3 id="new-token-heading" { (ctx.t("Ny nyckel", "New token")) }
                form method="post" action="/account/tokens" class="stack" aria-labelledby="new-token-heading" {
                    (csrf_field(ctx))
                    div class=(page.errors.field_class("name")) {
                        label for="name" { (ctx.t("Namn", "Name")) }
                        span class="hint" id="name-hint" { (ctx.t(
                            "Vad eller vem som använder nyckeln, till exempel ”R-skript för årsuppföljningen”.",
                            "What or who uses the token, for example “R script for the annual follow-up”."
                        )) }
                        (page.errors.at_field(ctx, "name"))
                        input id="name" name="name" type="text" maxlength="100" autocomplete="off" required value=(page.form.name)
                            aria-describedby=[page.errors.described_by("name", Some("name-hint"))]
                            aria-invalid=[page.errors.has("name").then_some("true")];
                    }
                    div class=(page.errors.field_class("days")) {
                        label for="days" { (ctx.t("Giltig i", "Valid for")) }
                        (page.errors.at_field(ctx, "days"))
                        select id="days" name="days" aria-describedby=[page.errors.described_by("days", None)] {
                            @for days in TOKEN_DAYS_CHOICES {
                                option value=(days) selected[page.form.days == days.to_string()] {
                                    (days) " " (ctx.t("dagar", "days"))
                                }
                            }
                        }
                    }
                    button type="submit" { (ctx.t("Skapa nyckel", "Create token")) }
                }
            }
        },
    )
}

fn fresh_token(ctx: &PageCtx, fresh: &Fresh<'_>) -> Markup {
    let base = fresh.public_url.trim_end_matches('/');
    let curl = format!(
        "curl -H \"Authorization: Bearer {}\" {base}/api/v1/me",
        fresh.token
    );
    html! {
        div class="notice" role="status" aria-labelledby="fresh-token-heading" {
            h3 id="fresh-token-heading" {
                (ctx.t("Din nya nyckel", "Your new token")) " ”" (fresh.name) "”"
            }
            p { strong { (ctx.t(
                "Kopiera nyckeln nu. Den visas bara den här gången; trygg sparar bara ett fingeravtryck av den och kan inte visa den igen.",
                "Copy the token now. It is shown this once only; trygg keeps only a fingerprint of it and cannot show it again."
            )) } }
            p { (ctx.t("Giltig till och med", "Valid until")) " " (local_day(fresh.expires_at)) "." }
            div class="field" {
                label for="fresh-token" { (ctx.t("Nyckel", "Token")) }
                input id="fresh-token" class="token" type="text" readonly value=(fresh.token)
                    autocomplete="off" spellcheck="false";
            }
            p { (ctx.t("Prova den så här:", "Try it like this:")) }
            pre class="wrap" { code { (curl) } }
        }
    }
}

fn token_table(ctx: &PageCtx, tokens: &[api_token::Model], now: i64) -> Markup {
    html! {
        @if tokens.is_empty() {
            p { (ctx.t("Du har inga API-nycklar.", "You have no API tokens.")) }
        } @else {
            div class="table-wrap" { table {
                caption class="visually-hidden" { (ctx.t("Dina API-nycklar", "Your API tokens")) }
                thead { tr {
                    th scope="col" { (ctx.t("Namn", "Name")) }
                    th scope="col" { (ctx.t("Skapad", "Created")) }
                    th scope="col" { (ctx.t("Giltig till", "Expires")) }
                    th scope="col" { (ctx.t("Senast använd", "Last used")) }
                    th scope="col" { (ctx.t("Status", "Status")) }
                    th scope="col" { span class="visually-hidden" { (ctx.t("Åtgärd", "Action")) } }
                } }
                tbody {
                    @for token in tokens {
                        tr {
                            td { (token.name) }
                            td { (local_day(token.created_at)) }
                            td { (local_day(token.expires_at)) }
                            td { (token.last_used_on.as_deref().unwrap_or(ctx.t("aldrig", "never"))) }
                            td { (status(ctx, token, now)) }
                            td {
                                @if token.revoked_at.is_none() && token.expires_at > now {
                                    form method="post" action={ "/account/tokens/" (token.id) "/revoke" } class="inline" {
                                        (csrf_field(ctx))
                                        button type="submit" class="danger" {
                                            (ctx.t("Återkalla", "Revoke"))
                                            span class="visually-hidden" { " ”" (token.name) "”" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

/// The Swedish local day of a moment, `YYYY-MM-DD` (a token made at 00.30 in Sweden is made
/// that day, not the UTC day before).
fn local_day(seconds: i64) -> String {
    crate::local_time::stockholm_date(seconds)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}
