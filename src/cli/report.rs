//! `trygg report --year Y --format html|pdf [--lang sv|en]`: the annual evaluation report as
//! the web page shows it (the final one when it is marked final), on stdout.

use std::io::Write as _;

use super::{FAILED, OK, open_database};
use crate::config::Settings;
use crate::i18n::Lang;

pub async fn report(settings: &Settings, year: i32, format: &str, lang: &str) -> i32 {
    if !matches!(format, "html" | "pdf") {
        eprintln!("--format: `{format}` is not one of html, pdf");
        return FAILED;
    }
    let Some(lang) = Lang::parse(lang) else {
        eprintln!("--lang: `{lang}` is not one of sv, en");
        return FAILED;
    };
    let Some(catalog) = super::load_catalog(settings) else {
        return FAILED;
    };
    let Some(db) = open_database(settings).await else {
        return FAILED;
    };
    let shown = match crate::evaluate::report::load(&db, &catalog, year).await {
        Ok(Some(shown)) => shown,
        Ok(None) => {
            eprintln!("--year: no wave has the period {year}, and there is no final report for it");
            return FAILED;
        }
        Err(e) => {
            eprintln!("report {year}: {e}");
            return FAILED;
        }
    };
    let html = crate::web::report::standalone(lang, &shown).into_string();
    let bytes = if format == "pdf" {
        match crate::pdf::print(&html).await {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("report {year}: {e}");
                return FAILED;
            }
        }
    } else {
        html.into_bytes()
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(&bytes).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("cannot write the report: {e}");
            FAILED
        }
    }
}
