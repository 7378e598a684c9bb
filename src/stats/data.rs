//! A data set for estimation: a CSV file read once into columns of text cells, converted on demand
//! into numbers or category codes. Empty cells are missing values.
//!
//! The reader is our own because it is on the hot path (a million rows must parse in well under a
//! second): one pass over the bytes recording where each cell is, no allocation per cell.

use std::collections::HashMap;

/// A problem with the data, naming the line (1-based, the header is line 1) and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);

/// The cells of a CSV file: a header and, per column, the byte range of each row's cell.
#[derive(Debug)]
pub struct Dataset {
    /// The file's bytes (quoted cells are unescaped in place).
    bytes: Vec<u8>,
    headers: Vec<String>,
    index: HashMap<String, usize>,
    /// `cells[column][row]` = (start, end) into `bytes`.
    cells: Vec<Vec<(u32, u32)>>,
    rows: usize,
}

/// A numeric column: NaN marks a missing value.
pub type Numbers = Vec<f64>;

/// A categorical column: a code per row (`None` when missing) and the distinct values by code,
/// codes numbered in the order values first appear.
#[derive(Debug, Clone)]
pub struct Categories {
    pub codes: Vec<Option<u32>>,
    pub values: Vec<String>,
}

impl Dataset {
    /// Parses CSV text (comma-separated, optional double quotes with `""` escapes, LF or CRLF).
    pub fn from_csv(bytes: Vec<u8>) -> Result<Dataset, DataError> {
        if bytes.len() >= u32::MAX as usize {
            return Err(DataError("the data file is larger than 4 GiB".into()));
        }
        let mut bytes = bytes;
        // A UTF-8 byte order mark is not part of the first column's name.
        let start = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let mut parser = Parser {
            bytes: &mut bytes,
            pos: start,
            line: 1,
        };
        let header_cells = parser
            .record()?
            .ok_or_else(|| DataError("the data file is empty: it needs a header line".into()))?;
        let mut headers = Vec::with_capacity(header_cells.len());
        for (start, end) in &header_cells {
            let name = std::str::from_utf8(&parser.bytes[*start as usize..*end as usize])
                .map_err(|_| DataError("line 1: a column name is not valid UTF-8".into()))?;
            headers.push(name.trim().to_owned());
        }
        let mut index = HashMap::new();
        for (i, name) in headers.iter().enumerate() {
            if name.is_empty() {
                return Err(DataError(format!("line 1: column {} has no name", i + 1)));
            }
            if index.insert(name.clone(), i).is_some() {
                return Err(DataError(format!("line 1: column `{name}` appears twice")));
            }
        }
        let width = headers.len();
        let estimated_rows = parser.bytes.len() / (width * 4).max(1);
        let mut cells: Vec<Vec<(u32, u32)>> = (0..width)
            .map(|_| Vec::with_capacity(estimated_rows))
            .collect();
        let mut rows = 0;
        loop {
            let line = parser.line;
            let Some(record) = parser.record()? else {
                break;
            };
            // A blank line (e.g. at the end) is no row.
            if record.len() == 1 && record[0].0 == record[0].1 {
                continue;
            }
            if record.len() != width {
                return Err(DataError(format!(
                    "line {line}: {} fields, but the header has {width}",
                    record.len()
                )));
            }
            for (column, cell) in cells.iter_mut().zip(record) {
                column.push(cell);
            }
            rows += 1;
        }
        Ok(Dataset {
            bytes,
            headers,
            index,
            cells,
            rows,
        })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    fn column(&self, name: &str) -> Result<&[(u32, u32)], DataError> {
        self.index
            .get(name)
            .map(|&i| self.cells[i].as_slice())
            .ok_or_else(|| {
                DataError(format!(
                    "unknown column `{name}`; the data has: {}",
                    self.headers.join(", ")
                ))
            })
    }

    fn cell(&self, (start, end): (u32, u32)) -> &[u8] {
        trim(&self.bytes[start as usize..end as usize])
    }

    /// A column as numbers; an empty cell is NaN (missing); anything else that is not a number is
    /// an error naming the line and column.
    pub fn numbers(&self, name: &str) -> Result<Numbers, DataError> {
        let column = self.column(name)?;
        let mut out = Vec::with_capacity(column.len());
        for (row, &range) in column.iter().enumerate() {
            let cell = self.cell(range);
            if cell.is_empty() || cell == b"NA" {
                out.push(f64::NAN);
                continue;
            }
            let value = std::str::from_utf8(cell)
                .ok()
                .and_then(|text| text.parse::<f64>().ok())
                .filter(|v| v.is_finite());
            match value {
                Some(v) => out.push(v),
                None => {
                    return Err(DataError(format!(
                        "line {}: column `{name}`: `{}` is not a number",
                        row + 2,
                        String::from_utf8_lossy(cell)
                    )));
                }
            }
        }
        Ok(out)
    }

    /// A column as categories (any text; an empty cell is missing).
    pub fn categories(&self, name: &str) -> Result<Categories, DataError> {
        let column = self.column(name)?;
        let mut lookup: HashMap<&[u8], u32> = HashMap::new();
        let mut values = Vec::new();
        let mut codes = Vec::with_capacity(column.len());
        for (row, &range) in column.iter().enumerate() {
            let cell = self.cell(range);
            if cell.is_empty() || cell == b"NA" {
                codes.push(None);
                continue;
            }
            let code = match lookup.get(cell) {
                Some(&code) => code,
                None => {
                    let text = std::str::from_utf8(cell).map_err(|_| {
                        DataError(format!(
                            "line {}: column `{name}`: the value is not valid UTF-8",
                            row + 2
                        ))
                    })?;
                    let code = values.len() as u32;
                    values.push(text.to_owned());
                    lookup.insert(cell, code);
                    code
                }
            };
            codes.push(Some(code));
        }
        Ok(Categories { codes, values })
    }
}

fn trim(mut cell: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = cell {
        cell = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = cell {
        cell = rest;
    }
    cell
}

struct Parser<'a> {
    bytes: &'a mut Vec<u8>,
    pos: usize,
    line: usize,
}

impl Parser<'_> {
    /// The next record's cell ranges, or None at the end of the input.
    fn record(&mut self) -> Result<Option<Vec<(u32, u32)>>, DataError> {
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        let mut cells = Vec::new();
        loop {
            let (cell, end_of_record) = self.field()?;
            cells.push(cell);
            if end_of_record {
                break;
            }
        }
        self.line += 1;
        Ok(Some(cells))
    }

