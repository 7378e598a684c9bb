//! Storing submissions: the checked [`Submission`], and group commit so that one fsync covers
//! many submissions. What a transaction writes (idempotent by submission id, access codes
//! consumed in the same transaction as the response) is [`crate::store::submissions`].
//!
//! One writer per process takes whatever submissions are waiting (up to `MAX_BATCH`) and
//! writes them in one transaction; each caller is answered only once that transaction is on
//! disk. On PostgreSQL (and in-memory SQLite) the writer is a task on the shared pool and its
//! commit waits for the disk. On a SQLite file it is a thread with a connection of its own
//! (`db::Direct`) whose commits do not wait: the log's sync thread (`db::LogSync`) syncs the log
//! and only then answers, while the writer stores the next batch. Under light load a batch is a
//! single submission and nothing waits for company; under heavy load batches grow by themselves.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};

use super::wave::{Wave, WaveState};
use crate::i18n::Lang;
use crate::store::submissions::{write_batch, write_batch_direct};
use crate::survey::{Survey, ValidatedAnswers};

/// Submissions written per transaction at most.
pub const MAX_BATCH: usize = 256;

/// How long a wave found open is taken to be open without reading it again. Only the early
/// answer depends on it: the writer reads the wave's state again in the transaction that would
/// store a submission, so a wave closed a moment ago takes nothing more all the same.
const OPEN_WAVE_MEMORY: Duration = Duration::from_secs(1);

/// What proves a respondent may answer a wave that is not open to all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessProof {
    None,
    /// Hash of an invitation token.
    Invitation(String),
    /// Hash of a pupil code.
    PupilCode(String),
    /// A response collected elsewhere and brought in by `trygg import`: no code to use up, and
    /// the design variables a class session would have given it.
    Imported {
        school_id: Option<String>,
        class_id: Option<String>,
    },
}

impl AccessProof {
    /// Whether storing the response deletes a code, token or draft (which the database files are
    /// then scrubbed of).
    pub fn uses_up_a_code(&self) -> bool {
        matches!(self, AccessProof::Invitation(_) | AccessProof::PupilCode(_))
    }
}

/// One checked submission, ready to store. Its fields are private and its one constructor is
/// [`super::intake`]'s: the API, the web form and `trygg import` all get a submission only
/// through the same checks.
#[derive(Debug, Clone)]
pub struct Submission {
    wave_id: String,
    survey_id: String,
    survey_version: u32,
    /// Lower-case hyphenated UUID.
    submission_id: String,
    /// Hash of the canonical body: the same id with another body is a conflict.
    body_hash: String,
    language: Lang,
    /// The validated answers as a JSON object.
    answers: String,
    access: AccessProof,
    /// The form draft this submission came from; deleted in the same transaction.
    draft_id: Option<String>,
}

/// What [`Submission::checked`] needs besides the wave and the questionnaire.
pub(super) struct Checked {
    /// Already canonical (`intake::parse_submission_id`).
    pub submission_id: String,
    pub body_hash: String,
    pub language: Lang,
    pub answers: ValidatedAnswers,
    pub access: AccessProof,
    pub draft_id: Option<String>,
}

impl Submission {
    /// The constructor, for `intake` only: the answers are validated by their type, the id, the
    /// language and the access proof by `intake`'s checks.
    pub(super) fn checked(wave: &Wave, survey: &Survey, checked: Checked) -> Submission {
        Submission {
            wave_id: wave.id.clone(),
            survey_id: survey.id.clone(),
            survey_version: survey.version,
            submission_id: checked.submission_id,
            body_hash: checked.body_hash,
            language: checked.language,
            answers: serde_json::Value::Object(checked.answers.to_json()).to_string(),
            access: checked.access,
            draft_id: checked.draft_id,
        }
    }

    /// A submission as the writer's tests need it (any id and hash, no answers), unchecked.
    #[cfg(test)]
    pub(crate) fn unchecked_for_tests(
        wave_id: &str,
        submission_id: &str,
        body_hash: &str,
        access: AccessProof,
    ) -> Submission {
        Submission {
            wave_id: wave_id.to_owned(),
            survey_id: "resident-safety".to_owned(),
            survey_version: 1,
            submission_id: submission_id.to_owned(),
            body_hash: body_hash.to_owned(),
            language: Lang::Sv,
            answers: "{}".to_owned(),
            access,
            draft_id: None,
        }
    }

