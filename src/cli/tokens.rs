//! `trygg token create` and `trygg token revoke`: personal API tokens for scripts and CI.

use anyhow::{Context, anyhow, bail};

use super::{Result, open_database, with_message};
use crate::accounts::{self, api_token};
use crate::config::Settings;
use crate::store;

/// The account of `email`.
async fn account(
    db: &sea_orm::DatabaseConnection,
    email: &str,
) -> Result<crate::entities::user::Model> {
    let normalized = accounts::normalize_email(email)
        .map_err(|e| with_message(e, |e| format!("--email: {e}")))?;
    store::users::find_by_email(db, &normalized)
        .await
        .context("database")?
        .ok_or_else(|| anyhow!("--email: there is no account {normalized}"))
}

/// `trygg token create --email E --name N [--days D]`: prints the token (only this once) on
/// stdout, and what it is on stderr.
pub async fn create(settings: &Settings, email: &str, name: &str, days: Option<&str>) -> Result {
    let days = match days.map(api_token::parse_days) {
        None => api_token::DEFAULT_TOKEN_DAYS,
        Some(Ok(d)) => d,
        Some(Err(e)) => bail!("--days: {e}"),
    };
    api_token::check_name(name).map_err(|e| with_message(e, |e| format!("--name: {e}")))?;
    let db = open_database(settings).await?;
    let owner = account(&db, email).await?;
    let created = store::api_tokens::create(&db, &owner, name, days, "cli").await?;
    eprintln!(
        "API token \"{}\" of {} ({}), valid until {}; it is shown only now:",
        created.row.name,
        owner.email,
        owner.role,
        store::api_tokens::day_of(created.row.expires_at)
    );
    println!("{}", created.token);
    Ok(())
}

/// `trygg token revoke --email E --name N`: revokes that user's tokens with this name.
pub async fn revoke(settings: &Settings, email: &str, name: &str) -> Result {
    let db = open_database(settings).await?;
    let owner = account(&db, email).await?;
    match store::api_tokens::revoke_named(&db, &owner, name, "cli")
        .await
        .context("database")?
    {
        0 => bail!(
            "--name: {} has no token in use named \"{}\"",
            owner.email,
            name.trim()
        ),
        n => {
            println!(
                "revoked {n} token{} \"{}\" of {}",
                if n == 1 { "" } else { "s" },
                name.trim(),
                owner.email
            );
            Ok(())
        }
    }
}
