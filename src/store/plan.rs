//! The action plan in the database. Every change runs in one transaction with an audit-log
//! entry naming the intervention and each changed field (an `AuditEvent::Plan`), and a
//! `plan_history` row that ties the entry to the intervention with the changes as data, so the
//! intervention's page shows its history. A change that changes nothing writes nothing.

use std::collections::{BTreeMap, HashMap};

use sea_orm::ActiveModelBehavior;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, QueryOrder, Set,
};

use crate::entities::{
    audit_log, plan_follow_up, plan_history, plan_indicator, plan_intervention, plan_output,
    plan_output_value, wave,
};
use crate::plan::links::{self, Link};
use crate::plan::outputs::{self, Output, YearValues};
use crate::plan::{Action, Change, Intervention, history};
use crate::store::audit::AuditEvent;
use crate::survey::SurveyCatalog;
use crate::util::now;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("no such intervention, output measure or indicator link")]
    NotFound,
    /// The intervention was changed by someone else after the form was opened.
    #[error("the intervention was changed since the form was opened")]
    Outdated,
    /// The indicator is linked to the intervention already.
    #[error("the indicator is linked to the intervention already")]
    Duplicate,
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

/// A stored intervention.
#[derive(Debug, Clone)]
pub struct InterventionRow {
    pub id: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub intervention: Intervention,
}

impl InterventionRow {
    fn from_model(m: &plan_intervention::Model) -> Option<InterventionRow> {
        Some(InterventionRow {
            id: m.id,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
            intervention: Intervention::from_model(m)?,
        })
    }
}

/// A stored output measure with its values.
#[derive(Debug, Clone)]
pub struct OutputRow {
    pub id: i64,
    pub intervention_id: i64,
    pub output: Output,
}

/// A stored indicator link.
#[derive(Debug, Clone)]
pub struct LinkRow {
    pub id: i64,
    pub intervention_id: i64,
    pub link: Link,
}

/// One entry of an intervention's history: who changed what, when.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub at: i64,
    pub actor: String,
    pub action: Option<Action>,
    pub changes: Vec<Change>,
}

/// Every intervention, by priority area, start year and title.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<InterventionRow>, DbErr> {
    Ok(plan_intervention::Entity::find()
        .order_by_asc(plan_intervention::Column::PriorityArea)
        .order_by_asc(plan_intervention::Column::StartYear)
        .order_by_asc(plan_intervention::Column::Title)
        .order_by_asc(plan_intervention::Column::Id)
        .all(db)
        .await?
        .iter()
        .filter_map(InterventionRow::from_model)
        .collect())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<InterventionRow>, DbErr> {
    Ok(plan_intervention::Entity::find_by_id(id)
        .one(db)
        .await?
        .as_ref()
        .and_then(InterventionRow::from_model))
}

/// The rows of a part of the plan that belong to one intervention (or to all), by intervention
/// and then `order`.
async fn of_intervention<E: EntityTrait>(
    db: &impl ConnectionTrait,
    intervention: Option<i64>,
    intervention_column: E::Column,
    order: E::Column,
) -> Result<Vec<E::Model>, DbErr> {
    let mut query = E::find();
    if let Some(id) = intervention {
        query = query.filter(intervention_column.eq(id));
    }
    query
        .order_by_asc(intervention_column)
        .order_by_asc(order)
        .all(db)
        .await
}

/// The output measures of one intervention (or of all, for the export), in the order they were
/// added, each with its values.
pub async fn outputs(
    db: &impl ConnectionTrait,
    intervention: Option<i64>,
) -> Result<Vec<OutputRow>, DbErr> {
    use plan_output::Column as C;
    let rows =
        of_intervention::<plan_output::Entity>(db, intervention, C::InterventionId, C::Id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut values: HashMap<i64, BTreeMap<i32, YearValues>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for v in plan_output_value::Entity::find()
            .filter(plan_output_value::Column::OutputId.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            values.entry(v.output_id).or_default().insert(
                v.year,
                YearValues {
                    planned: v.planned,
                    actual: v.actual,
                },
            );
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| OutputRow {
            id: r.id,
            intervention_id: r.intervention_id,
            output: Output {
                values: values.remove(&r.id).unwrap_or_default(),
                name: r.name,
                unit: r.unit,
            },
        })
        .collect())
}