    pub fn wave_id(&self) -> &str {
        &self.wave_id
    }

    pub fn survey_id(&self) -> &str {
        &self.survey_id
    }

    pub fn survey_version(&self) -> u32 {
        self.survey_version
    }

    pub fn submission_id(&self) -> &str {
        &self.submission_id
    }

    pub fn body_hash(&self) -> &str {
        &self.body_hash
    }

    pub fn language(&self) -> Lang {
        self.language
    }

    /// The validated answers as a JSON object.
    pub fn answers(&self) -> &str {
        &self.answers
    }

    pub fn access(&self) -> &AccessProof {
        &self.access
    }

    pub fn draft_id(&self) -> Option<&str> {
        self.draft_id.as_deref()
    }
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
    /// The write-ahead log could not be synced to disk after the submission's commit.
    #[error("the write-ahead log could not be synced to disk")]
    NotSynced(#[source] Arc<std::io::Error>),
}

type Job = (Submission, oneshot::Sender<Result<Outcome, SubmitError>>);

/// The handle handlers use to store submissions; cheap to clone.
#[derive(Clone)]
pub struct Collector {
    jobs: mpsc::Sender<Job>,
    /// Waves found open lately, by slug, with when they were read.
    open_waves: Arc<Mutex<HashMap<String, (Wave, Instant)>>>,
    scrubber: crate::db::Scrubber,
}

impl Collector {
    /// Starts the writer: on a SQLite file on a thread of its own with its own connection, else
    /// as a task on the current tokio runtime. `scrubber` is asked to clear the deleted codes,
    /// tokens and drafts out of the database files after each batch, and `checkpointer` to copy
    /// the log into the database file beside the writer.
    pub fn start(
        connection: crate::db::Writer,
        scrubber: crate::db::Scrubber,
        checkpointer: crate::db::Checkpointer,
    ) -> Collector {
        let (jobs, queue) = mpsc::channel(MAX_BATCH * 8);
        let after = After {
            scrubber: scrubber.clone(),
            checkpointer,
        };
        match connection {
            crate::db::Writer::Shared(db) => {
                tokio::spawn(writer(Store::Shared(db), None, queue, after));
            }
            crate::db::Writer::Direct {
                connection,
                log_sync,
            } => {
                // Its statements run where it runs, so they wait behind no request being
                // handled; its own runtime only waits for the next submissions.
                let started = std::thread::Builder::new()
                    .name("trygg-writer".to_owned())
                    .spawn(
                        move || match tokio::runtime::Builder::new_current_thread().build() {
                            Ok(runtime) => runtime.block_on(writer(
                                Store::Direct(connection),
                                Some(log_sync),
                                queue,
                                after,
                            )),
                            Err(e) => {
                                tracing::error!(error = %e, "the response writer did not start")
                            }
                        },
                    );
                if let Err(e) = started {
                    tracing::error!(error = %e, "the response writer's thread did not start");
                }
            }
        }
        Collector {
            jobs,
            open_waves: Arc::default(),
            scrubber,
        }
    }

    /// Asks for the database files to be scrubbed of rows deleted elsewhere (codes stopped or
    /// replaced by a school coordinator).
    pub fn scrub_soon(&self) {
        self.scrubber.request();
    }

