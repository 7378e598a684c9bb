//! `trygg wave create|close|population|schools` and `trygg export`.

use std::io::Write;
use std::path::Path;

use crate::collect::export::{self, Format};
use crate::collect::wave::{NewWave, format_time};
use crate::collect::{Access, Wave, population};
use crate::config::Settings;
use crate::i18n::Lang;
use crate::problems::Problems;
use crate::store;
use crate::survey::Text;

use super::{FAILED, OK, open_database};

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
    access: &str,
    when: When<'_>,
) -> i32 {
    let Some(catalog) = super::load_catalog(settings) else {
        return FAILED;
    };
    let parsed = NewWave::parse(&catalog, survey, slug, access, when.opens, when.closes);
    let new = match NewWave::with_period(parsed, when.period) {
        Ok(new) => new,
        Err(problems) => {
            for (field, message) in problems {
                eprintln!("--{field}: {message}");
            }
            return FAILED;
        }
    };
    let Some(db) = open_database(settings).await else {
        return FAILED;
    };
    match store::waves::create(&db, &new, "cli").await {
        Ok(wave) => {
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
            OK
        }
        Err(e) => {
            eprintln!("{e}");
            FAILED
        }
    }
}

/// `trygg wave close`: closes the wave and computes its final indicators.
pub async fn close(settings: &Settings, slug: &str) -> i32 {
    let Some((db, catalog, _)) = wave_from_cli(settings, slug, "wave close").await else {
        return FAILED;
    };
    match store::waves::close(&db, slug, "cli").await {
        Ok(wave) => {
            let responses = store::waves::response_count(&db, &wave.id)
                .await
                .unwrap_or(0);
            println!(
                "closed wave {} with {responses} responses; its e-mail addresses and drafts are deleted",
                wave.slug
            );
            if let Err(e) = crate::evaluate::refresh::recompute(&db, &catalog, &wave).await {
                eprintln!("the wave is closed, but its indicators could not be computed: {e}");
                return FAILED;
            }
            OK
        }
        Err(e) => {
            eprintln!("{e}");
            FAILED
        }
    }
}

/// `trygg indicators`: the wave's published indicators, as `GET /api/v1/waves/{slug}/indicators`
/// gives them; with `recompute`, estimated afresh from the stored responses and stored.
pub async fn indicators(settings: &Settings, slug: &str, format: &str, recompute: bool) -> i32 {
    if !matches!(format, "json" | "csv") {
        eprintln!("--format: `{format}` is not one of json, csv");
        return FAILED;
    }
    let Some((db, catalog, wave)) = wave_from_cli(settings, slug, "--wave").await else {
        return FAILED;
    };
    if recompute && let Err(e) = crate::evaluate::refresh::recompute(&db, &catalog, &wave).await {
        eprintln!("wave {slug}: {e}");
        return FAILED;
    }
    let result = match crate::evaluate::wave_indicators(&db, &catalog, &wave).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wave {slug}: {e}");
            return FAILED;
        }
    };
    let text = if format == "csv" {
        crate::evaluate::csv_out::wave(&result)
    } else {
        match serde_json::to_string_pretty(&result) {
            Ok(t) => t + "\n",
            Err(e) => {
                eprintln!("cannot write the indicators: {e}");
                return FAILED;
            }
        }
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("cannot write the indicators: {e}");
            FAILED
        }
    }
}

/// `trygg export`: the wave's responses on stdout.
pub async fn export(settings: &Settings, slug: &str, format: &str) -> i32 {
    let Some(format) = Format::parse(format) else {
        eprintln!("--format: `{format}` is not one of csv, jsonl");
        return FAILED;
    };
    let Some((db, catalog, wave)) = wave_from_cli(settings, slug, "--wave").await else {
        return FAILED;
    };
    let Some(survey) = catalog.version(&wave.survey_id, wave.survey_version) else {
        eprintln!(
            "wave {slug} was collected with survey {} version {}, which is not in {}; restore that file to export",
            wave.survey_id,
            wave.survey_version,
            settings.surveys_dir.display()
        );
        return FAILED;
    };
    let rows = match store::responses::export_rows(&db, &wave.id).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("database: {e}");
            return FAILED;
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let with_design = wave.access == Access::Class;
    match export::write(&survey, &rows, with_design, format, &mut out).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("cannot write the export: {e}");
            FAILED
        }
    }
}