/// The indicator links of one intervention (or of all), in the order they were made.
pub async fn links(
    db: &impl ConnectionTrait,
    catalog: &SurveyCatalog,
    intervention: Option<i64>,
) -> Result<Vec<LinkRow>, DbErr> {
    use plan_indicator::Column as C;
    let rows =
        of_intervention::<plan_indicator::Entity>(db, intervention, C::InterventionId, C::Id)
            .await?;
    let slugs: HashMap<String, String> = wave::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.slug))
        .collect();
    Ok(rows
        .iter()
        .map(|m| LinkRow {
            id: m.id,
            intervention_id: m.intervention_id,
            link: Link::from_model(
                m,
                catalog,
                slugs.get(&m.baseline_wave_id).cloned().unwrap_or_default(),
            ),
        })
        .collect())
}

/// The follow-up notes of one intervention (or of all), by year.
pub async fn follow_ups(
    db: &impl ConnectionTrait,
    intervention: Option<i64>,
) -> Result<Vec<plan_follow_up::Model>, DbErr> {
    use plan_follow_up::Column as C;
    of_intervention::<plan_follow_up::Entity>(db, intervention, C::InterventionId, C::Year).await
}

/// An intervention's history, the newest change first.
pub async fn history(
    db: &impl ConnectionTrait,
    intervention: i64,
) -> Result<Vec<HistoryEntry>, DbErr> {
    let rows = plan_history::Entity::find()
        .filter(plan_history::Column::InterventionId.eq(intervention))
        .order_by_desc(plan_history::Column::AuditId)
        .all(db)
        .await?;
    let mut entries: HashMap<i64, audit_log::Model> = HashMap::new();
    let ids: Vec<i64> = rows.iter().map(|r| r.audit_id).collect();
    for chunk in ids.chunks(500) {
        for e in audit_log::Entity::find()
            .filter(audit_log::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            entries.insert(e.id, e);
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let entry = entries.remove(&r.audit_id)?;
            Some(HistoryEntry {
                at: entry.at,
                actor: entry.actor,
                action: Action::parse(&r.action),
                // Written by this module only; a row it cannot read shows as a bare entry.
                changes: serde_json::from_str(&r.changes).unwrap_or_default(),
            })
        })
        .collect())
}

