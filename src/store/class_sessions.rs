//! Class sessions and their one-time pupil codes: open, list, end, and replace lost codes.
//!
//! Codes leave this module in plain text only to be printed. Their hashes are what is checked; the
//! printed list is kept *sealed* under a key from the coordinator's sign-in token (which the
//! database holds only hashed) until the session ends, so that the same coordinator can print it
//! again. Nothing here (audit log included) ever records which code went where.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::collect::class_session::{NewClassSession, finish_until};
use crate::collect::codes;
use crate::collect::seal::Key;
use crate::collect::wave::{Access, WaveState, state_at};
use crate::entities::{class_session, pupil_code, wave};
use crate::store::audit::AuditEvent;

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

/// Who prints a session's codes: the key their printed list is sealed under (from the
/// coordinator's sign-in token), and the one-time field of the form that asked.
pub struct Printer<'a> {
    pub key: &'a Key,
    /// The form's one-time value; the same value never opens a second session.
    pub once: &'a str,
}

impl Printer<'_> {
    /// The key for the codes of a coordinator signed in with `session_token`.
    pub fn key_for(session_token: &str) -> Key {
        Key::derive("class-session-codes", session_token)
    }
}

/// The session a form opened, or had opened already when it is sent again.
#[derive(Debug)]
pub enum Opened {
    New(class_session::Model),
    Before(class_session::Model),
}

impl Opened {
    pub fn session(&self) -> &class_session::Model {
        match self {
            Opened::New(s) | Opened::Before(s) => s,
        }
    }
}

fn seal_codes(key: &Key, session_id: &str, codes: &[String]) -> String {
    key.seal(codes.join("\n").as_bytes(), session_id)
}

/// The hash the form's one-time value is kept as (another domain than codes and tokens).
fn once_hash(school_id: &str, once: &str) -> String {
    crate::util::sha256_hex(format!("class-session-form\0{school_id}\0{once}"))
}

/// Opens a session of `school_id` in a wave and issues one code per pupil, all in one
/// transaction: a session never exists without its codes. A form sent again (a reload, the back
/// button, a double click) finds the session it opened before instead of opening another.
pub async fn open(
    db: &DatabaseConnection,
    wave_id: &str,
    school_id: &str,
    new: &NewClassSession,
    printer: &Printer<'_>,
    actor: &str,
) -> Result<Opened, SessionError> {
    let opened_with = once_hash(school_id, printer.once);
    if let Some(before) = opened_by(db, &opened_with).await? {
        return Ok(Opened::Before(before));
    }
    match open_new(db, wave_id, school_id, new, printer, &opened_with, actor).await {
        // The same form sent twice at once: the unique index let one through.
        Err(SessionError::Database(e))
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            match opened_by(db, &opened_with).await? {
                Some(before) => Ok(Opened::Before(before)),
                None => Err(SessionError::Database(e)),
            }
        }
        other => other.map(Opened::New),
    }
}

async fn opened_by(
    db: &impl ConnectionTrait,
    opened_with: &str,
) -> Result<Option<class_session::Model>, DbErr> {
    class_session::Entity::find()
        .filter(class_session::Column::OpenedWith.eq(opened_with))
        .one(db)
        .await
}

