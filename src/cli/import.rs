//! `trygg import --wave SLUG --file F`: responses from JSON lines or an export's CSV.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, anyhow, bail};

use crate::collect::import::{self, FileFormat, Importer, ReadError};
use crate::config::Settings;
use crate::problems::Problems;

use super::progress::{Progress, Unit};
use super::waves::wave_from_cli;
use super::{Result, write_stdout};

/// A reader that counts the bytes read through it, for the progress of a long file.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads the file, checks every line as the API would and stores all of it or nothing.
pub async fn import(settings: &Settings, slug: &str, file: &Path) -> Result {
    let name = file.display();
    let cannot_read = || format!("{name}: cannot read");
    let opened = std::fs::File::open(file).with_context(cannot_read)?;
    let size = opened.metadata().map(|m| m.len()).ok().filter(|&n| n > 0);
    let read_bytes = Arc::new(AtomicU64::new(0));
    let mut reader = BufReader::with_capacity(
        1 << 16,
        Counted {
            inner: opened,
            read: Arc::clone(&read_bytes),
        },
    );
    let format = FileFormat::detect(reader.fill_buf().with_context(cannot_read)?, file);
    let (db, catalog, wave) = wave_from_cli(settings, slug, "--wave").await?;
    let Some(survey) = catalog.version(&wave.survey_id, wave.survey_version) else {
        bail!(
            "wave {slug} uses survey {} version {}, which is not in {}; restore that file to import",
            wave.survey_id,
            wave.survey_version,
            settings.surveys_dir.display()
        );
    };
    let mut importer = Importer::begin(&db, wave.clone(), survey, "cli")
        .await
        .context("database")?;
    // The file's bytes read, with the responses checked: per batch of the importer.
    let progress = Progress::new("import", size, Unit::Bytes);
    {
        let progress = progress.clone();
        importer.on_progress(move |checked| {
            progress.set_message(format!("{checked} responses checked"));
            progress.set_position(read_bytes.load(Ordering::Relaxed));
        });
    }
    let read = match format {
        FileFormat::JsonLines => import::read_json_lines(&mut importer, reader).await,
        FileFormat::Csv => import::read_csv(&mut importer, reader).await,
    };
    progress.set_message(format!("{} responses checked, storing", importer.checked()));
    // On an error the importer is dropped, which rolls its transaction back.
    let finished = match read {
        Ok(()) => importer.finish().await.map_err(ReadError::from),
        Err(e) => Err(e),
    };
    let report = finished.map_err(|e| {
        let stopped = match e {
            ReadError::Io(e) => anyhow::Error::new(e).context(cannot_read()),
            ReadError::Database(e) => anyhow::Error::new(e).context("database"),
            check @ ReadError::Check(_) => anyhow::Error::new(check),
        };
        stopped.context(format!("{name}: nothing was stored"))
    })?;
    if !report.problems.is_empty() {
        // No bar between the problems, and no "done" line.
        drop(progress);
        return Err(refused(&name.to_string(), &report.problems));
    }
    if report.stored + report.already == 0 {
        bail!("{name}: no responses in the file; nothing was stored");
    }
    progress.set_message(format!(
        "{} stored, {} already there",
        report.stored, report.already
    ));
    progress.finish();
    let kind = match format {
        FileFormat::JsonLines => "JSON lines",
        FileFormat::Csv => "CSV",
    };
    // A closed stdout is reported, not a panic (what was stored stays stored).
    let line = format!(
        "{name} ({kind}) into wave {slug}: stored {}, already there {}\n",
        report.stored, report.already
    );
    // A closed wave's figures are published anew with the imported answers, checked against
    // its earlier publications: by the server's background task, not here, so that the import
    // itself stays small (estimating a million responses takes some 400 MB). An open wave
    // publishes when it closes.
    let next = if report.stored > 0 && wave.state() == crate::collect::WaveState::Closed {
        format!("{}\n", super::waves::republish_note(&wave))
    } else {
        String::new()
    };
    write_stdout(format!("{line}{next}").as_bytes())
        .with_context(|| format!("{name}: stored {}, but stdout failed", report.stored))
}

/// Each problem of the file on stderr, `FILE: line 3: …`, and the count of the rest; the error
/// that says nothing was stored.
fn refused(name: &str, problems: &Problems<String>) -> anyhow::Error {
    for problem in problems {
        eprintln!("{name}: {problem}");
    }
    if let Some(more) = problems.more_line(crate::i18n::Lang::En) {
        eprintln!("{name}: {more}");
    }
    let lines = problems.total();
    anyhow!(
        "{name}: {lines} problem{}; nothing was stored",
        if lines == 1 { "" } else { "s" }
    )
}
