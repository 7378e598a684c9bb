//! Markup of one wave's admin page: its state with the open/close buttons, and its population
//! figures. Each part is a `<section>` of its own, so further parts (invitations) slot in.

use std::sync::Arc;

use maud::{Markup, PreEscaped, html};

use crate::collect::population::{MAX_CELL_TOTAL, PopulationCell, margins};
use crate::collect::{Access, Wave, WaveState};
use crate::config::Settings;
use crate::i18n::Lang;
use crate::store::invitations::Summary;
use crate::survey::Survey;
use crate::web::admin::waves::access_name;
use crate::web::extract::PageCtx;
use crate::web::markup::forms::FormErrors;
use crate::web::markup::words::{count, period, state_name};
use crate::web::markup::{csrf_field, layout, public_url};

pub const POPULATION_FIELD: &str = "population-csv";
pub const SCHOOLS_FIELD: &str = "schools-csv";
/// The button that builds the totals from SCB's population (its problems link to it).
pub const SCB_FIELD: &str = "population-scb";

/// What the page shows about a wave.
pub struct WavePage {
    pub wave: Wave,
    /// The wave's name: its questionnaire's title and its year.
    pub name: String,
    pub settings: Arc<Settings>,
    /// The stored population cells.
    pub cells: Vec<PopulationCell>,
    /// The questionnaire version the wave answers; `None` when that version is not loaded.
    pub survey: Option<Arc<Survey>>,
    pub responses: u64,
    /// (cells, sum of totals) stored.
    pub totals: (u64, i128),
    pub schools: Vec<(String, i32)>,
    /// Invitation waves: where sending stands.
    pub invitations: Option<Summary>,
    /// How the computation of the wave's indicators stands (why it failed, if it did).
    pub computation: Option<crate::entities::indicator_result::Model>,
    /// The wave's latest publication: none while it is open.
    pub published: Option<crate::evaluate::WaveIndicators>,
    /// The latest year of SCB population figures by age for the municipality (stored by the
    /// lägesbild) when the survey can take them; `None` when there are none.
    pub scb_year: Option<String>,
}

/// The pasted CSV texts (kept when refused) and their problems.
#[derive(Debug, Default)]
pub struct CsvForms {
    pub population: String,
    pub schools: String,
    pub errors: FormErrors,
}

/// The confirmation after a redirect (`?done=`), in the visitor's language.
pub fn notice(ctx: &PageCtx, done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => ctx
            .lang
            .pick("Omgången är skapad.", "The wave has been created."),
        "opened" => ctx.lang.pick("Omgången är öppen.", "The wave is open."),
        "closed" => ctx.lang.pick("Omgången är stängd.", "The wave is closed."),
        "population" => ctx.lang.pick(
            "Befolkningstalen är sparade.",
            "The population totals are saved.",
        ),
        "schools" => ctx.lang.pick(
            "Klasserna per skola är sparade.",
            "The classes per school are saved.",
        ),
        _ => return None,
    })
}

pub fn page(ctx: &PageCtx, page: &WavePage, forms: &CsvForms, notice: Option<&str>) -> Markup {
    let wave = &page.wave;
    let title = page.name.clone();
    layout(
        ctx,
        &forms.errors.title(ctx, &title),
        html! {
            (forms.errors.summary(ctx))
            p { a href="/admin/waves" { (ctx.t("Alla omgångar", "All waves")) } }
            h1 { (title) }
            @if let Some(notice) = notice {
                p class="notice" role="status" { (notice) }
            }
            (status_section(ctx, page))
            // A closed wave's address leads nowhere: no link, no QR code to print.
            @if wave.access == Access::Open && wave.state() != WaveState::Closed {
                (open_link_section(ctx, page))
            }
            (indicators_section(ctx, page))
            (population_section(ctx, page, forms))
            @if wave.access == Access::Class {
                (schools_section(ctx, page, forms))
            }
            @if let Some(summary) = &page.invitations {
                (invitations_section(ctx, wave, summary))
            }
        },
    )
}