async fn open_new(
    db: &DatabaseConnection,
    wave_id: &str,
    school_id: &str,
    new: &NewClassSession,
    printer: &Printer<'_>,
    opened_with: &str,
    actor: &str,
) -> Result<class_session::Model, SessionError> {
    let txn = crate::db::begin_write(db).await?;
    // Checked inside the transaction, so a wave closed a moment ago gets no new session.
    let wave = class_wave(&txn, wave_id).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let mut session = class_session::Model {
        id: id.clone(),
        wave_id: wave.id.clone(),
        school_id: school_id.to_owned(),
        class_label: new.class_label.clone(),
        grade: new.grade,
        pupils: new.pupils,
        opened_at: crate::util::now(),
        ended_at: None,
        stopped_codes: None,
        sealed_codes: None,
        opened_with: Some(opened_with.to_owned()),
    };
    // The codes first, so the row is written once with its sealed list; the foreign key of the
    // codes is checked at the statement, so the session row goes in before them.
    let codes = fresh_codes(new.pupils as usize);
    session.sealed_codes = Some(seal_codes(printer.key, &id, &codes));
    class_session::Entity::insert(class_session::ActiveModel::from(session.clone()))
        .exec_without_returning(&txn)
        .await?;
    store_codes(&txn, &session.id, &codes).await?;
    let event = AuditEvent::ClassSessionOpen {
        slug: wave.slug.clone(),
        school: school_id.to_owned(),
        class: session.class_label.clone(),
        grade: session.grade,
        codes: codes.len() as u64,
    };
    crate::store::audit::record_for_wave(&txn, actor, &session.wave_id, &event).await?;
    txn.commit().await?;
    Ok(session)
}

/// The codes of a session's last print, for the coordinator who printed them (the key fits);
/// `None` when they were printed from another sign-in, or the session has ended (then they are
/// deleted). Returns the session too.
pub async fn printed_codes(
    db: &impl ConnectionTrait,
    id: &str,
    school_id: &str,
    key: &Key,
) -> Result<(class_session::Model, Option<Vec<String>>), SessionError> {
    let session = class_session::Entity::find_by_id(id.to_owned())
        .filter(class_session::Column::SchoolId.eq(school_id))
        .one(db)
        .await?
        .ok_or(SessionError::Unknown)?;
    if session.ended_at.is_some() {
        return Err(SessionError::Ended);
    }
    let codes = session
        .sealed_codes
        .as_deref()
        .and_then(|sealed| key.open(sealed, &session.id))
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(|text| text.lines().map(str::to_owned).collect());
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

/// `n` new codes, all different.
fn fresh_codes(n: usize) -> Vec<String> {
    // A set, so one printout never holds the same code twice. A clash with a code of another
    // session (40 random bits each) is too unlikely to handle; the primary key would refuse it.
    let mut fresh = HashSet::with_capacity(n);
    while fresh.len() < n {
        fresh.insert(codes::new_pupil_code());
    }
    fresh.into_iter().collect()
}

/// Stores the hashes of a session's new codes.
async fn store_codes(
    txn: &impl ConnectionTrait,
    session_id: &str,
    codes: &[String],
) -> Result<(), DbErr> {
    if !codes.is_empty() {
        pupil_code::Entity::insert_many(codes.iter().map(|code| pupil_code::ActiveModel {
            code_hash: Set(codes::hash(code)),
            class_session_id: Set(session_id.to_owned()),
            started: Set(false),
        }))
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
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
            // The printed list is of no more use, and kept no longer than it is.
            .col_expr(
                class_session::Column::SealedCodes,
                Expr::value(Option::<String>::None),
            )
            .filter(class_session::Column::Id.eq(id))
            .filter(class_session::Column::EndedAt.is_null())
            .exec(&txn)
            .await?;
        let event = AuditEvent::ClassSessionEnd {
            school: school_id.to_owned(),
            class: session.class_label.clone(),
            session: id.to_owned(),
            stopped,
        };
        crate::store::audit::record_for_wave(&txn, actor, &session.wave_id, &event).await?;
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
    key: &Key,
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
    let codes = fresh_codes(deleted as usize);
    store_codes(&txn, id, &codes).await?;
    // The new print is the one to print again (the old unused codes no longer work).
    class_session::Entity::update_many()
        .col_expr(
            class_session::Column::SealedCodes,
            Expr::value(Some(seal_codes(key, id, &codes))),
        )
        .filter(class_session::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let event = AuditEvent::ClassSessionNewCodes {
        school: school_id.to_owned(),
        class: session.class_label.clone(),
        session: id.to_owned(),
        replaced: codes.len() as u64,
    };
    crate::store::audit::record_for_wave(&txn, actor, &session.wave_id, &event).await?;
    txn.commit().await?;
    Ok((session, codes))
}
