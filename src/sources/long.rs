//! Any series in the documented long format: a CSV (`;` or `,`, with or without a byte-order
//! mark) whose header names `measure`, `area`, `period` and `value`, one value per line, and
//! optionally `title` and `unit`:
//!
//! ```text
//! measure;area;period;value;title;unit
//! bra/utsatt_misshandel;1481;2024;3,1;Utsatta för misshandel (NTU);procent
//! polisen/larm_centrum;Centrum;2025-07;42;Larm till polisen, centrum;antal
//! ```
//!
//! A measure without a source (`misshandel`) is stored as `series/misshandel`; a period is a
//! year or a month (`YYYY-MM`); a value takes a decimal comma or point.

use super::{Measure, Observation, Parsed, Source, SourceError};

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
    let fields = header_fields(header);
    COLUMNS.iter().all(|c| fields.iter().any(|f| f == c))
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
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(header))
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let names: Vec<String> = reader
        .headers()
        .map_err(|e| SourceError::at("line 1", e.to_string()))?
        .iter()
        .map(str::to_lowercase)
        .collect();
    let col = |name: &str| names.iter().position(|n| n == name);
    let (Some(m), Some(a), Some(p), Some(v)) =
        (col("measure"), col("area"), col("period"), col("value"))
    else {
        return Err(SourceError::at(
            "line 1",
            "the header must name measure, area, period and value",
        ));
    };
    let (title_col, unit_col) = (col("title"), col("unit"));
    let mut measures: Vec<Measure> = Vec::new();
    let mut observations = Vec::new();
    let mut rows = 0;
    let mut lines = super::Lines::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = lines.at(text, e.position().map_or(0, |p| p.byte() as usize));
            SourceError::at(format!("line {line}"), e.to_string())
        })?;
        let line = lines.at(text, record.position().map_or(0, |p| p.byte() as usize));
        let at = format!("line {line}");
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows += 1;
        let field = |i: usize| record.get(i).unwrap_or_default();
        let raw = field(m);
        if raw.is_empty() {
            return Err(SourceError::at(at, "the measure is empty"));
        }
        let measure = if raw.contains('/') {
            raw.to_owned()
        } else {
            format!("series/{raw}")
        };
        let area = field(a);
        if area.is_empty() {
            return Err(SourceError::at(at, "the area is empty"));
        }
        let period = field(p);
        if !is_period(period) {
            return Err(SourceError::at(
                at,
                format!("the period \"{period}\" is not a year (2024) or a month (2024-07)"),
            ));
        }
        let Some(value) = super::number(field(v)) else {
            return Err(SourceError::at(
                at,
                format!("the value \"{}\" is not a number", field(v)),
            ));
        };
        if !measures.iter().any(|x| x.id == measure) {
            measures.push(Measure {
                id: measure.clone(),
                title: title_col
                    .map(field)
                    .filter(|t| !t.is_empty())
                    .unwrap_or(raw)
                    .to_owned(),
                unit: unit_col.map(field).unwrap_or_default().to_owned(),
            });
        }
        observations.push(Observation {
            measure,
            area: area.to_owned(),
            period: period.to_owned(),
            value,
        });
    }
    if observations.is_empty() {
        return Err(SourceError::at(
            "line 2",
            "the file has a header but no values",
        ));
    }
    Ok(Parsed {
        source: Source::Series,
        format: "long format (measure;area;period;value)",
        measures,
        observations,
        missing: 0,
        rows,
        next_url: None,
        unknown_areas: Vec::new(),
    })
}
