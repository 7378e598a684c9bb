//! `trygg import`: responses collected elsewhere (on paper, in another tool, in earlier years)
//! brought into a wave.
//!
//! Every body goes through [`super::intake::from_import`], the API's own check of a submission, and is
//! idempotent as the API is: the same submission id with the same body is stored once, with
//! another body it is a conflict. Everything happens in one transaction: the checked bodies are
//! staged as the file is read and stored at the end by [`crate::store::import_staging`], and
//! committed only when no line had a problem: one bad line stores nothing.
//!
//! Imported responses are dated the first day of their wave (see [`submitted_on`]) and get
//! random ids like any other, so neither their date nor their order says anything about the
//! file they came from.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, Read};
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};
use serde_json::Value;
use sha2::Digest;

mod check;
mod csv_file;

pub use self::csv_file::read_csv;

use self::check::{Checker, LineCheck, Unchecked};
use super::submit::Submission;
use super::wave::{Access, Wave};
use crate::problems::Problems;
use crate::store::audit::AuditEvent;
use crate::store::import_staging;
use crate::survey::Survey;

/// Submissions written per statement batch (well within SQLite's 32,766 bound variables).
pub const BATCH: usize = 1024;
/// The longest line of a JSON-lines file: the API's body limit.
pub const MAX_LINE_BYTES: usize = 2 * 1024 * 1024;
/// Characters of a school id, as in the wave page's classes-per-school list.
pub const MAX_SCHOOL_CHARS: usize = 100;

/// The two formats `trygg import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// One API body per line (class waves: with `school` and `class`).
    JsonLines,
    /// The CSV of `trygg export --format csv`.
    Csv,
}

impl FileFormat {
    /// JSON lines when the first character that is not blank (or a byte-order mark) is `{`, or
    /// when the file is named `.jsonl`, `.ndjson` or `.json`; CSV otherwise.
    pub fn detect(start: &[u8], path: &std::path::Path) -> FileFormat {
        let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
        if start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            return FileFormat::JsonLines;
        }
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("jsonl" | "ndjson" | "json") => FileFormat::JsonLines,
            _ => FileFormat::Csv,
        }
    }
}

/// What an import did. When `problems` is not empty nothing was stored.
#[derive(Debug)]
pub struct Report {
    /// Responses stored now.
    pub stored: u64,
    /// Submissions stored before (by an earlier import of the same file, or the API).
    pub already: u64,
    /// `line N: …` for every line that could not be stored (the first [`crate::problems::SHOWN`]).
    pub problems: Problems<String>,
}

/// The date imported responses of a wave get: the first day of the wave (the day it opens, or
/// the day it was created when it opened at once), as `YYYY-MM-DD`.
///
/// Not the day of the import: that would put answers of an earlier year after the close of their
/// wave, and mark them apart from the rest by a date nobody answered on. The first day lies
/// within the wave's period whether the wave is closed or still open (a wave closed by hand may
/// have no closing date at all), and every imported row gets the same one, so the date says
/// nothing about a respondent.
pub fn submitted_on(wave: &Wave) -> String {
    let first = wave.opens_at.unwrap_or(wave.created_at);
    chrono::DateTime::from_timestamp(first, 0)
        .map(|t| t.date_naive().format("%Y-%m-%d").to_string())
        .unwrap_or_else(super::wave::today)
}

/// The cluster id of an imported class: a UUID (version 8) derived by SHA-256 from the wave, the
/// school and the class label, so the same class of a school is one cluster however many lines
/// name it, and a label such as `9A` at two schools is two clusters — as two class sessions are.
pub fn class_id(wave_id: &str, school: &str, label: &str) -> String {
    let digest = crate::util::sha256_hex(format!("trygg-class\0{wave_id}\0{school}\0{label}"));
    uuid_from_hex(&digest)
}

