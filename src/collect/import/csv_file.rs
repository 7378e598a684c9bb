//! The CSV of `trygg export` read into an import: the header matched to the survey's questions
//! first, then each row made into the API body it stands for.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{Importer, MAX_LINE_BYTES, ReadError, csv_submission_id};
use crate::collect::csv_records::{BoundedRecords, too_long};
use crate::collect::wave::Access;
use crate::safe_csv::unguard;
use crate::survey::{Question, QuestionKind, Survey};

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
    let survey = Arc::clone(&importer.checker.survey);
    let questions: Vec<_> = survey.questions().collect();

    let header = match csv.read_record(&mut record) {
        Ok(true) => record.clone(),
        Ok(false) => return Ok(()),
        Err(e) => return unreadable(importer, 1, e),
    };
    let columns = header_columns(importer, &survey, &questions, &header);
    if importer.has_problems() {
        return Ok(());
    }

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
        let body = match row_body(&columns, &questions, &record) {
            Ok(body) => body,
            Err(bad) => {
                for message in bad {
                    importer.problem(line, message);
                }
                continue;
            }
        };
        let (mut body, response_id) = body;
        let id = csv_submission_id(
            &importer.wave().id,
            response_id.as_deref(),
            &record,
            &mut identical,
        );
        body.insert("submission_id".into(), json!(id));
        importer.add(line, Value::Object(body)).await?;
    }
    Ok(())
}

/// What each column of the header stands for; a column that is none of the survey's questions
/// (nor a column of the export), a column that comes twice, or a class wave's file without
/// school and class is a problem of line 1.
fn header_columns(
    importer: &mut Importer,
    survey: &Survey,
    questions: &[&Question],
    header: &csv::StringRecord,
) -> Vec<Column> {
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
    if importer.wave().access == Access::Class
        && !(has(|c| matches!(c, Column::School)) && has(|c| matches!(c, Column::Class)))
    {
        importer.problem(
            1,
            format!(
                "wave {} is a class wave: the file needs the columns school and class",
                importer.wave().slug
            ),
        );
    }
    columns
}

/// A row's API body without its submission id, and the row's `response_id` when it has one.
type RowBody = (Map<String, Value>, Option<String>);

/// A row as the API body it stands for (without its submission id), and its `response_id`
/// when it has one; or what is wrong with its cells.
fn row_body(
    columns: &[Column],
    questions: &[&Question],
    record: &csv::StringRecord,
) -> Result<RowBody, Vec<String>> {
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
    if !bad.is_empty() {
        return Err(bad);
    }
    body.insert("answers".into(), Value::Object(answers));
    Ok((body, response_id))
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
