//! `trygg wave create|close|population|schools` and `trygg export`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use futures_util::StreamExt;

use crate::collect::export::{self, Format};
use crate::collect::wave::{NewWave, format_time};
use crate::collect::{Access, Wave, population, scb_population};
use crate::config::Settings;
use crate::i18n::Lang;
use crate::problems::Problems;
use crate::store;
use crate::survey::Text;

use super::{Result, load_catalog, open_database, write_stdout};

fn period(wave: &Wave) -> String {
    let from = wave
        .opens_at
        .map(format_time)
        .unwrap_or_else(|| "now".to_owned());
    let until = wave
        .closes_at
        .map(format_time)
        .unwrap_or_else(|| "closed by hand".to_owned());
    format!("from {from} until {until}")
}

/// When a wave to create runs and which year it belongs to, as typed.
pub struct When<'a> {
    pub opens: Option<&'a str>,
    pub closes: Option<&'a str>,
    pub period: Option<&'a str>,
}

/// `trygg wave create`.
pub async fn create(
    settings: &Settings,
    survey: &str,
    slug: &str,
    access: Access,
    when: When<'_>,
) -> Result {
    let catalog = load_catalog(settings)?;
    let parsed = NewWave::parse(&catalog, survey, slug, access.id(), when.opens, when.closes);
    let new = NewWave::with_period(parsed, when.period).map_err(|problems| {
        // Every problem at once, one line each, so that one run shows all there is to fix.
        let lines: Vec<String> = (problems.into_iter())
            .map(|(field, message)| format!("--{field}: {message}"))
            .collect();
        anyhow!(lines.join("\n"))
    })?;
    let db = open_database(settings).await?;
    let wave = store::waves::create(&db, &new, "cli").await?;
    println!(
        "created wave {} of {} v{} ({} access) for {}, open {}",
        wave.slug,
        wave.survey_id,
        wave.survey_version,
        wave.access.id(),
        wave.period,
        period(&wave)
    );
    match wave.access {
        Access::Open => println!("respondents answer at /s/{}", wave.slug),
        Access::Invite => {
            println!("upload the e-mail addresses on /admin/waves/{}", wave.slug)
        }
        Access::Class => println!("school coordinators open class sessions on /school"),
    }
    Ok(())
}

/// `trygg wave close`: closes the wave and computes its final indicators.
pub async fn close(settings: &Settings, slug: &str) -> Result {
    let (db, catalog, _) = wave_from_cli(settings, slug, "wave close").await?;
    let wave = store::waves::close(&db, slug, "cli").await?;
    let responses = store::waves::response_count(&db, &wave.id)
        .await
        .unwrap_or(0);
    println!(
        "closed wave {} with {responses} responses; its e-mail addresses and drafts are deleted",
        wave.slug
    );
    crate::evaluate::refresh::recompute(&db, &catalog, &wave)
        .await
        .context("the wave is closed, but its indicators could not be computed")
}

/// The formats `trygg indicators` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IndicatorFormat {
    /// As `GET /api/v1/waves/{slug}/indicators` answers
    Json,
    /// The same rows as CSV, domain variables as columns
    Csv,
}

/// `trygg indicators`: the wave's published indicators, as `GET /api/v1/waves/{slug}/indicators`
/// gives them; with `recompute`, estimated afresh from the stored responses and stored.
pub async fn indicators(
    settings: &Settings,
    slug: &str,
    format: IndicatorFormat,
    recompute: bool,
) -> Result {
    let (db, catalog, wave) = wave_from_cli(settings, slug, "--wave").await?;
    if recompute {
        crate::evaluate::refresh::recompute(&db, &catalog, &wave)
            .await
            .with_context(|| format!("wave {slug}"))?;
    }
    let result = crate::evaluate::wave_indicators(&db, &catalog, &wave)
        .await
        .with_context(|| format!("wave {slug}"))?;
    let text = match format {
        IndicatorFormat::Csv => crate::evaluate::csv_out::wave(&result),
        IndicatorFormat::Json => {
            serde_json::to_string_pretty(&result).context("cannot write the indicators")? + "\n"
        }
    };
    write_stdout(text.as_bytes()).context("cannot write the indicators")
}

