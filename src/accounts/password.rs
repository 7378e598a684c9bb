//! What a new password must be: 12–200 characters, not blank, no control characters, not the
//! account's e-mail address, and hard to guess as zxcvbn estimates it (score 3 of 4 or more,
//! about 10^8 guesses or more). A refusal says why, and what helps, in Swedish and English.

use zxcvbn::Score;
use zxcvbn::feedback::{Suggestion, Warning};

use crate::i18n::Lang;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum PasswordProblem {
    /// Empty, or nothing but spaces and other white space.
    Blank,
    /// A NUL, a tab, a line break or another control character.
    ControlCharacter,
    TooShort,
    TooLong,
    /// It contains the account's e-mail address (or the part before the `@`).
    ContainsEmail,
    /// A season or month followed by a year, with digits and punctuation around
    /// (`Sommar2024!!`, `Juli2025!!`): among the first guesses of every attacker, and what
    /// a rule "letters, digits and a special character" makes people choose.
    SeasonAndYear,
    /// zxcvbn estimates it as guessable; its warning and suggestions, if any.
    Guessable {
        warning: Option<Warning>,
        suggestions: Vec<Suggestion>,
    },
}

/// Words common in Swedish passwords (seasons, greetings, places, family, pets, sport and the
/// words of this service) that zxcvbn's English dictionaries do not know, most common first.
const SWEDISH_WORDS: &[&str] = &[
    "lösenord",
    "losenord",
    "sommar",
    "vinter",
    "hösten",
    "hosten",
    "våren",
    "varen",
    "välkommen",
    "valkommen",
    "hemligt",
    "hemlig",
    "hejsan",
    "hejhej",
    "kärlek",
    "karlek",
    "älskling",
    "alskling",
    "mamma",
    "pappa",
    "sverige",
    "svensk",
    "stockholm",
    "göteborg",
    "goteborg",
    "malmö",
    "malmo",
    "uppsala",
    "kommun",
    "kommunen",
    "polisen",
    "trygg",
    "trygghet",
    "skola",
    "skolan",
    "fotboll",
    "hockey",
    "katten",
    "hunden",
    "prinsessa",
    "solsken",
    "blomma",
    "jultomte",
    "midsommar",
    "måndag",
    "fredag",
    "lördag",
    "kalle",
    "anka",
    "glass",
    "godis",
    "bilen",
    "jobbet",
    "arbete",
    "nyckel",
];

/// Seasons and months, in Swedish (with and without å, ä, ö; also in the definite form) and
/// English, lower case.
const SEASONS_AND_MONTHS: &[&str] = &[
    "vår",
    "var",
    "våren",
    "varen",
    "sommar",
    "sommaren",
    "höst",
    "host",
    "hösten",
    "hosten",
    "vinter",
    "vintern",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
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
    "january",
    "february",
    "march",
    "may",
    "june",
    "july",
    "august",
    "october",
];

/// Whether a password is a season or month and a year: its letters, in any case, are exactly one
/// word of [`SEASONS_AND_MONTHS`], and everything else is digits (a year among them),
/// punctuation, symbols and spaces (`Sommar2024!!`, `Höst-2024!`, `!!juli 2025`).
fn is_season_and_year(password: &str) -> bool {
    let letters: String = password
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let has_year = password
        .split(|c: char| !c.is_ascii_digit())
        .any(|digits| digits.len() >= 2);
    has_year && SEASONS_AND_MONTHS.contains(&letters.as_str())
}

