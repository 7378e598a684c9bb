//! The warning on staff pages that print or send the service's address (code slips, an open
//! wave's link and QR code, invitation mails) while `public_url` is one respondents cannot reach.

use maud::{Markup, html};

use crate::config::Settings;
use crate::web::extract::PageCtx;

/// The warning, or nothing when `public_url` is set to a reachable address.
pub fn warning(ctx: &PageCtx, settings: &Settings) -> Markup {
    if !settings.public_url_is_local() {
        return html! {};
    }
    html! {
        div class="notice warning" role="note" aria-labelledby="public-url-title" {
            h2 id="public-url-title" { (ctx.t(
                "Tjänstens adress är inte inställd",
                "The service's address is not set"
            )) }
            p {
                (ctx.t(
                    "Adresser som skrivs ut eller skickas härifrån (kodlappar, länkar i inbjudningar, QR-koder) blir fel: de pekar på",
                    "Addresses printed or sent from here (code slips, links in invitations, QR codes) will be wrong: they point to"
                )) " " code { (settings.public_url) } (ctx.t(
                    ", som de svarande inte kan nå.",
                    ", which respondents cannot reach."
                ))
            }
            p {
                (ctx.t("Ställ in den riktiga adressen med", "Set the real address with")) " "
                code { "public_url = \"https://trygg.kommun.se\"" } " "
                (ctx.t("i", "in")) " " code { "trygg.toml" } " "
                (ctx.t("eller miljövariabeln", "or the environment variable")) " "
                code { "TRYGG_PUBLIC_URL" } (ctx.t(
                    ", och starta om tjänsten.",
                    ", and restart the service."
                ))
            }
        }
    }
}
