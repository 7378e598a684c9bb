//! The audit log of admin actions (and of changes to the action plan).
//!
//! An entry says who did what and when, and which wave it is about; never which code or
//! invitation went to whom (see the anonymity rules in DESIGN.md). What happened is an
//! [`AuditEvent`], stored as JSON in the `detail` column beside its `action` (`wave.close`),
//! which the log's filters read.

mod event;
mod examples;

pub use event::{AuditEvent, ComparisonValue, Replaced};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::audit_log;

/// Appends an entry. `actor` is the admin's e-mail, or `cli` for the command line.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &str,
    event: &AuditEvent,
) -> Result<(), DbErr> {
    insert(db, actor, event, None).await.map(|_| ())
}

/// [`record`] for an entry about one wave (by its id), so the log can be filtered by wave.
pub async fn record_for_wave(
    db: &impl ConnectionTrait,
    actor: &str,
    wave_id: &str,
    event: &AuditEvent,
) -> Result<(), DbErr> {
    insert(db, actor, event, Some(wave_id)).await.map(|_| ())
}

/// [`record`], returning the entry's id (for records that refer to it, such as the action
/// plan's history).
pub async fn record_entry(
    db: &impl ConnectionTrait,
    actor: &str,
    event: &AuditEvent,
) -> Result<i64, DbErr> {
    insert(db, actor, event, None).await
}

async fn insert(
    db: &impl ConnectionTrait,
    actor: &str,
    event: &AuditEvent,
    wave_id: Option<&str>,
) -> Result<i64, DbErr> {
    let detail = event
        .to_detail()
        .map_err(|e| DbErr::Json(format!("the audit event {}: {e}", event.action())))?;
    let entry = audit_log::ActiveModel {
        at: Set(crate::util::now()),
        actor: Set(actor.to_owned()),
        action: Set(event.action().to_owned()),
        detail: Set(detail),
        wave_id: Set(wave_id.map(str::to_owned)),
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

/// Which entries the log page shows. Every part is optional; empty means all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// The actor's e-mail (or `cli`), exactly.
    pub actor: Option<String>,
    /// A kind of event: an action (`wave.close`) or the family before its first dot (`wave`).
    pub kind: Option<String>,
    /// Entries at or after this Unix time.
    pub from: Option<i64>,
    /// Entries before this Unix time.
    pub until: Option<i64>,
    /// The wave's id.
    pub wave_id: Option<String>,
}

impl Filter {
    fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some(actor) = &self.actor {
            c = c.add(audit_log::Column::Actor.eq(actor.as_str()));
        }
        if let Some(kind) = &self.kind {
            c = c.add(
                Condition::any()
                    .add(audit_log::Column::Action.eq(kind.as_str()))
                    .add(audit_log::Column::Action.starts_with(format!("{kind}."))),
            );
        }
        if let Some(from) = self.from {
            c = c.add(audit_log::Column::At.gte(from));
        }
        if let Some(until) = self.until {
            c = c.add(audit_log::Column::At.lt(until));
        }
        if let Some(wave) = &self.wave_id {
            c = c.add(audit_log::Column::WaveId.eq(wave.as_str()));
        }
        c
    }
}

/// One page of entries matching `filter`, newest first, and how many match in all.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let query = audit_log::Entity::find().filter(filter.condition());
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .offset(page.saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Everyone who appears in the log, for the filter's choices.
pub async fn actors(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Actor)
        .distinct()
        .order_by_asc(audit_log::Column::Actor)
        .into_tuple::<String>()
        .all(db)
        .await
}
