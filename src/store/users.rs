//! Staff accounts in the database.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};

use crate::accounts::{AccountError, NewUser};
use crate::entities::user;

#[derive(Debug, thiserror::Error)]
pub enum AddUserError {
    #[error(transparent)]
    Invalid(#[from] AccountError),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

/// Creates an account with an already hashed password and writes the audit entry in the same
/// transaction.
pub async fn add(
    db: &DatabaseConnection,
    new: &NewUser,
    password_hash: String,
    actor: &str,
) -> Result<user::Model, AddUserError> {
    // Insert first (no read before the write): on SQLite a transaction that reads and then
    // writes can fail when another writer got in between; the unique e-mail index decides.
    let txn = db.begin().await?;
    let model = user::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        email: Set(new.email.clone()),
        password_hash: Set(password_hash),
        role: Set(new.role.as_str().to_owned()),
        school_id: Set(new.school_id.clone()),
        created_at: Set(crate::util::now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AddUserError::Invalid(AccountError::EmailTaken(new.email.clone()))
        }
        _ => AddUserError::Db(e),
    })?;
    let detail = match &new.school_id {
        Some(school) => format!("{} as {} of {}", new.email, new.role, school),
        None => format!("{} as {}", new.email, new.role),
    };
    super::audit::record(&txn, actor, "user.add", &detail).await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(db)
        .await
}