/// Checks a new password for the account `email`.
pub fn check_password(password: &str, email: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if password.chars().all(char::is_whitespace) {
        return Err(PasswordProblem::Blank);
    }
    if password.chars().any(char::is_control) {
        return Err(PasswordProblem::ControlCharacter);
    }
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    let lowered = password.to_lowercase();
    if !email.is_empty()
        && (lowered.contains(&email) || (local.len() >= 4 && lowered.contains(local)))
    {
        return Err(PasswordProblem::ContainsEmail);
    }
    if is_season_and_year(password) {
        return Err(PasswordProblem::SeasonAndYear);
    }
    // The address and its parts count as words an attacker would try first, and so do the
    // Swedish words that Swedish passwords are made of (zxcvbn's own lists are English).
    let mut inputs: Vec<&str> = vec![&email, local];
    inputs.extend_from_slice(SWEDISH_WORDS);
    inputs.extend(local.split(['.', '_', '-', '+']).filter(|p| p.len() >= 3));
    inputs.extend(email.split('@').nth(1).and_then(|d| d.split('.').next()));
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if estimate.score() >= Score::Three {
        return Ok(());
    }
    let (warning, suggestions) = estimate
        .feedback()
        .map(|f| (f.warning(), f.suggestions().to_vec()))
        .unwrap_or_default();
    Err(PasswordProblem::Guessable {
        warning,
        suggestions,
    })
}

impl PasswordProblem {
    /// What is wrong and what helps, as one or a few sentences.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PasswordProblem::Blank => lang
                .pick(
                    "Skriv ett lösenord: det får inte bestå av bara mellanslag.",
                    "Enter a password: it must not be only spaces.",
                )
                .to_owned(),
            PasswordProblem::ControlCharacter => lang
                .pick(
                    "Lösenordet innehåller ett kontrolltecken (som NUL, tabb eller radbrytning). Använd bokstäver, siffror, mellanslag och skiljetecken.",
                    "The password contains a control character (such as NUL, tab or a line break). Use letters, digits, spaces and punctuation.",
                )
                .to_owned(),
            PasswordProblem::TooShort => match lang {
                Lang::Sv => format!("Lösenordet måste ha minst {MIN_PASSWORD_CHARS} tecken."),
                Lang::En => {
                    format!("The password must have at least {MIN_PASSWORD_CHARS} characters.")
                }
            },
            PasswordProblem::TooLong => match lang {
                Lang::Sv => format!("Lösenordet får ha högst {MAX_PASSWORD_CHARS} tecken."),
                Lang::En => {
                    format!("The password may have at most {MAX_PASSWORD_CHARS} characters.")
                }
            },
            PasswordProblem::ContainsEmail => lang
                .pick(
                    "Lösenordet får inte innehålla e-postadressen.",
                    "The password must not contain the e-mail address.",
                )
                .to_owned(),
            PasswordProblem::SeasonAndYear => lang
                .pick(
                    "Lösenordet är en årstid eller månad med ett årtal (som ”Sommar2024!!”). Sådana prövas bland de första när någon gissar lösenord, hur de än skrivs med versaler, siffror och tecken. Använd i stället några ord som inte hör ihop, t.ex. ”granskog vid ljusnans strand”.",
                    "The password is a season or month with a year (like “Summer2024!!”). Those are among the first guesses of anyone guessing passwords, whatever the capitals, digits and symbols. Use a few words that do not belong together instead, e.g. “spruce forest by the quiet river”.",
                )
                .to_owned(),
            PasswordProblem::Guessable {
                warning,
                suggestions,
            } => {
                let mut out = lang
                    .pick(
                        "Lösenordet är för lätt att gissa.",
                        "The password is too easy to guess.",
                    )
                    .to_owned();
                for text in warning
                    .map(|w| warning_text(w, lang))
                    .into_iter()
                    .chain(suggestions.iter().map(|s| suggestion_text(*s, lang)))
                {
                    out.push(' ');
                    out.push_str(text);
                }
                if suggestions.is_empty() {
                    out.push(' ');
                    out.push_str(suggestion_text(
                        Suggestion::UseAFewWordsAvoidCommonPhrases,
                        lang,
                    ));
                }
                out
            }
        }
    }
}

