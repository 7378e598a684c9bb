//! Storing submissions: idempotent by submission id, access codes consumed in the same
//! transaction as the response is written, and group commit so that one fsync covers many
//! submissions.
//!
//! One writer task per process takes whatever submissions are waiting (up to `MAX_BATCH`) and
//! writes them in one transaction; each caller is answered only after that transaction has
//! committed, so an acknowledged submission is on disk. Under light load a batch is a single
//! submission and nothing waits for company; under heavy load batches grow by themselves.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TryInsertResult,
};
use tokio::sync::{mpsc, oneshot};

use super::wave::{WaveState, state_at, today};
use crate::entities::{
    class_session, draft, invitation, invitation_token, pupil_code, response, submission, wave,
};
use crate::i18n::Lang;

/// Submissions written per transaction at most.
pub const MAX_BATCH: usize = 256;

/// What proves a respondent may answer a wave that is not open to all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessProof {
    None,
    /// Hash of an invitation token.
    Invitation(String),
    /// Hash of a pupil code.
    PupilCode(String),
}

/// One checked submission, ready to store.
#[derive(Debug, Clone)]
pub struct Submission {
    pub wave_id: String,
    pub survey_id: String,
    pub survey_version: u32,
    /// Lower-case hyphenated UUID.
    pub submission_id: String,
    /// Hash of the canonical body: the same id with another body is a conflict.
    pub body_hash: String,
    pub language: Lang,
    /// The validated answers as a JSON object.
    pub answers: String,
    pub access: AccessProof,
    /// The form draft this submission came from; deleted in the same transaction.
    pub draft_id: Option<String>,
}

/// What became of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Stored now.
    Created,
    /// The same submission id with the same body was stored before; nothing new is stored.
    Repeated,
    /// The same submission id was stored before with another body.
    Conflict,
    /// The access code is unknown, used, or belongs to another wave or an ended class session.
    AccessDenied,
    /// The wave is closed or not open yet.
    NotOpen,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("the response writer has stopped")]
    WriterGone,
}

type Job = (Submission, oneshot::Sender<Result<Outcome, SubmitError>>);

/// The handle handlers use to store submissions; cheap to clone.
#[derive(Clone)]
pub struct Collector {
    jobs: mpsc::Sender<Job>,
}

impl Collector {
    /// Starts the writer task on the current tokio runtime.
    pub fn start(db: DatabaseConnection) -> Collector {
        let (jobs, queue) = mpsc::channel(MAX_BATCH * 8);
        tokio::spawn(writer(db, queue));
        Collector { jobs }
    }

    /// Stores a submission; returns once it is committed (or refused).
    pub async fn submit(&self, submission: Submission) -> Result<Outcome, SubmitError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((submission, reply))
            .await
            .map_err(|_| SubmitError::WriterGone)?;
        answer.await.map_err(|_| SubmitError::WriterGone)?
    }
}

async fn writer(db: DatabaseConnection, mut queue: mpsc::Receiver<Job>) {
    let mut locked = HashSet::new();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (submissions, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let results = match write_batch(&db, &mut locked, &submissions).await {
            Ok(outcomes) => outcomes.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) if submissions.len() > 1 => {
                // One bad submission (or a deadlock with another node) must not fail the others:
                // write them one by one.
                tracing::warn!(error = %e, size = submissions.len(), "batch failed; writing its submissions one at a time");
                let mut results = Vec::with_capacity(submissions.len());
                for s in &submissions {
                    let one = write_batch(&db, &mut locked, std::slice::from_ref(s)).await;
                    results.push(one.map(|mut o| o.remove(0)).map_err(SubmitError::from));
                }
                results
            }
            Err(e) => vec![Err(SubmitError::from(e))],
        };
        for (reply, result) in replies.into_iter().zip(results) {
            // The caller may have gone (client disconnected); the result stands regardless.
            let _ = reply.send(result);
        }
    }
}

/// Writes a batch in one transaction; one outcome per submission, in order.
async fn write_batch(
    db: &DatabaseConnection,
    locked: &mut HashSet<(String, u32)>,
    batch: &[Submission],
) -> Result<Vec<Outcome>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let mut states: HashMap<&str, WaveState> = HashMap::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut rows = Vec::new();
    let mut to_lock = HashSet::new();
    let date = today();
    for s in batch {
        let state = match states.get(s.wave_id.as_str()) {
            Some(state) => *state,
            None => {
                let state = wave_state(&txn, &s.wave_id).await?;
                states.insert(&s.wave_id, state);
                state
            }
        };
        let outcome = if state != WaveState::Open {
            // A retry of a submission stored before the close still learns it was stored.
            match earlier_outcome(&txn, s).await? {
                Some(outcome) => outcome,
                None => Outcome::NotOpen,
            }
        } else {
            write_one(&txn, s, &date, &mut rows).await?
        };
        if outcome == Outcome::Created && !locked.contains(&(s.survey_id.clone(), s.survey_version))
        {
            to_lock.insert((s.survey_id.clone(), s.survey_version));
        }
        outcomes.push(outcome);
    }
    if !rows.is_empty() {
        response::Entity::insert_many(rows).exec(&txn).await?;
    }
    for (survey_id, version) in &to_lock {
        crate::store::survey_versions::lock(&txn, survey_id, *version).await?;
    }
    txn.commit().await?;
    locked.extend(to_lock);
    Ok(outcomes)
}

