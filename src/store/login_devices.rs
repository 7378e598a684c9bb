//! Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a browser
//! a staff member has signed in on gets a long-lived random cookie, stored here only as its
//! SHA-256 together with the account. A login attempt for that account that presents the cookie
//! is counted on the device instead of on the address ([`super::logins`]): wrong passwords sent
//! from anywhere else never lock the owner out of their own browser, while those clients stay
//! throttled per address.
//!
//! A device has [`DEVICE_ATTEMPTS`] attempts without success; the attempt after them forgets
//! the device (a stolen cookie gives no more guesses than that) and is counted on the address
//! like any other. A success sets the count back to 0. Staff accounts only; nothing about the
//! client (address, user agent) is stored.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    Set, Statement, Value,
};

use crate::entities::login_device;
use crate::util::{now, random_token, sha256_hex};

/// How long a device is remembered after its last successful login.
pub const DEVICE_DAYS: i64 = 180;
/// Attempts without success a device may make; the next one forgets the device.
pub const DEVICE_ATTEMPTS: i32 = 5;

/// Whether `token` has the shape of a device cookie (64 hex digits, as [`random_token`] makes).
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Counts a login attempt for `user_id` made with the device cookie `token`, in one statement,
/// before the password is checked. `true`: the attempt goes by the device (the cookie is valid
/// for this account and has attempts left); `false`: the cookie opens nothing (unknown, expired,
/// another account's, or out of attempts, in which case the device is forgotten now) and the
/// attempt must be counted on the address.
pub async fn begin_attempt(
    db: &impl ConnectionTrait,
    token: &str,
    user_id: &str,
) -> Result<bool, DbErr> {
    if !well_formed(token) {
        return Ok(false);
    }
    let id = sha256_hex(token);
    let backend = db.get_database_backend();
    let sql = "UPDATE login_devices SET failures = failures + 1 \
               WHERE id = $1 AND user_id = $2 AND expires_at > $3 \
               RETURNING failures";
    let sql = match backend {
        // SQLite numbers its parameters ?1, ?2, …
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_owned(),
    };
    let values: Vec<Value> = vec![id.clone().into(), user_id.into(), now().into()];
    let Some(row) = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
    else {
        return Ok(false);
    };
    let attempts: i32 = row.try_get("", "failures")?;
    if attempts > DEVICE_ATTEMPTS {
        login_device::Entity::delete_by_id(id).exec(db).await?;
        return Ok(false);
    }
    Ok(true)
}

/// After a successful login with the device cookie `token`: its count starts again and it is
/// remembered for another [`DEVICE_DAYS`].
pub async fn succeeded(db: &impl ConnectionTrait, token: &str) -> Result<(), DbErr> {
    login_device::Entity::update_many()
        .col_expr(login_device::Column::Failures, 0.into())
        .col_expr(
            login_device::Column::ExpiresAt,
            (now() + DEVICE_DAYS * 86_400).into(),
        )
        .filter(login_device::Column::Id.eq(sha256_hex(token)))
        .exec(db)
        .await?;
    Ok(())
}

/// A new device of `user_id` after a successful login; the token goes into the cookie.
pub async fn create(db: &impl ConnectionTrait, user_id: &str) -> Result<String, DbErr> {
    let token = random_token();
    let t = now();
    login_device::ActiveModel {
        id: Set(sha256_hex(&token)),
        user_id: Set(user_id.to_owned()),
        failures: Set(0),
        created_at: Set(t),
        expires_at: Set(t + DEVICE_DAYS * 86_400),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Removes devices not signed in on for [`DEVICE_DAYS`]; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let result = login_device::Entity::delete_many()
        .filter(login_device::Column::ExpiresAt.lte(now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
