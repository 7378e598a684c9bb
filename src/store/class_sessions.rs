//! Class sessions and their one-time pupil codes: open, list, end, and replace lost codes.
//!
//! Codes leave this module once, in plain text, to be printed; only their hashes are stored, and
//! nothing here (audit log included) ever records which code went where.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::collect::class_session::{NewClassSession, finish_until};
use crate::collect::codes;
use crate::collect::wave::{Access, WaveState, state_at};
use crate::entities::{class_session, pupil_code, wave};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no such wave")]
    UnknownWave,
    #[error("the wave does not use class sessions")]
    NotClassWave,
    #[error("the wave is not open")]
    WaveNotOpen,
    #[error("no such class session")]
    Unknown,
    #[error("the class session has ended")]
    Ended,
    #[error("database: {0}")]
    Database(#[from] DbErr),
}

/// A session with how many of its codes were used, are being answered with, or are unused
/// (never which).
#[derive(Debug, Clone)]
pub struct SessionSummary {
    pub session: class_session::Model,
    /// One per pupil; replacing lost codes keeps the number.
    pub issued: u64,
    /// Codes answers were submitted with.
    pub answered: u64,
    /// Codes a pupil has started answering with and not yet submitted.
    pub started: u64,
    /// Codes nobody has started with; they work while the session runs.
    pub unused: u64,
    /// Codes that were unused when the session ended, and stopped working then.
    pub stopped: u64,
}

impl SessionSummary {
    pub fn is_ended(&self) -> bool {
        self.session.ended_at.is_some()
    }

    /// For an ended session: until when (Unix seconds) pupils who had started may submit.
    pub fn finish_until(&self) -> Option<i64> {
        self.session.ended_at.map(finish_until)
    }

    /// Pupils answering right now: started, and the session runs or its time to finish has
    /// not run out.
    pub fn answering_at(&self, now: i64) -> u64 {
        match self.finish_until() {
            Some(until) if until <= now => 0,
            _ => self.started,
        }
    }

    /// Pupils who started but did not submit before their time to finish ran out.
    pub fn unfinished_at(&self, now: i64) -> u64 {
        self.started - self.answering_at(now)
    }
}

/// Opens a session of `school_id` in a wave and issues one code per pupil, all in one
/// transaction: a session never exists without its codes. Returns the codes in plain text.
pub async fn open(
    db: &DatabaseConnection,
    wave_id: &str,
    school_id: &str,
    new: &NewClassSession,
    actor: &str,
) -> Result<(class_session::Model, Vec<String>), SessionError> {
    let txn = crate::db::begin_write(db).await?;
    // Checked inside the transaction, so a wave closed a moment ago gets no new session.
    let wave = class_wave(&txn, wave_id).await?;
    let session = class_session::Model {
        id: uuid::Uuid::new_v4().to_string(),
        wave_id: wave.id.clone(),
        school_id: school_id.to_owned(),
        class_label: new.class_label.clone(),
        grade: new.grade,
        pupils: new.pupils,
        opened_at: crate::util::now(),
        ended_at: None,
        stopped_codes: None,
    };
    class_session::Entity::insert(class_session::ActiveModel::from(session.clone()))
        .exec_without_returning(&txn)
        .await?;
    let codes = issue_codes(&txn, &session.id, new.pupils as usize).await?;
    crate::store::audit::record_for_wave(
        &txn,
        actor,
        "class_session.open",
        &session.wave_id,
        &format!(
            "wave {}, school {school_id}, class {} (grade {}), {} codes",
            wave.slug,
            session.class_label,
            session.grade,
            codes.len()
        ),
    )
    .await?;
    txn.commit().await?;
    Ok((session, codes))
}

/// The wave row, when it takes class sessions now.
async fn class_wave(
    txn: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<wave::Model, SessionError> {
    let wave = wave::Entity::find_by_id(wave_id.to_owned())
        .one(txn)
        .await?
        .ok_or(SessionError::UnknownWave)?;
    if Access::parse(&wave.access) != Some(Access::Class) {
        return Err(SessionError::NotClassWave);
    }
    let state = state_at(
        wave.opens_at,
        wave.closes_at,
        wave.closed_at,
        crate::util::now(),
    );
    if state != WaveState::Open {
        return Err(SessionError::WaveNotOpen);
    }
    Ok(wave)
}

/// Makes `n` new codes for a session and stores their hashes.
async fn issue_codes(
    txn: &impl ConnectionTrait,
    session_id: &str,
    n: usize,
) -> Result<Vec<String>, DbErr> {
    // A set, so one printout never holds the same code twice. A clash with a code of another
    // session (40 random bits each) is too unlikely to handle; the primary key would refuse it.
    let mut fresh = HashSet::with_capacity(n);
    while fresh.len() < n {
        fresh.insert(codes::new_pupil_code());
    }
    let codes: Vec<String> = fresh.into_iter().collect();
    if !codes.is_empty() {
        pupil_code::Entity::insert_many(codes.iter().map(|code| pupil_code::ActiveModel {
            code_hash: Set(codes::hash(code)),
            class_session_id: Set(session_id.to_owned()),
            started: Set(false),
        }))
        .exec_without_returning(txn)
        .await?;
    }
    Ok(codes)
}

/// Codes left per session, (not started, started): a used code is deleted, so the rest of
/// those issued were used (or stopped when the session ended).
async fn remaining_codes(
    db: &impl ConnectionTrait,
    session_ids: &[String],
) -> Result<HashMap<String, (u64, u64)>, DbErr> {
    if session_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = pupil_code::Entity::find()
        .select_only()
        .column(pupil_code::Column::ClassSessionId)
        .column(pupil_code::Column::Started)
        .column_as(
            Expr::from(Func::count(Expr::col(pupil_code::Column::CodeHash))),
            "n",
        )
        .filter(pupil_code::Column::ClassSessionId.is_in(session_ids.iter().cloned()))
        .group_by(pupil_code::Column::ClassSessionId)
        .group_by(pupil_code::Column::Started)
        .into_tuple::<(String, bool, i64)>()
        .all(db)
        .await?;
    let mut remaining: HashMap<String, (u64, u64)> = HashMap::new();
    for (session, started, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        let entry = remaining.entry(session).or_default();
        if started {
            entry.1 += n;
        } else {
            entry.0 += n;
        }
    }
    Ok(remaining)
}

async fn summarise(
    db: &impl ConnectionTrait,
    sessions: Vec<class_session::Model>,
) -> Result<Vec<SessionSummary>, DbErr> {
    let ids: Vec<String> = sessions.iter().map(|s| s.id.clone()).collect();
    let remaining = remaining_codes(db, &ids).await?;
    Ok(sessions
        .into_iter()
        .map(|session| {
            let issued = u64::try_from(session.pupils).unwrap_or(0);
            let (unused, started) = remaining.get(&session.id).copied().unwrap_or_default();
            let stopped = session
                .stopped_codes
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0);
            let answered = issued
                .saturating_sub(unused)
                .saturating_sub(started)
                .saturating_sub(stopped);
            SessionSummary {
                session,
                issued,
                answered,
                started,
                unused,
                stopped,
            }
        })
        .collect())
}

