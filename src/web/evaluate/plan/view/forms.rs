//! Markup of the action plan's forms: an intervention, an output measure with its values per
//! year, an indicator link, a year's follow-up note. Refused forms come back with an error
//! summary and the message at each field (`markup::forms`), as every form of trygg does.

use maud::{Markup, html};

use crate::agreement::AreaName;
use crate::collect::Wave;
use crate::plan::links::{LinkForm, indicator_key};
use crate::plan::outputs::{OutputForm, actual_field, planned_field};
use crate::plan::{Choices, Intervention, InterventionForm, Responsible, Status};
use crate::survey::{Statistic, SurveyCatalog};
use crate::web::extract::PageCtx;
use crate::web::markup::csrf_field;
use crate::web::markup::forms::{
    FormErrors, Group, actions, area, form_page, input, select, ungrouped,
};

/// The priority areas, under a heading per agreement.
pub(crate) fn area_groups(ctx: &PageCtx, areas: &[AreaName]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for a in areas {
        let heading = a.agreement.as_ref().map(|g| {
            format!(
                "{} {}–{}",
                ctx.t("Överenskommelse", "Agreement"),
                g.first_year,
                g.last_year
            )
        });
        let option = (a.id.clone(), a.title.get(ctx.lang).to_owned());
        match groups.last_mut() {
            Some((h, options)) if *h == heading => options.push(option),
            _ => groups.push((heading, vec![option])),
        }
    }
    groups
}

/// The page of a form about a part of an intervention, which the lead names.
fn part_page(
    ctx: &PageCtx,
    errors: &FormErrors,
    (title, intervention): (&str, &Intervention),
    body: Markup,
) -> Markup {
    let lead = format!(
        "{} {}",
        ctx.t("Insats:", "Intervention:"),
        intervention.title
    );
    form_page(ctx, errors, title, Some(&lead), body)
}

