//! XLSX workbooks: fault-report exports and the long format saved from a spreadsheet program.
//!
//! The first sheet is read, cell by cell as the workbook stores it (the sheet is never held
//! whole). Its first row that is not blank is the header, and it decides the format as a CSV's
//! does: `measure`, `area`, `period` and `value` make the long format, else the fault-report
//! columns are looked for by name ([`super::faults`]). Each row then goes the same way as a CSV's
//! line ([`faults::Counter`], [`long::Series`]): only the columns the format reads are turned
//! into text, every other cell (descriptions, addresses, names) is passed over and never
//! stored. A problem is named by sheet and row as the spreadsheet shows them (`Blad1, row 12`).
//!
//! Cells become the text a CSV would hold: a date cell `2024-07-03` (in the long format's period
//! column the month, `2024-07`: Excel turns a typed `2024-07` into a date), a number as Rust
//! writes it (`3.1`, `1042`). In a fault report's date column a plain number between 1950 and
//! 2100 as an Excel serial date is taken as that date too (exports that lost the cell's format);
//! `20240703` stays the text it reads as.

use std::borrow::Cow;
use std::io::{Cursor, Read, Seek};

use calamine::{DataRef, ExcelDateTime, ExcelDateTimeType, Reader, Xlsx, XlsxCellReader};

use super::{Parsed, Place, SourceError, faults, long};

/// Excel's serial dates (1900 system) of 1950-01-01 and 2100-12-31: a plain number in a date
/// column between them is read as a date.
const PLAUSIBLE_SERIALS: std::ops::RangeInclusive<f64> = 18_264.0..=73_415.0;
/// The serial of 10000-01-01, past Excel's last date.
const PAST_LAST_DATE: f64 = 2_958_466.0;

/// What a cell is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A fault report's date: a date cell or a serial number as `YYYY-MM-DD`.
    Date,
    /// The long format's period: a date cell as its month, `YYYY-MM`.
    Period,
    /// Anything else: a date cell as `YYYY-MM-DD`, a number as written.
    Text,
}

/// Reads the first sheet of an XLSX workbook as fault reports or the long format, telling
/// `progress` the rows after the header read now and then (of those the sheet says it has,
/// or 0).
pub fn read(
    bytes: &[u8],
    districts: &[String],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Parsed, SourceError> {
    // The reader is a third party's, given whatever file is uploaded: should it ever panic on a
    // damaged workbook, the file is refused like any other broken one, and nothing is stored.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_book(bytes, districts, progress)
    }))
    .unwrap_or_else(|_| {
        Err(SourceError::at(
            "",
            "the XLSX workbook is damaged and cannot be read; save it again from the spreadsheet program, or as CSV",
        ))
    })
}

fn read_book(
    bytes: &[u8],
    districts: &[String],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Parsed, SourceError> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        SourceError::caused_by(
            "",
            format!(
                "the file starts as an XLSX workbook (a zip archive) but cannot be read as one: {e}"
            ),
            e,
        )
    })?;
    let Some(sheet) = book.sheet_names().into_iter().next() else {
        return Err(SourceError::at("", "the workbook has no sheet"));
    };
    let is_1904 = book.has_1904_epoch();
    let cells = book.worksheet_cells_reader(&sheet).map_err(|e| {
        SourceError::caused_by(
            sheet.clone(),
            format!("the first sheet cannot be read: {e}"),
            e,
        )
    })?;
    let dimensions = cells.dimensions();
    let total = if dimensions.end.0 > 0 {
        u64::from(dimensions.end.0) + 1
    } else {
        0
    };
    let mut rows = Rows {
        cells,
        ahead: None,
        done: false,
        sheet: &sheet,
        last: 0,
    };
    let mut row = Vec::new();
    // The header: the first row that is not blank.
    let header = loop {
        match rows.next(&mut row)? {
            None => {
                return Err(SourceError::at(
                    format!("{sheet}, row 1"),
                    "the first sheet is empty: it needs a header row, then one row per report or value",
                ));
            }
            Some(number) if !is_blank(&row) => break number,
            Some(_) => {}
        }
    };
    // The names of the header's cells and the columns they are in.
    let (columns, names): (Vec<u32>, Vec<String>) = row
        .iter()
        .map(|(col, value)| {
            (
                *col,
                text(Some(value), Kind::Text, is_1904).trim().to_lowercase(),
            )
        })
        .unzip();
    // Progress counts the rows after the header.
    let total = total.saturating_sub(header);
    let parsed = {
        // Dropped (and its hold on `progress` with it) before the last call below.
        let mut body = Body {
            rows,
            row,
            columns,
            is_1904,
            header,
            total,
            read: 0,
            progress: &mut *progress,
        };
        if long::is_header(&names) {
            body.long(&names)
        } else {
            body.faults(&names, districts)
        }
    };
    progress(total, total);
    parsed
}