/// `trygg export`: a closed wave's responses on stdout. An open wave is refused: two exports
/// taken while answers arrive would show, by their difference, what the newest respondents
/// answered.
pub async fn export(settings: &Settings, slug: &str, format: Format) -> Result {
    let (db, catalog, wave) = wave_from_cli(settings, slug, "--wave").await?;
    let state = wave.state();
    if state != crate::collect::WaveState::Closed {
        bail!(
            "wave {slug} is {}: its responses can be exported once it has closed (`trygg wave close {slug}`)",
            state.id()
        );
    }
    let Some(survey) = catalog.version(&wave.survey_id, wave.survey_version) else {
        bail!(
            "wave {slug} was collected with survey {} version {}, which is not in {}; restore that file to export",
            wave.survey_id,
            wave.survey_version,
            settings.surveys_dir.display()
        );
    };
    // Streamed: a row is written as the database hands it over, so a million responses take no
    // more memory than one.
    let mut rows = store::responses::stream_export_rows(&db, &wave.id)
        .await
        .context("database")?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let with_design = wave.access == Access::Class;
    let cannot_write = "cannot write the export";
    export::write_start(&survey, with_design, format, &mut out).context(cannot_write)?;
    while let Some(row) = rows.next().await {
        let row = row.context("database")?;
        export::write_row(&survey, &row, with_design, format, &mut out).context(cannot_write)?;
    }
    out.flush().context(cannot_write)
}

/// The questionnaires, the database and the wave named on the command line (`flag` names the
/// argument the slug came from).
pub(crate) async fn wave_from_cli(
    settings: &Settings,
    slug: &str,
    flag: &str,
) -> Result<(
    sea_orm::DatabaseConnection,
    crate::survey::SurveyCatalog,
    Wave,
)> {
    let catalog = load_catalog(settings)?;
    let db = open_database(settings).await?;
    match store::waves::find_by_slug(&db, slug)
        .await
        .context("database")?
    {
        Some(wave) => Ok((db, catalog, wave)),
        None => bail!("{flag}: no wave with slug `{slug}`"),
    }
}

/// A CSV file named by `--file`, as UTF-8 text.
fn read_csv_file(file: &Path) -> Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    String::from_utf8(bytes)
        .map_err(|_| anyhow!("{}: not UTF-8 text; save the CSV as UTF-8", file.display()))
}

/// Each problem of a refused file as `FILE: rad 3: …` in English and the count of the rest, on
/// stderr; the error that says nothing was stored.
fn refused(file: &Path, problems: &Problems<Text>) -> anyhow::Error {
    refused_as(&file.display().to_string(), problems)
}

/// [`refused`] with another name before each line (`--from-scb`).
fn refused_as(name: &str, problems: &Problems<Text>) -> anyhow::Error {
    for problem in problems {
        eprintln!("{name}: {}", problem.en);
    }
    if let Some(more) = problems.more_line(Lang::En) {
        eprintln!("{name}: {more}");
    }
    anyhow!("{name}: nothing was stored")
}

/// What happens to the figures of a wave changed from the command line: a closed wave is
/// published anew by the server (an open one publishes when it closes).
pub(crate) fn republish_note(wave: &Wave) -> String {
    if wave.state() == crate::collect::WaveState::Closed {
        format!(
            "the wave's figures are published anew by a running trygg serve within seconds, or now with: trygg indicators --wave {} --recompute",
            wave.slug
        )
    } else {
        "the wave's figures are published when it closes".to_owned()
    }
}

/// `trygg wave population SLUG --file F.csv`: the population totals of the wave page (totals
/// per cell of the survey's background questions), replacing those stored before.
pub async fn population(settings: &Settings, slug: &str, file: &Path) -> Result {
    let text = read_csv_file(file)?;
    let (db, catalog, wave) = wave_from_cli(settings, slug, "SLUG").await?;
    let survey = wave_survey(settings, &catalog, &wave)?;
    let cells =
        population::parse_totals(&survey, &text).map_err(|problems| refused(file, &problems))?;
    store::population::replace_totals(&db, &wave.id, &cells, "cli")
        .await
        .context("database")?;
    let persons: i128 = cells.iter().map(|c| i128::from(c.total)).sum();
    println!(
        "stored {} population cells ({persons} persons) for wave {}",
        cells.len(),
        wave.slug
    );
    println!("{}", republish_note(&wave));
    Ok(())
}

