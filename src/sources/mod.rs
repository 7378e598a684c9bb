//! Lägesbild sources (issue 20): the figures beside the surveys — reported crime and other
//! municipal statistics (Kolada), population (SCB), the municipality's fault reports
//! (felanmälningar) and any series in a long format — read from files whose format is recognised
//! from their content, and stored as series: measure, area, period, value, with provenance.
//!
//! This module is pure: bytes in, observations (or the first problem, with the place in the
//! file) out. `store::sources` keeps them; `cli::sources` and the upload page call both.

pub mod dialogues;
pub mod faults;
pub mod fetch;
pub mod jsonstat;
pub mod kolada;
pub mod long;
pub mod xlsx;

use std::fmt;

use crate::util::Cause;

/// Where a series comes from; it decides the licence line shown beside its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Kolada,
    Scb,
    FaultReports,
    /// The documented long format: Brå's tables, the local police's figures, anything else.
    Series,
}

impl Source {
    pub fn id(self) -> &'static str {
        match self {
            Source::Kolada => "kolada",
            Source::Scb => "scb",
            Source::FaultReports => "felanmalan",
            Source::Series => "series",
        }
    }

    pub fn parse(id: &str) -> Option<Source> {
        [
            Source::Kolada,
            Source::Scb,
            Source::FaultReports,
            Source::Series,
        ]
        .into_iter()
        .find(|s| s.id() == id)
    }

    /// The line shown under every figure of the source.
    pub fn licence(self) -> &'static str {
        match self {
            Source::Kolada => "Källa: Kolada (RKA), CC BY 4.0",
            Source::Scb => "Källa: SCB, CC0",
            Source::FaultReports => "Källa: kommunens felanmälningar",
            Source::Series => "Källa: enligt filen",
        }
    }
}

/// One value of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// `source/id`, e.g. `kolada/N07540`, `felanmalan/klotter`, `scb/BE0101N1`.
    pub measure: String,
    /// The municipality's code (`1481`), the country (`0000`) or a district's name.
    pub area: String,
    /// A year (`2024`) or a month (`2024-07`).
    pub period: String,
    pub value: f64,
}

/// What a measure is called, when the file says.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub id: String,
    pub title: String,
    pub unit: String,
}

/// What a file holds, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub source: Source,
    /// The format in words, for the import's report.
    pub format: &'static str,
    pub measures: Vec<Measure>,
    pub observations: Vec<Observation>,
    /// Values the file marks as missing (Kolada's `null`): counted, not stored.
    pub missing: usize,
    /// Rows the file holds (fault reports: one per report; others: one per value).
    pub rows: usize,
    /// The next page of a paged API answer (Kolada's `next_url`).
    pub next_url: Option<String>,
    /// Areas the file names that are not districts of the resident survey (fault reports).
    pub unknown_areas: Vec<String>,
}

/// The first problem of a file, with its place in it ("line 12", "values[3].kpi").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub place: String,
    pub message: String,
    /// The error of the reader underneath (JSON, CSV, XLSX) that the message tells of.
    cause: Cause,
}

impl SourceError {
    pub fn at(place: impl Into<String>, message: impl Into<String>) -> SourceError {
        SourceError {
            place: place.into(),
            message: message.into(),
            cause: Cause::default(),
        }
    }

    /// A problem found by the reader underneath: `message` says it in words, and `cause` is
    /// kept as the error's source.
    pub fn caused_by(
        place: impl Into<String>,
        message: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> SourceError {
        SourceError {
            cause: Cause::of(cause),
            ..SourceError::at(place, message)
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

impl std::error::Error for SourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.get()
    }
}

/// What the format of `bytes` is, from its content: a JSON object with `values` (Kolada v3), a
/// JSON object with `class: "dataset"` or `dimension` and `value` (JSON-stat 2), an XLSX
/// workbook (a zip archive; read by [`xlsx::read`] as fault reports or the long format, as its
/// first sheet's header says), else text whose header names `measure`, `area`, `period` and
/// `value` (the long format), else a fault-report export (a header with a date and a category
/// column).
pub fn read(bytes: &[u8], districts: &[String]) -> Result<Parsed, SourceError> {
    read_with_progress(bytes, districts, &mut |_, _| {})
}

/// [`read`], telling `progress` now and then how far it has come: `(done, total)`, in bytes of
/// a CSV or rows of a workbook's sheet (`total` is 0 when a sheet does not say its size).
pub fn read_with_progress(
    bytes: &[u8],
    districts: &[String],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Parsed, SourceError> {
    let text_start = bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(bytes)
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&bytes[..0], |at| &bytes[at..]);
    if text_start.starts_with(b"PK\x03\x04") {
        return xlsx::read(text_start, districts, progress);
    }
    if text_start.starts_with(b"{") {
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            SourceError::caused_by(
                format!("line {}, column {}", e.line(), e.column()),
                format!("not JSON: {e}"),
                e,
            )
        })?;
        if value.get("values").is_some() {
            return kolada::read(&value);
        }
        if value.get("dimension").is_some() && value.get("value").is_some() {
            return jsonstat::read(&value);
        }
        return Err(SourceError::at(
            "",
            "a JSON file, but neither a Kolada answer (with \"values\") nor JSON-stat (with \"dimension\" and \"value\")",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        SourceError::caused_by(
            format!("byte {}", e.valid_up_to()),
            "not UTF-8 text (save the CSV as UTF-8)",
            e,
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    if long::is_long(text) {
        return long::read_csv(text, progress);
    }
    faults::read_csv(text, districts, progress)
}

/// Where in a file a row is: a CSV's line, or a workbook's sheet and row (both 1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place<'a> {
    Line(usize),
    Row { sheet: &'a str, row: u64 },
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(line) => write!(f, "line {line}"),
            Place::Row { sheet, row } => write!(f, "{sheet}, row {row}"),
        }
    }
}

/// Records of a CSV between two calls of `progress` (one call costs next to nothing; the
/// bound keeps them off the hot path anyway).
pub(crate) const PROGRESS_EVERY: usize = 4096;

/// The 1-based line of byte offsets that only grow.
#[derive(Default)]
pub(crate) struct Lines {
    byte: usize,
    line: usize,
}

impl Lines {
    pub(crate) fn at(&mut self, text: &str, byte: usize) -> usize {
        // With CRLF line ends a record's offset may point at the line end before it.
        let bytes = text.as_bytes();
        let mut end = byte.min(text.len());
        while end < bytes.len() && (bytes[end] == b'\r' || bytes[end] == b'\n') {
            end += 1;
        }
        if end > self.byte {
            self.line += memchr::memchr_iter(b'\n', &text.as_bytes()[self.byte..end]).count();
            self.byte = end;
        }
        self.line + 1
    }
}

/// A number as the files write it: `1234.5`, `1 234,5` (Swedish), `1234`.
pub fn number(text: &str) -> Option<f64> {
    let plain: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests;

/// The districts fault reports are matched to: the labels (Swedish) of the resident survey's
/// background question `district`, without its "don't know".
pub fn districts(catalog: &crate::survey::SurveyCatalog) -> Vec<String> {
    catalog
        .iter()
        .filter(|l| l.survey.audience == crate::survey::Audience::Residents)
        .filter_map(|l| l.survey.question("district"))
        .flat_map(|q| q.choices().iter().filter(|c| !c.missing))
        .map(|c| c.label.sv.clone())
        .collect()
}
