//! `trygg import`: responses collected elsewhere (on paper, in another tool, in earlier years)
//! brought into a wave.
//!
//! Every body goes through [`intake::from_import`], the API's own check of a submission, and is
//! stored by [`write_imported`], the API's own idempotent writer: the same submission id
//! with the same body is stored once, with another body it is a conflict. Everything is written
//! in one transaction, in batches as the file is read, and committed only when no line had a
//! problem: one bad line stores nothing.
//!
//! Imported responses are dated the first day of their wave (see [`submitted_on`]) and get
//! random ids like any other, so neither their date nor their order says anything about the
//! file they came from.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};
use std::sync::Arc;

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};
use serde_json::{Map, Value, json};

use super::class_session::MAX_LABEL_CHARS;
use super::csv_records::{BoundedRecords, too_long};
use super::intake;
use super::submit::{AccessProof, Outcome, Submission};
use super::wave::{Access, Wave};
use crate::problems::Problems;
use crate::safe_csv::unguard;
use crate::store::audit::AuditEvent;
use crate::store::submissions::write_imported;
use crate::survey::{QuestionKind, Survey};

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

/// Checks and stores bodies one by one inside one transaction; [`Importer::finish`] commits
/// when every body was good and rolls back otherwise.
pub struct Importer {
    txn: DatabaseTransaction,
    wave: Wave,
    survey: Arc<Survey>,
    /// A class wave's schools, when its classes-per-school list is uploaded.
    schools: Option<HashSet<String>>,
    submitted_on: String,
    actor: String,
    pending: Vec<(u64, Submission)>,
    locked: HashSet<(String, u32)>,
    /// (line, message): sorted by line for the report (a conflict is found a batch later).
    problems: Problems<(u64, String)>,
    stored: u64,
    already: u64,
    /// Bodies checked so far (given to [`Importer::add`]).
    checked: u64,
    /// Told the bodies checked so far after every [`BATCH`] of them.
    progress: Option<Box<dyn FnMut(u64) + Send>>,
}

impl Importer {
    /// Starts the transaction (on SQLite it holds the write lock until [`Importer::finish`]).
    /// `actor` is written to the audit log with the counts.
    pub async fn begin(
        db: &DatabaseConnection,
        wave: Wave,
        survey: Arc<Survey>,
        actor: &str,
    ) -> Result<Importer, DbErr> {
        let txn = crate::db::begin_write(db).await?;
        let schools = if wave.access == Access::Class {
            let list = crate::store::population::school_classes(&txn, &wave.id).await?;
            (!list.is_empty()).then(|| list.into_iter().map(|(school, _)| school).collect())
        } else {
            None
        };
        Ok(Importer {
            submitted_on: submitted_on(&wave),
            txn,
            wave,
            survey,
            schools,
            actor: actor.to_owned(),
            pending: Vec::with_capacity(BATCH),
            locked: HashSet::new(),
            problems: Problems::new(),
            stored: 0,
            already: 0,
            checked: 0,
            progress: None,
        })
    }

    /// Calls `progress` with the number of bodies checked so far after every [`BATCH`] of them
    /// (for a command's progress; once per batch costs nothing measurable).
    pub fn on_progress(&mut self, progress: impl FnMut(u64) + Send + 'static) {
        self.progress = Some(Box::new(progress));
    }

