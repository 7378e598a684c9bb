//! `trygg token create` and `trygg token revoke`: personal API tokens for scripts and CI.

use super::{FAILED, OK, open_database};
use crate::accounts::{self, api_token};
use crate::config::Settings;
use crate::store;

/// The account of `email`, or a message on stderr.
async fn account(
    db: &sea_orm::DatabaseConnection,
    email: &str,
) -> Option<crate::entities::user::Model> {
    let normalized = match accounts::normalize_email(email) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("--email: {e}");
            return None;
        }
    };
    match store::users::find_by_email(db, &normalized).await {
        Ok(Some(user)) => Some(user),
        Ok(None) => {
            eprintln!("--email: there is no account {normalized}");
            None
        }
        Err(e) => {
            eprintln!("database: {e}");
            None
        }
    }
}

/// `trygg token create --email E --name N [--days D]`: prints the token (only this once) on
/// stdout, and what it is on stderr.
pub async fn create(settings: &Settings, email: &str, name: &str, days: Option<&str>) -> i32 {
    let days = match days.map(api_token::parse_days) {
        None => api_token::DEFAULT_TOKEN_DAYS,
        Some(Ok(d)) => d,
        Some(Err(e)) => {
            eprintln!("--days: {e}");
            return FAILED;
        }
    };
    if let Err(e) = api_token::check_name(name) {
        eprintln!("--name: {e}");
        return FAILED;
    }
    let Some(db) = open_database(settings).await else {
        return FAILED;
    };
    let Some(owner) = account(&db, email).await else {
        return FAILED;
    };
    match store::api_tokens::create(&db, &owner, name, days, "cli").await {
        Ok(created) => {
            eprintln!(
                "API token \"{}\" of {} ({}), valid until {}; it is shown only now:",
                created.row.name,
                owner.email,
                owner.role,
                store::api_tokens::day_of(created.row.expires_at)
            );
            println!("{}", created.token);
            OK
        }
        Err(e) => {
            eprintln!("{e}");
            FAILED
        }
    }
}

/// `trygg token revoke --email E --name N`: revokes that user's tokens with this name.
pub async fn revoke(settings: &Settings, email: &str, name: &str) -> i32 {
    let Some(db) = open_database(settings).await else {
        return FAILED;
    };
    let Some(owner) = account(&db, email).await else {
        return FAILED;
    };
    match store::api_tokens::revoke_named(&db, &owner, name, "cli").await {
        Ok(0) => {
            eprintln!(
                "--name: {} has no token in use named \"{}\"",
                owner.email,
                name.trim()
            );
            FAILED
        }
        Ok(n) => {
            println!(
                "revoked {n} token{} \"{}\" of {}",
                if n == 1 { "" } else { "s" },
                name.trim(),
                owner.email
            );
            OK
        }
        Err(e) => {
            eprintln!("database: {e}");
            FAILED
        }
    }
}
