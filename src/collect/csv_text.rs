//! Reading a small CSV text pasted or uploaded by an admin (population totals, classes per
//! school): the delimiter is taken from the header line (`,`, or `;` as Swedish Excel writes, or
//! a tab as a paste from a spreadsheet gives), quoted fields, a UTF-8 byte-order mark and CRLF
//! line ends are read, and every problem is a [`Text`] in both languages that names its line.

use crate::survey::Text;

/// A CSV text split into its header and rows, each with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub delimiter: char,
    pub header_line: usize,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A problem on a line, in both languages: `rad 3: …` / `line 3: …`.
pub fn at(line: usize, sv: impl AsRef<str>, en: impl AsRef<str>) -> Text {
    Text {
        sv: format!("rad {line}: {}", sv.as_ref()),
        en: format!("line {line}: {}", en.as_ref()),
    }
}

/// A value from the file as it is quoted in a message: at most 40 characters, so that a
/// message never grows with the file.
pub fn quoted(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((end, _)) => format!("\"{}…\"", &value[..end]),
        None => format!("\"{value}\""),
    }
}

fn delimiter_name(delimiter: char) -> (&'static str, &'static str) {
    match delimiter {
        ';' => ("semikolon (;)", "semicolons (;)"),
        '\t' => ("tabbar", "tabs"),
        _ => ("komma (,)", "commas (,)"),
    }
}

/// Reads `text`. `example` is a header line to show when the header cannot be used, e.g.
/// `school,classes`. An empty text, or a header of one column, is refused here.
pub fn read(text: &str, example: &str) -> Result<Table, Text> {
    let text = text.trim_start_matches('\u{feff}');
    let Some((header_index, header_text)) =
        text.lines().enumerate().find(|(_, l)| !l.trim().is_empty())
    else {
        return Err(Text {
            sv: format!("filen är tom; första raden ska namnge kolumnerna, t.ex. \"{example}\""),
            en: format!(
                "the file is empty; the first line must name the columns, e.g. \"{example}\""
            ),
        });
    };
    let delimiter = [',', ';', '\t']
        .into_iter()
        .max_by_key(|d| (header_text.matches(*d).count(), *d == ','))
        .unwrap_or(',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = Vec::new();
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = lines.line_at(text, e.position().map_or(0, |p| p.byte() as usize));
            at(line, e.to_string(), e.to_string())
        })?;
        let line = lines.line_at(text, record.position().map_or(0, |p| p.byte() as usize));
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        match header {
            None => header = Some((line, fields)),
            Some(_) => rows.push(Row { line, fields }),
        }
    }
    let (header_line, header) = header.unwrap_or((header_index + 1, Vec::new()));
    if header.len() < 2 {
        let shown = quoted(header_text.trim());
        return Err(at(
            header_line,
            format!(
                "rubrikraden har bara en kolumn ({shown}); skilj kolumnerna åt med komma (,) eller semikolon (;), t.ex. \"{example}\""
            ),
            format!(
                "the header has only one column ({shown}); separate the columns with commas (,) or semicolons (;), e.g. \"{example}\""
            ),
        ));
    }
    Ok(Table {
        delimiter,
        header_line,
        header,
        rows,
    })
}

/// Line numbers of records, which come in order: each count goes on from the last, so a file of
/// 100,000 lines is counted once, not once per line.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    /// The 1-based line of a record that the reader places at `byte`. The reader's own line
    /// count misses blank lines and CRLF, and its offset is where the previous record ended:
    /// the record starts after the line breaks that follow.
    fn line_at(&mut self, text: &str, byte: usize) -> usize {
        let bytes = text.as_bytes();
        let rest = bytes.get(byte..).unwrap_or_default();
        let start = byte
            + rest
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        if start < self.byte {
            (self.byte, self.line) = (0, 0);
        }
        let counted = bytes.get(self.byte..start).unwrap_or_default();
        self.line += counted.iter().filter(|b| **b == b'\n').count();
        self.byte = start;
        self.line + 1
    }
}