    /// One field; true when it ends the record.
    fn field(&mut self) -> Result<((u32, u32), bool), DataError> {
        let bytes = &mut *self.bytes;
        let len = bytes.len();
        let mut pos = self.pos;
        // Leading blanks before a quote are allowed.
        while pos < len && (bytes[pos] == b' ' || bytes[pos] == b'\t') {
            pos += 1;
        }
        if pos < len && bytes[pos] == b'"' {
            let start = pos + 1;
            let opened_on = self.line;
            let mut read = start;
            let mut write = start;
            loop {
                if read >= len {
                    return Err(DataError(format!(
                        "line {opened_on}: a quoted value is not closed"
                    )));
                }
                let b = bytes[read];
                if b == b'"' {
                    if read + 1 < len && bytes[read + 1] == b'"' {
                        bytes[write] = b'"';
                        write += 1;
                        read += 2;
                        continue;
                    }
                    read += 1;
                    break;
                }
                if b == b'\n' {
                    self.line += 1;
                }
                bytes[write] = b;
                write += 1;
                read += 1;
            }
            let cell = (start as u32, write as u32);
            // After the closing quote: blanks, then a separator or the end of the line.
            while read < len && (bytes[read] == b' ' || bytes[read] == b'\t') {
                read += 1;
            }
            return match bytes.get(read) {
                None => {
                    self.pos = len;
                    Ok((cell, true))
                }
                Some(b',') => {
                    self.pos = read + 1;
                    Ok((cell, false))
                }
                Some(b'\n') => {
                    self.pos = read + 1;
                    Ok((cell, true))
                }
                Some(b'\r') if bytes.get(read + 1) == Some(&b'\n') => {
                    self.pos = read + 2;
                    Ok((cell, true))
                }
                Some(_) => Err(DataError(format!(
                    "line {}: text after a closing quote",
                    self.line
                ))),
            };
        }
        let start = self.pos;
        let mut end = start;
        while end < len && bytes[end] != b',' && bytes[end] != b'\n' {
            end += 1;
        }
        let (cell_end, next, last) = match bytes.get(end) {
            Some(b',') => (end, end + 1, false),
            Some(_) => (end, end + 1, true),
            None => (end, end, true),
        };
        // CRLF: the CR belongs to the line end, not the cell.
        let cell_end = if last && cell_end > start && bytes[cell_end - 1] == b'\r' {
            cell_end - 1
        } else {
            cell_end
        };
        self.pos = next;
        Ok(((start as u32, cell_end as u32), last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str) -> Dataset {
        Dataset::from_csv(text.as_bytes().to_vec()).expect("valid csv")
    }

    #[test]
    fn quoted_and_plain_cells_are_read_with_missing_values() {
        let d = data("\u{feff}\"a\",b,c\r\n\"x,1\", 2 ,\n\"he said \"\"hi\"\"\",,3\n");
        assert_eq!(d.headers(), ["a", "b", "c"]);
        assert_eq!(d.rows(), 2);
        let a = d.categories("a").expect("a");
        assert_eq!(a.values, ["x,1", "he said \"hi\""]);
        let b = d.numbers("b").expect("b");
        assert_eq!(b[0], 2.0);
        assert!(b[1].is_nan());
        let c = d.numbers("c").expect("c");
        assert!(c[0].is_nan());
        assert_eq!(c[1], 3.0);
    }

    #[test]
    fn problems_name_the_line_and_column() {
        let cases = [
            ("", "empty"),
            ("a,b\n1\n", "line 2: 1 fields, but the header has 2"),
            ("a,a\n1,2\n", "column `a` appears twice"),
            ("a,b\n\"1,2\n", "line 2: a quoted value is not closed"),
            ("a,b\n\"1\"x,2\n", "line 2: text after a closing quote"),
        ];
        for (text, expected) in cases {
            let err = Dataset::from_csv(text.as_bytes().to_vec()).expect_err(text);
            assert!(err.0.contains(expected), "{text:?}: {err}");
        }
        let d = data("a,b\n1,2\nx,3\n");
        let err = d.numbers("a").expect_err("x");
        assert_eq!(err.0, "line 3: column `a`: `x` is not a number");
        let err = d.numbers("nope").expect_err("unknown");
        assert!(
            err.0
                .starts_with("unknown column `nope`; the data has: a, b"),
            "{err}"
        );
    }

    #[test]
    fn a_file_without_a_final_newline_keeps_its_last_row() {
        let d = data("a\n1\n2");
        assert_eq!(d.numbers("a").expect("a"), [1.0, 2.0]);
    }
}