/// The sessions of a school in these waves, newest first.
pub async fn list_for_school(
    db: &impl ConnectionTrait,
    school_id: &str,
    wave_ids: &[String],
) -> Result<Vec<SessionSummary>, DbErr> {
    if wave_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sessions = class_session::Entity::find()
        .filter(class_session::Column::SchoolId.eq(school_id))
        .filter(class_session::Column::WaveId.is_in(wave_ids.iter().cloned()))
        .order_by_desc(class_session::Column::OpenedAt)
        .order_by_asc(class_session::Column::ClassLabel)
        .all(db)
        .await?;
    summarise(db, sessions).await
}

/// A session, only when it belongs to this school: another school's session does not exist for
/// this coordinator.
pub async fn find_for_school(
    db: &impl ConnectionTrait,
    id: &str,
    school_id: &str,
) -> Result<Option<SessionSummary>, DbErr> {
    let Some(session) = class_session::Entity::find_by_id(id.to_owned())
        .filter(class_session::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(summarise(db, vec![session]).await?.pop())
}

/// Ends a session: codes nobody has started with stop working at once (they are deleted and
/// counted), and no code can be entered any more; a pupil who had started may still submit for
/// `class_session::FINISH_AFTER_END_SECONDS` (the submission writer checks). Ending an ended session changes
/// nothing.
pub async fn end(
    db: &DatabaseConnection,
    id: &str,
    school_id: &str,
    actor: &str,
) -> Result<(), SessionError> {
    let txn = crate::db::begin_write(db).await?;
    let session = class_session::Entity::find_by_id(id.to_owned())
        .filter(class_session::Column::SchoolId.eq(school_id))
        .one(&txn)
        .await?
        .ok_or(SessionError::Unknown)?;
    if session.ended_at.is_none() {
        let stopped = pupil_code::Entity::delete_many()
            .filter(pupil_code::Column::ClassSessionId.eq(id))
            .filter(pupil_code::Column::Started.eq(false))
            .exec(&txn)
            .await?
            .rows_affected;
        class_session::Entity::update_many()
            .col_expr(
                class_session::Column::EndedAt,
                Expr::value(crate::util::now()),
            )
            .col_expr(
                class_session::Column::StoppedCodes,
                Expr::value(i32::try_from(stopped).unwrap_or(i32::MAX)),
            )
            .filter(class_session::Column::Id.eq(id))
            .filter(class_session::Column::EndedAt.is_null())
            .exec(&txn)
            .await?;
        crate::store::audit::record_for_wave(
            &txn,
            actor,
            "class_session.end",
            &session.wave_id,
            &format!(
                "school {school_id}, class {}, session {id}: {stopped} unused codes stopped",
                session.class_label
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Replaces the unused codes of a session with as many new ones (a printout was lost): the old
/// unused codes stop working, used ones stay counted. Returns the new codes in plain text.
pub async fn replace_unused_codes(
    db: &DatabaseConnection,
    id: &str,
    school_id: &str,
    actor: &str,
) -> Result<(class_session::Model, Vec<String>), SessionError> {
    let txn = crate::db::begin_write(db).await?;
    let session = class_session::Entity::find_by_id(id.to_owned())
        .filter(class_session::Column::SchoolId.eq(school_id))
        .one(&txn)
        .await?
        .ok_or(SessionError::Unknown)?;
    if session.ended_at.is_some() {
        return Err(SessionError::Ended);
    }
    class_wave(&txn, &session.wave_id).await?;
    // Deleted and counted in one statement, so a code used meanwhile is neither deleted nor
    // replaced. A code a pupil is answering with right now is kept, or their answers would be
    // refused on the last page.
    let deleted = pupil_code::Entity::delete_many()
        .filter(pupil_code::Column::ClassSessionId.eq(id))
        .filter(pupil_code::Column::Started.eq(false))
        .exec(&txn)
        .await?
        .rows_affected;
    let codes = issue_codes(&txn, id, deleted as usize).await?;
    crate::store::audit::record_for_wave(
        &txn,
        actor,
        "class_session.new_codes",
        &session.wave_id,
        &format!(
            "school {school_id}, class {}, session {id}: {} unused codes replaced",
            session.class_label,
            codes.len()
        ),
    )
    .await?;
    txn.commit().await?;
    Ok((session, codes))
}
