//! Fault reports (felanmälningar) as the municipality's system exports them: one row per
//! report, CSV (`,` or `;`, with or without a byte-order mark) or an XLSX workbook (its first
//! sheet; see [`super::xlsx`]). The columns are found by name —
//! the date (`datum`, `date`, `registrerad`, `skapad`), the category (`kategori`, `category`,
//! `ärendetyp`) and the district (`område`, `stadsdel`, `district`) — and every other column
//! (a description, an address, a name) is skipped as it is read and never stored: free text can
//! name people.
//!
//! What is stored is the number of reports per category, district and month
//! (`felanmalan/{category}`, area = the district, period = `YYYY-MM`). Districts are matched to
//! the resident survey's district labels regardless of case; the others are kept as written and
//! listed in the import's report.

use std::collections::{BTreeMap, BTreeSet};

use super::{Measure, Observation, Parsed, Place, Source, SourceError};

/// The area of a report without a district.
pub const NO_DISTRICT: &str = "(inget område)";

const DATE: [&str; 6] = ["datum", "date", "registrerad", "skapad", "inkom", "created"];
const CATEGORY: [&str; 4] = ["kategori", "category", "ärendetyp", "arendetyp"];
const DISTRICT: [&str; 4] = ["område", "stadsdel", "district", "omrade"];

fn column(names: &[String], wanted: &[&str]) -> Option<usize> {
    names
        .iter()
        .position(|n| wanted.iter().any(|w| n == w))
        .or_else(|| {
            names
                .iter()
                .position(|n| wanted.iter().any(|w| n.starts_with(w)))
        })
}

/// The month of a date as exports write it: `2024-07-03`, `2024-07-03 14:22`, `2024/07/03`,
/// `20240703`, `3.7.2024` or `03/07/2024` (day first, as in Sweden).
pub fn month(date: &str) -> Option<String> {
    let d = date.trim();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let ok = |y: &str, m: &str| {
        let m: u32 = m.parse().ok()?;
        (y.len() == 4 && digits(y) && (1..=12).contains(&m)).then(|| format!("{y}-{m:02}"))
    };
    let head: String = d.chars().take(10).collect();
    if head.len() == 10 && (head.as_bytes()[4] == b'-' || head.as_bytes()[4] == b'/') {
        return ok(&head[..4], &head[5..7]);
    }
    if d.len() == 8 && digits(d) {
        return ok(&d[..4], &d[4..6]);
    }
    let parts: Vec<&str> = d.split(['.', '/', ' ']).filter(|p| !p.is_empty()).collect();
    if parts.len() >= 3 && digits(parts[0]) && digits(parts[1]) && parts[0].len() <= 2 {
        return ok(parts[2], parts[1]);
    }
    None
}

/// The id part of a category: lower case, spaces as `-`, nothing but letters, digits and `-`.
pub fn slug(category: &str) -> String {
    let mut out = String::new();
    for c in category.trim().to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Counts of reports, read row by row: one path for the rows of a CSV and of a workbook.
pub(crate) struct Counter<'a> {
    districts: &'a [String],
    counts: BTreeMap<(String, String, String), f64>,
    titles: BTreeMap<String, String>,
    unknown: BTreeSet<String>,
    rows: usize,
}

