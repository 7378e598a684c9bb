//! Slowing down password guessing: after a few failures for one account name, each further attempt
//! must wait, the wait doubling with every failure (capped at 15 minutes). The key is a hash of the
//! e-mail tried, so unknown addresses are throttled the same way and nothing tells them apart.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};

use crate::entities::login_failure;
use crate::util::{now, sha256_hex};

/// Failures allowed before waiting starts.
pub const FREE_ATTEMPTS: i32 = 5;
/// Longest wait between attempts, and how long failures are remembered.
pub const MAX_WAIT_SECS: i64 = 15 * 60;

fn key(email: &str) -> String {
    sha256_hex(email.trim().to_lowercase())
}

/// Seconds to wait before this account name may try again, if any.
pub async fn wait_before_attempt(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<i64>, DbErr> {
    let row = login_failure::Entity::find_by_id(key(email))
        .one(db)
        .await?;
    let t = now();
    Ok(row
        .filter(|r| r.locked_until > t)
        .map(|r| r.locked_until - t))
}

/// Records a failed attempt and returns the wait now imposed (0 while attempts are still free).
pub async fn record_failure(db: &impl ConnectionTrait, email: &str) -> Result<i64, DbErr> {
    let key = key(email);
    let t = now();
    let existing = login_failure::Entity::find_by_id(key.clone())
        .one(db)
        .await?;
    // Failures older than the longest wait are forgotten.
    let previous = existing
        .as_ref()
        .filter(|r| t - r.last_failure < MAX_WAIT_SECS)
        .map_or(0, |r| r.failures);
    let failures = previous.saturating_add(1);
    let wait = if failures < FREE_ATTEMPTS {
        0
    } else {
        let exponent = (failures - FREE_ATTEMPTS).min(20) as u32;
        (1i64 << exponent).min(MAX_WAIT_SECS)
    };
    let row = login_failure::ActiveModel {
        key: Set(key),
        failures: Set(failures),
        last_failure: Set(t),
        locked_until: Set(t + wait),
    };
    if existing.is_some() {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(wait)
}

/// Forgets the failures after a successful login.
pub async fn clear(db: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    login_failure::Entity::delete_by_id(key(email))
        .exec(db)
        .await?;
    Ok(())
}
