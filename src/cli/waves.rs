//! `trygg wave create|close` and `trygg export`.

use std::io::Write;

use crate::collect::export::{self, Format};
use crate::collect::wave::{NewWave, format_time};
use crate::collect::{Access, Wave};
use crate::config::Settings;
use crate::store;

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

/// `trygg wave create`.
pub async fn create(
    settings: &Settings,
    survey: &str,
    slug: &str,
    access: &str,
    opens: Option<&str>,
    closes: Option<&str>,
) -> i32 {
    let catalog = match crate::survey::load_dir(&settings.surveys_dir) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            return FAILED;
        }
    };
    let new = match NewWave::parse(&catalog, survey, slug, access, opens, closes) {
        Ok(n) => n,
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
                "created wave {} of {} v{} ({} access), open {}",
                wave.slug,
                wave.survey_id,
                wave.survey_version,
                wave.access.id(),
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

/// `trygg wave close`.
pub async fn close(settings: &Settings, slug: &str) -> i32 {
    let Some(db) = open_database(settings).await else {
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
            OK
        }
        Err(e) => {
            eprintln!("{e}");
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
    let catalog = match crate::survey::load_dir(&settings.surveys_dir) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            return FAILED;
        }
    };
    let Some(db) = open_database(settings).await else {
        return FAILED;
    };
    let wave = match store::waves::find_by_slug(&db, slug).await {
        Ok(Some(w)) => w,
        Ok(None) => {
            eprintln!("--wave: no wave with slug `{slug}`");
            return FAILED;
        }
        Err(e) => {
            eprintln!("database: {e}");
            return FAILED;
        }
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