impl<'a> Counter<'a> {
    /// Districts are matched to `districts` (the resident survey's labels).
    pub(crate) fn new(districts: &'a [String]) -> Counter<'a> {
        Counter {
            districts,
            counts: BTreeMap::new(),
            titles: BTreeMap::new(),
            unknown: BTreeSet::new(),
            rows: 0,
        }
    }

    /// One report: its date as written (a workbook's date cell comes as `YYYY-MM-DD`), its
    /// category and its district (empty when the export has none).
    pub(crate) fn add(
        &mut self,
        place: Place<'_>,
        date: &str,
        category: &str,
        district: &str,
    ) -> Result<(), SourceError> {
        self.rows += 1;
        let Some(month) = month(date) else {
            return Err(SourceError::at(
                place.to_string(),
                format!("the date \"{}\" is not a date (2024-07-03)", date.trim()),
            ));
        };
        let category = category.trim();
        if category.is_empty() {
            return Err(SourceError::at(place.to_string(), "the category is empty"));
        }
        let id = slug(category);
        let id = if id.is_empty() {
            "okand".to_owned()
        } else {
            id
        };
        self.titles
            .entry(id.clone())
            .or_insert_with(|| category.to_owned());
        let district = district.trim();
        let area = if district.is_empty() {
            NO_DISTRICT.to_owned()
        } else if let Some(known) = self
            .districts
            .iter()
            .find(|d| d.trim().eq_ignore_ascii_case(district))
        {
            known.clone()
        } else {
            self.unknown.insert(district.to_owned());
            district.to_owned()
        };
        *self.counts.entry((id, area, month)).or_insert(0.0) += 1.0;
        Ok(())
    }

    /// What was counted; `first` is the place of the first row after the header, named when
    /// there is no report at all.
    pub(crate) fn finish(self, first: Place<'_>) -> Result<Parsed, SourceError> {
        if self.rows == 0 {
            return Err(SourceError::at(
                first.to_string(),
                "the file has a header but no reports",
            ));
        }
        let measures = self
            .titles
            .iter()
            .map(|(id, title)| Measure {
                id: format!("felanmalan/{id}"),
                title: format!("Felanmälningar: {title}"),
                unit: "antal".to_owned(),
            })
            .collect();
        let observations = self
            .counts
            .into_iter()
            .map(|((id, area, period), value)| Observation {
                measure: format!("felanmalan/{id}"),
                area,
                period,
                value,
            })
            .collect();
        Ok(Parsed {
            source: Source::FaultReports,
            format: "fault reports (one row per report)",
            measures,
            observations,
            missing: 0,
            rows: self.rows,
            next_url: None,
            unknown_areas: self.unknown.into_iter().collect(),
        })
    }
}

/// The date, category and district columns of a header (names trimmed and in lower case), or
/// what is missing; `place` is the header's.
pub(crate) fn columns(
    names: &[String],
    place: Place<'_>,
) -> Result<(usize, usize, Option<usize>), SourceError> {
    let date = column(names, &DATE);
    let category = column(names, &CATEGORY);
    match (date, category) {
        (Some(d), Some(c)) => Ok((d, c, column(names, &DISTRICT))),
        _ => Err(SourceError::at(
            place.to_string(),
            format!(
                "not a file trygg knows: the header ({}) names no {}; fault reports need a date (datum) and a category (kategori or ärendetyp) column, the long format measure;area;period;value",
                names.join(", "),
                if date.is_none() {
                    "date column"
                } else {
                    "category column"
                }
            ),
        )),
    }
}

/// Reads a fault-report CSV export.
pub fn read(text: &str, districts: &[String]) -> Result<Parsed, SourceError> {
    read_csv(text, districts, &mut |_, _| {})
}

/// Reads a fault-report CSV export, telling `progress` the bytes read now and then.
pub(crate) fn read_csv(
    text: &str,
    districts: &[String],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Parsed, SourceError> {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(super::long::delimiter(header))
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let names: Vec<String> = reader
        .headers()
        .map_err(|e| SourceError::caused_by("line 1", e.to_string(), e))?
        .iter()
        .map(|n| n.trim().to_lowercase())
        .collect();
    let (d, c, a) = columns(&names, Place::Line(1))?;
    let mut counter = Counter::new(districts);
    // One record buffer for the whole file; only three fields of it are looked at. Lines are
    // counted from the records' byte offsets, once over the file.
    let mut record = csv::ByteRecord::new();
    let mut lines = super::Lines::default();
    let mut records = 0usize;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = lines.at(text, e.position().map_or(0, |p| p.byte() as usize));
                return Err(SourceError::caused_by(
                    format!("line {line}"),
                    e.to_string(),
                    e,
                ));
            }
        }
        let byte = record.position().map_or(0, |p| p.byte());
        let line = lines.at(text, byte as usize);
        records += 1;
        if records.is_multiple_of(super::PROGRESS_EVERY) {
            progress(byte, text.len() as u64);
        }
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        let field = |i: usize| std::str::from_utf8(record.get(i).unwrap_or_default()).unwrap_or("");
        let district = a.map(field).unwrap_or_default();
        counter.add(Place::Line(line), field(d), field(c), district)?;
    }
    progress(text.len() as u64, text.len() as u64);
    counter.finish(Place::Line(2))
}
