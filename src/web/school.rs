//! School coordinators' pages.

use axum::Extension;
use maud::{Markup, html};

use super::auth::CurrentUser;
use super::views::{PageCtx, layout};
use super::{Routes, SCHOOLS};

pub fn routes() -> Routes {
    Routes::default().get("/school", SCHOOLS, overview)
}

async fn overview(ctx: PageCtx, Extension(user): Extension<CurrentUser>) -> Markup {
    let title = ctx.t("Skolsamordnare", "School coordinator");
    layout(
        &ctx,
        title,
        html! {
            h1 { (title) }
            p { (ctx.t("Din skola:", "Your school:")) " " strong { (user.school_id.as_deref().unwrap_or("–")) } }
            p { (ctx.t(
                "Här öppnar du klasstillfällen och skriver ut engångskoder till eleverna när en drogvaneundersökning pågår.",
                "Here you open class sessions and print one-time codes for the pupils while a drug-habit survey is running."
            )) }
        },
    )
}
