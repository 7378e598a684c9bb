//! Personal API tokens: their form, the rules for a new one, and why one is refused. No I/O;
//! see `store::api_tokens`.
//!
//! A token is `trygg_` and 64 lower-case hex digits (32 random bytes). Only its SHA-256 is
//! stored, and a presented token is found by looking its hash up: the database compares hashes,
//! never the secret, so a comparison that takes longer the more leading characters match would
//! tell an attacker only about the hash of their guess, which is no help in finding a token.
//! (A constant-time comparison would add nothing.)

use crate::accounts::Role;
use crate::i18n::Lang;
use crate::util::{random_token, sha256_hex};

/// What every token starts with, so that a leaked one is recognised (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "trygg_";
/// The lifetimes a token may be given on the account page, in days.
pub const TOKEN_DAYS_CHOICES: [u32; 3] = [30, 90, 365];
/// The lifetime of `trygg token create` without `--days`.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest lifetime, also on the command line.
pub const MAX_TOKEN_DAYS: u32 = 365;
/// The longest name, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;
/// Tokens one user may have that are neither expired nor revoked.
pub const MAX_ACTIVE_TOKENS: usize = 20;

/// A fresh token and the hash that is stored for it.
pub struct FreshToken {
    pub token: String,
    pub hash: String,
}

pub fn generate() -> FreshToken {
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    let hash = sha256_hex(&token);
    FreshToken { token, hash }
}

/// The stored hash of a presented token, or `None` when it does not have a token's form (then
/// there is nothing to look up).
pub fn hash_of(presented: &str) -> Option<String> {
    let secret = presented.strip_prefix(TOKEN_PREFIX)?;
    let well_formed = secret.len() == 64
        && secret
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| sha256_hex(presented))
}

/// Why a token cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("only evaluators and administrators can have API tokens, not a {0} account")]
    RoleNotAllowed(Role),
    #[error("give the token a name (what or who uses it)")]
    NameMissing,
    #[error("the name is {0} characters long; at most {MAX_TOKEN_NAME_CHARS} are allowed")]
    NameTooLong(usize),
    #[error("the name contains a control character (such as a line break)")]
    NameControl,
    #[error("“{0}” is not a lifetime in days: use a whole number from 1 to {MAX_TOKEN_DAYS}")]
    BadDays(String),
    #[error("choose a lifetime of 30, 90 or 365 days, not “{0}”")]
    DaysNotOffered(String),
    #[error(
        "you already have {MAX_ACTIVE_TOKENS} tokens in use; revoke one you no longer need first"
    )]
    TooMany,
}

impl TokenError {
    /// The message in the visitor's language (`Display` is the English one).
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (TokenError::RoleNotAllowed(_), Lang::Sv) => {
                "bara utvärderare och administratörer kan ha API-nycklar".to_owned()
            }
            (TokenError::NameMissing, Lang::Sv) => {
                "ge nyckeln ett namn (vad eller vem som använder den)".to_owned()
            }
            (TokenError::NameTooLong(n), Lang::Sv) => format!(
                "namnet är {n} tecken långt; högst {MAX_TOKEN_NAME_CHARS} tecken är tillåtna"
            ),
            (TokenError::NameControl, Lang::Sv) => {
                "namnet innehåller ett styrtecken (till exempel en radbrytning)".to_owned()
            }
            (TokenError::BadDays(d), Lang::Sv) => format!(
                "”{d}” är inte ett antal dagar: använd ett heltal från 1 till {MAX_TOKEN_DAYS}"
            ),
            (TokenError::DaysNotOffered(d), Lang::Sv) => {
                format!("välj en giltighetstid på 30, 90 eller 365 dagar, inte ”{d}”")
            }
            (TokenError::TooMany, Lang::Sv) => format!(
                "du har redan {MAX_ACTIVE_TOKENS} nycklar i bruk; återkalla en som du inte längre behöver först"
            ),
        }
    }

    /// The form field the problem belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            TokenError::BadDays(_) | TokenError::DaysNotOffered(_) => "days",
            _ => "name",
        }
    }
}

/// Whether a user with `role` may have tokens.
pub fn check_role(role: Role) -> Result<(), TokenError> {
    match role {
        Role::Admin | Role::Evaluator => Ok(()),
        Role::School => Err(TokenError::RoleNotAllowed(role)),
    }
}

/// The name, trimmed, or why it cannot be one.
pub fn check_name(name: &str) -> Result<String, TokenError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(TokenError::NameMissing);
    }
    if name.chars().any(char::is_control) {
        return Err(TokenError::NameControl);
    }
    let chars = name.chars().count();
    if chars > MAX_TOKEN_NAME_CHARS {
        return Err(TokenError::NameTooLong(chars));
    }
    Ok(name.to_owned())
}

/// A lifetime from the command line: 1 to [`MAX_TOKEN_DAYS`] days.
pub fn parse_days(text: &str) -> Result<u32, TokenError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=MAX_TOKEN_DAYS).contains(d))
        .ok_or_else(|| TokenError::BadDays(text.to_owned()))
}

/// A lifetime from the account page: one of [`TOKEN_DAYS_CHOICES`].
pub fn parse_offered_days(text: &str) -> Result<u32, TokenError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| TOKEN_DAYS_CHOICES.contains(d))
        .ok_or_else(|| TokenError::DaysNotOffered(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_have_the_form_that_is_looked_up() {
        let fresh = generate();
        assert!(fresh.token.starts_with("trygg_"));
        assert_eq!(fresh.token.len(), 6 + 64);
        assert_eq!(hash_of(&fresh.token).as_deref(), Some(fresh.hash.as_str()));
        assert_ne!(generate().token, fresh.token);
    }

    #[test]
    fn malformed_tokens_are_not_looked_up() {
        let fresh = generate();
        assert_eq!(hash_of(&fresh.token[6..]), None);
        assert_eq!(hash_of(&fresh.token.to_uppercase()), None);
        assert_eq!(hash_of(&format!("{}0", fresh.token)), None);
        assert_eq!(hash_of(""), None);
        assert_eq!(hash_of("trygg_"), None);
    }

    #[test]
    fn names_and_lifetimes_are_checked() {
        assert_eq!(check_name("  R-skript  ").as_deref(), Ok("R-skript"));
        assert_eq!(check_name(" "), Err(TokenError::NameMissing));
        assert_eq!(check_name("a\nb"), Err(TokenError::NameControl));
        assert_eq!(
            check_name(&"å".repeat(101)),
            Err(TokenError::NameTooLong(101))
        );
        assert_eq!(check_name(&"å".repeat(100)).map(|n| n.len()), Ok(200));
        assert_eq!(parse_days("365"), Ok(365));
        assert_eq!(parse_days("0"), Err(TokenError::BadDays("0".into())));
        assert_eq!(parse_days("366"), Err(TokenError::BadDays("366".into())));
        assert_eq!(parse_offered_days("90"), Ok(90));
        assert_eq!(
            parse_offered_days("31"),
            Err(TokenError::DaysNotOffered("31".into()))
        );
        assert!(check_role(Role::School).is_err());
        assert!(check_role(Role::Evaluator).is_ok());
        assert!(TokenError::TooMany.message(Lang::Sv).contains("20"));
    }
}
