//! `trygg sources import --file F`: a lägesbild file (Kolada v3 JSON, SCB JSON-stat 2, a
//! fault-report export, the long format), recognised from its content and stored with its
//! provenance; the same file again stores nothing; a broken file stores nothing and says where.
//!
//! `trygg sources fetch kolada|scb …`: the same from the public APIs, each answer stored as a
//! file named by its address.

use std::path::Path;

use anyhow::{Context, anyhow};
use sea_orm::DatabaseConnection;

use super::progress::{Progress, Unit};
use super::{Result, load_catalog, open_database, with_message, write_stdout};
use crate::config::Settings;
use crate::sources::fetch;

pub async fn import(settings: &Settings, file: &Path) -> Result {
    let catalog = load_catalog(settings)?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let districts = crate::sources::districts(&catalog);
    // A workbook's sheet tells its rows; a text file is followed by its bytes.
    let progress = if bytes.starts_with(b"PK\x03\x04") {
        Progress::new("sources import", None, Unit::Rows)
    } else {
        Progress::new("sources import", Some(bytes.len() as u64), Unit::Bytes)
    };
    progress.set_message(format!("reading {name}"));
    let mut known_total = None;
    let parsed = crate::sources::read_with_progress(&bytes, &districts, &mut |done, total| {
        if total > 0 && known_total != Some(total) {
            known_total = Some(total);
            progress.set_total(total);
        }
        progress.set_position(done);
    })
    .map_err(|e| {
        with_message(e, |e| {
            format!("{}: {e}; nothing was stored", file.display())
        })
    })?;
    progress.set_message(format!(
        "{} rows read, storing {} values",
        parsed.rows,
        parsed.observations.len()
    ));
    let db = open_database(settings).await?;
    let text = store(&db, &parsed, &name, &bytes, &progress).await?;
    progress.finish();
    write_stdout(text.as_bytes()).context("cannot write what was stored")
}

/// Stores what a file or answer holds; what happened, as the lines to print.
async fn store(
    db: &DatabaseConnection,
    parsed: &crate::sources::Parsed,
    name: &str,
    bytes: &[u8],
    progress: &Progress,
) -> Result<String> {
    let sha = crate::store::sources::sha256(bytes);
    let report = crate::store::sources::import(db, parsed, (name, &sha), "cli").await?;
    if let Some(earlier) = report.already {
        progress.set_message(format!("{name} imported already"));
        return Ok(format!(
            "{name}: imported already on {} by {}; nothing stored\n",
            crate::local_time::readable(earlier.imported_at, crate::i18n::Lang::En),
            earlier.imported_by
        ));
    }
    progress.set_message(format!("{} values stored", report.stored));
    let mut out = format!(
        "{name} ({}): {} rows, {} values stored, {} already stored, {} missing in the file; {}\n",
        parsed.format,
        parsed.rows,
        report.stored,
        report.unchanged,
        parsed.missing,
        parsed.source.licence()
    );
    if !parsed.unknown_areas.is_empty() {
        out.push_str(&format!(
            "areas that are no district of the resident survey (stored as written): {}\n",
            parsed.unknown_areas.join(", ")
        ));
    }
    Ok(out)
}

/// `2019-2025` or `2024`.
fn years(text: &str) -> Result<std::ops::RangeInclusive<i32>> {
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1950..=2100).contains(y))
    };
    let range = match text.split_once('-') {
        Some((a, b)) => year(a).zip(year(b)).map(|(a, b)| a..=b),
        None => year(text).map(|y| y..=y),
    };
    range
        .filter(|r| r.start() <= r.end() && r.end() - r.start() < 50)
        .ok_or_else(|| {
            anyhow!("--years: `{text}` is not a year or a span of years, e.g. 2019-2025")
        })
}

fn municipality(settings: &Settings) -> Result<String> {
    settings.municipality.clone().ok_or_else(|| {
        anyhow!(
            "the municipality's code is not set: municipality = \"1481\" in trygg.toml, or TRYGG_MUNICIPALITY=1481"
        )
    })
}

/// What to fetch.
pub enum Fetch {
    Kolada { kpis: String, years: String },
    Scb { table: String, years: String },
}

pub async fn fetch(settings: &Settings, what: Fetch, api: Option<&str>) -> Result {
    let catalog = load_catalog(settings)?;
    let code = municipality(settings)?;
    let client = fetch::client()?;
    // Kolada's pages are known one by one (each names the next); SCB answers in one.
    let progress = Progress::new("sources fetch", None, Unit::Pages);
    let pages = match what {
        Fetch::Kolada { kpis, years: span } => {
            let kpis: Vec<String> = kpis
                .split(',')
                .map(|k| k.trim().to_owned())
                .filter(|k| !k.is_empty())
                .collect();
            if kpis.is_empty()
                || kpis
                    .iter()
                    .any(|k| !k.chars().all(|c| c.is_ascii_alphanumeric()))
            {
                return Err(anyhow!("--kpi: give Kolada's KPI ids, e.g. N07540,N07403"));
            }
            let codes = [code, "0000".to_owned()];
            let api = api.unwrap_or(fetch::KOLADA);
            progress.set_message(format!("asking {api}"));
            let mut on_page = |pages: usize| {
                progress.set_position(pages as u64);
                progress.set_message(format!("{pages} fetched, asking for the next"));
            };
            fetch::kolada_paged(&client, api, &kpis, &codes, years(&span)?, &mut on_page).await?
        }
        Fetch::Scb { table, years: span } => {
            let api = api.unwrap_or(fetch::SCB);
            progress.set_message(format!("asking {api}"));
            vec![fetch::scb(&client, api, &table, &code, years(&span)?).await?]
        }
    };
    progress.set_position(pages.len() as u64);
    progress.set_total(pages.len() as u64);
    let districts = crate::sources::districts(&catalog);
    let mut parsed = Vec::new();
    for page in &pages {
        let p = crate::sources::read(&page.body, &districts)
            .map_err(|e| with_message(e, |e| format!("{}: {e}; nothing was stored", page.url)))?;
        parsed.push(p);
    }
    let db = open_database(settings).await?;
    let mut stored = 0;
    for (page, p) in pages.iter().zip(&parsed) {
        progress.set_message(format!("storing page {} of {}", stored + 1, pages.len()));
        let text = store(&db, p, &page.url, &page.body, &progress).await?;
        stored += 1;
        progress
            .suspend(|| write_stdout(text.as_bytes()))
            .context("cannot write what was stored")?;
    }
    progress.set_message(format!(
        "{stored} answer{} stored",
        if stored == 1 { "" } else { "s" }
    ));
    progress.finish();
    Ok(())
}
