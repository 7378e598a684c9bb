//! Markup of the admin pages.

use maud::{Markup, html};

use crate::survey::{Audience, LoadedSurvey, SurveyCatalog};
use crate::web::extract::PageCtx;
use crate::web::markup::layout;
use crate::web::markup::words::count;

/// Who a questionnaire is for, in words.
pub fn audience_name(ctx: &PageCtx, audience: Audience) -> &'static str {
    match audience {
        Audience::Residents => ctx.t("invånare", "residents"),
        Audience::Staff => ctx.t(
            "anställda och förtroendevalda",
            "staff and elected officials",
        ),
        Audience::Pupils => ctx.t("elever", "pupils"),
    }
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
                            td { (audience_name(ctx, s.audience)) }
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
            p { (count(user_count as u64, ctx.t("konto", "account"), ctx.t("konton", "accounts"), ctx.lang)) ". " a href="/admin/users" { (ctx.t("Hantera konton", "Manage accounts")) } }
            h2 { (ctx.t("Logg", "Log")) }
            p { a href="/admin/audit" { (ctx.t("Logg över administrativa händelser", "Log of administrative events")) } }
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