impl Table {
    /// The problem of a row whose number of fields differs from the header's, or `None`.
    pub fn width_problem(&self, row: &Row) -> Option<Text> {
        if row.fields.len() == self.header.len() {
            return None;
        }
        if row.fields.iter().any(|f| f.contains('\n')) {
            return Some(at(
                row.line,
                "ett fält inom citattecken fortsätter över flera rader: saknas ett avslutande citattecken (\")?",
                "a quoted field runs over several lines: is a closing quote (\") missing?",
            ));
        }
        let (sv, en) = delimiter_name(self.delimiter);
        Some(at(
            row.line,
            format!(
                "{} fält, men rubrikraden har {} (fälten skiljs åt med {sv}, som på rubrikraden)",
                row.fields.len(),
                self.header.len()
            ),
            format!(
                "{} fields, but the header has {} (fields are separated by {en}, as on the header line)",
                row.fields.len(),
                self.header.len()
            ),
        ))
    }
}

/// A whole number from 1 to `max`: digits, possibly grouped by spaces (`12 345`, as Swedish
/// spreadsheets write them). `what` names the column in messages.
pub fn count(value: &str, what: &str, max: i64, line: usize) -> Result<i64, Text> {
    let digits: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let valid = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    match digits.parse::<i64>() {
        Ok(n) if valid && (1..=max).contains(&n) => Ok(n),
        Ok(n) if valid && n > max => Err(too_large(value, what, max, line)),
        // Digits only, yet no i64: larger than any bound.
        Err(_) if valid => Err(too_large(value, what, max, line)),
        _ => Err(at(
            line,
            format!("{what} {} är inte ett heltal större än 0", quoted(value)),
            format!("{what} {} is not a whole number above 0", quoted(value)),
        )),
    }
}

fn too_large(value: &str, what: &str, max: i64, line: usize) -> Text {
    use crate::i18n::Lang;
    at(
        line,
        format!(
            "{what} {} är större än {}, det högsta som tas emot",
            quoted(value),
            Lang::Sv.number(max.into())
        ),
        format!(
            "{what} {} is more than {}, the most accepted",
            quoted(value),
            Lang::En.number(max.into())
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_quotes_a_bom_and_crlf_are_read() {
        let table = read(
            "\u{feff}school;classes\r\n\"S;1\";4\r\n\r\nS2 ; 2\r\n",
            "school,classes",
        )
        .expect("valid");
        assert_eq!(table.delimiter, ';');
        assert_eq!(table.header, ["school", "classes"]);
        let rows: Vec<(usize, Vec<&str>)> = table
            .rows
            .iter()
            .map(|r| (r.line, r.fields.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(rows, [(2, vec!["S;1", "4"]), (4, vec!["S2", "2"])]);
    }

    #[test]
    fn a_header_of_one_column_names_the_delimiters() {
        let e = read("\n\nschool classes\nS1 4\n", "school,classes").expect_err("one column");
        assert!(
            e.sv.starts_with("rad 3: rubrikraden har bara en kolumn"),
            "{}",
            e.sv
        );
        assert!(
            e.en.contains("separate the columns with commas (,) or semicolons (;)"),
            "{}",
            e.en
        );
        let e = read("", "school,classes").expect_err("empty");
        assert!(e.en.contains("the file is empty"), "{}", e.en);
    }

    #[test]
    fn counts_are_bounded_and_may_be_grouped() {
        assert_eq!(count("12 345", "total", 100_000_000, 2), Ok(12_345));
        let e = count("9223372036854775807", "total", 100_000_000, 2).expect_err("too big");
        assert!(e.en.contains("is more than 100,000,000"), "{}", e.en);
        let e = count("99999999999999999999999", "total", 100_000_000, 2).expect_err("too big");
        assert!(e.en.starts_with("line 2: total \"99999"), "{}", e.en);
        for bad in ["0", "-1", "1.5", "", "tio"] {
            let e = count(bad, "total", 100, 7).expect_err(bad);
            assert!(e.sv.contains("är inte ett heltal större än 0"), "{}", e.sv);
        }
        assert_eq!(quoted(&"x".repeat(100)).chars().count(), 43);
    }
}
