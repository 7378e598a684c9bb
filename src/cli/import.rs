//! `trygg import --wave SLUG --file F`: responses from JSON lines or an export's CSV.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use crate::collect::import::{self, FileFormat, Importer, ReadError};
use crate::config::Settings;
use crate::problems::Problems;

use super::waves::wave_from_cli;
use super::{FAILED, OK};

/// Reads the file, checks every line as the API would and stores all of it or nothing.
pub async fn import(settings: &Settings, slug: &str, file: &Path) -> i32 {
    let name = file.display();
    let mut reader = match std::fs::File::open(file) {
        Ok(f) => BufReader::with_capacity(1 << 16, f),
        Err(e) => {
            eprintln!("{name}: cannot read: {e}");
            return FAILED;
        }
    };
    let format = match reader.fill_buf() {
        Ok(start) => FileFormat::detect(start, file),
        Err(e) => {
            eprintln!("{name}: cannot read: {e}");
            return FAILED;
        }
    };
    let Some((db, catalog, wave)) = wave_from_cli(settings, slug, "--wave").await else {
        return FAILED;
    };
    let Some(survey) = catalog.version(&wave.survey_id, wave.survey_version) else {
        eprintln!(
            "wave {slug} uses survey {} version {}, which is not in {}; restore that file to import",
            wave.survey_id,
            wave.survey_version,
            settings.surveys_dir.display()
        );
        return FAILED;
    };
    let mut importer = match Importer::begin(&db, wave.clone(), survey, "cli").await {
        Ok(i) => i,
        Err(e) => {
            eprintln!("database: {e}");
            return FAILED;
        }
    };
    let read = match format {
        FileFormat::JsonLines => import::read_json_lines(&mut importer, reader).await,
        FileFormat::Csv => import::read_csv(&mut importer, reader).await,
    };
    if let Err(e) = read {
        // Dropping the importer rolls its transaction back.
        match e {
            ReadError::Io(e) => eprintln!("{name}: cannot read: {e}"),
            ReadError::Database(e) => eprintln!("database: {e}"),
        }
        eprintln!("{name}: nothing was stored");
        return FAILED;
    }
    let report = match importer.finish().await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("database: {e}");
            eprintln!("{name}: nothing was stored");
            return FAILED;
        }
    };
    if !report.problems.is_empty() {
        print_problems(&name.to_string(), &report.problems);
        return FAILED;
    }
    if report.stored + report.already == 0 {
        eprintln!("{name}: no responses in the file; nothing was stored");
        return FAILED;
    }
    // The wave's indicators count the imported answers from now on (a server would recompute
    // them within seconds; a closed wave of an earlier year gets no other trigger).
    if report.stored > 0
        && let Err(e) = crate::evaluate::refresh::recompute(&db, &catalog, &wave).await
    {
        eprintln!("{name}: stored, but the wave's indicators could not be computed: {e}");
    }
    let kind = match format {
        FileFormat::JsonLines => "JSON lines",
        FileFormat::Csv => "CSV",
    };
    // A closed stdout is reported, not a panic (what was stored stays stored).
    let line = format!(
        "{name} ({kind}) into wave {slug}: stored {}, already there {}\n",
        report.stored, report.already
    );
    let mut out = std::io::stdout().lock();
    match out.write_all(line.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("{name}: stored {}, but stdout failed: {e}", report.stored);
            FAILED
        }
    }
}

fn print_problems(name: &str, problems: &Problems<String>) {
    for problem in problems {
        eprintln!("{name}: {problem}");
    }
    if let Some(more) = problems.more_line(crate::i18n::Lang::En) {
        eprintln!("{name}: {more}");
    }
    let lines = problems.total();
    eprintln!(
        "{name}: {lines} problem{}; nothing was stored",
        if lines == 1 { "" } else { "s" }
    );
}
