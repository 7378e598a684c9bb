//! Personal API tokens in the database: made, listed, revoked, and looked up by their hash.
//! Making and revoking one writes an audit entry in the same transaction.

use chrono::DateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use crate::accounts::Role;
use crate::accounts::api_token::{self, MAX_ACTIVE_TOKENS, TokenError};
use crate::entities::{api_token as token, user};
use crate::store::audit::AuditEvent;
use crate::util::now;

#[derive(Debug, thiserror::Error)]
pub enum CreateTokenError {
    #[error(transparent)]
    Invalid(#[from] TokenError),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

/// A token just made: the secret (shown once, never stored) and its row.
pub struct CreatedToken {
    pub token: String,
    pub row: token::Model,
}

/// A date (UTC) of Unix seconds, `YYYY-MM-DD`.
pub fn day_of(ts: i64) -> String {
    DateTime::from_timestamp(ts, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Makes a token for `owner` named `name` (checked here) that lasts `days` days.
pub async fn create(
    db: &DatabaseConnection,
    owner: &user::Model,
    name: &str,
    days: u32,
    actor: &str,
) -> Result<CreatedToken, CreateTokenError> {
    let role = Role::parse(&owner.role)
        .ok_or_else(|| DbErr::Custom(format!("user {} has an unknown role", owner.id)))?;
    api_token::check_role(role)?;
    let name = api_token::check_name(name)?;
    let created = now();
    let active = token::Entity::find()
        .filter(token::Column::UserId.eq(&owner.id))
        .filter(token::Column::RevokedAt.is_null())
        .filter(token::Column::ExpiresAt.gt(created))
        .count(db)
        .await?;
    if active >= MAX_ACTIVE_TOKENS as u64 {
        return Err(TokenError::TooMany.into());
    }
    let fresh = api_token::generate();
    let txn = db.begin().await?;
    let row = token::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        user_id: Set(owner.id.clone()),
        name: Set(name),
        token_hash: Set(fresh.hash),
        created_at: Set(created),
        expires_at: Set(created + i64::from(days) * 86_400),
        last_used_on: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let event = AuditEvent::ApiTokenCreate {
        name: row.name.clone(),
        token: row.id.clone(),
        owner: owner.email.clone(),
        valid_until: day_of(row.expires_at),
    };
    super::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(CreatedToken {
        token: fresh.token,
        row,
    })
}

/// A user's tokens, the newest first (revoked and expired ones included, for the record).
pub async fn list_for_user(
    db: &impl ConnectionTrait,
    user_id: &str,
) -> Result<Vec<token::Model>, DbErr> {
    token::Entity::find()
        .filter(token::Column::UserId.eq(user_id))
        .order_by_desc(token::Column::CreatedAt)
        .order_by_asc(token::Column::Name)
        .all(db)
        .await
}

/// Revokes the tokens of `owner` that `which` selects and are not revoked yet; returns how many.
async fn revoke_where(
    db: &DatabaseConnection,
    owner: &user::Model,
    which: Condition,
    actor: &str,
) -> Result<Vec<token::Model>, DbErr> {
    let txn = db.begin().await?;
    let targets = token::Entity::find()
        .filter(token::Column::UserId.eq(&owner.id))
        .filter(token::Column::RevokedAt.is_null())
        .filter(which)
        .all(&txn)
        .await?;
    let at = now();
    for target in &targets {
        let done = token::Entity::update_many()
            .col_expr(token::Column::RevokedAt, Expr::value(at))
            .filter(token::Column::Id.eq(&target.id))
            .filter(token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 1 {
            let event = AuditEvent::ApiTokenRevoke {
                name: target.name.clone(),
                token: target.id.clone(),
                owner: owner.email.clone(),
            };
            super::audit::record(&txn, actor, &event).await?;
        }
    }
    txn.commit().await?;
    Ok(targets)
}

/// Revokes one token of `owner` by its id; `false` when the user has no such unrevoked token.
pub async fn revoke(
    db: &DatabaseConnection,
    owner: &user::Model,
    token_id: &str,
    actor: &str,
) -> Result<bool, DbErr> {
    let which = Condition::all().add(token::Column::Id.eq(token_id));
    Ok(!revoke_where(db, owner, which, actor).await?.is_empty())
}

/// Revokes every unrevoked token of `owner` with this name; returns how many.
pub async fn revoke_named(
    db: &DatabaseConnection,
    owner: &user::Model,
    name: &str,
    actor: &str,
) -> Result<usize, DbErr> {
    let which = Condition::all().add(token::Column::Name.eq(name.trim()));
    Ok(revoke_where(db, owner, which, actor).await?.len())
}

/// The token with this hash and its user, if it is neither revoked nor expired.
pub async fn find_valid(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<(token::Model, user::Model)>, DbErr> {
    let found = token::Entity::find()
        .filter(token::Column::TokenHash.eq(token_hash))
        .filter(token::Column::RevokedAt.is_null())
        .filter(token::Column::ExpiresAt.gt(now()))
        .find_also_related(user::Entity)
        // A deactivated account's tokens open nothing (they work again if it is reactivated).
        .filter(user::Column::DeactivatedAt.is_null())
        .one(db)
        .await?;
    Ok(found.and_then(|(t, u)| u.map(|u| (t, u))))
}

/// Notes that a token was used today (one write a day at most: nothing when already noted).
pub async fn mark_used(
    db: &impl ConnectionTrait,
    token_id: &str,
    today: &str,
) -> Result<(), DbErr> {
    token::Entity::update_many()
        .col_expr(token::Column::LastUsedOn, Expr::value(today))
        .filter(token::Column::Id.eq(token_id))
        .filter(
            Condition::any()
                .add(token::Column::LastUsedOn.is_null())
                .add(token::Column::LastUsedOn.ne(today)),
        )
        .exec(db)
        .await?;
    Ok(())
}
