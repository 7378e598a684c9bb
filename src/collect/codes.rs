//! Access codes: invitation tokens and pupil codes. Generated from the operating system's random
//! generator, handed out once, and stored only as hashes.

use rand::Rng;

/// No I, O, 0 or 1: a pupil copying a code from a slip cannot confuse them.
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Characters of a pupil code: 12 × 5 bits = 60 bits, typed as three groups of four. Wrong codes
/// are not limited (a limit would let one client lock a whole class out), so the length alone
/// keeps guessing hopeless: at 100,000 guesses a second for two weeks against 10,000 open
/// codes, the chance of one hit is 1.2·10¹¹ × 10⁴ / 2⁶⁰ ≈ 0.1 % (README, "Guessing codes").
pub const PUPIL_CODE_LEN: usize = 12;

/// Characters of an invitation token: 26 × 5 = 130 bits, unguessable.
pub const TOKEN_LEN: usize = 26;

fn random_code(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A new pupil code, grouped for reading: `ABCD-EFGH-JKLM`.
pub fn new_pupil_code() -> String {
    let code = random_code(PUPIL_CODE_LEN);
    format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..])
}

/// A new invitation token (goes into the personal link).
pub fn new_token() -> String {
    random_code(TOKEN_LEN)
}

/// The canonical form of a typed or pasted code: upper case, without spaces and hyphens.
pub fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether a (normalised) code could have been made by us; cheap rejection of typos.
pub fn looks_valid(normalized: &str) -> bool {
    (normalized.len() == PUPIL_CODE_LEN || normalized.len() == TOKEN_LEN)
        && normalized.bytes().all(|b| ALPHABET.contains(&b))
}

/// The stored form of a code.
pub fn hash(code: &str) -> String {
    crate::util::sha256_hex(format!("trygg-access:{}", normalize(code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_found_however_it_is_typed() {
        let code = new_pupil_code();
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        let typed = code.to_lowercase().replace('-', " ");
        assert_eq!(hash(&typed), hash(&code));
        assert!(looks_valid(&normalize(&typed)));
    }

    #[test]
    fn codes_use_only_unambiguous_characters() {
        for _ in 0..200 {
            let token = new_token();
            assert_eq!(token.len(), TOKEN_LEN);
            assert!(!token.contains(['I', 'O', '0', '1']), "{token}");
        }
        assert!(!looks_valid("ABCD0FGHJKLM"));
        assert!(!looks_valid("ABCDEFGH"), "the old, shorter pupil codes");
        assert!(!looks_valid("ABC"));
    }

    #[test]
    fn codes_do_not_repeat() {
        let codes: std::collections::HashSet<String> =
            (0..10_000).map(|_| new_pupil_code()).collect();
        assert_eq!(codes.len(), 10_000);
    }
}