    /// The wave a submission is for, by slug. A wave found open is remembered for a moment
    /// (`OPEN_WAVE_MEMORY`), which spares a database read per submission under load; any other
    /// answer, an unknown slug included, is read anew each time.
    pub async fn wave(&self, db: &DatabaseConnection, slug: &str) -> Result<Option<Wave>, DbErr> {
        let now = Instant::now();
        {
            let open = self
                .open_waves
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some((wave, read_at)) = open.get(slug)
                && now.duration_since(*read_at) < OPEN_WAVE_MEMORY
                && wave.state() == WaveState::Open
            {
                return Ok(Some(wave.clone()));
            }
        }
        let found = crate::store::waves::find_by_slug(db, slug).await?;
        let mut open = self
            .open_waves
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        open.retain(|_, (_, read_at)| now.duration_since(*read_at) < OPEN_WAVE_MEMORY);
        if let Some(wave) = &found
            && wave.state() == WaveState::Open
        {
            open.insert(slug.to_owned(), (wave.clone(), now));
        }
        Ok(found)
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

/// Where the writer stores its batches.
enum Store {
    Shared(DatabaseConnection),
    Direct(crate::db::Direct),
}

impl Store {
    async fn write(
        &self,
        locked: &mut HashSet<(String, u32)>,
        batch: &[Submission],
    ) -> Result<Vec<Outcome>, DbErr> {
        match self {
            Store::Shared(db) => write_batch(db, locked, batch).await,
            Store::Direct(db) => write_batch_direct(db, locked, batch).await,
        }
    }
}

/// What the writer tells after a batch.
struct After {
    scrubber: crate::db::Scrubber,
    checkpointer: crate::db::Checkpointer,
}

async fn writer(
    store: Store,
    mut log_sync: Option<crate::db::LogSync>,
    mut queue: mpsc::Receiver<Job>,
    after: After,
) {
    let mut locked = HashSet::new();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // The syncs asked for after the latest batch and the one before it.
    let mut syncs: [u64; 2] = [0, 0];
    loop {
        // One batch is stored while the one before waits for its sync, no more: the
        // submissions that come meanwhile make the next batch, so that the log is written in
        // a few large commits rather than many small ones (each commit writes the pages it
        // changed again: the end of the table and of its indexes).
        if let Some(log_sync) = &mut log_sync {
            log_sync.finished(syncs[0]).await;
        }
        if queue.recv_many(&mut batch, MAX_BATCH).await == 0 {
            break;
        }
        let (submissions, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let started = std::time::Instant::now();
        let written = store.write(&mut locked, &submissions).await;
        tracing::trace!(
            size = submissions.len(),
            micros = started.elapsed().as_micros() as u64,
            "batch written"
        );
        let results = match written {
            Ok(outcomes) => outcomes.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) if submissions.len() > 1 => {
                // One bad submission (or a deadlock with another node) must not fail the others:
                // write them one by one.
                tracing::warn!(error = %e, size = submissions.len(), "batch failed; writing its submissions one at a time");
                let mut results = Vec::with_capacity(submissions.len());
                for s in &submissions {
                    let one = store.write(&mut locked, std::slice::from_ref(s)).await;
                    results.push(one.map(|mut o| o.remove(0)).map_err(SubmitError::from));
                }
                results
            }
            Err(e) => vec![Err(SubmitError::from(e))],
        };
        // A response stored with a code, token or draft deleted that code, token or draft: the
        // old pages that still hold them are scrubbed soon after. (A refused code deletes
        // nothing, so guessing does not set off scrubs.)
        let deleted = (submissions.iter().zip(&results)).any(|(s, result)| {
            matches!(result, Ok(Outcome::Created))
                && (s.access.uses_up_a_code() || s.draft_id.is_some())
        });
        let stored = results.iter().any(|r| matches!(r, Ok(Outcome::Created)));
        let answer = move |synced: Result<(), Arc<std::io::Error>>| {
            for (reply, result) in replies.into_iter().zip(results) {
                let result = match &synced {
                    Ok(()) => result,
                    Err(e) => Err(SubmitError::NotSynced(Arc::clone(e))),
                };
                // The caller may have gone (client disconnected); the result stands regardless.
                let _ = reply.send(result);
            }
        };
        // Nothing is told before the commit is on disk: on a SQLite file the commit did not
        // wait for the disk, the log's sync thread does (`db::LogSync`), while this writer
        // goes on with the next batch. (A refusal or "stored before" waits too: it may rest on
        // a commit of an earlier batch that is not synced yet.)
        match &mut log_sync {
            Some(log_sync) => syncs = [syncs[1], log_sync.after_sync(Box::new(answer))],
            None => answer(Ok(())),
        }
        if deleted {
            after.scrubber.request();
        }
        if stored {
            after.checkpointer.nudge();
        }
    }
}
