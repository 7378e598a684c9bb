//! The lägesbild's own records: dialogues (`entities::dialogue`) and the problem picture —
//! problems, their causes and the interventions linked to each cause. Every change is one
//! transaction with its audit entry (kind `sources`).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::{cause_intervention, dialogue, problem, problem_cause};
use crate::plan::analysis::{Cause, Problem};
use crate::sources::dialogues::Dialogue;
use crate::store::audit::AuditEvent;

/// Every dialogue, the latest first.
pub async fn dialogues(db: &impl ConnectionTrait) -> Result<Vec<dialogue::Model>, DbErr> {
    dialogue::Entity::find()
        .order_by_desc(dialogue::Column::HeldOn)
        .order_by_desc(dialogue::Column::CreatedAt)
        .all(db)
        .await
}

/// Stores a dialogue; its id.
pub async fn add_dialogue(
    db: &DatabaseConnection,
    d: &Dialogue,
    actor: &str,
) -> Result<String, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let [residents, staff, police, others] = d.counts;
    dialogue::Entity::insert(dialogue::ActiveModel {
        id: Set(id.clone()),
        held_on: Set(d.held_on.format("%Y-%m-%d").to_string()),
        kind: Set(d.kind.id().to_owned()),
        district: Set(d.district.clone()),
        priority_area: Set(d.priority_area.clone()),
        residents: Set(residents),
        staff: Set(staff),
        police: Set(police),
        others: Set(others),
        raised: Set(d.raised.clone()),
        created_by: Set(actor.to_owned()),
        created_at: Set(crate::util::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    let event = AuditEvent::SourcesDialogue {
        day: d.held_on.format("%Y-%m-%d").to_string(),
        kind: d.kind.id().to_owned(),
        district: d.district.clone(),
        took_part: u64::try_from(d.counts.iter().sum::<i64>()).unwrap_or(0),
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(id)
}

/// Removes a dialogue; false when there was none with that id.
pub async fn delete_dialogue(
    db: &DatabaseConnection,
    id: &str,
    actor: &str,
) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(d) = dialogue::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    dialogue::Entity::delete_by_id(id.to_owned())
        .exec(&txn)
        .await?;
    let event = AuditEvent::SourcesDialogueDelete {
        day: d.held_on,
        kind: d.kind,
        district: d.district,
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(true)
}

/// A stored problem, read.
pub fn problem_of(m: &problem::Model) -> Problem {
    Problem {
        rank: m.rank,
        title: m.title.clone(),
        description: m.description.clone(),
        priority_area: m.priority_area.clone(),
        districts: serde_json::from_str(&m.districts).unwrap_or_default(),
        evidence: serde_json::from_str(&m.evidence).unwrap_or_default(),
    }
}

/// Every problem, by rank.
pub async fn problems(db: &impl ConnectionTrait) -> Result<Vec<problem::Model>, DbErr> {
    problem::Entity::find()
        .order_by_asc(problem::Column::Rank)
        .order_by_asc(problem::Column::Id)
        .all(db)
        .await
}

pub async fn find_problem(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<problem::Model>, DbErr> {
    problem::Entity::find_by_id(id).one(db).await
}

/// Stores a new problem (`id` `None`) or changes one; its id, or `None` for an unknown id.
pub async fn save_problem(
    db: &DatabaseConnection,
    id: Option<i64>,
    p: &Problem,
    actor: &str,
) -> Result<Option<i64>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let mut model = problem::ActiveModel {
        rank: Set(p.rank),
        title: Set(p.title.clone()),
        description: Set(p.description.clone()),
        priority_area: Set(p.priority_area.clone()),
        districts: Set(serde_json::to_string(&p.districts).unwrap_or_else(|_| "[]".into())),
        evidence: Set(serde_json::to_string(&p.evidence).unwrap_or_else(|_| "[]".into())),
        updated_by: Set(actor.to_owned()),
        updated_at: Set(crate::util::now()),
        ..Default::default()
    };
    let id = match id {
        Some(id) => {
            if find_problem(&txn, id).await?.is_none() {
                return Ok(None);
            }
            model.id = Set(id);
            model.update(&txn).await?;
            id
        }
        None => model.insert(&txn).await?.id,
    };
    let event = AuditEvent::SourcesProblem {
        problem: id,
        title: p.title.clone(),
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(Some(id))
}

/// Removes a problem with its causes and their links; false for an unknown id.
pub async fn delete_problem(db: &DatabaseConnection, id: i64, actor: &str) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(found) = find_problem(&txn, id).await? else {
        return Ok(false);
    };
    let causes: Vec<i64> = causes_of(&txn, &[id])
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    cause_intervention::Entity::delete_many()
        .filter(cause_intervention::Column::CauseId.is_in(causes))
        .exec(&txn)
        .await?;
    problem_cause::Entity::delete_many()
        .filter(problem_cause::Column::ProblemId.eq(id))
        .exec(&txn)
        .await?;
    problem::Entity::delete_by_id(id).exec(&txn).await?;
    let event = AuditEvent::SourcesProblemDelete {
        problem: id,
        title: found.title,
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(true)
}

/// The causes of these problems, in the order they were added.
pub async fn causes_of(
    db: &impl ConnectionTrait,
    problems: &[i64],
) -> Result<Vec<problem_cause::Model>, DbErr> {
    problem_cause::Entity::find()
        .filter(problem_cause::Column::ProblemId.is_in(problems.iter().copied()))
        .order_by_asc(problem_cause::Column::Id)
        .all(db)
        .await
}

/// Every link of a cause to an intervention.
pub async fn cause_links(
    db: &impl ConnectionTrait,
) -> Result<Vec<cause_intervention::Model>, DbErr> {
    cause_intervention::Entity::find()
        .order_by_asc(cause_intervention::Column::CauseId)
        .order_by_asc(cause_intervention::Column::InterventionId)
        .all(db)
        .await
}

/// Adds a cause to a problem (`cause` `None`) or changes one of its causes, with the
/// interventions that meet it; the cause's id, or `None` when the problem (or the cause of that
/// problem) is unknown.
pub async fn save_cause(
    db: &DatabaseConnection,
    problem_id: i64,
    cause_id: Option<i64>,
    c: &Cause,
    actor: &str,
) -> Result<Option<i64>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    if find_problem(&txn, problem_id).await?.is_none() {
        return Ok(None);
    }
    let mut model = problem_cause::ActiveModel {
        problem_id: Set(problem_id),
        kind: Set(c.kind.id().to_owned()),
        aspect: Set(c.aspect.id().to_owned()),
        description: Set(c.description.clone()),
        updated_by: Set(actor.to_owned()),
        updated_at: Set(crate::util::now()),
        ..Default::default()
    };
    let id = match cause_id {
        Some(id) => {
            let found = problem_cause::Entity::find_by_id(id).one(&txn).await?;
            if found.is_none_or(|f| f.problem_id != problem_id) {
                return Ok(None);
            }
            model.id = Set(id);
            model.update(&txn).await?;
            cause_intervention::Entity::delete_many()
                .filter(cause_intervention::Column::CauseId.eq(id))
                .exec(&txn)
                .await?;
            id
        }
        None => model.insert(&txn).await?.id,
    };
    if !c.interventions.is_empty() {
        cause_intervention::Entity::insert_many(c.interventions.iter().map(|i| {
            cause_intervention::ActiveModel {
                cause_id: Set(id),
                intervention_id: Set(*i),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    let event = AuditEvent::SourcesCause {
        problem: problem_id,
        cause: id,
        kind: c.kind.id().to_owned(),
        aspect: c.aspect.id().to_owned(),
        interventions: c.interventions.len() as u64,
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(Some(id))
}

/// Removes a cause of a problem with its links; false when it is not one of the problem's.
pub async fn delete_cause(
    db: &DatabaseConnection,
    problem_id: i64,
    cause_id: i64,
    actor: &str,
) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let found = problem_cause::Entity::find_by_id(cause_id)
        .one(&txn)
        .await?;
    if found.is_none_or(|f| f.problem_id != problem_id) {
        return Ok(false);
    }
    cause_intervention::Entity::delete_many()
        .filter(cause_intervention::Column::CauseId.eq(cause_id))
        .exec(&txn)
        .await?;
    problem_cause::Entity::delete_by_id(cause_id)
        .exec(&txn)
        .await?;
    let event = AuditEvent::SourcesCauseDelete {
        problem: problem_id,
        cause: cause_id,
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(true)
}
