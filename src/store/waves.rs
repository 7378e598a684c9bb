//! Waves in the database: create, find, list, open and close.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::collect::Wave;
use crate::collect::wave::NewWave;
use crate::entities::{draft, invitation, invitation_token, response, submission, wave};
use crate::store::audit::AuditEvent;

#[derive(Debug, thiserror::Error)]
pub enum WaveError {
    #[error("a wave with slug `{0}` already exists")]
    SlugTaken(String),
    #[error("no wave with slug `{0}`")]
    Unknown(String),
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

pub async fn create(
    db: &DatabaseConnection,
    new: &NewWave,
    actor: &str,
) -> Result<Wave, WaveError> {
    let model = wave::Model {
        id: uuid::Uuid::new_v4().to_string(),
        slug: new.slug.clone(),
        survey_id: new.survey_id.clone(),
        survey_version: i64::from(new.survey_version),
        access: new.access.id().to_owned(),
        opens_at: new.opens_at,
        closes_at: new.closes_at,
        closed_at: None,
        created_at: crate::util::now(),
        period: Some(new.period),
    };
    let txn = crate::db::begin_write(db).await?;
    // Insert first and let the unique index decide, so two admins racing for a slug get a clear
    // answer rather than a 500.
    let inserted = wave::Entity::insert(wave::ActiveModel::from(model.clone()))
        .exec_without_returning(&txn)
        .await;
    match inserted {
        Ok(_) => {}
        Err(e) if crate::store::is_unique_violation(&e) => {
            return Err(WaveError::SlugTaken(new.slug.clone()));
        }
        Err(e) => return Err(e.into()),
    }
    crate::store::indicators::create(&txn, &model.id).await?;
    let event = AuditEvent::WaveCreate {
        slug: new.slug.clone(),
        survey: new.survey_id.clone(),
        version: new.survey_version,
        access: new.access.id().to_owned(),
        period: new.period,
    };
    crate::store::audit::record_for_wave(&txn, actor, &model.id, &event).await?;
    txn.commit().await?;
    Wave::from_model(model).ok_or_else(|| WaveError::Unknown(new.slug.clone()))
}

pub async fn find_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Wave>, DbErr> {
    Ok(wave::Entity::find()
        .filter(wave::Column::Slug.eq(slug))
        .one(db)
        .await?
        .and_then(Wave::from_model))
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: &str) -> Result<Option<Wave>, DbErr> {
    Ok(wave::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .and_then(Wave::from_model))
}

/// Every wave, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Wave>, DbErr> {
    Ok(wave::Entity::find()
        .order_by_desc(wave::Column::CreatedAt)
        .order_by_asc(wave::Column::Slug)
        .all(db)
        .await?
        .into_iter()
        .filter_map(Wave::from_model)
        .collect())
}

pub async fn response_count(db: &impl ConnectionTrait, wave_id: &str) -> Result<u64, DbErr> {
    response::Entity::find()
        .filter(response::Column::WaveId.eq(wave_id))
        .count(db)
        .await
}