fn warning_text(warning: Warning, lang: Lang) -> &'static str {
    let (sv, en) = match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => (
            "Raka rader av tangenter är lätta att gissa.",
            "Straight rows of keys are easy to guess.",
        ),
        Warning::ShortKeyboardPatternsAreEasyToGuess => (
            "Korta tangentbordsmönster är lätta att gissa.",
            "Short keyboard patterns are easy to guess.",
        ),
        Warning::RepeatsLikeAaaAreEasyToGuess => (
            "Upprepningar som ”aaa” är lätta att gissa.",
            "Repeats like “aaa” are easy to guess.",
        ),
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => (
            "Upprepningar som ”abcabcabc” är bara lite svårare att gissa än ”abc”.",
            "Repeats like “abcabcabc” are only slightly harder to guess than “abc”.",
        ),
        Warning::ThisIsATop10Password => (
            "Det är ett av de tio vanligaste lösenorden.",
            "It is one of the ten most common passwords.",
        ),
        Warning::ThisIsATop100Password => (
            "Det är ett av de hundra vanligaste lösenorden.",
            "It is one of the hundred most common passwords.",
        ),
        Warning::ThisIsACommonPassword => (
            "Det är ett mycket vanligt lösenord.",
            "It is a very common password.",
        ),
        Warning::ThisIsSimilarToACommonlyUsedPassword => (
            "Det liknar ett vanligt lösenord.",
            "It is similar to a commonly used password.",
        ),
        Warning::SequencesLikeAbcAreEasyToGuess => (
            "Följder som abc eller 6543 är lätta att gissa.",
            "Sequences like abc or 6543 are easy to guess.",
        ),
        Warning::RecentYearsAreEasyToGuess => (
            "Årtal från senare år är lätta att gissa.",
            "Recent years are easy to guess.",
        ),
        Warning::AWordByItselfIsEasyToGuess => (
            "Ett ensamt ord är lätt att gissa.",
            "A word by itself is easy to guess.",
        ),
        Warning::DatesAreOftenEasyToGuess => (
            "Datum är ofta lätta att gissa.",
            "Dates are often easy to guess.",
        ),
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => (
            "Ensamma för- och efternamn är lätta att gissa.",
            "Names and surnames by themselves are easy to guess.",
        ),
        Warning::CommonNamesAndSurnamesAreEasyToGuess => (
            "Vanliga för- och efternamn är lätta att gissa.",
            "Common names and surnames are easy to guess.",
        ),
    };
    lang.pick(sv, en)
}