/// A UUID (version 8) from the first 32 hex digits of a SHA-256 digest.
fn uuid_from_hex(digest: &str) -> String {
    let mut bytes = [0u8; 16];
    // `digest` is always a SHA-256 digest's 64 hex digits (`util::sha256_hex`).
    if let Some(head) = digest.get(..32)
        && hex::decode_to_slice(head, &mut bytes).is_err()
    {
        bytes = [0u8; 16];
    }
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Checks lines (in chunks, on every core) and stages them inside one transaction;
/// [`Importer::finish`] stores and commits when every line was good and rolls back otherwise.
pub struct Importer {
    txn: DatabaseTransaction,
    checker: Arc<Checker>,
    submitted_on: String,
    actor: String,
    /// Lines read but not yet given to be checked, and their bytes (for JSON lines).
    unchecked: Vec<(u64, Unchecked)>,
    unchecked_bytes: usize,
    /// The chunks being checked, oldest first, while the ones before are staged.
    checking: VecDeque<tokio::task::JoinHandle<Vec<(u64, LineCheck)>>>,
    /// How many chunks are checked at once: one per core, and one more to keep them busy.
    window: usize,
    /// Checked bodies not yet staged, with their lines.
    pending: Vec<(u64, Submission)>,
    /// (line, message): sorted by line for the report (conflicts are found at the end).
    problems: Problems<(u64, String)>,
    stored: u64,
    already: u64,
    /// Lines given to be checked so far.
    checked: u64,
    /// Told the lines read so far after every [`BATCH`] of them.
    progress: Option<Box<dyn FnMut(u64) + Send>>,
}

/// Lines checked together on one thread, while the chunks before are checked and staged.
const CHUNK: usize = 4096;
/// A chunk is given to be checked once its lines hold this many bytes, however few they are:
/// with the chunks under way, what an import holds in memory stays some tens of megabytes.
const CHUNK_BYTES: usize = 4 << 20;
/// What a body made elsewhere (a CSV row) is counted as against [`CHUNK_BYTES`]: a parsed
/// body of the resident survey takes about this much (a chunk of CSV rows is 1,024 of them).
const BODY_BYTES: usize = 4 << 10;

impl Importer {
    /// Starts the transaction (on SQLite it holds the write lock until [`Importer::finish`]).
    /// `actor` is written to the audit log with the counts.
    pub async fn begin(
        db: &DatabaseConnection,
        wave: Wave,
        survey: Arc<Survey>,
        actor: &str,
    ) -> Result<Importer, ImportError> {
        let txn = crate::db::begin_write(db).await?;
        import_staging::create(&txn).await?;
        let schools = if wave.access == Access::Class {
            let list = crate::store::population::school_classes(&txn, &wave.id).await?;
            (!list.is_empty()).then(|| list.into_iter().map(|(school, _)| school).collect())
        } else {
            None
        };
        Ok(Importer {
            submitted_on: submitted_on(&wave),
            txn,
            checker: Arc::new(Checker {
                wave,
                survey,
                schools,
            }),
            actor: actor.to_owned(),
            unchecked: Vec::with_capacity(CHUNK),
            unchecked_bytes: 0,
            checking: VecDeque::new(),
            window: std::thread::available_parallelism().map_or(1, |n| n.get()) + 1,
            pending: Vec::with_capacity(BATCH),
            problems: Problems::new(),
            stored: 0,
            already: 0,
            checked: 0,
            progress: None,
        })
    }

    /// Calls `progress` with the number of lines read so far after every [`BATCH`] of them
    /// (for a command's progress; once per batch costs nothing measurable).
    pub fn on_progress(&mut self, progress: impl FnMut(u64) + Send + 'static) {
        self.progress = Some(Box::new(progress));
    }

    /// Lines given to be checked so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    pub fn wave(&self) -> &Wave {
        &self.checker.wave
    }

    pub fn survey(&self) -> &Survey {
        &self.checker.survey
    }

    /// Records a problem of a line that is not a body at all (a line too long, a bad CSV cell).
    pub fn problem(&mut self, line: u64, message: impl std::fmt::Display) {
        self.problems
            .push((line, format!("line {line}: {message}")));
    }

    /// Whether a problem was found so far (then nothing will be stored).
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// A body (API format; class waves with `school` and `class`) to check and store.
    pub async fn add(&mut self, line: u64, body: Value) -> Result<(), ImportError> {
        self.read(line, Unchecked::Body(body), BODY_BYTES).await
    }

    /// A line of JSON lines (blank space trimmed) to parse, check and store.
    pub async fn add_json(&mut self, line: u64, text: &[u8]) -> Result<(), ImportError> {
        self.read(line, Unchecked::Json(text.to_vec()), text.len())
            .await
    }

    async fn read(&mut self, line: u64, input: Unchecked, bytes: usize) -> Result<(), ImportError> {
        self.checked += 1;
        if self.checked.is_multiple_of(BATCH as u64)
            && let Some(progress) = &mut self.progress
        {
            progress(self.checked);
        }
        self.unchecked.push((line, input));
        self.unchecked_bytes += bytes;
        if self.unchecked.len() >= CHUNK || self.unchecked_bytes >= CHUNK_BYTES {
            self.check_next().await?;
        }
        Ok(())
    }

    /// Gives the lines read to be checked on a thread of their own, and stages the oldest
    /// chunks checked once more than [`Importer::window`] are under way.
    async fn check_next(&mut self) -> Result<(), ImportError> {
        if !self.unchecked.is_empty() {
            let chunk = std::mem::replace(&mut self.unchecked, Vec::with_capacity(CHUNK));
            self.unchecked_bytes = 0;
            let checker = Arc::clone(&self.checker);
            (self.checking).push_back(tokio::task::spawn_blocking(move || {
                checker.check_chunk(chunk)
            }));
        }
        while self.checking.len() > self.window {
            if let Some(oldest) = self.checking.pop_front() {
                self.take_checked(oldest).await?;
            }
        }
        Ok(())
    }

    /// Waits for a chunk's check and stages its good lines (a batch at a time); its bad ones
    /// are problems.
    async fn take_checked(
        &mut self,
        chunk: tokio::task::JoinHandle<Vec<(u64, LineCheck)>>,
    ) -> Result<(), ImportError> {
        let checked = chunk.await.map_err(ImportError::Check)?;
        for (line, check) in checked {
            match check {
                LineCheck::Good(submission) => {
                    self.pending.push((line, submission));
                    if self.pending.len() >= BATCH {
                        self.flush().await?;
                    }
                }
                LineCheck::Bad(messages, hidden) => {
                    for message in messages {
                        self.problem(line, message);
                    }
                    self.problems.count_more(hidden);
                }
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), ImportError> {
        import_staging::append(&self.txn, &self.pending).await?;
        self.pending.clear();
        Ok(())
    }

    /// Stores what was staged and commits when no line had a problem (repeats and conflicts
    /// are found here, once the whole file is staged); otherwise rolls back, so that nothing
    /// of the file is stored.
    pub async fn finish(mut self) -> Result<Report, ImportError> {
        self.check_next().await?;
        while let Some(chunk) = self.checking.pop_front() {
            self.take_checked(chunk).await?;
        }
        self.flush().await?;
        let checker = Arc::clone(&self.checker);
        let wave = &checker.wave;
        let resolved = import_staging::resolve(&self.txn, &wave.id).await?;
        let shown = resolved.conflicts.len() as u64;
        for (line, submission_id) in resolved.conflicts {
            self.problem(
                line,
                format!(
                    "submission {submission_id} was stored before with other answers (a response changed since it was imported, or two responses with one id)"
                ),
            );
        }
        (self.problems).count_more(resolved.conflict_count.saturating_sub(shown) as usize);
        self.already = resolved.repeated;
        if self.problems.is_empty() {
            self.stored = import_staging::store(&self.txn, &wave.id, &self.submitted_on).await?;
            if self.stored > 0 {
                crate::store::survey_versions::lock(
                    &self.txn,
                    &wave.survey_id,
                    wave.survey_version,
                )
                .await?;
                crate::store::indicators::mark_stale(&self.txn, &wave.id).await?;
                crate::store::audit::record_for_wave(
                    &self.txn,
                    &self.actor,
                    &wave.id,
                    &AuditEvent::WaveImport {
                        slug: wave.slug.clone(),
                        stored: self.stored,
                        already_there: self.already,
                    },
                )
                .await?;
            }
            import_staging::drop(&self.txn).await?;
            self.txn.commit().await?;
        } else {
            self.txn.rollback().await?;
            self.stored = 0;
        }
        let hidden = self.problems.hidden();
        let mut shown: Vec<(u64, String)> = self.problems.iter().cloned().collect();
        shown.sort_by_key(|(line, _)| *line);
        let mut problems: Problems<String> = shown.into_iter().map(|(_, p)| p).collect();
        problems.count_more(hidden);
        Ok(Report {
            stored: self.stored,
            already: self.already,
            problems,
        })
    }
}

/// Reads JSON lines into the importer: one body per line, blank lines skipped, line numbers
/// counted from 1. A line longer than [`MAX_LINE_BYTES`] is a problem of its own.
pub async fn read_json_lines(
    importer: &mut Importer,
    reader: impl BufRead,
) -> Result<(), ReadError> {
    let mut reader = reader;
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        line += 1;
        if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
            // Skip the rest of the line.
            let mut rest = Vec::new();
            loop {
                rest.clear();
                let n = (&mut reader).take(1 << 20).read_until(b'\n', &mut rest)?;
                if n == 0 || rest.last() == Some(&b'\n') {
                    break;
                }
            }
            importer.problem(
                line,
                format!(
                    "longer than {} MB, the API's limit for one body",
                    MAX_LINE_BYTES >> 20
                ),
            );
            continue;
        }
        let text = if line == 1 {
            buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf)
        } else {
            &buf
        };
        let text = text.trim_ascii();
        if text.is_empty() {
            continue;
        }
        importer.add_json(line, text).await?;
    }
    Ok(())
}

