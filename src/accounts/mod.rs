//! Staff accounts: roles, password rules and argon2id hashing. No I/O; see `store::users`.

pub mod api_token;
mod password;

use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;

pub use password::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, PasswordProblem, check_password};

use crate::i18n::Lang;

/// What a signed-in user may do (in the audit log as [`Role::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Surveys, waves, invitations, users, population figures.
    Admin,
    /// Reads indicators, trends and exports; writes the annual evaluation.
    Evaluator,
    /// A school coordinator, bound to one school: opens class sessions.
    School,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Evaluator, Role::School];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Evaluator => "evaluator",
            Role::School => "school",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a new account cannot be created as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("“{0}” is not an e-mail address")]
    BadEmail(String),
    #[error("a school coordinator needs --school (the school they coordinate)")]
    SchoolMissing,
    #[error("only a school coordinator is bound to a school; leave out --school for {0}")]
    SchoolNotAllowed(Role),
    #[error("“{0}” is not a school id: at most 100 characters, no control characters")]
    BadSchool(String),
    #[error("there is already a user with the e-mail {0}")]
    EmailTaken(String),
}

impl AccountError {
    /// The message in the visitor's language (`Display` is the English one, for the command line).
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            // The command line's wording names its flags; a page names its fields.
            (AccountError::SchoolMissing, Lang::En) => {
                "a school coordinator needs a school (the school they coordinate)".to_owned()
            }
            (AccountError::SchoolNotAllowed(_), Lang::En) => {
                "only school coordinators belong to a school; leave the school empty for this role"
                    .to_owned()
            }
            (_, Lang::En) => self.to_string(),
            (AccountError::BadEmail(email), Lang::Sv) => {
                format!("”{email}” är inte en e-postadress")
            }
            (AccountError::SchoolMissing, Lang::Sv) => {
                "en skolsamordnare behöver en skola (den skola hen samordnar)".to_owned()
            }
            (AccountError::SchoolNotAllowed(_), Lang::Sv) => {
                "bara skolsamordnare hör till en skola; lämna skolan tom för den här rollen"
                    .to_owned()
            }
            (AccountError::BadSchool(school), Lang::Sv) => {
                format!("”{school}” är inte ett skol-id: högst 100 tecken, inga styrtecken")
            }
            (AccountError::EmailTaken(email), Lang::Sv) => {
                format!("det finns redan ett konto med e-postadressen {email}")
            }
        }
    }
}

/// A checked request for a new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub role: Role,
    pub school_id: Option<String>,
}

impl NewUser {
    pub fn parse(email: &str, role: Role, school: Option<&str>) -> Result<NewUser, AccountError> {
        let email = normalize_email(email)?;
        let school_id = parse_role_school(role, school)?;
        Ok(NewUser {
            email,
            role,
            school_id,
        })
    }
}

/// The most characters a school id may have.
pub const MAX_SCHOOL_ID_CHARS: usize = 100;

/// Why a text is not a school id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchoolIdProblem {
    Missing,
    TooLong,
    ControlCharacter,
}

/// A school id as both the account form (and `trygg user add --school`) and the classes-per-school
/// upload accept it: trimmed, 1 to 100 characters, no control characters. One function, so that
/// a school of the upload can always be given to its coordinator's account and the reverse.
pub fn parse_school_id(text: &str) -> Result<String, SchoolIdProblem> {
    let id = text.trim();
    if id.is_empty() {
        Err(SchoolIdProblem::Missing)
    } else if id.chars().count() > MAX_SCHOOL_ID_CHARS {
        Err(SchoolIdProblem::TooLong)
    } else if id.chars().any(char::is_control) {
        Err(SchoolIdProblem::ControlCharacter)
    } else {
        Ok(id.to_owned())
    }
}

/// A role and school as an admin sets them on an existing account (the school only for a school
/// coordinator).
pub fn parse_role_school(role: Role, school: Option<&str>) -> Result<Option<String>, AccountError> {
    let school = school.map(str::trim).filter(|s| !s.is_empty());
    match (role, school) {
        (Role::School, None) => Err(AccountError::SchoolMissing),
        (Role::School, Some(s)) => parse_school_id(s)
            .map(Some)
            .map_err(|_| AccountError::BadSchool(s.to_owned())),
        (other, Some(_)) => Err(AccountError::SchoolNotAllowed(other)),
        (_, None) => Ok(None),
    }
}

/// Lower-cases and checks an e-mail address: one '@', something on both sides, no spaces.
pub fn normalize_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 320
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.contains('@')
               && !domain.starts_with('.') && !domain.ends_with('.'));
    if valid {
        Ok(email)
    } else {
        Err(AccountError::BadEmail(email))
    }
}

/// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (`$argon2id$v=19$…`). CPU-heavy: call it off the async
/// executor (`spawn_blocking`).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)?;
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// The service is hashing as many passwords as it may at once; try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingBusy;

/// Each argon2 run takes 19 MiB and tens of milliseconds of CPU. A flood of logins must not run
/// thousands at once (memory exhaustion), so at most two per core run; others wait a little, then
/// are turned away.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores * 2)
    })
}

/// Runs CPU-heavy password work off the async executor, within the hashing limit.
async fn limited<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<Option<T>, HashingBusy> {
    let wait = std::time::Duration::from_secs(5);
    let _permit = match tokio::time::timeout(wait, hashing_permits().acquire()).await {
        Ok(Ok(permit)) => permit,
        _ => return Err(HashingBusy),
    };
    Ok(tokio::task::spawn_blocking(work).await.ok())
}

/// [`verify_password`] off the executor, within the hashing limit.
pub async fn verify_password_limited(
    password: String,
    stored: String,
) -> Result<bool, HashingBusy> {
    Ok(limited(move || verify_password(&password, &stored))
        .await?
        .unwrap_or(false))
}

/// [`hash_password`] off the executor, within the hashing limit; `None` if hashing failed.
pub async fn hash_password_limited(password: String) -> Result<Option<String>, HashingBusy> {
    Ok(limited(move || hash_password(&password).ok())
        .await?
        .flatten())
}

/// A hash of a password nobody knows, verified against when the account does not exist so that
/// a wrong e-mail takes as long to refuse as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        hash_password(&hex::encode(secret)).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }

    #[test]
    fn new_users_are_checked() {
        assert_eq!(
            NewUser::parse(" Anna@Example.se ", Role::Admin, None)
                .expect("valid")
                .email,
            "anna@example.se"
        );
        let cases = [
            (
                "anna",
                Role::Admin,
                None,
                AccountError::BadEmail("anna".into()),
            ),
            ("a@b.se", Role::School, None, AccountError::SchoolMissing),
            (
                "a@b.se",
                Role::Evaluator,
                Some("s1"),
                AccountError::SchoolNotAllowed(Role::Evaluator),
            ),
            (
                "a@b.se",
                Role::School,
                Some("s\u{7}1"),
                AccountError::BadSchool("s\u{7}1".into()),
            ),
        ];
        for (email, role, school, expected) in cases {
            assert_eq!(
                NewUser::parse(email, role, school).expect_err(email),
                expected
            );
        }
        assert_eq!(
            NewUser::parse("a@b.se", Role::School, Some("sk-1"))
                .expect("school")
                .school_id
                .as_deref(),
            Some("sk-1")
        );
    }

    #[test]
    fn account_errors_are_said_in_both_languages() {
        let e = AccountError::BadEmail("anna".into());
        assert_eq!(e.message(Lang::Sv), "”anna” är inte en e-postadress");
        assert_eq!(e.message(Lang::En), "“anna” is not an e-mail address");
    }
}