fn suggestion_text(suggestion: Suggestion, lang: Lang) -> &'static str {
    let (sv, en) = match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => (
            "Använd några ord och undvik vanliga fraser.",
            "Use a few words and avoid common phrases.",
        ),
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => (
            "Symboler, siffror och versaler behövs inte.",
            "Symbols, digits and capital letters are not needed.",
        ),
        Suggestion::AddAnotherWordOrTwo => (
            "Lägg till ett eller två ord till; ovanliga ord är bättre.",
            "Add another word or two; uncommon words are better.",
        ),
        Suggestion::CapitalizationDoesntHelpVeryMuch => (
            "Stor begynnelsebokstav hjälper inte mycket.",
            "A capital first letter does not help much.",
        ),
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => (
            "Bara versaler är nästan lika lätt att gissa som bara gemener.",
            "All capitals are almost as easy to guess as all lower case.",
        ),
        Suggestion::ReversedWordsArentMuchHarderToGuess => (
            "Ord skrivna baklänges är inte mycket svårare att gissa.",
            "Words written backwards are not much harder to guess.",
        ),
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => (
            "Förutsägbara utbyten som ”@” i stället för ”a” hjälper inte mycket.",
            "Predictable substitutions like “@” for “a” do not help much.",
        ),
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => (
            "Använd ett längre tangentbordsmönster med fler svängar.",
            "Use a longer keyboard pattern with more turns.",
        ),
        Suggestion::AvoidRepeatedWordsAndCharacters => (
            "Undvik upprepade ord och tecken.",
            "Avoid repeated words and characters.",
        ),
        Suggestion::AvoidSequences => ("Undvik följder.", "Avoid sequences."),
        Suggestion::AvoidRecentYears => ("Undvik årtal från senare år.", "Avoid recent years."),
        Suggestion::AvoidYearsThatAreAssociatedWithYou => (
            "Undvik årtal som har med dig att göra.",
            "Avoid years that are associated with you.",
        ),
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => (
            "Undvik datum och årtal som har med dig att göra.",
            "Avoid dates and years that are associated with you.",
        ),
    };
    lang.pick(sv, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = "anna.svensson@kommun.example";

    #[test]
    fn blank_control_short_and_long_passwords_are_refused() {
        let cases = [
            ("", PasswordProblem::Blank),
            ("            ", PasswordProblem::Blank),
            ("\u{a0}\t  \u{3000}       ", PasswordProblem::Blank),
            (
                "\0\0\0\0\0\0\0\0\0\0\0\0",
                PasswordProblem::ControlCharacter,
            ),
            ("kalla\tvintrar i norr", PasswordProblem::ControlCharacter),
            ("kort lösen", PasswordProblem::TooShort),
        ];
        for (password, expected) in cases {
            assert_eq!(
                check_password(password, EMAIL),
                Err(expected),
                "{password:?}"
            );
        }
        let long = "ljung ".repeat(40);
        assert_eq!(check_password(&long, EMAIL), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn repeated_common_and_own_address_passwords_are_refused() {
        for password in [
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "password1234",
            "123456789012",
            "qwertyuiopasdf",
            "Password2024!",
            "Välkommen2026!",
            "Lösenord123456",
        ] {
            assert!(
                matches!(
                    check_password(password, EMAIL),
                    Err(PasswordProblem::Guessable { .. })
                ),
                "{password} was accepted"
            );
        }
        for password in [EMAIL, "Anna.Svensson@kommun.example!", "anna.svensson2026"] {
            assert_eq!(
                check_password(password, EMAIL),
                Err(PasswordProblem::ContainsEmail),
                "{password}"
            );
        }
    }

    #[test]
    fn a_season_or_month_with_a_year_is_refused_however_it_is_written() {
        for password in [
            "Sommar2024!!",
            "Vinter2025!!",
            "vår2023?",
            "Höst-2024!",
            "Summer2024!!",
            "Juli2025!!",
            "HÖSTEN 2026 !!!",
            "!!winter2024!!",
            "12sommar2024#",
            "September.2025",
            "Varen2024!!!",
            "SoMmAr24!!!!!!",
        ] {
            assert!(is_season_and_year(password), "{password}");
            if password.chars().count() >= MIN_PASSWORD_CHARS {
                assert_eq!(
                    check_password(password, EMAIL),
                    Err(PasswordProblem::SeasonAndYear),
                    "{password}"
                );
            }
        }
        for password in [
            "sommarstuga vid sjön 2024",
            "Sommar!!!!!!",
            "sommarvinter2024",
            "granskog vid ljusnans strand",
        ] {
            assert!(!is_season_and_year(password), "{password}");
        }
        let sv = PasswordProblem::SeasonAndYear.message(Lang::Sv);
        assert!(sv.contains("årstid eller månad med ett årtal"), "{sv}");
        let en = PasswordProblem::SeasonAndYear.message(Lang::En);
        assert!(en.contains("season or month with a year"), "{en}");
        assert!(en.contains("Use a few words"), "{en}");
    }

    #[test]
    fn a_few_uncommon_words_are_accepted() {
        for password in [
            "granskog vid ljusnans strand",
            "correct horse battery staple",
            "Blåbär & kantareller i dimman",
        ] {
            assert_eq!(check_password(password, EMAIL), Ok(()), "{password}");
        }
    }

    #[test]
    fn refusals_explain_in_the_visitors_language() {
        let Err(problem) = check_password("aaaaaaaaaaaa", EMAIL) else {
            panic!("accepted");
        };
        let sv = problem.message(Lang::Sv);
        assert!(sv.starts_with("Lösenordet är för lätt att gissa."), "{sv}");
        assert!(sv.contains("Upprepningar som ”aaa”"), "{sv}");
        assert!(!sv.contains("easy"), "{sv}");
        let en = problem.message(Lang::En);
        assert!(en.contains("Repeats like “aaa” are easy to guess."), "{en}");
        assert!(
            PasswordProblem::TooShort
                .message(Lang::Sv)
                .contains("minst 12 tecken")
        );
    }

    proptest::proptest! {
        #[test]
        fn no_password_makes_the_check_panic(password in ".{0,220}", email in ".{0,40}") {
            let _ = check_password(&password, &email);
        }
    }
}
