//! The audit log of admin actions (and of changes to the action plan).

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, QueryOrder, QuerySelect, Set,
};

use crate::entities::audit_log;

/// Appends an entry. `actor` is the admin's e-mail, or `cli` for the command line.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &str,
    action: &str,
    detail: &str,
) -> Result<(), DbErr> {
    record_entry(db, actor, action, detail).await.map(|_| ())
}

/// [`record`], returning the entry's id (for records that refer to it, such as the action
/// plan's history).
pub async fn record_entry(
    db: &impl ConnectionTrait,
    actor: &str,
    action: &str,
    detail: &str,
) -> Result<i64, DbErr> {
    let entry = audit_log::ActiveModel {
        at: Set(crate::util::now()),
        actor: Set(actor.to_owned()),
        action: Set(action.to_owned()),
        detail: Set(detail.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(entry.id)
}

/// The newest entries first.
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<audit_log::Model>, DbErr> {
    audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