/// Writes the audit entry and the history row of a change to intervention `id`.
async fn log(
    txn: &DatabaseTransaction,
    actor: &str,
    id: i64,
    title: &str,
    action: Action,
    changes: &[Change],
) -> Result<(), DbErr> {
    let event = AuditEvent::Plan {
        action,
        intervention: id,
        title: title.to_owned(),
        changes: changes.to_vec(),
    };
    let audit_id = super::audit::record_entry(txn, actor, &event).await?;
    let changes = serde_json::to_string(changes)
        .map_err(|e| DbErr::Custom(format!("history of intervention {id}: {e}")))?;
    plan_history::ActiveModel {
        audit_id: Set(audit_id),
        intervention_id: Set(id),
        action: Set(action.id().to_owned()),
        changes: Set(changes),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Ends a change to an intervention's measures, links or notes: marks the intervention as
/// changed now, writes the history and commits.
async fn finish(
    txn: DatabaseTransaction,
    actor: &str,
    row: &InterventionRow,
    action: Action,
    changes: &[Change],
) -> Result<(), DbErr> {
    plan_intervention::Entity::update_many()
        .col_expr(plan_intervention::Column::UpdatedAt, Expr::value(now()))
        .filter(plan_intervention::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    log(
        &txn,
        actor,
        row.id,
        &row.intervention.title,
        action,
        changes,
    )
    .await?;
    txn.commit().await
}

fn values_of(i: &Intervention) -> plan_intervention::ActiveModel {
    plan_intervention::ActiveModel {
        priority_area: Set(i.priority_area.clone()),
        title: Set(i.title.clone()),
        problem: Set(i.problem.clone()),
        mechanism: Set(i.mechanism.clone()),
        responsible: Set(i.responsible.id().to_owned()),
        responsible_other: Set(i.responsible_other.clone()),
        planned_by: Set(i.planned_by.clone()),
        carried_out_by: Set(i.carried_out_by.clone()),
        followed_up_by: Set(i.followed_up_by.clone()),
        partners: Set(i.partners.clone()),
        start_year: Set(i.start_year),
        end_year: Set(i.end_year),
        status: Set(i.status.id().to_owned()),
        status_reason: Set(i.status_reason.clone()),
        citizen_promise: Set(i.citizen_promise),
        public_text: Set(i.public_text.clone()),
        promise_id: Set(i.promise.clone()),
        ..Default::default()
    }
}

/// Stores a new intervention; its id.
pub async fn create(
    db: &DatabaseConnection,
    intervention: &Intervention,
    actor: &str,
) -> Result<i64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let at = now();
    let mut row = values_of(intervention);
    row.created_at = Set(at);
    row.updated_at = Set(at);
    row.version = Set(1);
    let row = row.insert(&txn).await?;
    let changes = history::created(&intervention.fields());
    log(&txn, actor, row.id, &row.title, Action::Create, &changes).await?;
    txn.commit().await?;
    Ok(row.id)
}

/// The intervention inside a write transaction, or [`PlanError::NotFound`].
async fn current(txn: &DatabaseTransaction, id: i64) -> Result<InterventionRow, PlanError> {
    plan_intervention::Entity::find_by_id(id)
        .one(txn)
        .await?
        .as_ref()
        .and_then(InterventionRow::from_model)
        .ok_or(PlanError::NotFound)
}

/// Changes an intervention that is still at `version` (the one its form was opened on);
/// whether anything changed.
pub async fn update(
    db: &DatabaseConnection,
    id: i64,
    version: i64,
    intervention: &Intervention,
    actor: &str,
) -> Result<bool, PlanError> {
    let txn = crate::db::begin_write(db).await?;
    let old = current(&txn, id).await?;
    if old.version != version {
        return Err(PlanError::Outdated);
    }
    let changes = history::diff(&old.intervention.fields(), &intervention.fields());
    if changes.is_empty() {
        return Ok(false);
    }
    let mut row = values_of(intervention);
    row.updated_at = Set(now());
    row.version = Set(version + 1);
    let done = plan_intervention::Entity::update_many()
        .set(row)
        .filter(plan_intervention::Column::Id.eq(id))
        .filter(plan_intervention::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(PlanError::Outdated);
    }
    log(
        &txn,
        actor,
        id,
        &intervention.title,
        Action::Update,
        &changes,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

async fn write_values(
    txn: &DatabaseTransaction,
    output_id: i64,
    values: &BTreeMap<i32, YearValues>,
) -> Result<(), DbErr> {
    plan_output_value::Entity::delete_many()
        .filter(plan_output_value::Column::OutputId.eq(output_id))
        .exec(txn)
        .await?;
    for (&year, v) in values {
        plan_output_value::ActiveModel {
            output_id: Set(output_id),
            year: Set(year),
            planned: Set(v.planned),
            actual: Set(v.actual),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Writes a part of intervention `owner` (an output measure, an indicator link): changes the
/// existing one `part` (nothing when `changes` is empty: `None`), or adds it, made now.
/// `columns` are the part's id, owner and creation time. The part's id.
async fn write_part<A>(
    txn: &DatabaseTransaction,
    mut row: A,
    (part, owner): (Option<i64>, i64),
    [id, owner_column, created]: [<A::Entity as EntityTrait>::Column; 3],
    changes: &[Change],
) -> Result<Option<i64>, DbErr>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    if let Some(part) = part {
        if changes.is_empty() {
            return Ok(None);
        }
        row.set(id, part.into());
        row.update(txn).await?;
        return Ok(Some(part));
    }
    row.set(owner_column, owner.into());
    row.set(created, now().into());
    match row.insert(txn).await?.get(id) {
        sea_orm::Value::BigInt(Some(new)) => Ok(Some(new)),
        other => Err(DbErr::Custom(format!(
            "a new part of the plan has no id: {other:?}"
        ))),
    }
}

/// The output measure `output_id` of intervention `id`, inside a write transaction.
async fn current_output(
    txn: &DatabaseTransaction,
    id: i64,
    output_id: i64,
) -> Result<Output, PlanError> {
    outputs(txn, Some(id))
        .await?
        .into_iter()
        .find(|o| o.id == output_id)
        .map(|o| o.output)
        .ok_or(PlanError::NotFound)
}

/// Adds an output measure (`output_id` none) or changes one; the measure's id.
pub async fn save_output(
    db: &DatabaseConnection,
    id: i64,
    output_id: Option<i64>,
    output: &Output,
    actor: &str,
) -> Result<i64, PlanError> {
    let txn = crate::db::begin_write(db).await?;
    let intervention = current(&txn, id).await?;
    let row = plan_output::ActiveModel {
        name: Set(output.name.clone()),
        unit: Set(output.unit.clone()),
        ..Default::default()
    };
    let old = match output_id {
        Some(output_id) => Some(current_output(&txn, id, output_id).await?),
        None => None,
    };
    let changes = outputs::changes(old.as_ref(), output);
    use plan_output::Column as C;
    let columns = [C::Id, C::InterventionId, C::CreatedAt];
    let Some(written) = write_part(&txn, row, (output_id, id), columns, &changes).await? else {
        return Ok(output_id.unwrap_or_default());
    };
    let action = match old {
        Some(_) => Action::OutputUpdate,
        None => Action::OutputCreate,
    };
    let output_id = written;
    write_values(&txn, output_id, &output.values).await?;
    finish(txn, actor, &intervention, action, &changes).await?;
    Ok(output_id)
}

pub async fn delete_output(
    db: &DatabaseConnection,
    id: i64,
    output_id: i64,
    actor: &str,
) -> Result<(), PlanError> {
    let txn = crate::db::begin_write(db).await?;
    let intervention = current(&txn, id).await?;
    let old = current_output(&txn, id, output_id).await?;
    plan_output::Entity::delete_many()
        .filter(plan_output::Column::Id.eq(output_id))
        .exec(&txn)
        .await?;
    finish(
        txn,
        actor,
        &intervention,
        Action::OutputDelete,
        &outputs::removed(&old),
    )
    .await?;
    Ok(())
}

/// Links an indicator (`link_id` none) or changes a link; the link's id. An indicator is
/// linked to an intervention at most once.
pub async fn save_link(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    id: i64,
    link_id: Option<i64>,
    link: &Link,
    actor: &str,
) -> Result<i64, PlanError> {
    let txn = crate::db::begin_write(db).await?;
    let intervention = current(&txn, id).await?;
    let existing = links(&txn, catalog, Some(id)).await?;
    if existing.iter().any(|l| {
        Some(l.id) != link_id
            && l.link.survey_id == link.survey_id
            && l.link.indicator_id == link.indicator_id
    }) {
        return Err(PlanError::Duplicate);
    }
    let row = plan_indicator::ActiveModel {
        survey_id: Set(link.survey_id.clone()),
        indicator_id: Set(link.indicator_id.clone()),
        baseline_wave_id: Set(link.baseline_wave_id.clone()),
        target: Set(link.target),
        ..Default::default()
    };
    let old = match link_id {
        Some(link_id) => Some(
            existing
                .iter()
                .find(|l| l.id == link_id)
                .ok_or(PlanError::NotFound)?,
        ),
        None => None,
    };
    let changes = links::changes(old.map(|o| &o.link), link);
    use plan_indicator::Column as C;
    let columns = [C::Id, C::InterventionId, C::CreatedAt];
    let Some(written) = write_part(&txn, row, (link_id, id), columns, &changes).await? else {
        return Ok(link_id.unwrap_or_default());
    };
    let action = match old {
        Some(_) => Action::IndicatorUpdate,
        None => Action::IndicatorLink,
    };
    let link_id = written;
    finish(txn, actor, &intervention, action, &changes).await?;
    Ok(link_id)
}

pub async fn delete_link(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    id: i64,
    link_id: i64,
    actor: &str,
) -> Result<(), PlanError> {
    let txn = crate::db::begin_write(db).await?;
    let intervention = current(&txn, id).await?;
    let old = links(&txn, catalog, Some(id))
        .await?
        .into_iter()
        .find(|l| l.id == link_id)
        .ok_or(PlanError::NotFound)?;
    plan_indicator::Entity::delete_many()
        .filter(plan_indicator::Column::Id.eq(link_id))
        .exec(&txn)
        .await?;
    finish(
        txn,
        actor,
        &intervention,
        Action::IndicatorUnlink,
        &links::removed(&old.link),
    )
    .await?;
    Ok(())
}

/// Writes the follow-up note of `year` (an empty note removes it); whether anything changed.
pub async fn save_follow_up(
    db: &DatabaseConnection,
    id: i64,
    year: i32,
    note: &str,
    actor: &str,
) -> Result<bool, PlanError> {
    let txn = crate::db::begin_write(db).await?;
    let intervention = current(&txn, id).await?;
    let old = plan_follow_up::Entity::find_by_id((id, year))
        .one(&txn)
        .await?;
    let old_note = old.as_ref().map(|o| o.note.clone()).unwrap_or_default();
    if old_note == note {
        return Ok(false);
    }
    let change = Change::new(
        "note",
        (!old_note.is_empty()).then_some(old_note),
        (!note.is_empty()).then(|| note.to_owned()),
    )
    .in_year(year);
    plan_follow_up::Entity::delete_many()
        .filter(plan_follow_up::Column::InterventionId.eq(id))
        .filter(plan_follow_up::Column::Year.eq(year))
        .exec(&txn)
        .await?;
    if !note.is_empty() {
        plan_follow_up::ActiveModel {
            intervention_id: Set(id),
            year: Set(year),
            note: Set(note.to_owned()),
            updated_at: Set(now()),
        }
        .insert(&txn)
        .await?;
    }
    finish(txn, actor, &intervention, Action::FollowUp, &[change]).await?;
    Ok(true)
}

/// Whether the plan has no intervention yet (the demo fills only an empty plan).
pub async fn is_empty(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(plan_intervention::Entity::find().one(db).await?.is_none())
}
