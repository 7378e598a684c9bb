//! The yearly follow-ups of citizen promises (`entities::promise_follow_up`), each change
//! recorded in the audit log.

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::entities::promise_follow_up;
use crate::plan::promises::PromiseFollowUp;
use crate::store::audit::AuditEvent;

/// Every follow-up of the promises `ids`, by promise and year.
pub async fn follow_ups(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<promise_follow_up::Model>, DbErr> {
    promise_follow_up::Entity::find()
        .filter(promise_follow_up::Column::PromiseId.is_in(ids.iter().cloned()))
        .order_by_asc(promise_follow_up::Column::PromiseId)
        .order_by_asc(promise_follow_up::Column::Year)
        .all(db)
        .await
}

/// Saves the follow-up of a promise's year (replacing the one before).
pub async fn save_follow_up(
    db: &DatabaseConnection,
    promise: &str,
    year: i32,
    follow_up: &PromiseFollowUp,
    actor: &str,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    promise_follow_up::Entity::insert(promise_follow_up::ActiveModel {
        promise_id: Set(promise.to_owned()),
        year: Set(year),
        state: Set(follow_up.state.id().to_owned()),
        note: Set(follow_up.note.clone()),
        updated_by: Set(actor.to_owned()),
        updated_at: Set(crate::util::now()),
    })
    .on_conflict(
        OnConflict::columns([
            promise_follow_up::Column::PromiseId,
            promise_follow_up::Column::Year,
        ])
        .update_columns([
            promise_follow_up::Column::State,
            promise_follow_up::Column::Note,
            promise_follow_up::Column::UpdatedBy,
            promise_follow_up::Column::UpdatedAt,
        ])
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let event = AuditEvent::PromiseFollowUp {
        promise: promise.to_owned(),
        year,
        state: follow_up.state.id().to_owned(),
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await
}
