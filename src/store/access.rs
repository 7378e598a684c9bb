//! Checking an access code before a respondent starts (the code is consumed only when the
//! answers are stored, in `collect::submit`).

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::{class_session, invitation, invitation_token, pupil_code};

/// The wave a pupil code opens, when the code is unused (used codes are deleted) and its class
/// session still runs.
pub async fn wave_of_pupil_code(
    db: &impl ConnectionTrait,
    code_hash: &str,
) -> Result<Option<String>, DbErr> {
    let Some(code) = pupil_code::Entity::find_by_id(code_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(class_session::Entity::find_by_id(code.class_session_id)
        .filter(class_session::Column::EndedAt.is_null())
        .one(db)
        .await?
        .map(|s| s.wave_id))
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
