//! Exporting a wave's responses: CSV with one column per question (and one 0/1 column per choice
//! of a multiple-choice question) plus the design variables, or JSON lines. The CSV is written by
//! [`crate::safe_csv`], like every CSV of the service: no answer becomes a spreadsheet formula.
//!
//! Rows come in the order of their random ids, never in the order they arrived.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use crate::safe_csv;
use crate::survey::{QuestionKind, Survey};

/// One response as exported.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub id: String,
    pub language: String,
    pub answers: Map<String, Value>,
    /// Class waves: school (stratum), class session (cluster), classes at the school (fpc).
    pub school: Option<String>,
    pub class: Option<String>,
    pub school_classes: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "csv" => Some(Format::Csv),
            "jsonl" => Some(Format::Jsonl),
            _ => None,
        }
    }
}

/// The CSV header: design columns, then each question in file order.
pub fn columns(survey: &Survey, with_design: bool) -> Vec<String> {
    let mut columns = vec!["response_id".to_owned(), "language".to_owned()];
    if with_design {
        columns.extend(["school", "class", "school_classes"].map(str::to_owned));
    }
    for q in survey.questions() {
        match &q.kind {
            QuestionKind::Multi { choices } => {
                columns.extend(choices.iter().map(|c| format!("{}_{}", q.id, c.code)));
            }
            _ => columns.push(q.id.clone()),
        }
    }
    columns
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The cells of one row, matching [`columns`]. An unanswered question is empty; a multi choice is
/// 1 when chosen, 0 when the question was answered without it, and empty when unanswered.
pub fn csv_cells(survey: &Survey, row: &ExportRow, with_design: bool) -> Vec<String> {
    let mut cells = vec![row.id.clone(), row.language.clone()];
    if with_design {
        cells.push(row.school.clone().unwrap_or_default());
        cells.push(row.class.clone().unwrap_or_default());
        cells.push(
            row.school_classes
                .map(|n| n.to_string())
                .unwrap_or_default(),
        );
    }
    for q in survey.questions() {
        let answer = row.answers.get(&q.id);
        match &q.kind {
            QuestionKind::Multi { choices } => {
                let chosen: Option<Vec<&str>> = answer
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect());
                for c in choices {
                    cells.push(match &chosen {
                        Some(chosen) if chosen.contains(&c.code.as_str()) => "1".to_owned(),
                        Some(_) => "0".to_owned(),
                        None => String::new(),
                    });
                }
            }
            _ => cells.push(answer.map(scalar).unwrap_or_default()),
        }
    }
    cells
}

/// What comes before the rows (written one by one by [`write_row`]): the CSV header, or
/// nothing for JSON lines. `with_design` adds the class-wave design columns.
pub fn write_start(
    survey: &Survey,
    with_design: bool,
    format: Format,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        // Free-text answers must not become formulas in a spreadsheet: see `safe_csv`.
        Format::Csv => safe_csv::write_record(out, columns(survey, with_design)),
        Format::Jsonl => Ok(()),
    }
}

/// One row, as a CSV record or a JSON line.
pub fn write_row(
    survey: &Survey,
    row: &ExportRow,
    with_design: bool,
    format: Format,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Csv => safe_csv::write_record(out, csv_cells(survey, row, with_design)),
        Format::Jsonl => {
            let mut object = json!({
                "response_id": row.id,
                "language": row.language,
                "answers": row.answers,
            });
            if with_design {
                object["school"] = json!(row.school);
                object["class"] = json!(row.class);
                object["school_classes"] = json!(row.school_classes);
            }
            writeln!(out, "{object}")
        }
    }
}
