//! `trygg sources import --file F`: a lägesbild file (Kolada v3 JSON, SCB JSON-stat 2, a
//! fault-report export, the long format), recognised from its content and stored with its
//! provenance; the same file again stores nothing; a broken file stores nothing and says where.
//!
//! `trygg sources fetch kolada|scb …`: the same from the public APIs, each answer stored as a
//! file named by its address.

use std::path::Path;

use anyhow::{Context, anyhow};
use sea_orm::DatabaseConnection;

use super::{Result, load_catalog, open_database};
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
    let parsed = crate::sources::read(&bytes, &districts)
        .map_err(|e| anyhow!("{}: {e}; nothing was stored", file.display()))?;
    let db = open_database(settings).await?;
    store(&db, &parsed, &name, &bytes).await
}

/// Stores what a file or answer holds and says what happened.
async fn store(
    db: &DatabaseConnection,
    parsed: &crate::sources::Parsed,
    name: &str,
    bytes: &[u8],
) -> Result {
    let sha = crate::store::sources::sha256(bytes);
    let report = crate::store::sources::import(db, parsed, (name, &sha), "cli").await?;
    if let Some(earlier) = report.already {
        println!(
            "{name}: imported already on {} by {}; nothing stored",
            crate::local_time::readable(earlier.imported_at, crate::i18n::Lang::En),
            earlier.imported_by
        );
        return Ok(());
    }
    println!(
        "{name} ({}): {} rows, {} values stored, {} already stored, {} missing in the file; {}",
        parsed.format,
        parsed.rows,
        report.stored,
        report.unchanged,
        parsed.missing,
        parsed.source.licence()
    );
    if !parsed.unknown_areas.is_empty() {
        println!(
            "areas that are no district of the resident survey (stored as written): {}",
            parsed.unknown_areas.join(", ")
        );
    }
    Ok(())
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
            fetch::kolada(
                &client,
                api.unwrap_or(fetch::KOLADA),
                &kpis,
                &codes,
                years(&span)?,
            )
            .await?
        }
        Fetch::Scb { table, years: span } => {
            vec![
                fetch::scb(
                    &client,
                    api.unwrap_or(fetch::SCB),
                    &table,
                    &code,
                    years(&span)?,
                )
                .await?,
            ]
        }
    };
    let districts = crate::sources::districts(&catalog);
    let mut parsed = Vec::new();
    for page in &pages {
        let p = crate::sources::read(&page.body, &districts)
            .map_err(|e| anyhow!("{}: {e}; nothing was stored", page.url))?;
        parsed.push(p);
    }
    let db = open_database(settings).await?;
    for (page, p) in pages.iter().zip(&parsed) {
        store(&db, p, &page.url, &page.body).await?;
    }
    Ok(())
}
