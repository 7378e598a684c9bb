//! Invitations by e-mail: reading an uploaded address list, and the texts of the invitation and
//! the reminder. Sending is in `collect::sender`; storage in `store::invitations`.

use std::collections::HashSet;

use super::csv_text::{at, quoted};
use crate::i18n::Lang;
use crate::problems::Problems;
use crate::survey::{Survey, Text};

/// Addresses in an upload at most (a municipality's staff fits many times over).
pub const MAX_ADDRESSES: usize = 50_000;
/// The longest address, in bytes (RFC 5321: a path of 256 octets, less the angle brackets).
pub const MAX_ADDRESS_BYTES: usize = 254;
/// The largest body the upload form accepts: [`MAX_ADDRESSES`] addresses of the longest kind,
/// every byte percent-encoded (`%40`: three bytes each), each followed by an encoded line break
/// (`%0D%0A`, six bytes), plus 64 kB for the form's other fields (the CSRF token) and names
/// pasted with a few addresses. About 37 MB, admins only: the role is checked first.
pub const MAX_FORM_BYTES: usize = MAX_ADDRESSES * (3 * MAX_ADDRESS_BYTES + 6) + 64 * 1024;
const _: () = assert!(MAX_FORM_BYTES > MAX_ADDRESSES * (MAX_ADDRESS_BYTES + 2) * 3);

/// Words a header line of an address column may have; such a first line is skipped.
const HEADER_WORDS: [&str; 8] = [
    "email",
    "e-mail",
    "e-post",
    "epost",
    "e-postadress",
    "mail",
    "adress",
    "address",
];

/// One piece of the pasted text, between separators, with its line.
struct Piece<'a> {
    line: usize,
    text: &'a str,
    /// A quote or `<` was still open where the piece ended.
    unclosed: bool,
}

/// Splits on commas, semicolons, tabs and line breaks, except inside quotes or `<…>` (Outlook
/// writes `"Svensson, Anna" <anna@kommun.se>`). A line break always ends a piece, so an
/// unclosed quote spoils one piece, not the rest of the list.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let (mut line, mut start) = (1, 0);
    let (mut quoted, mut angle) = (false, false);
    for (i, c) in text.char_indices() {
        let ends = match c {
            '\n' => true,
            ',' | ';' | '\t' => !quoted && !angle,
            '"' if !angle => {
                quoted = !quoted;
                false
            }
            '<' if !quoted => {
                angle = true;
                false
            }
            '>' if !quoted => {
                angle = false;
                false
            }
            _ => false,
        };
        if ends {
            out.push(Piece {
                line,
                text: &text[start..i],
                unclosed: quoted || angle,
            });
            start = i + c.len_utf8();
            if c == '\n' {
                line += 1;
                (quoted, angle) = (false, false);
            }
        }
    }
    out.push(Piece {
        line,
        text: &text[start..],
        unclosed: quoted || angle,
    });
    out
}

/// The address of one piece: `anna@kommun.se`, `"anna@kommun.se"`, `Anna <anna@kommun.se>` or
/// `"Svensson, Anna" <anna@kommun.se>`.
fn address_of(piece: &Piece<'_>, text: &str) -> Result<String, Text> {
    let shown = quoted(text);
    if piece.unclosed {
        return Err(at(
            piece.line,
            format!("{shown} har ett citattecken (\") eller en vinkelparentes (<) som inte stängs"),
            format!("{shown} has a quote (\") or an angle bracket (<) that is not closed"),
        ));
    }
    let address = match text.rfind('<') {
        Some(open) if text.ends_with('>') => text[open + 1..text.len() - 1].trim(),
        Some(_) => {
            return Err(at(
                piece.line,
                format!("{shown}: efter \">\" får inget mer stå"),
                format!("{shown}: nothing may follow the \">\""),
            ));
        }
        None => text.trim_matches('"').trim(),
    };
    if address.len() > MAX_ADDRESS_BYTES {
        return Err(at(
            piece.line,
            format!(
                "{shown} är längre än {MAX_ADDRESS_BYTES} tecken, som en e-postadress högst får vara"
            ),
            format!(
                "{shown} is longer than {MAX_ADDRESS_BYTES} characters, the most an e-mail address may have"
            ),
        ));
    }
    match address.parse::<lettre::Address>() {
        Ok(parsed) => Ok(parsed.to_string()),
        Err(_) => Err(at(
            piece.line,
            format!("{shown} är inte en e-postadress"),
            format!("{shown} is not an e-mail address"),
        )),
    }
}

