//! `trygg sources import --file F`: a lägesbild file (Kolada v3 JSON, SCB JSON-stat 2, a
//! fault-report export, the long format), recognised from its content and stored with its
//! provenance; the same file again stores nothing; a broken file stores nothing and says where.

use std::path::Path;

use anyhow::{Context, anyhow};

use super::{Result, load_catalog, open_database};
use crate::config::Settings;

pub async fn import(settings: &Settings, file: &Path) -> Result {
    let catalog = load_catalog(settings)?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed = crate::sources::read(&bytes, &crate::sources::districts(&catalog))
        .map_err(|e| anyhow!("{}: {e}; nothing was stored", file.display()))?;
    let db = open_database(settings).await?;
    let sha = crate::store::sources::sha256(&bytes);
    let report = crate::store::sources::import(&db, &parsed, (&name, &sha), "cli").await?;
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
    if let Some(next) = parsed.next_url {
        println!("the answer has a next page: {next}");
    }
    Ok(())
}