/// Where sending stands, without addresses; the invitation page has the upload and reminders.
fn invitations_section(ctx: &PageCtx, wave: &Wave, summary: &Summary) -> Markup {
    html! {
        section aria-labelledby="invitations-title" id="invitations" {
            h2 id="invitations-title" { (ctx.t("Inbjudningar", "Invitations")) }
            dl class="facts" {
                dt { (ctx.t("Inbjudna", "Invited")) } dd { (summary.invited) }
                dt { (ctx.t("Skickade", "Sent")) } dd { (summary.sent) }
                dt { (ctx.t("Väntar", "Waiting")) } dd { (summary.waiting) }
                dt { (ctx.t("Kunde inte skickas", "Could not be sent")) } dd { (summary.failed) }
                dt { (ctx.t("Har svarat", "Have answered")) } dd { (summary.answered) }
            }
            @if !summary.errors.is_empty() {
                p class="error-message" { (ctx.t("Fel vid utskick:", "Sending errors:")) }
                ul { @for (message, count) in &summary.errors { li { (message) " – " (count) } } }
            }
            p { a href={ "/admin/waves/" (wave.slug) "/invitations" } {
                (ctx.t("Lägg till adresser, skicka påminnelse", "Add addresses, send a reminder"))
            } }
        }
    }
}

fn status_section(ctx: &PageCtx, page: &WavePage) -> Markup {
    let wave = &page.wave;
    let state = wave.state();
    html! {
        section aria-labelledby="status-title" {
            h2 id="status-title" { (ctx.t("Status", "State")) }
            dl class="facts" {
                dt { (ctx.t("Enkät", "Questionnaire")) }
                dd {
                    @if let Some(s) = &page.survey { (s.title.get(ctx.lang)) ", " } @else { (wave.survey_id) ", " }
                    (ctx.t("version", "version")) " " (wave.survey_version)
                }
                dt { (ctx.t("Kortnamn (i länken)", "Short name (in the link)")) }
                dd { (wave.slug) }
                dt { (ctx.t("Åtkomst", "Access")) }
                dd { (access_name(ctx, wave.access)) }
                dt { (ctx.t("Status", "State")) }
                dd { strong { (state_name(ctx, state)) } }
                dt { (ctx.t("Undersökningsår", "Survey year")) }
                dd { (wave.period) }
                dt { (ctx.t("Period", "Period")) }
                dd { (period(ctx, wave)) }
                dt { (ctx.t("Svar", "Responses")) }
                dd { (ctx.lang.number(i128::from(page.responses))) }
                dt { (ctx.t("Hur man svarar", "How to answer")) }
                dd { @match (wave.access, state) {
                    (_, WaveState::Closed) => (ctx.t(
                        "Det går inte längre: omgången är stängd och tar inte emot fler svar.",
                        "Not any more: the wave is closed and takes no more answers."
                    )),
                    (Access::Open, WaveState::Scheduled) => {
                        (ctx.t("Alla med länken kan svara när omgången har öppnat:", "Anyone with the link can answer once the wave has opened:")) " "
                        a href={ "/s/" (wave.slug) } { (open_address(&page.settings, wave)) }
                    }
                    (Access::Open, WaveState::Open) => {
                        (ctx.t("Alla med länken kan svara:", "Anyone with the link can answer:")) " "
                        a href={ "/s/" (wave.slug) } { (open_address(&page.settings, wave)) }
                    }
                    (Access::Invite, _) => (ctx.t("Personliga länkar skickas med e-post.", "Personal links are sent by e-mail.")),
                    (Access::Class, _) => {
                        (ctx.t("Eleverna skriver in sin kod på", "Pupils type their code at")) " " code { "/k" } ". "
                        (ctx.t(
                            "Klasstillfällen öppnas av skolornas samordnare: konton med rollen skolsamordnare ser sin skola under Skola när de loggar in.",
                            "Class sessions are opened by the schools' coordinators: accounts with the school coordinator role see their school under School when they sign in."
                        )) " "
                        a href="/admin/users" { (ctx.t("Hantera konton", "Manage accounts")) }
                    }
                } }
            }
            @if state == WaveState::Scheduled {
                form method="post" action={ "/admin/waves/" (wave.slug) "/open" } {
                    (csrf_field(ctx))
                    button type="submit" class="secondary" { (ctx.t("Öppna nu", "Open now")) }
                }
            }
            @if state != WaveState::Closed {
                details class="confirm" {
                    summary { (ctx.t("Stäng omgången", "Close the wave")) }
                    form method="post" action={ "/admin/waves/" (wave.slug) "/close" } class="stack" {
                        (csrf_field(ctx))
                        p class="warning" { (ctx.t(
                            "När omgången stängs tas inga fler svar emot, och alla inbjudnas e-postadresser raderas. Det går inte att ångra.",
                            "Once the wave is closed no more answers are accepted, and every invited person's e-mail address is deleted. This cannot be undone."
                        )) }
                        button type="submit" class="danger" { (ctx.t("Stäng nu", "Close now")) }
                    }
                }
            }
        }
    }
}