/// Reads addresses pasted from anywhere: one per line, or separated by commas, semicolons or
/// tabs (Outlook, Excel), each bare or as `Name <address>`. A first line of header words
/// (`email`, `e-post`) is skipped. Duplicates (ignoring case) count once. Every piece that is
/// not an address is named with its line, and then nothing is accepted.
pub fn parse_addresses(text: &str) -> Result<Vec<String>, Problems<Text>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut problems = Problems::new();
    let mut seen = HashSet::new();
    let mut addresses = Vec::new();
    let all = pieces(text);
    let header = all
        .iter()
        .filter(|p| p.line == 1 && !p.text.trim().is_empty())
        .all(|p| HEADER_WORDS.contains(&p.text.trim().trim_matches('"').to_lowercase().as_str()));
    for piece in &all {
        let trimmed = piece.text.trim();
        if trimmed.is_empty() || (header && piece.line == 1) {
            continue;
        }
        match address_of(piece, trimmed) {
            Ok(address) => {
                if seen.insert(address.to_lowercase()) {
                    addresses.push(address);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if addresses.len() > MAX_ADDRESSES {
        problems.push(Text {
            sv: format!(
                "{} olika adresser; högst {} per uppladdning – dela upp listan",
                Lang::Sv.number(addresses.len() as i128),
                Lang::Sv.number(MAX_ADDRESSES as i128)
            ),
            en: format!(
                "{} different addresses; at most {} per upload – split the list",
                Lang::En.number(addresses.len() as i128),
                Lang::En.number(MAX_ADDRESSES as i128)
            ),
        });
    }
    if addresses.is_empty() && problems.is_empty() {
        problems.push(Text {
            sv: "inga e-postadresser hittades".to_owned(),
            en: "no e-mail addresses found".to_owned(),
        });
    }
    problems.or_ok(addresses)
}

/// Subject and plain-text body of an invitation or a reminder, in Swedish and English (the
/// recipient's language is not known).
pub fn message(
    survey: &Survey,
    link: &str,
    closes: Option<&str>,
    reminder: bool,
) -> (String, String) {
    let subject = if reminder {
        format!(
            "Påminnelse: {} / Reminder: {}",
            survey.title.sv, survey.title.en
        )
    } else {
        format!("{} / {}", survey.title.sv, survey.title.en)
    };
    let (closes_sv, closes_en) = match closes {
        Some(date) => (
            format!(" Enkäten stänger {date}."),
            format!(" The survey closes on {date}."),
        ),
        None => (String::new(), String::new()),
    };
    let (lead_sv, lead_en) = if reminder {
        (
            "Vi har inte fått ditt svar ännu. Det är inte för sent!",
            "We have not received your answers yet. It is not too late!",
        )
    } else {
        (
            "Du är inbjuden att svara på en enkät.",
            "You are invited to answer a survey.",
        )
    };
    let body = format!(
        "Hej!\n\n{lead_sv}{closes_sv}\n\n{link}\n\n\
         Länken är personlig och fungerar tills du har skickat in dina svar. Svaren sparas utan \
         koppling till dig eller din e-postadress, och adresserna raderas när enkäten stänger.\n\n\
         ---\n\n\
         Hello,\n\n{lead_en}{closes_en}\n\n{link}\n\n\
         The link is personal and works until you submit your answers. Answers are stored \
         without any connection to you or your e-mail address, and the addresses are deleted when \
         the survey closes.\n"
    );
    (subject, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english(problems: &Problems<Text>) -> Vec<&str> {
        problems.iter().map(|p| p.en.as_str()).collect()
    }

    #[test]
    fn addresses_are_read_from_lists_outlook_and_excel_once_each() {
        let cases = [
            (
                "one per line",
                "email\nanna@kommun.se\n\nAnna@kommun.se\r\nbo@kommun.se\n",
            ),
            (
                "outlook",
                "Anna Ek <anna@kommun.se>; \"Bo, Ek\" <bo@kommun.se>;",
            ),
            (
                "commas",
                "\u{feff}anna@kommun.se, bo@kommun.se,anna@KOMMUN.se",
            ),
            ("excel column", "\"anna@kommun.se\"\t\"bo@kommun.se\"\n"),
        ];
        for (case, text) in cases {
            let found = parse_addresses(text).unwrap_or_else(|e| panic!("{case}: {e:?}"));
            assert_eq!(found, ["anna@kommun.se", "bo@kommun.se"], "{case}");
        }
    }

    #[test]
    fn every_piece_that_is_not_an_address_is_named_with_its_line() {
        let problems = parse_addresses(
            "anna@kommun.se\nnot an address\nbo@kommun.se; foo\n\"Ek <ek@kommun.se>\nAnna, anna@kommun.se\n",
        )
        .expect_err("bad");
        assert_eq!(
            english(&problems),
            [
                "line 2: \"not an address\" is not an e-mail address",
                "line 3: \"foo\" is not an e-mail address",
                "line 4: \"\"Ek <ek@kommun.se>\" has a quote (\") or an angle bracket (<) that is not closed",
                "line 5: \"Anna\" is not an e-mail address",
            ]
        );
        assert_eq!(problems[1].sv, "rad 3: \"foo\" är inte en e-postadress");
        assert!(parse_addresses("\n\n").is_err());
        let long = format!("{}@kommun.se", "a".repeat(300));
        assert!(english(&parse_addresses(&long).expect_err("long"))[0].contains("longer than 254"));
    }

    #[test]
    fn fifty_thousand_addresses_are_accepted_and_one_more_is_refused() {
        let list = |n: usize| {
            (0..n)
                .map(|i| format!("fornamn.efternamn{i}@forvaltning.kommun.se"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            parse_addresses(&list(MAX_ADDRESSES)).map(|a| a.len()),
            Ok(MAX_ADDRESSES)
        );
        let refused = parse_addresses(&list(MAX_ADDRESSES + 1)).expect_err("too many");
        assert_eq!(
            refused[0].sv,
            "50\u{a0}001 olika adresser; högst 50\u{a0}000 per uppladdning – dela upp listan"
        );
    }

    #[test]
    fn a_list_of_a_hundred_thousand_bad_pieces_names_a_hundred() {
        let problems = parse_addresses(&"x,".repeat(100_000)).expect_err("bad");
        assert_eq!((problems.len(), problems.total()), (100, 100_000));
    }
}