/// The intervention form: new (`id` none) or editing intervention `id`.
pub fn intervention(
    ctx: &PageCtx,
    id: Option<i64>,
    form: &InterventionForm,
    choices: &Choices,
    errors: &FormErrors,
) -> Markup {
    let (title, action, submit, back) = match id {
        Some(id) => (
            ctx.t("Ändra insatsen", "Edit the intervention"),
            format!("/evaluate/plan/{id}"),
            ctx.t("Spara ändringarna", "Save the changes"),
            format!("/evaluate/plan/{id}"),
        ),
        None => (
            ctx.t("Ny insats", "New intervention"),
            "/evaluate/plan".to_owned(),
            ctx.t("Skapa insatsen", "Create the intervention"),
            "/evaluate/plan".to_owned(),
        ),
    };
    let areas = area_groups(ctx, &choices.areas);
    let promises: Vec<Group> = vec![(
        None,
        choices
            .promises
            .iter()
            .map(|p| (p.id.clone(), p.label(ctx.lang)))
            .collect(),
    )];
    // The checkbox stays for promises from before agreement files, and without any promise.
    let checkbox = choices.promises.is_empty()
        || (form.citizen_promise.is_some() && form.promise.trim().is_empty());
    let statuses = ungrouped(Status::ALL.iter().map(|s| (s.id(), s.label(ctx.lang))));
    let body = html! {
        form method="post" action=(action) class="stack" novalidate {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(form.version);
            (select(ctx, errors, ("priority_area", ctx.t("Prioriterat område", "Priority area")),
                (None, ctx.t("Välj område", "Choose an area")), &areas, &form.priority_area))
            (input(ctx, errors, ("title", ctx.t("Rubrik", "Title")), None, &form.title, None))
            @if !choices.promises.is_empty() {
                (select(ctx, errors, ("promise", ctx.t("Medborgarlöfte (valfritt)", "Citizen promise (optional)")),
                    (Some(ctx.t("Välj löftet om insatsen är en del av ett medborgarlöfte i överenskommelsen. Insatsens år ska ligga inom löftets.", "Choose the promise if the intervention is part of a citizen promise of the agreement. Its years must lie within the promise's.")),
                    ctx.t("Inget medborgarlöfte", "No citizen promise")), &promises, &form.promise))
            }
            @if checkbox {
                div class="field" {
                    div class="choice" {
                        input type="checkbox" id="citizen_promise" name="citizen_promise" value="yes"
                            checked[form.citizen_promise.is_some()] aria-describedby="citizen_promise-hint";
                        label for="citizen_promise" { (ctx.t("Insatsen är ett medborgarlöfte", "The intervention is a citizen promise")) }
                    }
                    p class="hint choice-hint" id="citizen_promise-hint" { (ctx.t(
                        "Ett medborgarlöfte lämnas av kommunen och polisen till invånarna och gäller två år, t.ex. 2024–2025.",
                        "A citizen promise (medborgarlöfte) is given by the municipality and the police to the residents and runs for two years, e.g. 2024–2025."
                    )) }
                }
            }
            (area(ctx, errors, ("problem", ctx.t("Problemet som insatsen riktar sig mot", "The problem the intervention targets")),
                Some(ctx.t("Vad visar lägesbilden och orsaksanalysen?", "What do the situation picture and the cause analysis show?")), &form.problem))
            (area(ctx, errors, ("mechanism", ctx.t("Så ska insatsen verka (valfritt)", "How it is meant to work (optional)")),
                Some(ctx.t("Varför ska insatsen minska problemet? Vilken mekanism bygger den på?", "Why should the intervention reduce the problem? Which mechanism does it rely on?")), &form.mechanism))
            (responsible_field(ctx, errors, form))
            (input(ctx, errors, ("planned_by", ctx.t("Planerar (valfritt)", "Plans (optional)")), None, &form.planned_by, None))
            (input(ctx, errors, ("carried_out_by", ctx.t("Genomför (valfritt)", "Carries out (optional)")), None, &form.carried_out_by, None))
            (input(ctx, errors, ("followed_up_by", ctx.t("Följer upp (valfritt)", "Follows up (optional)")), None, &form.followed_up_by, None))
            (area(ctx, errors, ("partners", ctx.t("Samverkanspartner (valfritt)", "Partners (optional)")), None, &form.partners))
            (area(ctx, errors, ("public_text", ctx.t("Text för invånarna (valfritt)", "Text for residents (optional)")),
                Some(ctx.t("Visas på den offentliga sidan /trygghet med insatsens status. Skriv så att alla förstår, högst 600 tecken. Lämna tomt för att inte visa insatsen där.", "Shown on the public page /trygghet with the intervention's status. Write so that everyone understands, at most 600 characters. Leave it empty to keep the intervention off that page.")), &form.public_text))
            fieldset {
                legend { (ctx.t("Period", "Period")) }
                (input(ctx, errors, ("start_year", ctx.t("Startår", "Start year")), None, &form.start_year, Some("narrow")))
                (input(ctx, errors, ("end_year", ctx.t("Slutår", "End year")), Some(ctx.t("Samma som startåret för en insats under ett år.", "The same as the start year for an intervention within one year.")), &form.end_year, Some("narrow")))
            }
            (select(ctx, errors, ("status", ctx.t("Status", "Status")), (None, ctx.t("Välj status", "Choose a status")), &statuses, &form.status))
            (area(ctx, errors, ("status_reason", ctx.t("Orsak", "Reason")),
                Some(ctx.t("Krävs när insatsen är försenad eller avbruten.", "Required when the intervention is delayed or cancelled.")), &form.status_reason))
            (actions(submit, (&back, ctx.t("Avbryt", "Cancel"))))
        }
    };
    form_page(ctx, errors, title, None, body)
}

fn responsible_field(ctx: &PageCtx, errors: &FormErrors, form: &InterventionForm) -> Markup {
    let first = crate::plan::RESPONSIBLE_FIELD;
    html! {
        div class=(errors.field_class(first)) {
            fieldset aria-describedby=[errors.described_by(first, None)] {
                legend { (ctx.t("Ansvarig organisation", "Responsible organisation")) }
                (errors.at_field(ctx, first))
                @for r in Responsible::ALL {
                    @let id = format!("responsible-{}", r.id());
                    div class="choice" {
                        input type="radio" id=(id) name="responsible" value=(r.id())
                            checked[form.responsible.trim() == r.id()];
                        label for=(id) { (r.label(ctx.lang)) }
                    }
                }
            }
        }
        (input(ctx, errors, ("responsible_other", ctx.t("Vilken annan organisation?", "Which other organisation?")),
            Some(ctx.t("Bara när en annan organisation är ansvarig.", "Only when another organisation is responsible.")), &form.responsible_other, None))
    }
}

/// The intervention's page, the form's title and where it posts, for a part of an
/// intervention (`outputs`, `indicators`): the existing one `item`, or a new one.
fn part_form<'a>(
    (id, part, item): (i64, &str, Option<i64>),
    edit: &'a str,
    new: &'a str,
) -> (String, &'a str, String) {
    let base = format!("/evaluate/plan/{id}");
    match item {
        Some(item) => (base.clone(), edit, format!("{base}/{part}/{item}")),
        None => (base.clone(), new, format!("{base}/{part}")),
    }
}

