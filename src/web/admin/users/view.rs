//! Markup of the account pages: the list with the new-account form, and one account with its
//! changes (deactivate, new password, role, sign out everywhere).

use maud::{Markup, html};

use crate::accounts::{MIN_PASSWORD_CHARS, Role};
use crate::entities::user;
use crate::i18n::Lang;
use crate::local_time;
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::words::role_name;
use crate::web::markup::{csrf_field, layout};

pub const ACTIVE_FIELD: &str = "active";
pub const PASSWORD_FIELD: &str = "password";
pub const ROLE_FIELD: &str = "role";

/// The confirmation after a redirect (`?done=`).
pub fn notice(ctx: &PageCtx, done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => ctx.t("Kontot är skapat.", "The account has been created."),
        "deactivated" => ctx.t(
            "Kontot är avstängt och alla dess inloggningar är avslutade.",
            "The account is deactivated and all its sessions have ended.",
        ),
        "reactivated" => ctx.t("Kontot är aktiverat igen.", "The account is active again."),
        "password" => ctx.t(
            "Lösenordet är bytt. Kontot är utloggat överallt.",
            "The password has been changed. The account is signed out everywhere.",
        ),
        "role" => ctx.t(
            "Rollen är ändrad. Den gäller från nästa inloggning.",
            "The role has been changed. It applies from the next sign-in.",
        ),
        "signed-out" => ctx.t(
            "Kontot är utloggat överallt.",
            "The account is signed out everywhere.",
        ),
        _ => return None,
    })
}

pub fn last_admin(ctx: &PageCtx) -> &'static str {
    ctx.t(
        "Det här är den enda aktiva administratören. Gör någon annan till administratör först, annars kan ingen längre hantera konton.",
        "This is the only active administrator. Make someone else an administrator first, or nobody can manage accounts any more.",
    )
}

fn role_label(ctx: &PageCtx, role: &str) -> String {
    Role::parse(role).map_or_else(|| role.to_owned(), |r| role_name(ctx, r).to_owned())
}

fn status(ctx: &PageCtx, u: &user::Model) -> &'static str {
    if u.deactivated_at.is_some() {
        ctx.t("Avstängt", "Deactivated")
    } else {
        ctx.t("Aktivt", "Active")
    }
}

/// What the admin typed, shown again when the form is refused (never the password).
#[derive(Debug, Default)]
pub struct UserForm {
    pub email: String,
    pub role: String,
    pub school: String,
}

