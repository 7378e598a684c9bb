//! Every CSV trygg writes (`trygg export`, the indicator, series and area CSVs of the API and the
//! command line, the action plan's files) goes through this one writer, so that a spreadsheet
//! opens it as data and never as formulas:
//!
//! - RFC 4180 quoting: a field with `,`, `;`, `"`, CR or LF is put in double quotes (a `"` inside
//!   doubled). `;` is quoted too although the delimiter is `,`: Swedish Excel splits a
//!   double-clicked CSV on `;`, and quoted it keeps the field whole as well.
//! - No cell starts a formula, however it is split: every *piece* of a field — the field, and
//!   what follows each `,`, `;`, CR or LF inside it — that would start with `=`, `+`, `-`, `@`,
//!   a tab or CR gets a `'` before it. A reader that ignores the quotes and splits on `,` or `;`
//!   (or on line breaks) therefore finds no cell that starts a formula either. The rule is taken
//!   literally: a negative number gets its `'` too (`'-0.02`); the JSON of the same route gives
//!   the number.
//!
//! [`unguard`] takes the `'` off again (`trygg import` reads exports back). A piece that
//! already started with `'` before something a spreadsheet would take for a formula gets one
//! more, so every text round-trips: `guard` and `unguard` are inverse.
//!
//! Files for people ([`excel_sv`], the CSV links of the pages and `?dialect=excel-sv` of the
//! API) are written for Swedish Excel, which opens a double-clicked CSV with the list separator
//! of the Swedish locale and reads numbers with a decimal comma: a UTF-8 byte-order mark (so that
//! å, ä and ö come out right), `;` between fields, CRLF line ends, and numbers rounded to what a
//! reader needs, with a decimal comma (`17,3`). The same guard applies to their text cells. A
//! number is never written with a leading `-`: the files are laid out so that no column holds a
//! negative number (a change is its size in one column and its direction in words in the next),
//! and a negative number that reaches the writer all the same is written with the typographic
//! minus `−` (U+2212): a person reads it, Excel keeps it as text and never as a formula.

use std::borrow::Cow;
use std::io::{self, Write};

/// What a spreadsheet takes for the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// After these a new piece starts: the delimiters a spreadsheet may split on, and line breaks.
const PIECE_END: [char; 4] = [',', ';', '\r', '\n'];

/// What makes a field need quotes.
const NEEDS_QUOTES: [char; 5] = [',', ';', '"', '\r', '\n'];

/// Whether a piece gets a `'` before it: it starts a formula, or it is such a piece with `'`
/// before it already (so that [`unguard`] can tell the two apart).
fn starts_formula(piece: &str) -> bool {
    piece.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// The byte offsets where the pieces of `text` start: 0 and after every [`PIECE_END`].
fn piece_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(
        text.char_indices()
            .filter(|(_, c)| PIECE_END.contains(c))
            .map(|(i, c)| i + c.len_utf8()),
    )
}

