//! `trygg report --year Y | --agreement ID --format html|pdf [--lang sv|en]`: the annual
//! evaluation report, or the final follow-up of an agreement period, as the web page shows it
//! (the final one when it is marked final), on stdout.

use anyhow::{Context, anyhow};

use super::progress::Progress;
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

/// The annual report of `--year`, or the final follow-up of `--agreement`.
pub async fn report(
    settings: &Settings,
    (year, agreement): (Option<i32>, Option<String>),
    format: ReportFormat,
    lang: Lang,
) -> Result {
    let catalog = load_catalog(settings)?;
    let agreements = super::load_agreements(settings, &catalog)?;
    // A PDF takes seconds (Chromium starts and prints): its steps are shown on stderr.
    let progress = match format {
        ReportFormat::Pdf => Progress::steps("report", 2),
        ReportFormat::Html => Progress::hidden(),
    };
    progress.step("reading the figures");
    let db = open_database(settings).await?;
    let print = crate::web::evaluate::report::Print {
        municipality: settings.municipality_name.as_deref(),
        printed_at: crate::util::now(),
    };
    let (html, what) = match (year, agreement) {
        (_, Some(id)) => {
            let shown =
                crate::evaluate::final_follow_up::load(
                &db,
                &catalog,
                &agreements,
                (&id, settings.municipality.as_deref()),
            )
                    .await
                    .with_context(|| format!("final follow-up {id}"))?
                    .ok_or_else(|| {
                        let known: Vec<&str> = agreements.iter().map(|a| a.id.as_str()).collect();
                        anyhow!(
                            "--agreement: no agreement {id:?} is loaded (known: {}), and there is no final follow-up of it",
                            if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                        )
                    })?;
            let html = crate::web::evaluate::final_standalone(lang, &shown, &print);
            (html.into_string(), format!("final follow-up {id}"))
        }
        (Some(year), None) => (
            annual(
                &db,
                &catalog,
                &agreements,
                (year, settings.municipality.as_deref()),
                lang,
                &print,
            )
            .await?,
            format!("report {year}"),
        ),
        (None, None) => return Err(anyhow!("give --year YEAR or --agreement ID")),
    };
    let bytes = match format {
        ReportFormat::Pdf => {
            progress.step("printing the PDF with Chromium");
            crate::pdf::print(&html)
                .await
                .map_err(|e| super::with_message(e, |e| format!("{what}: {e}")))?
        }
        ReportFormat::Html => html.into_bytes(),
    };
    progress.finish();
    write_stdout(&bytes).context("cannot write the report")
}

async fn annual(
    db: &sea_orm::DatabaseConnection,
    catalog: &crate::survey::SurveyCatalog,
    agreements: &crate::agreement::AgreementCatalog,
    (year, municipality): (i32, Option<&str>),
    lang: Lang,
    print: &crate::web::evaluate::report::Print<'_>,
) -> Result<String> {
    let shown = crate::evaluate::report::load(db, catalog, agreements, (year, municipality))
        .await
        .with_context(|| format!("report {year}"))?
        .ok_or_else(|| {
            anyhow!("--year: no wave has the period {year}, and there is no final report for it")
        })?;
    Ok(crate::web::evaluate::report::standalone(lang, &shown, print).into_string())
}