/// The full address of an open wave, as printed on letters and posters.
pub fn open_address(settings: &Settings, wave: &Wave) -> String {
    format!(
        "{}/s/{}",
        settings.public_url.trim_end_matches('/'),
        wave.slug
    )
}

/// An open wave's address to copy, and its QR code to show and download (letters, posters).
fn open_link_section(ctx: &PageCtx, page: &WavePage) -> Markup {
    let wave = &page.wave;
    let address = open_address(&page.settings, wave);
    let qr = crate::web::admin::qr::svg(&address);
    html! {
        section aria-labelledby="link-title" id="link" {
            h2 id="link-title" { (ctx.t("Länk och QR-kod", "Link and QR code")) }
            (public_url::warning(ctx, &page.settings))
            @if wave.state() == WaveState::Scheduled {
                p class="notice" { (ctx.t(
                    "Omgången har inte öppnat än. Länken och QR-koden går att skriva ut i förväg, men den som svarar före öppningen får veta att enkäten inte är öppen.",
                    "The wave has not opened yet. The link and QR code can be printed in advance, but anyone answering before the opening is told that the questionnaire is not open."
                )) }
            }
            div class="field" {
                label for="wave-address" { (ctx.t("Enkätens adress", "The questionnaire's address")) }
                span class="hint" id="wave-address-hint" { (ctx.t(
                    "Markera och kopiera adressen till brev, affischer och webbsidor.",
                    "Select and copy the address for letters, posters and web pages."
                )) }
                input id="wave-address" type="text" readonly value=(address) class="copy" spellcheck="false"
                    aria-describedby="wave-address-hint";
            }
            @if let Some(svg) = qr {
                figure class="qr" {
                    div class="qr-image" role="img" aria-label=(format!("{} {address}", ctx.t("QR-kod till", "QR code for"))) {
                        (PreEscaped(svg))
                    }
                    figcaption {
                        a href={ "/admin/waves/" (wave.slug) "/qr.svg" } download={ (wave.slug) "-qr.svg" } {
                            (ctx.t("Ladda ner QR-koden (SVG)", "Download the QR code (SVG)"))
                        }
                    }
                }
            }
        }
    }
}