/// The questionnaire version a wave answers, or why it cannot be checked.
fn wave_survey(
    settings: &Settings,
    catalog: &crate::survey::SurveyCatalog,
    wave: &Wave,
) -> Result<std::sync::Arc<crate::survey::Survey>> {
    match catalog.version(&wave.survey_id, wave.survey_version) {
        Some(survey) => Ok(survey),
        None => bail!(
            "wave {} uses survey {} version {}, which is not in {}",
            wave.slug,
            wave.survey_id,
            wave.survey_version,
            settings.surveys_dir.display()
        ),
    }
}

/// `trygg wave population SLUG --from-scb [--year YEAR] [--area CODE]`: the population totals
/// built from the SCB population figures the lägesbild stores (`trygg sources import` of SCB's
/// table by region, age and sex) for the area (default: the setting `municipality`) and year
/// (default: the latest stored), replacing those stored before, as an uploaded file would
/// (see `collect::scb_population` for how SCB's ages and sexes become the survey's answers).
pub async fn population_from_scb(
    settings: &Settings,
    slug: &str,
    year: Option<u16>,
    area: Option<&str>,
) -> Result {
    const NAME: &str = "--from-scb";
    let Some(area) = area
        .or(settings.municipality.as_deref())
        .map(str::trim)
        .filter(|a| !a.is_empty())
    else {
        bail!(
            "{NAME}: which area? Give --area CODE (e.g. 1481) or set the municipality's code (the setting `municipality`, TRYGG_MUNICIPALITY)"
        );
    };
    let (db, catalog, wave) = wave_from_cli(settings, slug, "SLUG").await?;
    let survey = wave_survey(settings, &catalog, &wave)?;
    let figures = store::population::scb_figures(&db, area)
        .await
        .context("database")?;
    let year = year.map(|y| y.to_string());
    let built = scb_population::build(&survey, area, &figures, year.as_deref())
        .map_err(|problems| refused_as(NAME, &problems))?;
    store::population::replace_totals(&db, &wave.id, &built.cells, "cli")
        .await
        .context("database")?;
    let persons: i128 = built.cells.iter().map(|c| i128::from(c.total)).sum();
    println!(
        "stored {} population cells ({persons} persons) for wave {} from SCB's population figures ({}) for {} in {}, by {}",
        built.cells.len(),
        wave.slug,
        built.content,
        built.area,
        built.year,
        built.questions.join(" and ")
    );
    for (question, choices) in population::unnamed_categories(&survey, &built.cells) {
        let answers: Vec<String> = choices
            .iter()
            .map(|c| format!("{} ({})", c.code, c.label.en))
            .collect();
        println!(
            "SCB has no figures for {} of {}: those respondents are weighted within their other groups",
            answers.join(", "),
            question.id
        );
    }
    println!("{}", republish_note(&wave));
    Ok(())
}

/// `trygg wave schools SLUG --file F.csv`: the number of classes per school of a class wave
/// (`school,classes`), replacing those stored before.
pub async fn schools(settings: &Settings, slug: &str, file: &Path) -> Result {
    let text = read_csv_file(file)?;
    let (db, _, wave) = wave_from_cli(settings, slug, "SLUG").await?;
    if wave.access != Access::Class {
        bail!(
            "wave {slug} is not answered in class sessions ({} access); classes per school are for class waves",
            wave.access.id()
        );
    }
    let schools = population::parse_schools(&text).map_err(|problems| refused(file, &problems))?;
    store::population::replace_schools(&db, &wave.id, &schools, "cli")
        .await
        .context("database")?;
    println!(
        "stored the number of classes of {} schools for wave {}",
        schools.len(),
        wave.slug
    );
    println!("{}", republish_note(&wave));
    Ok(())
}