/// The rows of a sheet after its header, and how their cells are read.
struct Body<'a, 's, 'p, RS: Read + Seek> {
    rows: Rows<'a, 's, RS>,
    /// The cells of the row read last (at first, the header's).
    row: Vec<(u32, DataRef<'a>)>,
    /// The column of each of the header's cells.
    columns: Vec<u32>,
    is_1904: bool,
    /// The header's row number.
    header: u64,
    /// The rows after the header the sheet says it has, or 0.
    total: u64,
    /// Rows read after the header.
    read: usize,
    progress: &'p mut dyn FnMut(u64, u64),
}

impl<'a, 's, RS: Read + Seek> Body<'a, 's, '_, RS> {
    /// The long format: measure, area, period and value (title and unit when given).
    fn long(&mut self, names: &[String]) -> Result<Parsed, SourceError> {
        let found = long::Columns::find(names, self.place(self.header))?;
        let (measure, area, period, value) = (
            self.column(found.measure),
            self.column(found.area),
            self.column(found.period),
            self.column(found.value),
        );
        let title = found.title.and_then(|i| self.column(i));
        let unit = found.unit.and_then(|i| self.column(i));
        let mut series = long::Series::default();
        while let Some(number) = self.next()? {
            let (m, a, p, v, t, u) = (
                self.field(measure, Kind::Text),
                self.field(area, Kind::Text),
                self.field(period, Kind::Period),
                self.field(value, Kind::Text),
                self.field(title, Kind::Text),
                self.field(unit, Kind::Text),
            );
            let fields = long::Row {
                measure: m.trim(),
                area: a.trim(),
                period: p.trim(),
                value: v.trim(),
                title: t.trim(),
                unit: u.trim(),
            };
            series.add(self.place(number), &fields)?;
        }
        series.finish(self.place(self.header + 1))
    }

    /// Fault reports: a date, a category and (when given) a district per row.
    fn faults(&mut self, names: &[String], districts: &[String]) -> Result<Parsed, SourceError> {
        let (d, c, a) = faults::columns(names, self.place(self.header))?;
        let (date, category) = (self.column(d), self.column(c));
        let district = a.and_then(|i| self.column(i));
        let mut counter = faults::Counter::new(districts);
        while let Some(number) = self.next()? {
            counter.add(
                self.place(number),
                &self.field(date, Kind::Date),
                &self.field(category, Kind::Text),
                &self.field(district, Kind::Text),
            )?;
        }
        counter.finish(self.place(self.header + 1))
    }

    /// The next row that is not blank, and its number; `None` after the last. Progress is told
    /// now and then.
    fn next(&mut self) -> Result<Option<u64>, SourceError> {
        while let Some(number) = self.rows.next(&mut self.row)? {
            self.read += 1;
            if self.read.is_multiple_of(super::PROGRESS_EVERY) {
                (self.progress)(number.saturating_sub(self.header), self.total);
            }
            if !is_blank(&self.row) {
                return Ok(Some(number));
            }
        }
        Ok(None)
    }

    /// The column of the header's `i`th cell.
    fn column(&self, i: usize) -> Option<u32> {
        self.columns.get(i).copied()
    }

    /// The current row's cell in a column (none: empty) as text.
    fn field(&self, col: Option<u32>, kind: Kind) -> Cow<'_, str> {
        match col {
            Some(col) => text(cell(&self.row, col), kind, self.is_1904),
            None => Cow::Borrowed(""),
        }
    }

    fn place(&self, row: u64) -> Place<'s> {
        Place::Row {
            sheet: self.rows.sheet,
            row,
        }
    }
}