/// The wave's published indicators and what went into them; while the wave is open, only how
/// many have answered (anything more could be compared before and after an answer).
fn indicators_section(ctx: &PageCtx, page: &WavePage) -> Markup {
    let wave = &page.wave;
    let row = page.computation.as_ref();
    let closed = wave.state() == crate::collect::WaveState::Closed;
    html! {
        section aria-labelledby="indicators-title" id="indicators" {
            h2 id="indicators-title" { (ctx.t("Indikatorer", "Indicators")) }
            @match (&page.published, closed) {
                (None, false) => p { (ctx.t(
                    "Indikatorerna publiceras när omgången har stängt. Medan den är öppen visas bara hur många som har svarat: siffror som ändras med varje svar skulle visa vad den som just svarade har svarat.",
                    "The indicators are published once the wave has closed. While it is open only the number of responses is shown: figures that change with every answer would show what the person who just answered said."
                )) }
                (None, true) => p { (ctx.t(
                    "Indikatorerna räknas fram och publiceras inom kort.",
                    "The indicators are being computed and will be published shortly."
                )) }
                (Some(published), _) => {
                    @let info = &published.wave;
                    @let method = &info.method;
                    @if let Some(issue) = &method.calibration_issue {
                        div class="error-summary" role="alert" {
                            h3 { (ctx.t("Befolkningstalen används inte", "The population totals are not used")) }
                            p { (sentence(&issue.text_with(ctx.lang, page.survey.as_deref()))) }
                            p { (ctx.t(
                                "Skattningarna är därför inte kalibrerade. Slå ihop eller ta bort den cellen i befolkningstalen nedan så räknas de om.",
                                "The estimates are therefore not calibrated. Merge or remove that cell in the population totals below and they are computed again."
                            )) }
                        }
                    }
                    dl class="facts" {
                        dt { (ctx.t("Publicerade", "Published")) }
                        dd {
                            (info.published)
                            @if info.publication > 1 {
                                " (" (ctx.t("publicering", "publication")) " " (info.publication) ")"
                            }
                            @if !info.up_to_date {
                                " " (ctx.t("(omgången har ändrats; en ny publicering räknas fram)", "(the wave has changed; a new publication is being computed)"))
                            }
                        }
                        dt { (ctx.t("Svar", "Responses")) }
                        dd { (ctx.lang.number(i128::from(method.responses))) }
                        dt { (ctx.t("Utelämnade som opålitliga", "Left out as unreliable")) }
                        dd { (ctx.lang.number(i128::from(method.unreliable))) }
                        dt { (ctx.t("Kalibrering", "Calibration")) }
                        dd { @if method.calibration.is_weighted() {
                            (ctx.t("efterstratifierad till befolkningstalen", "post-stratified to the population totals"))
                            " (" (method.uncalibrated) " " (ctx.t("svarande utan kod i en kalibreringsvariabel utelämnade", "respondents without a code in a calibration variable left out")) ")"
                        } @else {
                            (ctx.t("ingen", "none"))
                        } }
                    }
                    p { (ctx.t("Hämta:", "Download:")) " "
                        a href={ "/api/v1/waves/" (wave.slug) "/indicators" } { "JSON" } " · "
                        a href={ "/api/v1/waves/" (wave.slug) "/indicators?format=csv&dialect=excel-sv" } { (ctx.t("CSV för Excel", "CSV for Excel")) } " · "
                        a href={ "/api/v1/waves/" (wave.slug) "/indicators?format=csv" } { (ctx.t("CSV för skript", "CSV for scripts")) }
                    }
                }
            }
            @if let Some(error) = row.and_then(|r| r.error.as_deref()).filter(|_| closed) {
                p class="error-message" { (ctx.t("Senaste beräkningen misslyckades:", "The last computation failed:")) " " (error) }
            }
        }
    }
}

/// A reason as a sentence: capital first letter, full stop.
fn sentence(text: &str) -> String {
    match text {
        "" => String::new(),
        _ => format!("{}.", crate::i18n::capitalised(text)),
    }
}

fn csv_field(
    ctx: &PageCtx,
    id: &str,
    label: &str,
    hint: Markup,
    text: &str,
    errors: &FormErrors,
) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div class=(errors.field_class(id)) {
            label for=(id) { (label) }
            div class="hint" id=(hint_id) { (hint) }
            @if errors.has(id) {
                p class="error-message" { (ctx.t(
                    "Inget sparades. Rätta raderna och klistra in igen:",
                    "Nothing was saved. Correct the lines and paste again:"
                )) }
            }
            (errors.at_field(ctx, id))
            textarea id=(id) name="csv" rows="10" spellcheck="false" class="code"
                aria-describedby=[errors.described_by(id, Some(&hint_id))] aria-invalid=[errors.has(id).then_some("true")] { (text) }
        }
    }
}

/// What CSV the two uploads read.
fn csv_format_hint(ctx: &PageCtx) -> &'static str {
    ctx.t(
        "Kolumnerna skiljs åt med komma eller semikolon (som Excel sparar CSV på svenska); citattecken runt fält går bra.",
        "Columns are separated by commas or semicolons (as a Swedish Excel saves CSV); quotes around fields are fine.",
    )
}