/// Why an import stopped: the database's error, or a thread checking lines that did not end
/// (a bug: the checks do not panic on any input).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("checking the lines failed: {0}")]
    Check(#[source] tokio::task::JoinError),
}

/// Why a file could not be read to its end (its problems are in the importer's report).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("checking the lines failed: {0}")]
    Check(#[source] tokio::task::JoinError),
}

impl From<ImportError> for ReadError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Database(e) => ReadError::Database(e),
            ImportError::Check(e) => ReadError::Check(e),
        }
    }
}

/// SHA-256 of a wave and an exported `response_id`: the same row of an export gets the same
/// submission id whether it comes as CSV or as JSON lines.
fn response_digest(wave_id: &str, response_id: &str) -> String {
    crate::util::sha256_hex(format!("trygg-import-csv\0{wave_id}\0id\0{response_id}"))
}

/// The submission id of a CSV row: a UUID (version 8) derived by SHA-256 from the wave and the
/// row's `response_id`; for a row without one, from its cells and how many identical rows came
/// before it in the file (two respondents who answered alike are two responses). Importing the
/// same file again gives the same ids, so nothing is stored twice. `identical` counts the rows
/// seen per content, keyed by the first 64 bits of its digest: 16 bytes a distinct row rather
/// than a hex text (a file of a million rows without ids took 96 MB for it, now some 40). Two
/// contents that share those bits (a chance of about 3·10⁻⁸ in a million rows) only share a
/// count, which is as stable from one import of the file to the next as the ids need.
pub fn csv_submission_id(
    wave_id: &str,
    response_id: Option<&str>,
    record: &csv::StringRecord,
    identical: &mut HashMap<u64, u32>,
) -> String {
    let digest = match response_id {
        Some(id) => response_digest(wave_id, id),
        None => {
            let cells: Vec<&str> = record.iter().map(str::trim).collect();
            let digest = sha2::Sha256::digest(cells.join("\u{1f}"));
            let content = hex::encode(digest);
            let mut head = [0u8; 8];
            head.copy_from_slice(&digest[..8]);
            let key = u64::from_be_bytes(head);
            let nth = identical.entry(key).or_insert(0);
            *nth += 1;
            crate::util::sha256_hex(format!(
                "trygg-import-csv\0{wave_id}\0row\0{content}\0{nth}"
            ))
        }
    };
    uuid_from_hex(&digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_told_by_the_content_or_else_the_name() {
        let p = std::path::Path::new;
        assert_eq!(
            FileFormat::detect(b"\xEF\xBB\xBF \n {\"a\":1}", p("x.csv")),
            FileFormat::JsonLines
        );
        assert_eq!(
            FileFormat::detect(b"response_id,language", p("x.jsonl")),
            FileFormat::JsonLines
        );
        assert_eq!(
            FileFormat::detect(b"response_id,language", p("x.txt")),
            FileFormat::Csv
        );
        assert_eq!(FileFormat::detect(b"", p("x")), FileFormat::Csv);
    }

    #[test]
    fn derived_ids_are_stable_uuids_and_identical_rows_stay_apart() {
        let record = csv::StringRecord::from(vec!["", "sv", "1"]);
        let mut seen = HashMap::new();
        let first = csv_submission_id("w", None, &record, &mut seen);
        let second = csv_submission_id("w", None, &record, &mut seen);
        assert_ne!(first, second);
        let mut again = HashMap::new();
        assert_eq!(csv_submission_id("w", None, &record, &mut again), first);
        assert_eq!(csv_submission_id("w", None, &record, &mut again), second);
        let by_id = csv_submission_id("w", Some("r1"), &record, &mut seen);
        assert_eq!(
            by_id,
            csv_submission_id("w", Some("r1"), &record, &mut HashMap::new())
        );
        assert_ne!(
            by_id,
            csv_submission_id("v", Some("r1"), &record, &mut seen)
        );
        let parsed = uuid::Uuid::parse_str(&by_id).expect("uuid");
        assert_eq!(parsed.get_version_num(), 8);
        assert_eq!(class_id("w", "s", "9A"), class_id("w", "s", "9A"));
        assert_ne!(class_id("w", "s", "9A"), class_id("w", "t", "9A"));
    }

    #[test]
    fn imported_rows_are_dated_the_first_day_of_their_wave() {
        let wave = Wave {
            id: "w".into(),
            slug: "w".into(),
            survey_id: "s".into(),
            survey_version: 1,
            access: Access::Open,
            opens_at: Some(1_677_628_800), // 2023-03-01
            closes_at: Some(1_680_220_800),
            closed_at: None,
            created_at: 1_700_000_000,
            period: 2023,
        };
        assert_eq!(submitted_on(&wave), "2023-03-01");
        let at_once = Wave {
            opens_at: None,
            ..wave
        };
        assert_eq!(submitted_on(&at_once), "2023-11-14");
    }
}
