//! The two languages trygg speaks, and how a language is chosen for a request.

use serde::{Deserialize, Serialize};

/// A user-facing language. Swedish is the default; every text exists in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Sv, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for the language switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Sv => Lang::En,
            Lang::En => Lang::Sv,
        }
    }

    /// Picks the Swedish or English variant of a literal.
    pub fn pick<'a>(self, sv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }

    /// A number with `places` decimals as each language writes it: a decimal comma and a real
    /// minus sign in Swedish (`−1,5`), a point and a hyphen in English (`-1.5`). A value that
    /// rounds to zero has no sign: `0,0`, never `−0,0`.
    pub fn decimal(self, v: f64, places: usize) -> String {
        let mut text = format!("{v:.places$}");
        if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
            text.remove(0);
        }
        match self {
            Lang::Sv => text.replace('.', ",").replace('-', "−"),
            Lang::En => text,
        }
    }

    /// A whole number with its digits grouped by thousands, as each language writes it:
    /// `99 900` (a no-break space) in Swedish, `99,900` in English.
    pub fn number(self, n: i128) -> String {
        let separator = match self {
            Lang::Sv => '\u{a0}',
            Lang::En => ',',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() * 2);
        if n < 0 {
            out.push('-');
        }
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(digit);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_have_a_comma_in_swedish_and_a_rounded_zero_has_no_sign() {
        assert_eq!(Lang::Sv.decimal(-1.24, 1), "−1,2");
        assert_eq!(Lang::En.decimal(-1.26, 1), "-1.3");
        assert_eq!(Lang::Sv.decimal(0.275, 3), "0,275");
        for tiny in [-0.04, -0.0, -0.000_001, 0.04] {
            assert_eq!(Lang::Sv.decimal(tiny, 1), "0,0", "{tiny}");
            assert_eq!(Lang::En.decimal(tiny, 1), "0.0", "{tiny}");
        }
        assert_eq!(Lang::Sv.decimal(-0.4, 0), "0");
        assert_eq!(Lang::Sv.decimal(-0.6, 0), "−1");
    }

    #[test]
    fn numbers_are_grouped_by_thousands_in_each_language() {
        assert_eq!(Lang::Sv.number(99_900), "99\u{a0}900");
        assert_eq!(Lang::En.number(1_234_567), "1,234,567");
        assert_eq!(Lang::En.number(-1_000), "-1,000");
        assert_eq!(Lang::Sv.number(999), "999");
        assert_eq!(Lang::En.number(0), "0");
        assert_eq!(
            Lang::En.number(i128::from(i64::MAX) * 2),
            "18,446,744,073,709,551,614"
        );
    }
}

/// A text with a capital first letter ("ingen" → "Ingen"), for a phrase that begins a sentence.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The name of a month (0 = January) as written inside a sentence: "januari", "January".
pub fn month_name(lang: Lang, month0: u32) -> &'static str {
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let names = match lang {
        Lang::Sv => &SV,
        Lang::En => &EN,
    };
    names.get(month0 as usize).copied().unwrap_or_default()
}

/// A day as people write it: "5 januari 2027", "5 January 2027". Times are stored as UTC
/// seconds, and a day typed by an admin is stored as its first second (UTC).
pub fn day_words(lang: Lang, seconds: i64) -> String {
    use chrono::Datelike;
    let Some(t) = chrono::DateTime::from_timestamp(seconds, 0) else {
        return String::new();
    };
    format!("{} {} {}", t.day(), month_name(lang, t.month0()), t.year())
}

#[cfg(test)]
mod day_tests {
    use super::*;

    #[test]
    fn days_are_written_in_words() {
        // 2027-01-05T00:00:00Z
        assert_eq!(day_words(Lang::Sv, 1_799_107_200), "5 januari 2027");
        assert_eq!(day_words(Lang::En, 1_799_107_200), "5 January 2027");
    }
}

/// Counts with their nouns in the right number, and school grades by the names schools use.
impl Lang {
    /// The singular or plural of a noun for `n`: both languages use the singular for exactly
    /// one and the plural otherwise (0 included: "0 elever", "0 pupils").
    pub fn plural<'a>(self, n: i128, sv: [&'a str; 2], en: [&'a str; 2]) -> &'a str {
        let forms = match self {
            Lang::Sv => sv,
            Lang::En => en,
        };
        if n == 1 { forms[0] } else { forms[1] }
    }

    /// A number and its noun: `1 elev`, `2 elever`, `1 200 elever`, `1 pupil`.
    pub fn count(self, n: i128, sv: [&str; 2], en: [&str; 2]) -> String {
        format!("{} {}", self.number(n), self.plural(n, sv, en))
    }

    /// A school grade as schools name it, inside a sentence: grades 1–9 are compulsory school
    /// ("årskurs 9", "year 9"), 10–13 the years of upper secondary school ("gymnasiet år 2",
    /// "upper secondary year 2") — never "årskurs 11".
    pub fn grade(self, grade: i32) -> String {
        match (self, grade) {
            (Lang::Sv, 10..=13) => format!("gymnasiet år {}", grade - 9),
            (Lang::En, 10..=13) => format!("upper secondary year {}", grade - 9),
            (Lang::Sv, _) => format!("årskurs {grade}"),
            (Lang::En, _) => format!("year {grade}"),
        }
    }

    /// Grades joined as a list: "årskurs 9 och gymnasiet år 2".
    pub fn grades(self, grades: &[i32]) -> String {
        let names: Vec<String> = grades.iter().map(|g| self.grade(*g)).collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => {
                format!("{} {} {last}", rest.join(", "), self.pick("och", "and"))
            }
        }
    }
}

#[cfg(test)]
mod count_tests {
    use super::*;

    #[test]
    fn one_takes_the_singular_and_every_other_count_the_plural() {
        let pupils = (["elev", "elever"], ["pupil", "pupils"]);
        let cases = [
            (0, "0 elever", "0 pupils"),
            (1, "1 elev", "1 pupil"),
            (2, "2 elever", "2 pupils"),
            (21, "21 elever", "21 pupils"),
            (1_200, "1\u{a0}200 elever", "1,200 pupils"),
        ];
        for (n, sv, en) in cases {
            assert_eq!(Lang::Sv.count(n, pupils.0, pupils.1), sv);
            assert_eq!(Lang::En.count(n, pupils.0, pupils.1), en);
        }
        assert_eq!(
            Lang::Sv.plural(1, ["kod", "koder"], ["code", "codes"]),
            "kod"
        );
        assert_eq!(
            Lang::En.plural(-1, ["kod", "koder"], ["code", "codes"]),
            "codes"
        );
    }

    #[test]
    fn upper_secondary_grades_are_named_by_their_year() {
        assert_eq!(Lang::Sv.grade(9), "årskurs 9");
        assert_eq!(Lang::En.grade(9), "year 9");
        assert_eq!(Lang::Sv.grade(11), "gymnasiet år 2");
        assert_eq!(Lang::En.grade(11), "upper secondary year 2");
        assert_eq!(Lang::Sv.grade(10), "gymnasiet år 1");
        assert_eq!(Lang::Sv.grade(13), "gymnasiet år 4");
        assert_eq!(Lang::Sv.grades(&[9, 11]), "årskurs 9 och gymnasiet år 2");
        assert_eq!(Lang::En.grades(&[7, 8, 9]), "year 7, year 8 and year 9");
        assert_eq!(Lang::En.grades(&[]), "");
    }
}
