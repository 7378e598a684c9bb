//! Markup of the admin pages.

use chrono::DateTime;
use maud::{Markup, html};

use super::forms::FormErrors;
use super::{csrf_field, layout};
use crate::accounts::{MIN_PASSWORD_CHARS, Role};
use crate::entities::{audit_log, user};
use crate::i18n::Lang;
use crate::survey::{LoadedSurvey, SurveyCatalog};
use crate::web::extract::PageCtx;

fn when(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

pub fn overview(ctx: &PageCtx, surveys: &SurveyCatalog, user_count: usize) -> Markup {
    let title = ctx.t("Administration", "Administration");
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            h2 { (ctx.t("Enkäter", "Questionnaires")) }
            div class="table-wrap" { table {
                thead { tr {
                    th scope="col" { (ctx.t("Enkät", "Questionnaire")) }
                    th scope="col" { (ctx.t("Version", "Version")) }
                    th scope="col" { (ctx.t("Målgrupp", "Audience")) }
                    th scope="col" { (ctx.t("Frågor", "Questions")) }
                    th scope="col" { (ctx.t("Indikatorer", "Indicators")) }
                    th scope="col" { (ctx.t("Minsta cell (k)", "Minimum cell (k)")) }
                } }
                tbody {
                    @for loaded in surveys.iter() {
                        @let s = &loaded.survey;
                        tr {
                            td { a href={ "/admin/surveys/" (s.id) } { (s.title.get(ctx.lang)) } }
                            td { (s.version) }
                            td { (s.audience.id()) }
                            td { (s.questions().count()) }
                            td { (s.indicators.len()) }
                            td { (s.min_cell_size) }
                        }
                    }
                }
            } }
            h2 { (ctx.t("Omgångar", "Waves")) }
            p { a href="/admin/waves" { (ctx.t("Omgångar, befolkningstal och klasser per skola", "Waves, population totals and classes per school")) } }
            h2 { (ctx.t("Konton", "Accounts")) }
            p { (user_count) " " (ctx.t("konton.", "accounts.")) " " a href="/admin/users" { (ctx.t("Hantera konton", "Manage accounts")) } }
            h2 { (ctx.t("Logg", "Log")) }
            p { a href="/admin/audit" { (ctx.t("Administrativa händelser", "Administrative events")) } }
        },
    )
}

pub fn survey(ctx: &PageCtx, loaded: &LoadedSurvey) -> Markup {
    let s = &loaded.survey;
    let title = s.title.get(ctx.lang);
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            p class="muted" {
                code { (s.id) } " · " (ctx.t("version", "version")) " " (s.version)
                " · " (loaded.path.display()) " · sha256 " code { (loaded.content_hash.get(..12).unwrap_or_default()) }
            }
            @for page in &s.pages {
                h2 { (page.title.get(ctx.lang)) }
                ol {
                    @for q in &page.questions {
                        li {
                            code { (q.id) } " – " (q.text.get(ctx.lang))
                            " " span class="muted" { "(" (q.kind.type_name()) @if q.required { ", " (ctx.t("obligatorisk", "required")) } @if q.background { ", " (ctx.t("bakgrund", "background")) } @if q.show_if.is_some() { ", " (ctx.t("villkorad", "conditional")) } ")" }
                        }
                    }
                }
            }
            h2 { (ctx.t("Indikatorer", "Indicators")) }
            ul {
                @for i in &s.indicators {
                    li { code { (i.id) } " – " (i.title.get(ctx.lang)) " (" (i.priority_area.title(ctx.lang)) ")" }
                }
            }
        },
    )
}

/// What the admin typed, shown again when the form is refused (never the password).
#[derive(Debug, Default)]
pub struct UserForm {
    pub email: String,
    pub role: String,
    pub school: String,
}