/// The rows of a sheet, cell by cell as the workbook stores them.
struct Rows<'a, 's, RS: Read + Seek> {
    cells: XlsxCellReader<'a, RS>,
    /// The first cell of the next row, read ahead.
    ahead: Option<(u32, u32, DataRef<'a>)>,
    done: bool,
    sheet: &'s str,
    /// The 1-based number of the last row read.
    last: u64,
}

impl<'a, RS: Read + Seek> Rows<'a, '_, RS> {
    /// The next row's cells (column, value) into `row`, and its 1-based number; `None` after
    /// the last row.
    fn next(&mut self, row: &mut Vec<(u32, DataRef<'a>)>) -> Result<Option<u64>, SourceError> {
        row.clear();
        let mut current: Option<u32> = None;
        loop {
            let cell = match self.ahead.take() {
                Some(cell) => Some(cell),
                None if self.done => None,
                None => match self.cells.next_cell() {
                    Ok(Some(cell)) => {
                        let (r, c) = cell.get_position();
                        Some((r, c, cell.get_value().clone()))
                    }
                    Ok(None) => {
                        self.done = true;
                        None
                    }
                    Err(e) => {
                        let place = if self.last == 0 {
                            self.sheet.to_owned()
                        } else {
                            format!("{}, after row {}", self.sheet, self.last)
                        };
                        let message = format!("the sheet cannot be read: {e}");
                        return Err(SourceError::caused_by(place, message, e));
                    }
                },
            };
            let Some((r, c, value)) = cell else {
                return Ok(current.map(|r| self.numbered(r)));
            };
            match current {
                None => current = Some(r),
                Some(now) if now != r => {
                    self.ahead = Some((r, c, value));
                    return Ok(Some(self.numbered(now)));
                }
                Some(_) => {}
            }
            row.push((c, value));
        }
    }

    fn numbered(&mut self, row: u32) -> u64 {
        self.last = u64::from(row) + 1;
        self.last
    }
}

/// The cell of a row in column `col`.
fn cell<'r, 'a>(row: &'r [(u32, DataRef<'a>)], col: u32) -> Option<&'r DataRef<'a>> {
    row.iter().find(|(c, _)| *c == col).map(|(_, v)| v)
}

/// Whether no cell of a row holds anything but blanks.
fn is_blank(row: &[(u32, DataRef<'_>)]) -> bool {
    row.iter().all(|(_, value)| match value {
        DataRef::Empty => true,
        DataRef::String(s) => s.trim().is_empty(),
        DataRef::SharedString(s) => s.trim().is_empty(),
        _ => false,
    })
}

/// A cell as the text a CSV would hold in its place.
fn text<'r>(value: Option<&'r DataRef<'_>>, kind: Kind, is_1904: bool) -> Cow<'r, str> {
    let Some(value) = value else {
        return Cow::Borrowed("");
    };
    match value {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cow::Borrowed(s.as_str())
        }
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::DateTime(d) if d.is_datetime() => Cow::Owned(date(d.as_f64(), is_1904, kind)),
        DataRef::DateTime(d) => Cow::Owned(d.as_f64().to_string()),
        DataRef::Int(i) => number(*i as f64, kind, is_1904),
        DataRef::Float(f) => number(*f, kind, is_1904),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
    }
}

/// A number cell: in a date column, a plausible serial date as that date; else as written.
fn number(value: f64, kind: Kind, is_1904: bool) -> Cow<'static, str> {
    if kind == Kind::Date && PLAUSIBLE_SERIALS.contains(&value) {
        Cow::Owned(date(value, is_1904, kind))
    } else {
        Cow::Owned(value.to_string())
    }
}

/// An Excel serial date as `YYYY-MM-DD` (a period: `YYYY-MM`); a serial before the first or
/// after the last date Excel has is given as the number, which no date reads.
fn date(serial: f64, is_1904: bool, kind: Kind) -> String {
    if !(1.0..PAST_LAST_DATE).contains(&serial) {
        return serial.to_string();
    }
    let (year, month, day, ..) =
        ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, is_1904).to_ymd_hms_milli();
    match kind {
        Kind::Period => format!("{year:04}-{month:02}"),
        Kind::Date | Kind::Text => format!("{year:04}-{month:02}-{day:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_are_read_in_both_date_systems() {
        // 2024-07-03 is 45476 in the 1900 system and 44014 in the 1904 one.
        assert_eq!(date(45476.0, false, Kind::Date), "2024-07-03");
        assert_eq!(date(45476.75, false, Kind::Date), "2024-07-03");
        assert_eq!(date(44014.0, true, Kind::Date), "2024-07-03");
        assert_eq!(date(45474.0, false, Kind::Period), "2024-07");
        assert_eq!(date(0.5, false, Kind::Date), "0.5");
        assert_eq!(date(f64::NAN, false, Kind::Date), "NaN");
        assert_eq!(number(20240703.0, Kind::Date, false), "20240703");
        assert_eq!(number(2024.0, Kind::Date, false), "2024");
        assert_eq!(number(45476.0, Kind::Text, false), "45476");
        assert_eq!(number(3.1, Kind::Text, false), "3.1");
    }
}