/// The form of an output measure and its values for each year.
pub fn output(
    ctx: &PageCtx,
    (id, intervention): (i64, &Intervention),
    output_id: Option<i64>,
    form: &OutputForm,
    errors: &FormErrors,
) -> Markup {
    let (base, title, action) = part_form(
        (id, "outputs", output_id),
        ctx.t("Ändra prestationsmått", "Edit an output measure"),
        ctx.t("Nytt prestationsmått", "New output measure"),
    );
    let years: Vec<i32> = form.values.keys().copied().collect();
    let body = html! {
        form method="post" action=(action) class="stack" novalidate {
            (csrf_field(ctx))
            (input(ctx, errors, ("name", ctx.t("Vad mäts?", "What is measured?")),
                Some(ctx.t("T.ex. Antal trygghetsvandringar.", "E.g. Number of safety walks.")), &form.name, None))
            (input(ctx, errors, ("unit", ctx.t("Enhet (valfritt)", "Unit (optional)")),
                Some(ctx.t("T.ex. antal, timmar, kronor.", "E.g. number, hours, kronor.")), &form.unit, None))
            div class="table-wrap" {
                table class="values" {
                    caption { (ctx.t("Planerat och utfall per år", "Planned and actual per year")) }
                    thead { tr {
                        th scope="col" { (ctx.t("År", "Year")) }
                        th scope="col" { (ctx.t("Planerat", "Planned")) }
                        th scope="col" { (ctx.t("Utfall", "Actual")) }
                    } }
                    tbody {
                        @for year in &years {
                            @let (planned, actual) = form.values.get(year).cloned().unwrap_or_default();
                            tr {
                                th scope="row" { (year) }
                                (value_cell(ctx, errors, &planned_field(*year), &format!("{} {year}", ctx.t("Planerat", "Planned")), &planned))
                                (value_cell(ctx, errors, &actual_field(*year), &format!("{} {year}", ctx.t("Utfall", "Actual")), &actual))
                            }
                        }
                    }
                }
            }
            p class="hint" { (ctx.t(
                "Lämna tomt det som inte är planerat eller inte har mätts. Decimaler med komma eller punkt.",
                "Leave empty what is not planned or not measured yet. Decimals with a comma or a point."
            )) }
            (actions(ctx.t("Spara prestationsmåttet", "Save the output measure"), (&base, ctx.t("Avbryt", "Cancel"))))
        }
        @if output_id.is_some() {
            (delete_form(ctx, &format!("{action}/delete"), ctx.t("Ta bort prestationsmåttet", "Remove the output measure")))
        }
    };
    part_page(ctx, errors, (title, intervention), body)
}

fn value_cell(ctx: &PageCtx, errors: &FormErrors, id: &str, label: &str, value: &str) -> Markup {
    html! {
        td class=[errors.has(id).then_some("has-error")] {
            label for=(id) class="visually-hidden" { (label) }
            (errors.at_field(ctx, id))
            input id=(id) name=(id) type="text" inputmode="decimal" class="value" value=(value)
                aria-describedby=[errors.described_by(id, None)]
                aria-invalid=[errors.has(id).then_some("true")];
        }
    }
}

/// A separate form that removes something (recorded in the history like every change).
pub(crate) fn delete_form(ctx: &PageCtx, action: &str, label: &str) -> Markup {
    html! {
        form method="post" action=(action) class="remove" {
            (csrf_field(ctx))
            button type="submit" class="danger" { (label) }
            p class="hint" { (ctx.t("Borttagningen syns i insatsens ändringshistorik.", "The removal shows in the intervention's change history.")) }
        }
    }
}

