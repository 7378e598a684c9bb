//! Storing submissions: the checked [`Submission`], and group commit so that one fsync covers
//! many submissions. What a transaction writes (idempotent by submission id, access codes
//! consumed in the same transaction as the response) is [`crate::store::submissions`].
//!
//! One writer task per process takes whatever submissions are waiting (up to `MAX_BATCH`) and
//! writes them in one transaction; each caller is answered only after that transaction has
//! committed, so an acknowledged submission is on disk. Under light load a batch is a single
//! submission and nothing waits for company; under heavy load batches grow by themselves.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};

use super::wave::{Wave, WaveState};
use crate::i18n::Lang;
use crate::store::submissions::write_batch;
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
    /// Starts the writer task on the current tokio runtime; `scrubber` is asked to clear the
    /// deleted codes, tokens and drafts out of the database files after each batch, and
    /// `checkpointer` to copy the log into the database file beside the writer.
    pub fn start(
        db: DatabaseConnection,
        scrubber: crate::db::Scrubber,
        checkpointer: crate::db::Checkpointer,
    ) -> Collector {
        let (jobs, queue) = mpsc::channel(MAX_BATCH * 8);
        tokio::spawn(writer(db, queue, scrubber.clone(), checkpointer));
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

async fn writer(
    db: DatabaseConnection,
    mut queue: mpsc::Receiver<Job>,
    scrubber: crate::db::Scrubber,
    checkpointer: crate::db::Checkpointer,
) {
    let mut locked = HashSet::new();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (submissions, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let started = std::time::Instant::now();
        let written = write_batch(&db, &mut locked, &submissions).await;
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
                    let one = write_batch(&db, &mut locked, std::slice::from_ref(s)).await;
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
        for (reply, result) in replies.into_iter().zip(results) {
            // The caller may have gone (client disconnected); the result stands regardless.
            let _ = reply.send(result);
        }
        if deleted {
            scrubber.request();
        }
        if stored {
            checkpointer.nudge();
        }
    }
}