    /// Bodies checked so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    pub fn wave(&self) -> &Wave {
        &self.wave
    }

    pub fn survey(&self) -> &Survey {
        &self.survey
    }

    /// Records a problem of a line that is not a body at all (broken JSON, a bad CSV cell).
    pub fn problem(&mut self, line: u64, message: impl std::fmt::Display) {
        self.problems
            .push((line, format!("line {line}: {message}")));
    }

    /// Whether a problem was found so far (then nothing will be stored).
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Checks one body (API format; class waves with `school` and `class`) and stores it with
    /// the next batch.
    pub async fn add(&mut self, line: u64, body: Value) -> Result<(), DbErr> {
        self.checked += 1;
        if self.checked.is_multiple_of(BATCH as u64)
            && let Some(progress) = &mut self.progress
        {
            progress(self.checked);
        }
        let mut problems: Vec<String> = Vec::new();
        let mut hidden = 0;
        let Value::Object(map) = &body else {
            self.problem(
                line,
                "not a JSON object; each line is one body like {\"submission_id\": …, \"answers\": {…}}",
            );
            return Ok(());
        };
        let design = self.design(map, &mut problems);
        match intake::from_import(&self.wave, &self.survey, body, design) {
            Ok(submission) if problems.is_empty() => self.pending.push((line, submission)),
            Ok(_) => {}
            Err(intake::Refusal::Malformed(message)) => problems.push(message),
            Err(intake::Refusal::Answers(answers)) => {
                problems.extend(
                    (answers.iter()).map(|p| format!("question {}: {}", p.question, p.message)),
                );
                hidden = answers.hidden();
            }
            // No code is asked of an import; kept for completeness.
            Err(intake::Refusal::MissingCode) => problems.push("an access code is missing".into()),
        }
        for message in problems {
            self.problem(line, message);
        }
        self.problems.count_more(hidden);
        if self.pending.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// The design variables of a body: a class wave's `school` (one of the wave's schools when
    /// it has a list) and `class` (a label as a class session takes it); nothing otherwise.
    fn design(&self, body: &Map<String, Value>, problems: &mut Vec<String>) -> AccessProof {
        let given = |key: &str| body.get(key).filter(|v| !v.is_null());
        let (school, class) = (given("school"), given("class"));
        if self.wave.access != Access::Class {
            if school.is_some() || class.is_some() {
                problems.push(format!(
                    "school, class: only responses of a class wave have a school and a class; wave {} has {} access",
                    self.wave.slug,
                    self.wave.access.id()
                ));
            }
            return AccessProof::Imported {
                school_id: None,
                class_id: None,
            };
        }
        let school = match school {
            None => {
                problems.push("school: missing; every response of a class wave needs the school it was answered at".into());
                None
            }
            Some(Value::String(s)) => {
                let s = s.trim();
                match &self.schools {
                    _ if s.is_empty() => {
                        problems.push("school: empty; every response of a class wave needs the school it was answered at".into());
                        None
                    }
                    Some(list) if !list.contains(s) => {
                        problems.push(format!(
                            "school: `{s}` is not one of the {} schools in the classes-per-school list of wave {}",
                            list.len(),
                            self.wave.slug
                        ));
                        None
                    }
                    _ if s.chars().count() > MAX_SCHOOL_CHARS
                        || s.chars().any(char::is_control) =>
                    {
                        problems.push(format!("school: a school id has at most {MAX_SCHOOL_CHARS} characters and no control characters"));
                        None
                    }
                    _ => Some(s.to_owned()),
                }
            }
            Some(other) => {
                problems.push(format!(
                    "school: expected the school id as a string, got {other}"
                ));
                None
            }
        };
        let class = match class {
            None => {
                problems.push("class: missing; every response of a class wave needs the label of its class, e.g. 9B".into());
                None
            }
            Some(Value::String(label)) => {
                let label = label.trim();
                if label.is_empty() {
                    problems.push("class: empty; every response of a class wave needs the label of its class, e.g. 9B".into());
                    None
                } else if label.chars().count() > MAX_LABEL_CHARS
                    || label.chars().any(char::is_control)
                {
                    problems.push(format!("class: a class label has at most {MAX_LABEL_CHARS} characters and no control characters"));
                    None
                } else {
                    Some(label.to_owned())
                }
            }
            Some(other) => {
                problems.push(format!(
                    "class: expected the class label as a string, got {other}"
                ));
                None
            }
        };
        let class_id = match (&school, &class) {
            (Some(school), Some(label)) => Some(class_id(&self.wave.id, school, label)),
            _ => None,
        };
        AccessProof::Imported {
            school_id: school,
            class_id,
        }
    }

    async fn flush(&mut self) -> Result<(), DbErr> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let (lines, batch): (Vec<u64>, Vec<Submission>) = self.pending.drain(..).unzip();
        let outcomes =
            write_imported(&self.txn, &mut self.locked, &batch, &self.submitted_on).await?;
        for ((line, submission), outcome) in lines.into_iter().zip(&batch).zip(outcomes) {
            match outcome {
                Outcome::Created => self.stored += 1,
                Outcome::Repeated => self.already += 1,
                Outcome::Conflict => self.problem(
                    line,
                    format!(
                        "submission {} was stored before with other answers (a response changed since it was imported, or two responses with one id)",
                        submission.submission_id()
                    ),
                ),
                Outcome::AccessDenied | Outcome::NotOpen => {
                    self.problem(line, format!("not stored ({outcome:?})"));
                }
            }
        }
        Ok(())
    }

    /// Stores what is pending and commits when no line had a problem; otherwise rolls back,
    /// so that nothing of the file is stored.
    pub async fn finish(mut self) -> Result<Report, DbErr> {
        self.flush().await?;
        if self.problems.is_empty() {
            if self.stored > 0 {
                crate::store::audit::record_for_wave(
                    &self.txn,
                    &self.actor,
                    &self.wave.id,
                    &AuditEvent::WaveImport {
                        slug: self.wave.slug.clone(),
                        stored: self.stored,
                        already_there: self.already,
                    },
                )
                .await?;
            }
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
        match serde_json::from_slice::<Value>(text) {
            Ok(mut body) => {
                from_export_line(&importer.wave.id, &mut body);
                importer.add(line, body).await?
            }
            Err(e) => {
                // serde_json ends its message with "at line 1 column N": the line is ours.
                let message = e.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                importer.problem(
                    line,
                    format!("not valid JSON at column {}: {message}", e.column()),
                );
            }
        }
    }
    Ok(())
}

