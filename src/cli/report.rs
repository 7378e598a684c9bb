//! `trygg report --year Y --format html|pdf [--lang sv|en]`: the annual evaluation report as
//! the web page shows it (the final one when it is marked final), on stdout.

use anyhow::{Context, anyhow};

use super::{Result, load_catalog, open_database, write_stdout};
use crate::config::Settings;
use crate::i18n::Lang;

/// The formats of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// The page as the web shows it
    Html,
    /// A tagged PDF printed by headless Chromium
    Pdf,
}

pub async fn report(settings: &Settings, year: i32, format: ReportFormat, lang: Lang) -> Result {
    let catalog = load_catalog(settings)?;
    let db = open_database(settings).await?;
    let shown = crate::evaluate::report::load(&db, &catalog, year)
        .await
        .with_context(|| format!("report {year}"))?
        .ok_or_else(|| {
            anyhow!("--year: no wave has the period {year}, and there is no final report for it")
        })?;
    let print = crate::web::report::Print {
        municipality: settings.municipality_name.as_deref(),
        printed_at: crate::util::now(),
    };
    let html = crate::web::report::standalone(lang, &shown, &print).into_string();
    let bytes = match format {
        ReportFormat::Pdf => crate::pdf::print(&html)
            .await
            .map_err(|e| anyhow!("report {year}: {e}"))?,
        ReportFormat::Html => html.into_bytes(),
    };
    write_stdout(&bytes).context("cannot write the report")
}
