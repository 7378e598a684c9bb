//! Server-side login sessions. The cookie holds a random token; the table holds its hash.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use crate::entities::{session, user};
use crate::util::{now, random_token, sha256_hex};

/// A new session: the token goes into the cookie, the CSRF token into forms.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

pub async fn create(
    db: &impl ConnectionTrait,
    user_id: &str,
    lifetime_hours: u32,
) -> Result<NewSession, DbErr> {
    let token = random_token();
    let csrf_token = random_token();
    let created = now();
    session::ActiveModel {
        id: Set(sha256_hex(&token)),
        user_id: Set(user_id.to_owned()),
        csrf_token: Set(csrf_token.clone()),
        created_at: Set(created),
        expires_at: Set(created + i64::from(lifetime_hours) * 3600),
    }
    .insert(db)
    .await?;
    Ok(NewSession { token, csrf_token })
}

/// The session and its user for a cookie token, if the session exists and has not expired.
pub async fn find_valid(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<(session::Model, user::Model)>, DbErr> {
    let found = session::Entity::find_by_id(sha256_hex(token))
        .filter(session::Column::ExpiresAt.gt(now()))
        .find_also_related(user::Entity)
        // A deactivated account's sessions are deleted when it is deactivated; this keeps one
        // made at that very moment from opening anything either.
        .filter(user::Column::DeactivatedAt.is_null())
        .one(db)
        .await?;
    Ok(found.and_then(|(s, u)| u.map(|u| (s, u))))
}

pub async fn delete(db: &impl ConnectionTrait, token: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(sha256_hex(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let result = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