/// A line of `trygg export --format jsonl` (`response_id`, no `submission_id`) as an API body:
/// its submission id derived from the wave and `response_id` as for a CSV row (see
/// [`csv_submission_id`]), and the export's `school_classes` (the fpc, which the wave's own
/// list gives) left out. Any other line is left as it is.
fn from_export_line(wave_id: &str, body: &mut Value) {
    let Value::Object(map) = body else {
        return;
    };
    if map.contains_key("submission_id") {
        return;
    }
    let Some(Value::String(response_id)) = map.remove("response_id") else {
        return;
    };
    map.remove("school_classes");
    let digest = response_digest(wave_id, &response_id);
    map.insert(
        "submission_id".into(),
        Value::String(uuid_from_hex(&digest)),
    );
}

/// Why a file could not be read to its end (its problems are in the importer's report).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// Where a CSV column goes.
#[derive(Debug, Clone)]
enum Column {
    ResponseId,
    Language,
    School,
    Class,
    /// The export's fpc column: taken from the wave's own classes-per-school list instead.
    SchoolClasses,
    /// A question answered in one cell (index into the survey's questions).
    Question(usize),
    /// One choice of a multiple-choice question: 1 chosen, 0 not, empty unanswered.
    Choice(usize, String),
}

/// Reads the CSV of `trygg export` into the importer. Each row becomes the API body it stands
/// for; its submission id is derived (see [`csv_submission_id`]). The header is checked first:
/// a column that is not a question of the wave's survey (nor a column of the export) stops the
/// import before any row is read.
pub async fn read_csv(importer: &mut Importer, reader: impl BufRead) -> Result<(), ReadError> {
    let mut reader = reader;
    let delimiter = {
        let start = reader.fill_buf()?;
        let first_line = start.split(|&b| b == b'\n').next().unwrap_or_default();
        let count = |d: u8| first_line.iter().filter(|&&b| b == d).count();
        if count(b';') > count(b',') {
            b';'
        } else {
            b','
        }
    };
    // A record over the bound fails the read before the reader has gathered more of it.
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(BoundedRecords::new(reader, delimiter, MAX_LINE_BYTES));
    let mut record = csv::StringRecord::new();
    let survey = Arc::clone(&importer.survey);
    let questions: Vec<_> = survey.questions().collect();

    // The header.
    let header = match csv.read_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => return Ok(()),
        Err(e) => return unreadable(importer, 1, e),
    };
    let mut targets: HashMap<String, Column> = HashMap::new();
    for (name, column) in [
        ("response_id", Column::ResponseId),
        ("language", Column::Language),
        ("school", Column::School),
        ("class", Column::Class),
        ("school_classes", Column::SchoolClasses),
    ] {
        targets.insert(name.to_owned(), column);
    }
    for (i, q) in questions.iter().enumerate() {
        match &q.kind {
            QuestionKind::Multi { choices } => {
                for c in choices {
                    targets.insert(
                        format!("{}_{}", q.id, c.code),
                        Column::Choice(i, c.code.clone()),
                    );
                }
            }
            _ => {
                targets.insert(q.id.clone(), Column::Question(i));
            }
        }
    }
    let mut columns = Vec::with_capacity(header.len());
    let mut seen = HashSet::new();
    for (i, name) in header.iter().enumerate() {
        let name = if i == 0 {
            name.trim_start_matches('\u{feff}')
        } else {
            name
        };
        let name = name.trim();
        match targets.get(name) {
            Some(column) if seen.insert(name.to_owned()) => columns.push(column.clone()),
            Some(_) => importer.problem(1, format!("column `{name}` comes twice")),
            None => importer.problem(
                1,
                format!(
                    "column `{name}` is not a question of survey {} version {} (nor response_id, language, school, class or school_classes)",
                    survey.id, survey.version
                ),
            ),
        }
    }
    let has = |wanted: fn(&Column) -> bool| columns.iter().any(wanted);
    if importer.wave.access == Access::Class
        && !(has(|c| matches!(c, Column::School)) && has(|c| matches!(c, Column::Class)))
    {
        importer.problem(
            1,
            format!(
                "wave {} is a class wave: the file needs the columns school and class",
                importer.wave.slug
            ),
        );
    }
    if importer.has_problems() {
        return Ok(());
    }

    // The rows.
    let mut identical: HashMap<u64, u32> = HashMap::new();
    loop {
        let line = csv.position().line();
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // The reader cannot go on after a broken record reliably; report and stop.
            Err(e) => return unreadable(importer, line, e),
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            importer.problem(
                line,
                format!(
                    "{} fields, but the header has {}",
                    record.len(),
                    columns.len()
                ),
            );
            continue;
        }
        let mut answers = Map::new();
        let mut chosen: HashMap<usize, Vec<String>> = HashMap::new();
        let mut body = Map::new();
        let mut response_id = None;
        let mut bad = Vec::new();
        for (column, cell) in columns.iter().zip(record.iter()) {
            // The export puts `'` before every piece of a cell that a spreadsheet would take for
            // a formula (negative numbers too): taken off before the cell is read.
            let cell = unguard(cell);
            let cell = cell.as_ref();
            let trimmed = cell.trim();
            match column {
                Column::ResponseId => {
                    response_id = Some(trimmed.to_owned()).filter(|s| !s.is_empty());
                }
                Column::Language if !trimmed.is_empty() => {
                    body.insert("language".into(), json!(trimmed));
                }
                Column::School if !trimmed.is_empty() => {
                    body.insert("school".into(), json!(trimmed));
                }
                Column::Class if !trimmed.is_empty() => {
                    body.insert("class".into(), json!(trimmed));
                }
                Column::Language | Column::School | Column::Class | Column::SchoolClasses => {}
                Column::Question(_) if trimmed.is_empty() => {}
                Column::Question(i) => {
                    let q = questions[*i];
                    match cell_answer(&q.kind, cell) {
                        Ok(value) => {
                            answers.insert(q.id.clone(), value);
                        }
                        Err(message) => bad.push(format!("question {}: {message}", q.id)),
                    }
                }
                Column::Choice(i, code) => match trimmed {
                    "" => {}
                    "0" => {
                        chosen.entry(*i).or_default();
                    }
                    "1" => chosen.entry(*i).or_default().push(code.clone()),
                    other => bad.push(format!(
                        "question {}: column {}_{code}: `{other}` is not 1 (chosen), 0 (not chosen) or empty (unanswered)",
                        questions[*i].id, questions[*i].id
                    )),
                },
            }
        }
        let mut chosen: Vec<(usize, Vec<String>)> = chosen.into_iter().collect();
        chosen.sort_by_key(|(i, _)| *i);
        for (i, codes) in chosen {
            answers.insert(questions[i].id.clone(), json!(codes));
        }
        let id = csv_submission_id(
            &importer.wave.id,
            response_id.as_deref(),
            &record,
            &mut identical,
        );
        body.insert("submission_id".into(), json!(id));
        body.insert("answers".into(), Value::Object(answers));
        if bad.is_empty() {
            importer.add(line, Value::Object(body)).await?;
        } else {
            for message in bad {
                importer.problem(line, message);
            }
        }
    }
    Ok(())
}