fn population_section(ctx: &PageCtx, page: &WavePage, forms: &CsvForms) -> Markup {
    let (cells, sum) = page.totals;
    let hint = html! {
        p { (ctx.t(
            "Klistra in en CSV-fil: första raden är id:n för bakgrundsfrågor och en kolumn total (eller antal), sedan en rad per cell med svaren och antalet personer i befolkningen. Svaren kan skrivas som koder eller som svarsalternativen på svenska eller engelska, som SCB:s tabeller skriver dem (”16–24 år”, ”kvinnor”, ”män”); stora och små bokstäver, bindestreck eller tankstreck och ”år” spelar ingen roll. Filen ska ge ett tal för varje kombination av de svar den nämner. Ett svar som filen inte nämner alls (t.ex. kön ”Annat”, som registren saknar) viktas inom de övriga variablerna. Uppladdningen ersätter tidigare siffror.",
            "Paste a CSV file: the first line holds background question ids and a total (or antal) column, then one line per cell with the answers and the number of people in the population. Answers may be written as codes or as the answer options in Swedish or English, as SCB's tables write them (“16–24 år”, “kvinnor”, “women”); case, hyphen or dash and “år” do not matter. The file must give a figure for every combination of the answers it names. An answer the file does not name at all (e.g. gender “Other”, which registers lack) is weighted within the other variables. An upload replaces earlier figures."
        )) }
        p { (csv_format_hint(ctx)) " " (match ctx.lang {
            Lang::Sv => format!("En cell får ha högst {} personer.", ctx.lang.number(MAX_CELL_TOTAL.into())),
            Lang::En => format!("A cell may hold at most {} people.", ctx.lang.number(MAX_CELL_TOTAL.into())),
        }) }
        @if let Some(survey) = &page.survey {
            @let questions: Vec<_> = survey.background_questions().collect();
            @if !questions.is_empty() {
                @let header: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
                @let row: Vec<&str> = questions.iter()
                    .filter_map(|q| q.choices().iter().find(|c| !c.missing).map(|c| c.code.as_str()))
                    .collect();
                p { (ctx.t("Exempel (alla bakgrundsfrågor, men färre går också):", "Example (every background question, but fewer will do):")) }
                pre { code { (header.join(",")) ",total\n" (row.join(",")) ",412" } }
            }
            dl class="codes" {
                @for q in &questions {
                    dt { code { (q.id) } " – " (q.text.get(ctx.lang)) }
                    dd { @for (i, c) in q.choices().iter().filter(|c| !c.missing).enumerate() {
                        @if i > 0 { ", " }
                        code { (c.code) } " " (c.label.get(ctx.lang))
                    } }
                }
            }
        }
    };
    html! {
        section aria-labelledby="population-title" {
            h2 id="population-title" { (ctx.t("Befolkningstal", "Population totals")) }
            p { (ctx.t(
                "Används för att vikta svaren så att de motsvarar befolkningen.",
                "Used to weight the answers so that they match the population."
            )) }
            p {
                @if cells == 0 {
                    (ctx.t("Inga befolkningstal är sparade.", "No population totals are stored."))
                } @else {
                    (ctx.t("Sparat:", "Stored:")) " " (count(cells, ctx.t("cell", "cell"), ctx.t("celler", "cells"), ctx.lang)) ", "
                    (ctx.t("sammanlagt", "in total")) " " (count(u64::try_from(sum).unwrap_or(u64::MAX), ctx.t("person", "person"), ctx.t("personer", "people"), ctx.lang)) "."
                }
            }
            (population_table(ctx, page))
            (collapse_note(ctx, page))
            @if page.survey.is_some() {
                form method="post" action={ "/admin/waves/" (page.wave.slug) "/population" } class="stack" {
                    (csrf_field(ctx))
                    (csv_field(ctx, POPULATION_FIELD, ctx.t("Befolkningstal (CSV)", "Population totals (CSV)"), hint, &forms.population, &forms.errors))
                    button type="submit" { (ctx.t("Spara befolkningstal", "Save population totals")) }
                }
                (scb_form(ctx, page, forms))
            } @else {
                p class="warning" { (ctx.t(
                    "Enkätversionen som omgången använder är inte inläst, så befolkningstal kan inte kontrolleras just nu.",
                    "The questionnaire version this wave uses is not loaded, so population totals cannot be checked right now."
                )) }
            }
        }
    }
}