pub fn list(
    ctx: &PageCtx,
    users: &[user::Model],
    form: &UserForm,
    errors: &FormErrors,
    notice: Option<&str>,
) -> Markup {
    let title = ctx.t("Konton", "Accounts");
    layout(
        ctx,
        &errors.title(ctx, title),
        html! {
            (errors.summary(ctx))
            h1 { (title) }
            @if let Some(notice) = notice {
                p class="notice" role="status" { (notice) }
            }
            div class="table-wrap" tabindex="0" role="region" aria-label=(ctx.t("Alla konton", "All accounts")) { table {
                thead { tr {
                    th scope="col" { (ctx.t("E-post", "E-mail")) }
                    th scope="col" { (ctx.t("Roll", "Role")) }
                    th scope="col" { (ctx.t("Skola", "School")) }
                    th scope="col" { (ctx.t("Status", "Status")) }
                    th scope="col" { (ctx.t("Skapat", "Created")) }
                } }
                tbody {
                    @for u in users {
                        tr {
                            td { a href={ "/admin/users/" (u.id) } { (u.email) } }
                            td { (role_label(ctx, &u.role)) }
                            td { (u.school_id.as_deref().unwrap_or("–")) }
                            td { (status(ctx, u)) }
                            td class="nowrap" { (local_time::readable(u.created_at, ctx.lang)) }
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
                (role_fields(ctx, &form.role, &form.school, errors))
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

fn role_fields(ctx: &PageCtx, role: &str, school: &str, errors: &FormErrors) -> Markup {
    html! {
        div class=(errors.field_class(ROLE_FIELD)) {
            label for="role" { (ctx.t("Roll", "Role")) }
            (errors.at_field(ctx, ROLE_FIELD))
            select id="role" name="role" aria-describedby=[errors.described_by(ROLE_FIELD, None)] {
                @for r in Role::ALL {
                    option value=(r.as_str()) selected[role == r.as_str()] { (role_name(ctx, r)) }
                }
            }
        }
        div class=(errors.field_class("school")) {
            label for="school" { (ctx.t("Skola (bara för skolsamordnare)", "School (school coordinators only)")) }
            span class="hint" id="school-hint" { (ctx.t(
                "Samma skol-id som i filen med klasser per skola, t.ex. ekbacken.",
                "The same school id as in the file of classes per school, e.g. ekbacken."
            )) }
            (errors.at_field(ctx, "school"))
            input id="school" name="school" type="text" value=(school)
                aria-describedby=[errors.described_by("school", Some("school-hint"))] aria-invalid=[errors.has("school").then_some("true")];
        }
    }
}

/// The role and school of the role form, as stored or as typed.
#[derive(Debug, Default)]
pub struct RoleForm {
    pub role: String,
    pub school: String,
}

impl RoleForm {
    pub fn of(account: &user::Model) -> RoleForm {
        RoleForm {
            role: account.role.clone(),
            school: account.school_id.clone().unwrap_or_default(),
        }
    }
}

pub fn account(
    ctx: &PageCtx,
    account: &user::Model,
    role_form: &RoleForm,
    errors: &FormErrors,
    notice: Option<&str>,
) -> Markup {
    let title = account.email.as_str();
    let base = format!("/admin/users/{}", account.id);
    let active = account.deactivated_at.is_none();
    layout(
        ctx,
        &errors.title(ctx, title),
        html! {
            (errors.summary(ctx))
            p { a href="/admin/users" { (ctx.t("Alla konton", "All accounts")) } }
            h1 { (title) }
            @if let Some(notice) = notice {
                p class="notice" role="status" { (notice) }
            }
            dl class="facts" {
                dt { (ctx.t("Roll", "Role")) } dd { (role_label(ctx, &account.role)) }
                @if let Some(school) = &account.school_id {
                    dt { (ctx.t("Skola", "School")) } dd { (school) }
                }
                dt { (ctx.t("Status", "Status")) } dd { strong { (status(ctx, account)) } }
                @if let Some(at) = account.deactivated_at {
                    dt { (ctx.t("Avstängt", "Deactivated")) } dd { (local_time::readable(at, ctx.lang)) }
                }
                dt { (ctx.t("Skapat", "Created")) } dd { (local_time::readable(account.created_at, ctx.lang)) }
            }

            section aria-labelledby="active-title" {
                h2 id="active-title" { @if active { (ctx.t("Stäng av kontot", "Deactivate the account")) } @else { (ctx.t("Aktivera kontot igen", "Reactivate the account")) } }
                (errors.at_field(ctx, ACTIVE_FIELD))
                form method="post" action={ (base) "/active" } class="stack" {
                    (csrf_field(ctx))
                    @if active {
                        input type="hidden" name="active" value="false";
                        p { (ctx.t(
                            "Ett avstängt konto kan inte logga in, och alla dess inloggningar avslutas direkt. Det kan aktiveras igen.",
                            "A deactivated account cannot sign in, and all its sessions end at once. It can be reactivated."
                        )) }
                        // One more step before the red button, as for closing a wave.
                        details class="confirm" {
                            summary { (ctx.t("Stäng av kontot …", "Deactivate the account …")) }
                            button type="submit" class="danger" { (ctx.t("Ja, stäng av kontot nu", "Yes, deactivate the account now")) }
                        }
                    } @else {
                        input type="hidden" name="active" value="true";
                        button type="submit" { (ctx.t("Aktivera kontot igen", "Reactivate the account")) }
                    }
                }
            }

            section aria-labelledby="password-title" {
                h2 id="password-title" { (ctx.t("Nytt lösenord", "New password")) }
                form method="post" action={ (base) "/password" } class="stack" aria-labelledby="password-title" {
                    (csrf_field(ctx))
                    div class=(errors.field_class(PASSWORD_FIELD)) {
                        label for="password" { (ctx.t("Nytt lösenord", "New password")) }
                        span class="hint" id="password-hint" { (password_hint(ctx)) " " (ctx.t(
                            "Kontot loggas ut överallt när lösenordet byts.",
                            "The account is signed out everywhere when the password changes."
                        )) }
                        (errors.at_field(ctx, PASSWORD_FIELD))
                        input id="password" name="password" type="password" autocomplete="new-password" required
                            aria-describedby=[errors.described_by(PASSWORD_FIELD, Some("password-hint"))] aria-invalid=[errors.has(PASSWORD_FIELD).then_some("true")];
                    }
                    button type="submit" { (ctx.t("Byt lösenord", "Change the password")) }
                }
            }

            section aria-labelledby="role-title" {
                h2 id="role-title" { (ctx.t("Roll", "Role")) }
                form method="post" action={ (base) "/role" } class="stack" aria-labelledby="role-title" {
                    (csrf_field(ctx))
                    (role_fields(ctx, &role_form.role, &role_form.school, errors))
                    button type="submit" { (ctx.t("Ändra roll", "Change the role")) }
                }
            }

            section aria-labelledby="sign-out-title" {
                h2 id="sign-out-title" { (ctx.t("Logga ut överallt", "Sign out everywhere")) }
                form method="post" action={ (base) "/sign-out" } class="stack" {
                    (csrf_field(ctx))
                    p { (ctx.t(
                        "Avslutar alla kontots inloggningar, t.ex. på en borttappad dator. Kontot kan logga in igen med sitt lösenord.",
                        "Ends all the account's sessions, e.g. on a lost computer. The account can sign in again with its password."
                    )) }
                    button type="submit" class="secondary" { (ctx.t("Logga ut överallt", "Sign out everywhere")) }
                }
            }
        },
    )
}

pub fn password_hint(ctx: &PageCtx) -> String {
    match ctx.lang {
        Lang::Sv => format!(
            "Minst {MIN_PASSWORD_CHARS} tecken och svårt att gissa: några ovanliga ord fungerar bra. Inte e-postadressen."
        ),
        Lang::En => format!(
            "At least {MIN_PASSWORD_CHARS} characters and hard to guess: a few uncommon words work well. Not the e-mail address."
        ),
    }
}