/// Responses per wave id, for the list of waves (one query instead of one per wave).
pub async fn response_counts(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashMap<String, u64>, DbErr> {
    let rows = response::Entity::find()
        .select_only()
        .column(response::Column::WaveId)
        .column_as(
            Expr::from(sea_orm::sea_query::Func::count(Expr::col(
                response::Column::Id,
            ))),
            "n",
        )
        .group_by(response::Column::WaveId)
        .into_tuple::<(String, i64)>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(wave, n)| (wave, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Opens a scheduled wave now (an open or closed wave is left as it is).
pub async fn open_now(db: &DatabaseConnection, slug: &str, actor: &str) -> Result<Wave, WaveError> {
    let txn = crate::db::begin_write(db).await?;
    let now = crate::util::now();
    wave::Entity::update_many()
        .col_expr(wave::Column::OpensAt, Expr::value(now))
        .filter(wave::Column::Slug.eq(slug))
        .filter(wave::Column::ClosedAt.is_null())
        .filter(wave::Column::OpensAt.gt(now))
        .exec(&txn)
        .await?;
    let wave = find_by_slug(&txn, slug)
        .await?
        .ok_or_else(|| WaveError::Unknown(slug.to_owned()))?;
    let event = AuditEvent::WaveOpen {
        slug: slug.to_owned(),
    };
    crate::store::audit::record_for_wave(&txn, actor, &wave.id, &event).await?;
    txn.commit().await?;
    Ok(wave)
}

/// Closes a wave now: from this transaction on it takes no answers, and its e-mail addresses,
/// tokens and drafts are deleted with it, and then scrubbed out of the database files
/// (`db::scrub`). Closing a closed wave changes nothing more.
pub async fn close(db: &DatabaseConnection, slug: &str, actor: &str) -> Result<Wave, WaveError> {
    let txn = crate::db::begin_write(db).await?;
    wave::Entity::update_many()
        .col_expr(wave::Column::ClosedAt, Expr::value(crate::util::now()))
        .filter(wave::Column::Slug.eq(slug))
        .filter(wave::Column::ClosedAt.is_null())
        .exec(&txn)
        .await?;
    let wave = find_by_slug(&txn, slug)
        .await?
        .ok_or_else(|| WaveError::Unknown(slug.to_owned()))?;
    forget_contact_data(&txn, &wave.id).await?;
    crate::store::indicators::mark_stale(&txn, &wave.id).await?;
    let event = AuditEvent::WaveClose {
        slug: slug.to_owned(),
    };
    crate::store::audit::record_for_wave(&txn, actor, &wave.id, &event).await?;
    txn.commit().await?;
    crate::db::scrub_now(db).await;
    Ok(wave)
}

/// What a closed wave no longer needs and must not keep: addresses, tokens, drafts, and the
/// idempotency keys (every submission gets 410 from now on). Before the tokens go, the
/// "answered" flag is set for everyone at once: a delivered invitation without tokens was
/// answered.
async fn forget_contact_data(txn: &impl ConnectionTrait, wave_id: &str) -> Result<(), DbErr> {
    let holders = sea_orm::sea_query::Query::select()
        .column(invitation_token::Column::InvitationId)
        .from(invitation_token::Entity)
        .to_owned();
    invitation::Entity::update_many()
        .col_expr(invitation::Column::Answered, Expr::value(true))
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::Delivered.eq(true))
        .filter(invitation::Column::Id.not_in_subquery(holders))
        .exec(txn)
        .await?;
    submission::Entity::delete_many()
        .filter(submission::Column::WaveId.eq(wave_id))
        .exec(txn)
        .await?;
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Email,
            Expr::value(Option::<String>::None),
        )
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::Email.is_not_null())
        .exec(txn)
        .await?;
    let invitations = sea_orm::sea_query::Query::select()
        .column(invitation::Column::Id)
        .from(invitation::Entity)
        .and_where(invitation::Column::WaveId.eq(wave_id))
        .to_owned();
    invitation_token::Entity::delete_many()
        .filter(invitation_token::Column::InvitationId.in_subquery(invitations))
        .exec(txn)
        .await?;
    draft::Entity::delete_many()
        .filter(draft::Column::WaveId.eq(wave_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Waves whose closing time has passed keep no contact data either; run periodically.
/// Returns how many waves were cleaned.
pub async fn forget_contact_data_of_ended_waves(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let now = crate::util::now();
    let ended = wave::Entity::find()
        .filter(wave::Column::ClosedAt.is_null())
        .filter(wave::Column::ClosesAt.lte(now))
        .all(db)
        .await?;
    let mut cleaned = 0;
    for w in ended {
        let pending = invitation::Entity::find()
            .filter(invitation::Column::WaveId.eq(w.id.as_str()))
            .filter(invitation::Column::Email.is_not_null())
            .count(db)
            .await?;
        let drafts = draft::Entity::find()
            .filter(draft::Column::WaveId.eq(w.id.as_str()))
            .count(db)
            .await?;
        if pending + drafts > 0 {
            let txn = crate::db::begin_write(db).await?;
            forget_contact_data(&txn, &w.id).await?;
            txn.commit().await?;
            cleaned += 1;
        }
    }
    if cleaned > 0 {
        crate::db::scrub_now(db).await;
    }
    Ok(cleaned)
}