/// The second way to the totals: SCB's population by age and sex for the municipality, as the
/// lägesbild stores it. Offered when there are such figures (or when using them was refused).
fn scb_form(ctx: &PageCtx, page: &WavePage, forms: &CsvForms) -> Markup {
    let area = page.settings.municipality.as_deref().unwrap_or_default();
    html! {
        @if let Some(year) = &page.scb_year {
            form method="post" action={ "/admin/waves/" (page.wave.slug) "/population/scb" } class="stack" {
                (csrf_field(ctx))
                input type="hidden" name="year" value=(year);
                div class=(forms.errors.field_class(SCB_FIELD)) {
                    p class="hint" id={ (SCB_FIELD) "-hint" } { (match ctx.lang {
                        Lang::Sv => format!("Eller bygg befolkningstalen av SCB:s folkmängd efter ålder och kön för område {area} år {year}, som lägesbilden har läst in: åldrarna summeras till enkätens åldersgrupper och könen till dess svar för kvinnor och män. Det ersätter tidigare siffror."),
                        Lang::En => format!("Or build the population totals from SCB's population by age and sex for the area {area} in {year}, as the lägesbild has imported it: the ages are summed into the survey's age groups and the sexes into its women and men. It replaces earlier figures."),
                    }) }
                    (forms.errors.at_field(ctx, SCB_FIELD))
                    button type="submit" id=(SCB_FIELD) aria-describedby=[forms.errors.described_by(SCB_FIELD, Some(&format!("{SCB_FIELD}-hint")))] {
                        (match ctx.lang {
                            Lang::Sv => format!("Använd SCB:s befolkningsstatistik ({year})"),
                            Lang::En => format!("Use SCB's population statistics ({year})"),
                        })
                    }
                }
            }
        } @else if forms.errors.has(SCB_FIELD) {
            div class=(forms.errors.field_class(SCB_FIELD)) id=(SCB_FIELD) tabindex="-1" {
                (forms.errors.at_field(ctx, SCB_FIELD))
            }
        }
    }
}

/// The stored totals per background variable, with the survey's labels and a total row each.
fn population_table(ctx: &PageCtx, page: &WavePage) -> Markup {
    let mut per_variable = margins(&page.cells);
    let survey = page.survey.as_deref();
    // The questionnaire's order of questions, not the alphabet.
    let order = |id: &str| {
        survey
            .and_then(|s| s.background_questions().position(|q| q.id == id))
            .unwrap_or(usize::MAX)
    };
    per_variable.sort_by_key(|(variable, _)| order(variable));
    html! {
        @for (variable, codes) in &per_variable {
            @let question = survey.and_then(|s| s.background_questions().find(|q| q.id == *variable));
            @let heading = question.map_or_else(|| variable.clone(), |q| q.text.get(ctx.lang).to_owned());
            @let total: i128 = codes.iter().map(|(_, n)| n).sum();
            div class="table-wrap" { table class="numbers" {
                caption { (heading) }
                thead { tr {
                    th scope="col" { (ctx.t("Svar", "Answer")) }
                    th scope="col" class="num" { (ctx.t("Personer", "People")) }
                } }
                tbody {
                    @for (code, n) in codes {
                        @let label = question
                            .and_then(|q| q.choices().iter().find(|c| c.code == *code))
                            .map_or_else(|| code.clone(), |c| c.label.get(ctx.lang).to_owned());
                        tr { th scope="row" { (label) } td class="num" { (ctx.lang.number(*n)) } }
                    }
                }
                tfoot { tr { th scope="row" { (ctx.t("Totalt", "Total")) } td class="num" { (ctx.lang.number(total)) } } }
            } }
        }
    }
}

