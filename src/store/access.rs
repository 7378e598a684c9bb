//! Checking an access code before a respondent starts (the code is consumed only when the
//! answers are stored, in `collect::submit`).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::{class_session, invitation, invitation_token, pupil_code};

/// What a typed pupil code opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PupilCode {
    /// No such code: never issued, used, replaced, or stopped when its session ended.
    Unknown,
    /// A pupil is already answering with it (on another device).
    Started,
    /// Its class session has ended.
    SessionEnded,
    /// Free to start with, in this wave.
    Free { wave_id: String },
}

/// A pupil code with its class session, when both exist.
async fn code_and_session(
    db: &impl ConnectionTrait,
    code_hash: &str,
) -> Result<Option<(pupil_code::Model, class_session::Model)>, DbErr> {
    let Some(code) = pupil_code::Entity::find_by_id(code_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let session = class_session::Entity::find_by_id(code.class_session_id.clone())
        .one(db)
        .await?;
    Ok(session.map(|s| (code, s)))
}

/// What a pupil code opens now.
pub async fn pupil_code(db: &impl ConnectionTrait, code_hash: &str) -> Result<PupilCode, DbErr> {
    Ok(match code_and_session(db, code_hash).await? {
        None => PupilCode::Unknown,
        Some((_, session)) if session.ended_at.is_some() => PupilCode::SessionEnded,
        Some((code, _)) if code.started => PupilCode::Started,
        Some((_, session)) => PupilCode::Free {
            wave_id: session.wave_id,
        },
    })
}

/// Marks a free pupil code as started; false when it was not free any more (another device
/// took it a moment ago, or it was used). Run in the transaction that creates the draft.
pub async fn start_pupil_code(db: &impl ConnectionTrait, code_hash: &str) -> Result<bool, DbErr> {
    let running = sea_orm::sea_query::Query::select()
        .column(class_session::Column::Id)
        .from(class_session::Entity)
        .and_where(class_session::Column::EndedAt.is_null())
        .to_owned();
    let taken = pupil_code::Entity::update_many()
        .col_expr(pupil_code::Column::Started, Expr::value(true))
        .filter(pupil_code::Column::CodeHash.eq(code_hash))
        .filter(pupil_code::Column::Started.eq(false))
        .filter(pupil_code::Column::ClassSessionId.in_subquery(running))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Whether an invitation token of this wave may still be used: tokens are deleted when their
/// holder answers and when the wave closes.
pub async fn invitation_usable(
    db: &impl ConnectionTrait,
    wave_id: &str,
    token_hash: &str,
) -> Result<bool, DbErr> {
    let Some(token) = invitation_token::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    Ok(invitation::Entity::find_by_id(token.invitation_id)
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::Email.is_not_null())
        .one(db)
        .await?
        .is_some())
}

/// The grade of the class session a pupil code belongs to, while the code exists.
pub async fn session_grade(
    db: &impl ConnectionTrait,
    code_hash: &str,
) -> Result<Option<i32>, DbErr> {
    Ok(code_and_session(db, code_hash)
        .await?
        .map(|(_, session)| session.grade))
}

/// For a pupil code whose class session has ended: until when (Unix seconds) answers started
/// with it are taken. `None` while the session runs, or when the code is gone.
pub async fn finish_until(
    db: &impl ConnectionTrait,
    code_hash: &str,
) -> Result<Option<i64>, DbErr> {
    Ok(code_and_session(db, code_hash)
        .await?
        .and_then(|(_, session)| session.ended_at)
        .map(crate::collect::class_session::finish_until))
}