/// `text` with a `'` before every piece that would start a formula.
pub fn guard(text: &str) -> Cow<'_, str> {
    let mut guarded: Option<String> = None;
    let mut copied = 0;
    for start in piece_starts(text) {
        if starts_formula(&text[start..]) {
            let out = guarded.get_or_insert_with(|| String::with_capacity(text.len() + 4));
            out.push_str(&text[copied..start]);
            out.push('\'');
            copied = start;
        }
    }
    match guarded {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// A cell as it was before [`guard`]: the `'` before each piece that starts a formula is taken
/// off.
pub fn unguard(cell: &str) -> Cow<'_, str> {
    let mut plain: Option<String> = None;
    let mut copied = 0;
    for start in piece_starts(cell) {
        if cell[start..].starts_with('\'') && starts_formula(&cell[start + 1..]) {
            let out = plain.get_or_insert_with(|| String::with_capacity(cell.len()));
            out.push_str(&cell[copied..start]);
            copied = start + 1;
        }
    }
    match plain {
        Some(mut out) => {
            out.push_str(&cell[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(cell),
    }
}

/// One field as written: guarded, and quoted when it must be.
pub fn field(text: &str) -> Cow<'_, str> {
    let guarded = guard(text);
    if guarded.contains(NEEDS_QUOTES) {
        Cow::Owned(format!("\"{}\"", guarded.replace('"', "\"\"")))
    } else {
        guarded
    }
}

/// Writes one record: its fields separated by `,`, ended by a line feed.
pub fn write_record<I, S>(out: &mut impl Write, cells: I) -> io::Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut line = String::new();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&field(cell.as_ref()));
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// Records as CSV text (the first is usually the header).
pub fn to_string<R, S>(records: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = Vec::new();
    for record in records {
        // Writing to memory cannot fail.
        let _ = write_record(&mut out, record);
    }
    // Every field is a &str, so the bytes are UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// One cell of a file for Swedish Excel ([`excel_sv`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A number rounded to `decimals` places and written with a decimal comma.
    Number {
        value: f64,
        decimals: usize,
    },
    Empty,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A number with `decimals` places; nothing for a non-finite one.
    pub fn number(value: f64, decimals: usize) -> Cell {
        if value.is_finite() {
            Cell::Number { value, decimals }
        } else {
            Cell::Empty
        }
    }

    /// An optional number: empty when there is none.
    pub fn maybe(value: Option<f64>, decimals: usize) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::number(v, decimals))
    }

    /// A count.
    pub fn count(n: u64) -> Cell {
        Cell::Text(n.to_string())
    }

    /// An optional count, or `..` where the figure is hidden.
    pub fn count_or_hidden(n: Option<u64>) -> Cell {
        n.map_or_else(|| Cell::text(HIDDEN), Cell::count)
    }

    /// An optional number, or `..` where the figure is hidden.
    pub fn number_or_hidden(value: Option<f64>, decimals: usize) -> Cell {
        match value {
            Some(v) if v.is_finite() => Cell::Number { value: v, decimals },
            _ => Cell::text(HIDDEN),
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

/// What a hidden figure (suppressed, or none to show) is written as, as in official statistics.
pub const HIDDEN: &str = "..";

/// A number as Swedish Excel reads it: rounded half away from zero to `decimals` places, decimal comma, no
/// thousands separator, never `-0`; a negative number with `−` (U+2212), never `-`.
pub fn swedish_number(value: f64, decimals: usize) -> String {
    // Half away from zero, as people round (0,125 → 0,13), not half to even.
    let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(0));
    let rounded = (value.abs() * scale).round() / scale;
    let text = format!("{:.*}", decimals, rounded).replace('.', ",");
    let is_zero = text.chars().all(|c| c == '0' || c == ',');
    if value < 0.0 && !is_zero {
        format!("\u{2212}{text}")
    } else {
        text
    }
}

/// Records as a file for Swedish Excel: byte-order mark, `;` between fields, CRLF, numbers
/// with a decimal comma, text guarded and quoted as [`field`] does.
pub fn excel_sv<R>(records: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = Cell>,
{
    let mut out = String::from("\u{feff}");
    for record in records {
        for (i, cell) in record.into_iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            match cell {
                Cell::Text(text) => out.push_str(&field(&text)),
                Cell::Number { value, decimals } => out.push_str(&swedish_number(value, decimals)),
                Cell::Empty => {}
            }
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_gets_a_quote_before_it_and_fields_are_quoted_where_needed() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-x"), "'-x");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(field("vanlig text"), "vanlig text");
        assert_eq!(field(""), "");
        assert_eq!(field("a;b"), "\"a;b\"");
        assert_eq!(field("a,b"), "\"a,b\"");
    }

    #[test]
    fn negative_numbers_are_guarded_too() {
        assert_eq!(field("-1.5"), "'-1.5");
        assert_eq!(field("1.5"), "1.5");
        assert_eq!(unguard("'-1.5"), "-1.5");
    }

    #[test]
    fn every_piece_split_on_a_comma_a_semicolon_or_a_line_break_is_guarded() {
        assert_eq!(guard("a;=cmd|' /C calc'!A0;b"), "a;'=cmd|' /C calc'!A0;b");
        assert_eq!(
            field("a;=cmd|' /C calc'!A0;b"),
            "\"a;'=cmd|' /C calc'!A0;b\""
        );
        assert_eq!(guard("x,+1,-2;@3"), "x,'+1,'-2;'@3");
        assert_eq!(guard("rad ett\n=2"), "rad ett\n'=2");
        assert_eq!(guard("a\r\n-b"), "a\r\n'-b");
        assert_eq!(guard(",=x"), ",'=x");
        assert_eq!(guard("a, -1"), "a, -1");
    }

    #[test]
    fn the_guard_comes_off_again() {
        for text in [
            "=1+1",
            "+46 70",
            "@x",
            "-x",
            "-1.5",
            "'quoted'",
            "'",
            "'=x",
            "''-y",
            "vanlig",
            "a;=b;'=c;''=d",
            "\r\n\r",
            "'\r'",
            ";;;",
            "x,'",
            "",
        ] {
            let guarded = guard(text);
            assert_eq!(unguard(&guarded), text, "{guarded:?}");
        }
    }

    #[test]
    fn swedish_numbers_have_a_decimal_comma_and_never_a_leading_hyphen() {
        assert_eq!(swedish_number(17.345, 1), "17,3");
        assert_eq!(swedish_number(0.0, 1), "0,0");
        assert_eq!(swedish_number(12.0, 0), "12");
        assert_eq!(swedish_number(1234.5, 2), "1234,50");
        assert_eq!(swedish_number(-0.5, 1), "\u{2212}0,5");
        // Rounded to zero is zero, without a sign ("−0,0" says nothing true).
        assert_eq!(swedish_number(-0.04, 1), "0,0");
        assert_eq!(swedish_number(-0.0, 2), "0,00");
    }

    fn sample() -> Vec<Vec<Cell>> {
        vec![
            vec![
                Cell::text("Grupp"),
                Cell::text("Andel (%)"),
                Cell::text("n"),
            ],
            vec![
                Cell::text("Kvinna; 16–24 år"),
                Cell::number(17.345, 1),
                Cell::count(312),
            ],
            vec![Cell::text("=SUMMA(A1)"), Cell::number(-2.5, 1), Cell::Empty],
            vec![
                Cell::text("Dold"),
                Cell::number_or_hidden(None, 1),
                Cell::count_or_hidden(None),
            ],
            vec![
                Cell::text("Ej tal"),
                Cell::number(f64::NAN, 1),
                Cell::maybe(Some(0.125), 2),
            ],
        ]
    }

    #[test]
    fn a_file_for_swedish_excel_has_a_bom_semicolons_crlf_and_decimal_commas() {
        let text = excel_sv(sample());
        assert_eq!(
            text,
            "\u{feff}Grupp;Andel (%);n\r\n\
             \"Kvinna; 16–24 år\";17,3;312\r\n\
             '=SUMMA(A1);\u{2212}2,5;\r\n\
             Dold;..;..\r\n\
             Ej tal;;0,13\r\n"
        );
    }

    #[test]
    fn a_file_for_swedish_excel_reads_back_with_semicolons_and_starts_no_formula_with_commas() {
        let text = excel_sv(sample());
        // As Excel reads it: `;`, the byte-order mark off.
        let body = text.strip_prefix('\u{feff}').expect("a byte-order mark");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(b';')
            .from_reader(body.as_bytes());
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("valid").iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(rows.len(), 5);
        assert!(rows.iter().all(|r| r.len() == 3), "{rows:?}");
        assert_eq!(rows[1], ["Kvinna; 16–24 år", "17,3", "312"]);
        assert_eq!(unguard(&rows[2][0]), "=SUMMA(A1)");
        assert_eq!(rows[3], ["Dold", "..", ".."]);
        // Read with `,` (a reader that ignores the dialect): no cell starts a formula either,
        // decimal commas split numbers into harmless digits.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes());
        for record in reader.records() {
            for cell in record.expect("valid").iter() {
                assert!(!cell.starts_with(FORMULA_START), "{cell:?}");
            }
        }
        for piece in pieces(body) {
            assert!(!piece.starts_with(FORMULA_START), "{piece:?}");
        }
    }

    /// Splits a field as a spreadsheet might: on `,`, `;` and line breaks.
    fn pieces(text: &str) -> impl Iterator<Item = &str> {
        text.split(PIECE_END)
    }

    proptest::proptest! {
        #[test]
        fn any_text_round_trips_and_no_piece_starts_a_formula(
            text in "[=+@'\\-\t\r\n,;\"a1 ]{0,24}|.{0,40}"
        ) {
            let guarded = guard(&text);
            proptest::prop_assert_eq!(unguard(&guarded).into_owned(), text.clone());
            proptest::prop_assert!(
                !guarded.starts_with(FORMULA_START),
                "{:?}", guarded
            );
            for piece in pieces(&guarded) {
                proptest::prop_assert!(!piece.starts_with(FORMULA_START), "{:?} in {:?}", piece, guarded);
            }
            // Read back after a first column, as the export's answers come after its ids.
            let written = format!("id,{}\n", field(&text));
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(written.as_bytes());
            let record = reader.records().next().expect("a record").expect("valid CSV");
            proptest::prop_assert_eq!(record.len(), 2);
            proptest::prop_assert_eq!(unguard(&record[1]).into_owned(), text.clone());
        }

        #[test]
        fn an_unguarded_text_that_was_never_guarded_is_left_alone(text in "[a-z ]{0,10}") {
            proptest::prop_assert_eq!(unguard(&text).into_owned(), text.clone());
        }
    }
}