/// The questionnaires, the database and the wave named on the command line; `None` after
/// printing why not (`flag` names the argument the slug came from).
pub(crate) async fn wave_from_cli(
    settings: &Settings,
    slug: &str,
    flag: &str,
) -> Option<(
    sea_orm::DatabaseConnection,
    crate::survey::SurveyCatalog,
    Wave,
)> {
    let catalog = super::load_catalog(settings)?;
    let db = open_database(settings).await?;
    match store::waves::find_by_slug(&db, slug).await {
        Ok(Some(wave)) => Some((db, catalog, wave)),
        Ok(None) => {
            eprintln!("{flag}: no wave with slug `{slug}`");
            None
        }
        Err(e) => {
            eprintln!("database: {e}");
            None
        }
    }
}

/// A CSV file named by `--file`, or `None` after printing why it cannot be read.
fn read_csv_file(file: &Path) -> Option<String> {
    match std::fs::read(file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                eprintln!("{}: not UTF-8 text; save the CSV as UTF-8", file.display());
                None
            }
        },
        Err(e) => {
            eprintln!("{}: cannot read: {e}", file.display());
            None
        }
    }
}

/// Each problem of a refused file as `FILE: rad 3: …` in English, and the count of the rest.
fn print_problems(file: &Path, problems: &Problems<Text>) {
    for problem in problems {
        eprintln!("{}: {}", file.display(), problem.en);
    }
    if let Some(more) = problems.more_line(Lang::En) {
        eprintln!("{}: {more}", file.display());
    }
    eprintln!("{}: nothing was stored", file.display());
}

/// `trygg wave population SLUG --file F.csv`: the population totals of the wave page (totals
/// per cell of the survey's background questions), replacing those stored before.
pub async fn population(settings: &Settings, slug: &str, file: &Path) -> i32 {
    let Some(text) = read_csv_file(file) else {
        return FAILED;
    };
    let Some((db, catalog, wave)) = wave_from_cli(settings, slug, "SLUG").await else {
        return FAILED;
    };
    let Some(survey) = catalog.version(&wave.survey_id, wave.survey_version) else {
        eprintln!(
            "wave {slug} uses survey {} version {}, which is not in {}",
            wave.survey_id,
            wave.survey_version,
            settings.surveys_dir.display()
        );
        return FAILED;
    };
    let cells = match population::parse_totals(&survey, &text) {
        Ok(cells) => cells,
        Err(problems) => {
            print_problems(file, &problems);
            return FAILED;
        }
    };
    if let Err(e) = store::population::replace_totals(&db, &wave.id, &cells, "cli").await {
        eprintln!("database: {e}");
        return FAILED;
    }
    let persons: i128 = cells.iter().map(|c| i128::from(c.total)).sum();
    println!(
        "stored {} population cells ({persons} persons) for wave {}",
        cells.len(),
        wave.slug
    );
    OK
}

/// `trygg wave schools SLUG --file F.csv`: the number of classes per school of a class wave
/// (`school,classes`), replacing those stored before.
pub async fn schools(settings: &Settings, slug: &str, file: &Path) -> i32 {
    let Some(text) = read_csv_file(file) else {
        return FAILED;
    };
    let Some((db, _, wave)) = wave_from_cli(settings, slug, "SLUG").await else {
        return FAILED;
    };
    if wave.access != Access::Class {
        eprintln!(
            "wave {slug} is not answered in class sessions ({} access); classes per school are for class waves",
            wave.access.id()
        );
        return FAILED;
    }
    let schools = match population::parse_school_classes(&text) {
        Ok(schools) => schools,
        Err(problems) => {
            print_problems(file, &problems);
            return FAILED;
        }
    };
    if let Err(e) = store::population::replace_school_classes(&db, &wave.id, &schools, "cli").await
    {
        eprintln!("database: {e}");
        return FAILED;
    }
    println!(
        "stored the number of classes of {} schools for wave {}",
        schools.len(),
        wave.slug
    );
    OK
}
