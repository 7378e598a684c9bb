//! Invitations by e-mail: reading an uploaded address list, and the texts of the invitation and
//! the reminder. Sending is in `collect::sender`; storage in `store::invitations`.

use std::collections::HashSet;

use crate::survey::Survey;

/// Addresses in an upload at most (a municipality's staff fits many times over).
pub const MAX_ADDRESSES: usize = 50_000;

/// Reads addresses: one per line, or a CSV whose first column is the address (a header line
/// `email`/`e-post` is skipped). Duplicates (ignoring case) are kept once. Every bad line is
/// reported as `line N: …` and then nothing is accepted.
pub fn parse_addresses(text: &str) -> Result<Vec<String>, Vec<String>> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut addresses = Vec::new();
    for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line_no = i + 1;
        let first = line
            .split([',', ';', '\t'])
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches('"')
            .trim();
        if first.is_empty() {
            continue;
        }
        if line_no == 1
            && ["email", "e-mail", "e-post", "epost", "mail"]
                .contains(&first.to_lowercase().as_str())
        {
            continue;
        }
        match first.parse::<lettre::Address>() {
            Ok(address) => {
                let address = address.to_string();
                if seen.insert(address.to_lowercase()) {
                    addresses.push(address);
                }
            }
            // The line number is enough to find it; the address itself is not repeated.
            Err(_) => problems.push(format!("line {line_no}: not an e-mail address")),
        }
    }
    if addresses.len() > MAX_ADDRESSES {
        problems.push(format!(
            "{} addresses; at most {MAX_ADDRESSES} per upload",
            addresses.len()
        ));
    }
    if addresses.is_empty() && problems.is_empty() {
        problems.push("no e-mail addresses found".to_owned());
    }
    if problems.is_empty() {
        Ok(addresses)
    } else {
        Err(problems)
    }
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

    #[test]
    fn addresses_are_read_from_a_list_or_a_csv_once_each() {
        let text = "email,name\nanna@kommun.se,Anna\n\"bo@kommun.se\";Bo\n\nAnna@kommun.se\n";
        let found = parse_addresses(text).expect("valid");
        assert_eq!(found, ["anna@kommun.se", "bo@kommun.se"]);
    }

    #[test]
    fn bad_lines_are_named_without_repeating_them() {
        let problems = parse_addresses("anna@kommun.se\nnot an address\nbo@\n").expect_err("bad");
        assert_eq!(
            problems,
            [
                "line 2: not an e-mail address",
                "line 3: not an e-mail address"
            ]
        );
        assert!(parse_addresses("\n\n").is_err());
    }
}