/// A record the CSV reader could not read, at `line`: too long (then at the line the record
/// starts on), not CSV, or the file failed.
fn unreadable(importer: &mut Importer, line: u64, error: csv::Error) -> Result<(), ReadError> {
    let csv::ErrorKind::Io(e) = error.kind() else {
        importer.problem(line, format!("not CSV: {error}"));
        return Ok(());
    };
    match too_long(e) {
        Some(long) => {
            importer.problem(
                long.line,
                format!(
                    "a record longer than {} MB, the API's limit for one body",
                    MAX_LINE_BYTES >> 20
                ),
            );
            Ok(())
        }
        None => Err(ReadError::Io(error.into())),
    }
}

/// One cell as the JSON answer of the API body: a choice code for single and ordinal questions,
/// a number for number questions, the text for text (`cell` is without the export's formula
/// guard).
fn cell_answer(kind: &QuestionKind, cell: &str) -> Result<Value, String> {
    match kind {
        QuestionKind::Number { .. } => {
            let text = cell.trim();
            let number: f64 = text
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| format!("`{text}` is not a number"))?;
            Ok(if number.fract() == 0.0 && number.abs() < 9.0e15 {
                json!(number as i64)
            } else {
                json!(number)
            })
        }
        QuestionKind::Text { .. } => Ok(json!(cell)),
        _ => Ok(json!(cell.trim())),
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
            let content = crate::util::sha256_hex(cells.join("\u{1f}"));
            let key = content
                .get(..16)
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .unwrap_or_default();
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