/// Which answers the stored totals never name, and how their respondents are weighted instead
/// (the collapse of `evaluate::collapse`).
fn collapse_note(ctx: &PageCtx, page: &WavePage) -> Markup {
    let Some(survey) = page.survey.as_deref() else {
        return html! {};
    };
    let unnamed = crate::collect::population::unnamed_categories(survey, &page.cells);
    html! {
        @for (question, choices) in &unnamed {
            @let labels: Vec<&str> = choices.iter().map(|c| c.label.get(ctx.lang)).collect();
            @let others: Vec<String> = page.cells.first()
                .map(|c| c.cell.keys().filter(|k| **k != question.id)
                    .map(|k| survey.question(k).map_or_else(|| k.clone(), |q| q.text.get(ctx.lang).to_owned()))
                    .collect())
                .unwrap_or_default();
            p class="notice" {
                @match ctx.lang {
                    Lang::Sv => {
                        "Befolkningstalen saknar ”" (labels.join("”, ”")) "” för frågan ”" (question.text.sv) "”. De som svarat så viktas "
                        @if others.is_empty() { "mot hela befolkningen" } @else { "inom sin grupp för ”" (others.join("”, ”")) "”" }
                        ", med den andel de utgör av de svarande där; övriga delar på resten i befolkningstalens proportioner."
                    }
                    Lang::En => {
                        "The population totals have no “" (labels.join("”, “")) "” for the question “" (question.text.en) "”. Those who answered so are weighted "
                        @if others.is_empty() { "against the whole population" } @else { "within their group of “" (others.join("”, “")) "”" }
                        ", with the share they are of the respondents there; the others share the rest in the totals' proportions."
                    }
                }
            }
        }
        @if unnamed.len() > 1 {
            // Cells are collapsed over one question only.
            p class="notice warning" { (ctx.t(
                "Så kan svaren bara viktas i en fråga i taget: har någon svarat med svar som saknas i befolkningstalen i två frågor används inte befolkningstalen, och omgångens beräkning säger varför. Komplettera då filen.",
                "Answers can be weighted so in one question only: if someone answered with answers the totals lack in two questions, the totals are not used, and the wave's computation says why. Then complete the file."
            )) }
        }
    }
}

fn schools_section(ctx: &PageCtx, page: &WavePage, forms: &CsvForms) -> Markup {
    let hint = html! {
        p { (ctx.t(
            "Första raden är school,classes (eller school,classes,name), sedan en rad per skola: skolans id (samma som i skolsamordnarens konto), antalet klasser i årskursen och gärna skolans namn, som skolsamordnaren då ser. Uppladdningen ersätter tidigare siffror.",
            "The first line is school,classes (or school,classes,name), then one line per school: the school id (as in the coordinator's account), the number of classes in the year group and, preferably, the school's name, which the coordinator then sees. An upload replaces earlier figures."
        )) }
        p { (csv_format_hint(ctx)) }
    };
    let total: i128 = page.schools.iter().map(|(_, n)| i128::from(*n)).sum();
    html! {
        section aria-labelledby="schools-title" {
            h2 id="schools-title" { (ctx.t("Klasser per skola", "Classes per school")) }
            @if page.schools.is_empty() {
                p { (ctx.t("Inga skolor är sparade.", "No schools are stored.")) }
            } @else {
                div class="table-wrap" { table {
                    thead { tr {
                        th scope="col" { (ctx.t("Skola", "School")) }
                        th scope="col" { (ctx.t("Klasser", "Classes")) }
                    } }
                    tbody {
                        @for (school, classes) in &page.schools {
                            tr { td { (school) } td { (classes) } }
                        }
                    }
                    tfoot { tr { th scope="row" { (ctx.t("Totalt", "Total")) } td { (ctx.lang.number(total)) } } }
                } }
            }
            form method="post" action={ "/admin/waves/" (page.wave.slug) "/schools" } class="stack" {
                (csrf_field(ctx))
                (csv_field(ctx, SCHOOLS_FIELD, ctx.t("Klasser per skola (CSV)", "Classes per school (CSV)"), hint, &forms.schools, &forms.errors))
                button type="submit" { (ctx.t("Spara klasser per skola", "Save classes per school")) }
            }
        }
    }
}

/// The page instead of a closed wave's QR code (sent with 410).
pub fn no_qr_code(ctx: &PageCtx, wave: &Wave) -> Markup {
    let title = ctx.t("Ingen QR-kod", "No QR code");
    layout(
        ctx,
        title,
        html! {
            h1 { (title) }
            p { (ctx.t(
                "Omgången är stängd och tar inte emot fler svar, så dess QR-kod ska inte skrivas ut längre.",
                "The wave is closed and takes no more answers, so its QR code should no longer be printed."
            )) }
            p { a href={ "/admin/waves/" (wave.slug) } { (ctx.t("Tillbaka till omgången", "Back to the wave")) } }
        },
    )
}
