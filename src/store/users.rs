//! Staff accounts in the database.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::accounts::{AccountError, NewUser, Role};
use crate::entities::{session, user};
use crate::store::audit::AuditEvent;

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
        deactivated_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AddUserError::Invalid(AccountError::EmailTaken(new.email.clone()))
        }
        _ => AddUserError::Db(e),
    })?;
    let event = AuditEvent::UserAdd {
        email: new.email.clone(),
        role: new.role,
        school: new.school_id.clone(),
    };
    super::audit::record(&txn, actor, &event).await?;
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

/// Why a change to an account was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such account")]
    Unknown,
    /// The change would leave no active admin: nobody could manage accounts any more.
    #[error("the last active admin cannot be deactivated or given another role")]
    LastAdmin,
    #[error(transparent)]
    Invalid(#[from] AccountError),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

async fn find_for_change(txn: &impl ConnectionTrait, id: &str) -> Result<user::Model, ChangeError> {
    user::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(ChangeError::Unknown)
}

/// Refuses a change that takes `account` out of the active admins when it is the last one.
async fn keep_an_admin(
    txn: &impl ConnectionTrait,
    account: &user::Model,
) -> Result<(), ChangeError> {
    let is_active_admin = account.role == Role::Admin.as_str() && account.deactivated_at.is_none();
    if !is_active_admin {
        return Ok(());
    }
    // The active admins' rows are locked (PostgreSQL; SQLite's write transaction already runs
    // alone), so that two admins stepping down at the same moment cannot both succeed.
    let admins: Vec<String> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::DeactivatedAt.is_null())
        .lock_exclusive()
        .into_tuple()
        .all(txn)
        .await?;
    if admins.iter().all(|id| *id == account.id) {
        Err(ChangeError::LastAdmin)
    } else {
        Ok(())
    }
}

/// Ends every session of an account (API tokens stay, but open nothing while it is deactivated).
async fn end_sessions(txn: &impl ConnectionTrait, user_id: &str) -> Result<u64, DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(txn)
        .await?
        .rows_affected)
}

/// Deactivates (`active = false`) or reactivates an account. A deactivated account cannot sign
/// in, and its sessions end now.
pub async fn set_active(
    db: &DatabaseConnection,
    id: &str,
    active: bool,
    actor: &str,
) -> Result<user::Model, ChangeError> {
    let txn = crate::db::begin_write(db).await?;
    let account = find_for_change(&txn, id).await?;
    if !active {
        keep_an_admin(&txn, &account).await?;
    }
    let mut change: user::ActiveModel = account.clone().into();
    change.deactivated_at = Set((!active).then(crate::util::now));
    let updated = change.update(&txn).await?;
    if !active {
        end_sessions(&txn, id).await?;
    }
    let email = account.email;
    let event = if active {
        AuditEvent::UserReactivate { email }
    } else {
        AuditEvent::UserDeactivate { email }
    };
    super::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Sets a new (already checked and hashed) password; the account's sessions end, so whoever
/// knew the old password is signed out.
pub async fn set_password(
    db: &DatabaseConnection,
    id: &str,
    password_hash: String,
    actor: &str,
) -> Result<user::Model, ChangeError> {
    let txn = crate::db::begin_write(db).await?;
    let account = find_for_change(&txn, id).await?;
    let mut change: user::ActiveModel = account.clone().into();
    change.password_hash = Set(password_hash);
    let updated = change.update(&txn).await?;
    end_sessions(&txn, id).await?;
    let event = AuditEvent::UserPassword {
        email: account.email,
    };
    super::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Gives an account another role (and school: only a school coordinator has one). The last
/// active admin keeps the admin role.
pub async fn set_role(
    db: &DatabaseConnection,
    id: &str,
    role: Role,
    school: Option<&str>,
    actor: &str,
) -> Result<user::Model, ChangeError> {
    let school_id = crate::accounts::parse_role_school(role, school)?;
    let txn = crate::db::begin_write(db).await?;
    let account = find_for_change(&txn, id).await?;
    if role != Role::Admin {
        keep_an_admin(&txn, &account).await?;
    }
    let mut change: user::ActiveModel = account.clone().into();
    change.role = Set(role.as_str().to_owned());
    change.school_id = Set(school_id.clone());
    let updated = change.update(&txn).await?;
    // A session carries the role it was opened with only as long as it lives: end it so that
    // the new role applies from the next sign-in on every device.
    end_sessions(&txn, id).await?;
    let event = AuditEvent::UserRole {
        email: account.email,
        role,
        school: school_id,
    };
    super::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Signs an account out everywhere; returns how many sessions ended.
pub async fn sign_out_everywhere(
    db: &DatabaseConnection,
    id: &str,
    actor: &str,
) -> Result<u64, ChangeError> {
    let txn = crate::db::begin_write(db).await?;
    let account = find_for_change(&txn, id).await?;
    let ended = end_sessions(&txn, id).await?;
    let event = AuditEvent::UserSignOut {
        email: account.email,
        sessions: ended,
    };
    super::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(ended)
}