/// The form linking an outcome indicator: an indicator of a loaded questionnaire, a wave of it
/// for the baseline, a target.
pub fn link(
    ctx: &PageCtx,
    (id, intervention): (i64, &Intervention),
    link_id: Option<i64>,
    (catalog, waves): (&SurveyCatalog, &[Wave]),
    form: &LinkForm,
    errors: &FormErrors,
) -> Markup {
    let (base, title, action) = part_form(
        (id, "indicators", link_id),
        ctx.t("Ändra indikatorn", "Edit the indicator"),
        ctx.t("Koppla en indikator", "Link an indicator"),
    );
    let surveys: Vec<_> = catalog
        .iter()
        .filter(|l| !l.survey.indicators.is_empty())
        .collect();
    // Each questionnaire's indicators, those of the intervention's priority area first.
    let indicators: Vec<Group> = surveys
        .iter()
        .map(|l| {
            let mut list: Vec<_> = l.survey.indicators.iter().collect();
            list.sort_by_key(|i| i.priority_area.id() != intervention.priority_area);
            let options = list
                .iter()
                .map(|i| {
                    let percent = if i.statistic == Statistic::Proportion {
                        " (%)"
                    } else {
                        ""
                    };
                    (
                        indicator_key(&l.survey.id, &i.id),
                        format!("{}{percent}", i.title.get(ctx.lang)),
                    )
                })
                .collect();
            (Some(l.survey.title.get(ctx.lang).to_owned()), options)
        })
        .collect();
    let baselines: Vec<Group> = surveys
        .iter()
        .map(|l| {
            let of_survey: Vec<_> = waves
                .iter()
                .filter(|w| w.survey_id == l.survey.id)
                .collect();
            let title = l.survey.title.get(ctx.lang);
            // "Trygghetsundersökning 2024"; the short name only tells two waves of a year apart.
            let options = of_survey
                .iter()
                .map(|w| {
                    let twins = of_survey.iter().filter(|o| o.period == w.period).count();
                    let name = if twins > 1 {
                        format!("{title} {} ({})", w.period, w.slug)
                    } else {
                        format!("{title} {}", w.period)
                    };
                    (w.slug.clone(), name)
                })
                .collect();
            (Some(l.survey.title.get(ctx.lang).to_owned()), options)
        })
        .collect();
    let body = html! {
        form method="post" action=(action) class="stack" novalidate {
            (csrf_field(ctx))
            (select(ctx, errors, ("indicator", ctx.t("Indikator", "Indicator")),
                (Some(ctx.t(
                    "Indikatorerna inom insatsens prioriterade område står först i varje enkät.",
                    "The indicators of the intervention's priority area come first within each questionnaire."
                )), ctx.t("Välj indikator", "Choose an indicator")),
                &indicators, &form.indicator))
            (select(ctx, errors, ("baseline_wave", ctx.t("Utgångsläge: omgång", "Baseline: wave")),
                (Some(ctx.t(
                    "En omgång av samma enkät som indikatorn, oftast den sista före insatsen.",
                    "A wave of the indicator's questionnaire, usually the last one before the intervention."
                )), ctx.t("Välj omgång", "Choose a wave")),
                &baselines, &form.baseline_wave))
            (input(ctx, errors, ("target", ctx.t("Mål (valfritt)", "Target (optional)")),
                Some(ctx.t("För en andel i procent, t.ex. 15 eller 12,5; för ett medelvärde själva värdet.", "For a proportion in percent, e.g. 15 or 12.5; for a mean the value itself.")),
                &form.target, Some("narrow")))
            (actions(ctx.t("Spara indikatorn", "Save the indicator"), (&base, ctx.t("Avbryt", "Cancel"))))
        }
        @if link_id.is_some() {
            (delete_form(ctx, &format!("{action}/delete"), ctx.t("Ta bort indikatorn från insatsen", "Unlink the indicator")))
        }
    };
    part_page(ctx, errors, (title, intervention), body)
}

/// The follow-up note of one year.
pub fn follow_up(
    ctx: &PageCtx,
    (id, intervention): (i64, &Intervention),
    year: i32,
    note: &str,
    errors: &FormErrors,
) -> Markup {
    let base = format!("/evaluate/plan/{id}");
    let title = format!("{} {year}", ctx.t("Uppföljning", "Follow-up"));
    let body = html! {
        form method="post" action=(format!("{base}/follow-up/{year}")) class="stack" novalidate {
            (csrf_field(ctx))
            (area(ctx, errors, ("note", ctx.t("Uppföljningen", "The follow-up")),
                Some(ctx.t(
                    "Vad gjordes, hur blev det och vad ändras till nästa år? Lämna tomt för att ta bort uppföljningen.",
                    "What was done, how did it go and what changes next year? Leave empty to remove the follow-up."
                )), note))
            (actions(ctx.t("Spara uppföljningen", "Save the follow-up"), (&base, ctx.t("Avbryt", "Cancel"))))
        }
    };
    let lead = format!(
        "{} {}",
        ctx.t("Insats:", "Intervention:"),
        intervention.title
    );
    form_page(ctx, errors, &title, Some(&lead), body)
}
