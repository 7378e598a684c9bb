//! Slowing down password guessing. Every attempt for an account name is counted *before* the
//! password is checked, in one atomic statement, so parallel attempts cannot slip past the count.
//! The first few attempts are free; from the fifth on, each attempt locks the name for 30 seconds,
//! the wait doubling with every further attempt up to 15 minutes. A successful login clears the
//! count. The key is a hash of the e-mail tried, so unknown addresses are throttled the same way
//! and nothing tells them apart.
//!
//! Attempts from a browser with a valid device cookie of the account are not counted here but
//! on the device ([`super::login_devices`]), so that this lock, which anyone can set off by
//! guessing, never keeps the owner out of a browser they signed in on before; a success there
//! leaves this count alone.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, Statement, Value};

use crate::entities::login_failure;
use crate::util::{now, sha256_hex};

/// Attempts allowed before waiting starts.
pub const FREE_ATTEMPTS: i64 = 5;
/// The wait after the last free attempt; it doubles with every further attempt.
pub const FIRST_WAIT_SECS: i64 = 30;
/// Longest wait between attempts.
pub const MAX_WAIT_SECS: i64 = 15 * 60;
/// How long attempts are remembered: much longer than the longest wait, so that waiting out a
/// lock does not give the free attempts back.
pub const REMEMBER_SECS: i64 = 24 * 3600;

fn key(email: &str) -> String {
    sha256_hex(email.trim().to_lowercase())
}

/// The wait imposed after the `n`-th remembered attempt.
pub fn wait_after(n: i64) -> i64 {
    if n < FREE_ATTEMPTS {
        0
    } else {
        let exponent = (n - FREE_ATTEMPTS).min(20) as u32;
        (FIRST_WAIT_SECS << exponent).min(MAX_WAIT_SECS)
    }
}

/// Whether an attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Check the password.
    Allowed,
    /// Refuse without checking; try again after this many seconds.
    Locked(i64),
}

/// Counts an attempt for `email` and says whether it may be checked.
pub async fn begin_attempt(db: &impl ConnectionTrait, email: &str) -> Result<Attempt, DbErr> {
    let key = key(email);
    let t = now();
    let forget_before = t - REMEMBER_SECS;
    // The new lock for the count this attempt reaches, as a CASE over the counts that still
    // double (SQLite has no portable power function).
    let mut lock = String::from("CASE");
    let mut n = FREE_ATTEMPTS;
    while wait_after(n) < MAX_WAIT_SECS {
        lock.push_str(&format!(" WHEN {{next}} = {n} THEN {}", wait_after(n)));
        n += 1;
    }
    lock.push_str(&format!(
        " WHEN {{next}} >= {n} THEN {MAX_WAIT_SECS} ELSE 0 END"
    ));
    let next =
        "(CASE WHEN login_failures.last_failure < $3 THEN 1 ELSE login_failures.failures + 1 END)";
    let lock = lock.replace("{next}", next);
    // The update only happens while the name is not locked; a locked name returns no row.
    let sql = format!(
        "INSERT INTO login_failures (key, failures, last_failure, locked_until) \
         VALUES ($1, 1, $2, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = {next}, \
           last_failure = $2, \
           locked_until = $2 + {lock} \
         WHERE login_failures.locked_until <= $2 \
         RETURNING failures"
    );
    let backend = db.get_database_backend();
    let sql = match backend {
        // SQLite numbers its parameters ?1, ?2, …
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql,
    };
    let values: Vec<Value> = vec![key.clone().into(), t.into(), forget_before.into()];
    let row = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    if row.is_some() {
        return Ok(Attempt::Allowed);
    }
    let locked_until = login_failure::Entity::find_by_id(key)
        .one(db)
        .await?
        .map_or(t, |r| r.locked_until);
    Ok(Attempt::Locked((locked_until - t).max(1)))
}

/// Forgets the attempts after a successful login.
pub async fn clear(db: &impl ConnectionTrait, email: &str) -> Result<(), DbErr> {
    login_failure::Entity::delete_by_id(key(email))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes counts older than [`REMEMBER_SECS`]; returns how many.
pub async fn purge_old(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let result = login_failure::Entity::delete_many()
        .filter(login_failure::Column::LastFailure.lt(now() - REMEMBER_SECS))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_the_fifth_attempt_up_to_fifteen_minutes() {
        assert_eq!(wait_after(1), 0);
        assert_eq!(wait_after(4), 0);
        assert_eq!(wait_after(5), 30);
        assert_eq!(wait_after(6), 60);
        assert_eq!(wait_after(9), 480);
        assert_eq!(wait_after(10), MAX_WAIT_SECS);
        assert_eq!(wait_after(1000), MAX_WAIT_SECS);
    }
}
