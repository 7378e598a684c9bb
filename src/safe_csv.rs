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
