//! Evaluators' pages: indicators per priority area of the action plan.

use axum::extract::State;
use maud::{Markup, html};

use super::views::{PageCtx, layout};
use super::{AppState, EVALUATORS, Routes};
use crate::survey::{Better, PriorityArea, Statistic};

pub fn routes() -> Routes {
    Routes::default().get("/evaluate", EVALUATORS, overview)
}

/// The indicators defined in the questionnaires, grouped by priority area. Estimates per wave are
/// added by the collection and evaluation issues.
async fn overview(ctx: PageCtx, State(state): State<AppState>) -> Markup {
    let title = ctx.t(
        "Uppföljning per prioriterat område",
        "Follow-up by priority area",
    );
    layout(
        &ctx,
        title,
        html! {
            h1 { (title) }
            p { (ctx.t(
                "Indikatorerna nedan är definierade i enkäterna. Skattningar med konfidensintervall visas här när en omgång har svar.",
                "The indicators below are defined in the questionnaires. Estimates with confidence intervals appear here once a wave has responses."
            )) }
            @for area in PriorityArea::ALL {
                section aria-labelledby=(format!("area-{}", area.id())) {
                    h2 id=(format!("area-{}", area.id())) { (area.title(ctx.lang)) }
                    div class="table-wrap" {
                        table {
                            thead { tr {
                                th scope="col" { (ctx.t("Indikator", "Indicator")) }
                                th scope="col" { (ctx.t("Enkät", "Survey")) }
                                th scope="col" { (ctx.t("Mått", "Statistic")) }
                                th scope="col" { (ctx.t("Bättre", "Better")) }
                                th scope="col" { (ctx.t("Mål", "Target")) }
                            } }
                            tbody {
                                @for loaded in state.surveys.iter() {
                                    @for indicator in loaded.survey.indicators.iter().filter(|i| i.priority_area == area) {
                                        tr {
                                            td { (indicator.title.get(ctx.lang)) }
                                            td { (loaded.survey.title.get(ctx.lang)) }
                                            td { (match indicator.statistic {
                                                Statistic::Proportion => ctx.t("andel", "proportion"),
                                                Statistic::Mean => ctx.t("medelvärde", "mean"),
                                            }) }
                                            td { (match indicator.better {
                                                Better::Lower => ctx.t("lägre", "lower"),
                                                Better::Higher => ctx.t("högre", "higher"),
                                            }) }
                                            td { @if let Some(target) = indicator.target { (format_target(indicator.statistic, target)) } @else { "–" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A proportion target as a percentage, a mean target as it is.
fn format_target(statistic: Statistic, target: f64) -> String {
    match statistic {
        Statistic::Proportion => format!("{} %", (target * 1000.0).round() / 10.0),
        Statistic::Mean => format!("{target}"),
    }
}
