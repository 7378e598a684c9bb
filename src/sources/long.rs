//! Any series in the documented long format: a CSV (`;` or `,`, with or without a byte-order
//! mark) whose header names `measure`, `area`, `period` and `value`, one value per line, and
//! optionally `title` and `unit` (or the same columns on the first sheet of an XLSX workbook;
//! see [`super::xlsx`]):
//!
//! ```text
//! measure;area;period;value;title;unit
//! bra/utsatt_misshandel;1481;2024;3,1;Utsatta för misshandel (NTU);procent
//! polisen/larm_centrum;Centrum;2025-07;42;Larm till polisen, centrum;antal
//! ```
//!
//! A measure without a source (`misshandel`) is stored as `series/misshandel`; a period is a
//! year or a month (`YYYY-MM`); a value takes a decimal comma or point.

use super::{Measure, Observation, Parsed, Place, Source, SourceError};

const COLUMNS: [&str; 4] = ["measure", "area", "period", "value"];

/// The delimiter of a header line: `;` (as Swedish Excel writes) unless it has more `,`.
pub(crate) fn delimiter(header: &str) -> u8 {
    if header.matches(';').count() >= header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn header_fields(header: &str) -> Vec<String> {
    header
        .split(delimiter(header) as char)
        .map(|f| f.trim().trim_matches('"').to_lowercase())
        .collect()
}

/// Whether the text's first line is the long format's header.
pub fn is_long(text: &str) -> bool {
    let Some(header) = text.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    is_header(&header_fields(header))
}

/// Whether a header's names (trimmed, in lower case) are the long format's.
pub(crate) fn is_header(names: &[String]) -> bool {
    COLUMNS.iter().all(|c| names.iter().any(|f| f == c))
}

/// Where the long format's columns are among a header's names (trimmed, in lower case).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Columns {
    pub measure: usize,
    pub area: usize,
    pub period: usize,
    pub value: usize,
    pub title: Option<usize>,
    pub unit: Option<usize>,
}

impl Columns {
    /// The columns of `names`, or the error at the header's `place`.
    pub(crate) fn find(names: &[String], place: Place<'_>) -> Result<Columns, SourceError> {
        let col = |name: &str| names.iter().position(|n| n == name);
        let (Some(measure), Some(area), Some(period), Some(value)) =
            (col("measure"), col("area"), col("period"), col("value"))
        else {
            return Err(SourceError::at(
                place.to_string(),
                "the header must name measure, area, period and value",
            ));
        };
        Ok(Columns {
            measure,
            area,
            period,
            value,
            title: col("title"),
            unit: col("unit"),
        })
    }
}

/// One row of the long format, its fields trimmed (`title` and `unit` empty when absent).
pub(crate) struct Row<'r> {
    pub measure: &'r str,
    pub area: &'r str,
    pub period: &'r str,
    pub value: &'r str,
    pub title: &'r str,
    pub unit: &'r str,
}

/// Values read row by row: one path for the rows of a CSV and of a workbook.
#[derive(Default)]
pub(crate) struct Series {
    measures: Vec<Measure>,
    observations: Vec<Observation>,
    rows: usize,
}

impl Series {
    pub(crate) fn add(&mut self, place: Place<'_>, row: &Row<'_>) -> Result<(), SourceError> {
        let at = || place.to_string();
        self.rows += 1;
        let raw = row.measure;
        if raw.is_empty() {
            return Err(SourceError::at(at(), "the measure is empty"));
        }
        let measure = if raw.contains('/') {
            raw.to_owned()
        } else {
            format!("series/{raw}")
        };
        if row.area.is_empty() {
            return Err(SourceError::at(at(), "the area is empty"));
        }
        if !is_period(row.period) {
            return Err(SourceError::at(
                at(),
                format!(
                    "the period \"{}\" is not a year (2024) or a month (2024-07)",
                    row.period
                ),
            ));
        }
        let Some(value) = super::number(row.value) else {
            return Err(SourceError::at(
                at(),
                format!("the value \"{}\" is not a number", row.value),
            ));
        };
        if !self.measures.iter().any(|x| x.id == measure) {
            self.measures.push(Measure {
                id: measure.clone(),
                title: if row.title.is_empty() { raw } else { row.title }.to_owned(),
                unit: row.unit.to_owned(),
            });
        }
        self.observations.push(Observation {
            measure,
            area: row.area.to_owned(),
            period: row.period.to_owned(),
            value,
        });
        Ok(())
    }

    /// What was read; `first` is the place of the first row after the header, named when
    /// there is no value at all.
    pub(crate) fn finish(self, first: Place<'_>) -> Result<Parsed, SourceError> {
        if self.observations.is_empty() {
            return Err(SourceError::at(
                first.to_string(),
                "the file has a header but no values",
            ));
        }
        Ok(Parsed {
            source: Source::Series,
            format: "long format (measure;area;period;value)",
            measures: self.measures,
            observations: self.observations,
            missing: 0,
            rows: self.rows,
            next_url: None,
            unknown_areas: Vec::new(),
        })
    }
}

/// Whether `period` is a year (`2024`) or a month (`2024-07`).
pub fn is_period(period: &str) -> bool {
    let b = period.as_bytes();
    let year = |s: &[u8]| s.len() == 4 && s.iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => year(b),
        7 => {
            year(&b[..4])
                && b[4] == b'-'
                && b[5..].iter().all(u8::is_ascii_digit)
                && (1..=12).contains(&((b[5] - b'0') * 10 + (b[6] - b'0')))
        }
        _ => false,
    }
}

/// Reads the long format.
pub fn read(text: &str) -> Result<Parsed, SourceError> {
    read_csv(text, &mut |_, _| {})
}

/// Reads the long format from a CSV, telling `progress` the bytes read now and then.
pub(crate) fn read_csv(
    text: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Parsed, SourceError> {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(header))
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let names: Vec<String> = reader
        .headers()
        .map_err(|e| SourceError::caused_by("line 1", e.to_string(), e))?
        .iter()
        .map(str::to_lowercase)
        .collect();
    let columns = Columns::find(&names, Place::Line(1))?;
    let mut series = Series::default();
    let mut lines = super::Lines::default();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = lines.at(text, e.position().map_or(0, |p| p.byte() as usize));
            SourceError::caused_by(format!("line {line}"), e.to_string(), e)
        })?;
        let byte = record.position().map_or(0, |p| p.byte());
        let line = lines.at(text, byte as usize);
        if (n + 1).is_multiple_of(super::PROGRESS_EVERY) {
            progress(byte, text.len() as u64);
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or_default();
        let optional = |i: Option<usize>| i.map(field).unwrap_or_default();
        let row = Row {
            measure: field(columns.measure),
            area: field(columns.area),
            period: field(columns.period),
            value: field(columns.value),
            title: optional(columns.title),
            unit: optional(columns.unit),
        };
        series.add(Place::Line(line), &row)?;
    }
    progress(text.len() as u64, text.len() as u64);
    series.finish(Place::Line(2))
}
