//! The computation of each wave's indicators: marking a wave stale when its answers or population
//! figures change, claiming a stale closed wave for computation (a lease, so that of several nodes
//! sharing a database one does the work), and recording how it went. What a computation
//! publishes is stored in `store::publications`.
//!
//! Every wave has a row from its creation (and, for waves from before, from the migration), so
//! marking stale is one UPDATE of that row, in the transaction that makes the change.

use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QuerySelect,
};

use crate::entities::indicator_result::{self, Column, Entity};
use crate::entities::wave;

/// A new wave's row: stale, nothing computed yet.
pub async fn create(db: &impl ConnectionTrait, wave_id: &str) -> Result<(), DbErr> {
    Entity::insert(indicator_result::ActiveModel {
        wave_id: Set(wave_id.to_owned()),
        error: Set(None),
        computed_at: Set(None),
        responses: Set(0),
        stale: Set(true),
        claim: Set(None),
        claimed_until: Set(None),
    })
    .on_conflict(
        OnConflict::column(Column::WaveId)
            .update_column(Column::Stale)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The wave's answers or population figures changed: its result must be recomputed. Runs in the
/// transaction that makes the change (every stored batch of answers, population figures, close).
///
/// The UPDATE writes even when the row is already stale, on purpose: on PostgreSQL it then holds
/// the row's lock until the change commits, so a node claiming the wave meanwhile waits and
/// reads the committed change. A conditional UPDATE (only when not stale) locks nothing when the
/// row is already stale, and a claim slipping in between it and the commit would compute without
/// the change and mark the result up to date (seen once in CI: a result without the population
/// totals just uploaded). On SQLite the writer's lock already orders the two.
///
/// Every wave has its row: `store::waves::create` makes it in the wave's own transaction, the
/// migration made it for waves from before.
pub async fn mark_stale(db: &impl ConnectionTrait, wave_id: &str) -> Result<(), DbErr> {
    mark_stale_query(wave_id).exec(db).await?;
    Ok(())
}

/// The statement of [`mark_stale`], for the submission writer's connection.
pub fn mark_stale_query(wave_id: &str) -> sea_orm::UpdateMany<Entity> {
    Entity::update_many()
        .col_expr(Column::Stale, Expr::value(true))
        .filter(Column::WaveId.eq(wave_id))
}

/// Whether the wave's latest publication counts every change made to the wave. Not while stale,
/// and not while a computation holds the lease either: claiming clears `stale`, but until that
/// computation stores its publication, the one shown is from before the change (seen in CI: a
/// result without the population totals just uploaded read as up to date while the
/// recomputation that would use them was running).
pub fn up_to_date(row: &indicator_result::Model) -> bool {
    !row.stale && row.claim.is_none()
}

/// The stored row of a wave.
pub async fn find(
    db: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<Option<indicator_result::Model>, DbErr> {
    Entity::find_by_id(wave_id.to_owned()).one(db).await
}

/// Waves due for computation at `now`: closed (an open wave publishes nothing), stale, nobody's
/// lease running, and last computed at least `debounce` seconds ago (so that a closed wave
/// taking a run of imports is computed every `debounce` seconds, not after each).
pub async fn due(db: &impl ConnectionTrait, now: i64, debounce: i64) -> Result<Vec<String>, DbErr> {
    let closed = Query::select()
        .column(wave::Column::Id)
        .from(wave::Entity)
        .cond_where(
            Condition::any()
                .add(wave::Column::ClosedAt.is_not_null())
                .add(wave::Column::ClosesAt.lte(now)),
        )
        .to_owned();
    Entity::find()
        .select_only()
        .column(Column::WaveId)
        .filter(Column::WaveId.in_subquery(closed))
        .filter(Column::Stale.eq(true))
        .filter(
            Condition::any()
                .add(Column::ClaimedUntil.is_null())
                .add(Column::ClaimedUntil.lt(now)),
        )
        .filter(
            Condition::any()
                .add(Column::ComputedAt.is_null())
                .add(Column::ComputedAt.lte(now - debounce)),
        )
        .into_tuple::<String>()
        .all(db)
        .await
}

/// Takes the lease on a wave's recomputation until `until`; false when another node holds it.
/// With `only_stale`, only a stale result is claimed. Claiming clears `stale`: answers stored
/// while the computation runs set it again, and are counted by the next one.
pub async fn claim(
    db: &impl ConnectionTrait,
    wave_id: &str,
    token: &str,
    now: i64,
    until: i64,
    only_stale: bool,
) -> Result<bool, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Stale, Expr::value(false))
        .col_expr(Column::Claim, Expr::value(token))
        .col_expr(Column::ClaimedUntil, Expr::value(until))
        .filter(Column::WaveId.eq(wave_id))
        .filter(
            Condition::any()
                .add(Column::ClaimedUntil.is_null())
                .add(Column::ClaimedUntil.lt(now)),
        );
    if only_stale {
        update = update.filter(Column::Stale.eq(true));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Ends a computation under the lease `token` (the responses it read, or why it failed); false
/// (nothing recorded) when the lease was lost to another node meanwhile. Run in the transaction
/// that stores the publication, so that a lost lease stores nothing.
pub async fn save(
    db: &impl ConnectionTrait,
    wave_id: &str,
    token: &str,
    outcome: Result<i64, &str>,
    computed_at: i64,
) -> Result<bool, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Claim, Expr::value(Option::<String>::None))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<i64>::None))
        .col_expr(Column::ComputedAt, Expr::value(computed_at));
    update = match outcome {
        Ok(responses) => update
            .col_expr(Column::Responses, Expr::value(responses))
            .col_expr(Column::Error, Expr::value(Option::<String>::None)),
        Err(error) => update.col_expr(Column::Error, Expr::value(error)),
    };
    let done = update
        .filter(Column::WaveId.eq(wave_id))
        .filter(Column::Claim.eq(token))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Gives a lease back without a result (the computation could not run): the wave stays due.
pub async fn release(db: &impl ConnectionTrait, wave_id: &str, token: &str) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Stale, Expr::value(true))
        .col_expr(Column::Claim, Expr::value(Option::<String>::None))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<i64>::None))
        .filter(Column::WaveId.eq(wave_id))
        .filter(Column::Claim.eq(token))
        .exec(db)
        .await?;
    Ok(())
}
