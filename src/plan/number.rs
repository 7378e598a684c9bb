//! Numbers and years as people type them into the plan's forms: a Swedish decimal comma or an
//! English point, spaces between thousands (`1 200`), a typographic minus; and numbers written
//! back the way each language writes them.

use crate::i18n::Lang;

/// The years a plan may cover.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

/// The largest output value taken (a count or an amount in kronor fits easily).
pub const MAX_VALUE: f64 = 1e12;

/// Why a typed number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    NotANumber,
    Negative,
    TooLarge,
}

/// A number, or `None` for an empty field. Accepts `12,5`, `12.5`, `1 200`, `1 200,5` (a
/// no-break or narrow space too) and `−3`; refuses `1.200,5` (which separator is the decimal
/// one cannot be told), `inf`, `NaN` and anything else.
pub fn parse_number(text: &str) -> Result<Option<f64>, NumberError> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .map(|c| if c == '−' { '-' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    if cleaned.contains(',') && cleaned.contains('.') || cleaned.matches([',', '.']).count() > 1 {
        return Err(NumberError::NotANumber);
    }
    let plain = cleaned.replace(',', ".");
    // Only digits, one point and a leading minus: Rust would also take `inf`, `NaN` and `1e5`.
    let body = plain.strip_prefix('-').unwrap_or(&plain);
    if body.is_empty() || body == "." || !body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(NumberError::NotANumber);
    }
    let value: f64 = plain.parse().map_err(|_| NumberError::NotANumber)?;
    if !value.is_finite() || value.abs() > MAX_VALUE {
        return Err(NumberError::TooLarge);
    }
    Ok(Some(value))
}

/// [`parse_number`] for a value that cannot be below zero (a count, hours, kronor).
pub fn parse_amount(text: &str) -> Result<Option<f64>, NumberError> {
    match parse_number(text)? {
        Some(v) if v < 0.0 => Err(NumberError::Negative),
        // -0 is 0.
        Some(v) => Ok(Some(v + 0.0)),
        None => Ok(None),
    }
}

/// A year of the plan, or `None` when it is not one (empty, not a whole number, or outside
/// [`FIRST_YEAR`]–[`LAST_YEAR`]).
pub fn parse_year(text: &str) -> Option<i32> {
    let text = text.trim();
    if text.len() != 4 || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse()
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
}

/// A number as it is stored in the history and the CSV: no needless decimals (`12`, `12.5`).
pub fn canonical(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    let mut text = format!("{rounded:.6}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    if text == "-0" { "0".to_owned() } else { text }
}

/// A number as the language writes it: `1 200,5` in Swedish, `1,200.5` in English.
pub fn localized(lang: Lang, value: f64) -> String {
    let text = canonical(value);
    let digits = text.trim_start_matches('-');
    let sign = match (text.starts_with('-'), lang) {
        (false, _) => "",
        (true, Lang::Sv) => "−",
        (true, Lang::En) => "-",
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let grouped = whole
        .parse::<i128>()
        .map(|n| lang.number(n))
        .unwrap_or_else(|_| whole.to_owned());
    match (fraction.is_empty(), lang) {
        (true, _) => format!("{sign}{grouped}"),
        (false, Lang::Sv) => format!("{sign}{grouped},{fraction}"),
        (false, Lang::En) => format!("{sign}{grouped}.{fraction}"),
    }
}

/// A number typed back into a form field: `12,5` in Swedish, `12.5` in English, no grouping.
pub fn for_input(lang: Lang, value: f64) -> String {
    let text = canonical(value);
    match lang {
        Lang::Sv => text.replace('.', ","),
        Lang::En => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_with_a_comma_or_a_point_and_grouped_digits() {
        assert_eq!(parse_number("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_number(" 12.5 "), Ok(Some(12.5)));
        assert_eq!(parse_number("1 200"), Ok(Some(1200.0)));
        assert_eq!(parse_number("1\u{a0}200,25"), Ok(Some(1200.25)));
        assert_eq!(parse_number("−3"), Ok(Some(-3.0)));
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("   "), Ok(None));
        for bad in [
            "1.200,5", "1,2,3", "abc", "inf", "NaN", "1e5", "-", ".", "12 st", "0x10",
        ] {
            assert_eq!(parse_number(bad), Err(NumberError::NotANumber), "{bad}");
        }
        assert_eq!(
            parse_number("99999999999999999999"),
            Err(NumberError::TooLarge)
        );
        assert_eq!(parse_amount("-1"), Err(NumberError::Negative));
        assert_eq!(parse_amount("-0"), Ok(Some(0.0)));
    }

    #[test]
    fn years_are_four_digits_within_the_plan_s_range() {
        assert_eq!(parse_year("2024"), Some(2024));
        assert_eq!(parse_year(" 2100 "), Some(2100));
        for bad in ["1999", "2101", "24", "2024.0", "", "２０２４", "-2024"] {
            assert_eq!(parse_year(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_are_written_as_each_language_writes_them() {
        assert_eq!(canonical(12.0), "12");
        assert_eq!(canonical(12.5), "12.5");
        assert_eq!(canonical(0.1 + 0.2), "0.3");
        assert_eq!(localized(Lang::Sv, 1200.5), "1\u{a0}200,5");
        assert_eq!(localized(Lang::En, 1200.5), "1,200.5");
        assert_eq!(localized(Lang::Sv, -3.0), "−3");
        assert_eq!(localized(Lang::En, -3.0), "-3");
        assert_eq!(for_input(Lang::Sv, 12.5), "12,5");
        assert_eq!(for_input(Lang::En, 12.5), "12.5");
    }
}