pub fn users(ctx: &PageCtx, users: &[user::Model], form: &UserForm, errors: &FormErrors) -> Markup {
    let title = ctx.t("Konton", "Accounts");
    layout(
        ctx,
        &errors.title(ctx, title),
        html! {
            (errors.summary(ctx))
            h1 { (title) }
            div class="table-wrap" { table {
                thead { tr {
                    th scope="col" { (ctx.t("E-post", "E-mail")) }
                    th scope="col" { (ctx.t("Roll", "Role")) }
                    th scope="col" { (ctx.t("Skola", "School")) }
                    th scope="col" { (ctx.t("Skapad", "Created")) }
                } }
                tbody {
                    @for u in users {
                        tr {
                            td { (u.email) }
                            td { (u.role) }
                            td { (u.school_id.as_deref().unwrap_or("–")) }
                            td { (when(u.created_at)) }
                        }
                    }
                }
            } }
            h2 id="new-user" { (ctx.t("Nytt konto", "New account")) }
            form method="post" action="/admin/users" class="stack" aria-labelledby="new-user" {
                (csrf_field(ctx))
                div class=(errors.field_class("email")) {
                    label for="email" { (ctx.t("E-postadress", "E-mail address")) }
                    (errors.at_field(ctx, "email"))
                    input id="email" name="email" type="email" autocomplete="off" required value=(form.email)
                        aria-describedby=[errors.described_by("email", None)] aria-invalid=[errors.has("email").then_some("true")];
                }
                div class=(errors.field_class("role")) {
                    label for="role" { (ctx.t("Roll", "Role")) }
                    (errors.at_field(ctx, "role"))
                    select id="role" name="role" aria-describedby=[errors.described_by("role", None)] {
                        @for role in Role::ALL {
                            option value=(role.as_str()) selected[form.role == role.as_str()] { (role_name(ctx, role)) }
                        }
                    }
                }
                div class=(errors.field_class("school")) {
                    label for="school" { (ctx.t("Skola (bara för skolsamordnare)", "School (school coordinators only)")) }
                    (errors.at_field(ctx, "school"))
                    input id="school" name="school" type="text" value=(form.school)
                        aria-describedby=[errors.described_by("school", None)] aria-invalid=[errors.has("school").then_some("true")];
                }
                div class=(errors.field_class("password")) {
                    label for="password" { (ctx.t("Startlösenord", "Initial password")) }
                    span class="hint" id="password-hint" { (password_hint(ctx)) }
                    (errors.at_field(ctx, "password"))
                    input id="password" name="password" type="password" autocomplete="new-password" required
                        aria-describedby=[errors.described_by("password", Some("password-hint"))] aria-invalid=[errors.has("password").then_some("true")];
                }
                button type="submit" { (ctx.t("Skapa konto", "Create account")) }
            }
        },
    )
}

fn password_hint(ctx: &PageCtx) -> String {
    match ctx.lang {
        Lang::Sv => format!(
            "Minst {MIN_PASSWORD_CHARS} tecken och svårt att gissa: några ovanliga ord fungerar bra. Inte e-postadressen."
        ),
        Lang::En => format!(
            "At least {MIN_PASSWORD_CHARS} characters and hard to guess: a few uncommon words work well. Not the e-mail address."
        ),
    }
}

pub fn role_name(ctx: &PageCtx, role: Role) -> &'static str {
    match role {
        Role::Admin => ctx.lang.pick("Administratör", "Administrator"),
        Role::Evaluator => ctx.lang.pick("Utvärderare", "Evaluator"),
        Role::School => ctx.lang.pick("Skolsamordnare", "School coordinator"),
    }
}

pub fn audit(ctx: &PageCtx, entries: &[audit_log::Model]) -> Markup {
    let title = ctx.t("Administrativa händelser", "Administrative events");
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            div class="table-wrap" { table {
                thead { tr {
                    th scope="col" { (ctx.t("Tid", "Time")) }
                    th scope="col" { (ctx.t("Vem", "Who")) }
                    th scope="col" { (ctx.t("Händelse", "Event")) }
                    th scope="col" { (ctx.t("Detaljer", "Details")) }
                } }
                tbody {
                    @for e in entries {
                        tr { td { (when(e.at)) } td { (e.actor) } td { code { (e.action) } } td { (e.detail) } }
                    }
                }
            } }
        },
    )
}