/// The wave's state as the transaction sees it, so a wave closed a moment ago takes nothing more.
async fn wave_state(txn: &impl ConnectionTrait, wave_id: &str) -> Result<WaveState, DbErr> {
    // FOR SHARE on PostgreSQL (SQLite has one writer anyway): a concurrent close, an UPDATE of
    // this row, waits for this transaction or makes it wait, so nothing is accepted after
    // `close` returns.
    let row = wave::Entity::find_by_id(wave_id.to_owned())
        .lock_shared()
        .one(txn)
        .await?;
    Ok(match row {
        Some(w) => state_at(w.opens_at, w.closes_at, w.closed_at, crate::util::now()),
        None => WaveState::Closed,
    })
}

async fn write_one(
    txn: &impl ConnectionTrait,
    s: &Submission,
    date: &str,
    rows: &mut Vec<response::ActiveModel>,
) -> Result<Outcome, DbErr> {
    // The key first: with two nodes, the second insert of the same key waits for the first
    // transaction and then finds the row, so the same submission is stored once.
    let key = submission::ActiveModel {
        wave_id: Set(s.wave_id.clone()),
        submission_id: Set(s.submission_id.clone()),
        body_hash: Set(s.body_hash.clone()),
    };
    let inserted = match submission::Entity::insert(key)
        .on_conflict_do_nothing()
        .exec_without_returning(txn)
        .await?
    {
        TryInsertResult::Inserted(n) => n > 0,
        TryInsertResult::Conflicted | TryInsertResult::Empty => false,
    };
    if !inserted {
        return Ok(earlier_outcome(txn, s).await?.unwrap_or(Outcome::Conflict));
    }

    let design = match consume_access(txn, s).await? {
        Some(design) => design,
        None => {
            submission::Entity::delete_by_id((s.wave_id.clone(), s.submission_id.clone()))
                .exec(txn)
                .await?;
            return Ok(Outcome::AccessDenied);
        }
    };
    if let Some(draft_id) = &s.draft_id {
        draft::Entity::delete_by_id(draft_id.clone())
            .exec(txn)
            .await?;
    }
    rows.push(response::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        wave_id: Set(s.wave_id.clone()),
        submitted_on: Set(date.to_owned()),
        language: Set(s.language.code().to_owned()),
        answers: Set(s.answers.clone()),
        school_id: Set(design.school_id),
        class_id: Set(design.class_id),
    });
    Ok(Outcome::Created)
}

/// Repeated or Conflict when this submission id was stored before; `None` when it was not.
async fn earlier_outcome(
    txn: &impl ConnectionTrait,
    s: &Submission,
) -> Result<Option<Outcome>, DbErr> {
    let earlier = submission::Entity::find_by_id((s.wave_id.clone(), s.submission_id.clone()))
        .one(txn)
        .await?;
    Ok(earlier.map(|e| {
        if e.body_hash == s.body_hash {
            Outcome::Repeated
        } else {
            Outcome::Conflict
        }
    }))
}

/// Design variables a response gets from its way in.
struct DesignVars {
    school_id: Option<String>,
    class_id: Option<String>,
}

/// Marks the invitation answered or the pupil code used; `None` when the code does not admit
/// this submission. Nothing about the code is carried over to the response except, for pupils,
/// the school and class, which are design variables.
async fn consume_access(
    txn: &impl ConnectionTrait,
    s: &Submission,
) -> Result<Option<DesignVars>, DbErr> {
    match &s.access {
        AccessProof::None => Ok(Some(DesignVars {
            school_id: None,
            class_id: None,
        })),
        AccessProof::Invitation(hash) => {
            // The person's tokens (all of them: first message and reminders) are deleted, which
            // both uses the link up and marks the invitation answered. No readable row is
            // updated, so nothing written here shares the response's transaction id.
            let holder = Query::select()
                .column(invitation_token::Column::InvitationId)
                .from(invitation_token::Entity)
                .and_where(invitation_token::Column::TokenHash.eq(hash.as_str()))
                .to_owned();
            let of_wave = Query::select()
                .column(invitation::Column::Id)
                .from(invitation::Entity)
                .and_where(invitation::Column::WaveId.eq(s.wave_id.as_str()))
                .to_owned();
            let deleted = invitation_token::Entity::delete_many()
                .filter(invitation_token::Column::InvitationId.in_subquery(holder))
                .filter(invitation_token::Column::InvitationId.in_subquery(of_wave))
                .exec(txn)
                .await?;
            Ok((deleted.rows_affected > 0).then_some(DesignVars {
                school_id: None,
                class_id: None,
            }))
        }
        AccessProof::PupilCode(hash) => {
            let Some(code) = pupil_code::Entity::find_by_id(hash.clone())
                .one(txn)
                .await?
            else {
                return Ok(None);
            };
            let session = class_session::Entity::find_by_id(code.class_session_id.clone())
                .filter(class_session::Column::WaveId.eq(s.wave_id.as_str()))
                .filter(class_session::Column::EndedAt.is_null())
                .select_only()
                .columns([class_session::Column::Id, class_session::Column::SchoolId])
                .into_tuple::<(String, String)>()
                .one(txn)
                .await?;
            let Some((class_id, school_id)) = session else {
                return Ok(None);
            };
            // Used up by deleting it: of two submissions racing with one code, one deletes it.
            let deleted = pupil_code::Entity::delete_by_id(hash.clone())
                .exec(txn)
                .await?;
            Ok((deleted.rows_affected == 1).then_some(DesignVars {
                school_id: Some(school_id),
                class_id: Some(class_id),
            }))
        }
    }
}
