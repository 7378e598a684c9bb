//! Writing submissions: idempotent by submission id, access codes consumed in the same
//! transaction as the response is written, one transaction per batch. The batching itself (one
//! writer task per process, group commit) is `collect::submit`'s; this is only its SQL.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait,
};

use crate::collect::class_session::FINISH_AFTER_END_SECONDS;
use crate::collect::wave::{WaveState, state_at, today};
use crate::collect::{AccessProof, Outcome, Submission};
use crate::db::direct::Run;
use crate::entities::{
    class_session, draft, invitation, invitation_token, pupil_code, response, submission, wave,
};

/// Writes a batch in one transaction; one outcome per submission, in order.
///
/// The outcomes are exactly those of writing the submissions one after the other, but the
/// statements are per batch, not per submission: the state of each wave once, every new
/// submission key in one insert, the keys stored before in one look-up per wave, every response
/// in one insert. Per submission remain only what is rare or needs its own row: access codes,
/// drafts, and an id that comes twice in one batch after its first submission was refused.
pub async fn write_batch(
    db: &DatabaseConnection,
    locked: &mut HashSet<(String, u32)>,
    batch: &[Submission],
) -> Result<Vec<Outcome>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let (outcomes, to_lock) = write_in(&txn, locked, batch).await?;
    txn.commit().await?;
    locked.extend(to_lock);
    Ok(outcomes)
}

/// [`write_batch`] on the submission writer's own SQLite connection (`db::Direct`), whose
/// statements run on the writer's thread.
pub async fn write_batch_direct(
    db: &crate::db::Direct,
    locked: &mut HashSet<(String, u32)>,
    batch: &[Submission],
) -> Result<Vec<Outcome>, DbErr> {
    // IMMEDIATE: the write lock at once (see `db::begin_write`).
    db.batch("BEGIN IMMEDIATE")?;
    let written = match write_in(db, locked, batch).await {
        Ok(written) => db.batch("COMMIT").map(|()| written),
        Err(e) => Err(e),
    };
    match written {
        Ok((outcomes, to_lock)) => {
            locked.extend(to_lock);
            Ok(outcomes)
        }
        Err(e) => {
            // Nothing of the batch stays (a failed COMMIT leaves the transaction open).
            let _ = db.batch("ROLLBACK");
            Err(e)
        }
    }
}

/// [`write_batch`] inside a transaction: the outcomes, and the survey versions to remember as
/// locked once the transaction has committed.
async fn write_in(
    txn: &impl Run,
    locked: &HashSet<(String, u32)>,
    batch: &[Submission],
) -> Result<(Vec<Outcome>, HashSet<(String, u32)>), DbErr> {
    let mut open = HashSet::new();
    let mut checked = HashSet::new();
    for s in batch {
        if checked.insert(s.wave_id()) && wave_state(txn, s.wave_id()).await? == WaveState::Open {
            open.insert(s.wave_id());
        }
    }
    let admitted: Vec<&Submission> = (batch.iter())
        .filter(|s| open.contains(s.wave_id()))
        .collect();
    let mut keys = claim_keys(txn, &admitted).await?;
    let date = today();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut rows = Vec::new();
    let mut to_lock = HashSet::new();
    for s in batch {
        let outcome = if open.contains(s.wave_id()) {
            write_one(txn, s, &mut keys, &date, &mut rows).await?
        } else {
            // A retry of a submission stored before the close still learns it was stored.
            earlier_outcome(txn, s).await?.unwrap_or(Outcome::NotOpen)
        };
        if outcome == Outcome::Created
            && !locked.contains(&(s.survey_id().to_owned(), s.survey_version()))
        {
            to_lock.insert((s.survey_id().to_owned(), s.survey_version()));
        }
        outcomes.push(outcome);
    }
    if !rows.is_empty() {
        txn.execute(txn.statement(&response::Entity::insert_many(rows)))
            .await?;
    }
    for (survey_id, version) in &to_lock {
        let lock = crate::store::survey_versions::lock_query(survey_id, *version);
        txn.execute(txn.statement(&lock)).await?;
    }
    // The waves that took answers: their indicators are due for recomputation.
    let changed: HashSet<&str> = (batch.iter().zip(&outcomes))
        .filter(|(_, o)| **o == Outcome::Created)
        .map(|(s, _)| s.wave_id())
        .collect();
    for wave_id in changed {
        let stale = crate::store::indicators::mark_stale_query(wave_id);
        txn.execute(txn.statement(&stale)).await?;
    }
    Ok((outcomes, to_lock))
}

/// The wave's state as the transaction sees it, so a wave closed a moment ago takes nothing more.
async fn wave_state(txn: &impl Run, wave_id: &str) -> Result<WaveState, DbErr> {
    // `all`, not `one`: SQLite plans a statement with a bound LIMIT anew each time it runs.
    // FOR SHARE on PostgreSQL (SQLite has one writer anyway): a concurrent close, an UPDATE of
    // this row, waits for this transaction or makes it wait, so nothing is accepted after
    // `close` returns.
    let query = wave::Entity::find()
        .filter(wave::Column::Id.eq(wave_id))
        .select_only()
        .columns([
            wave::Column::OpensAt,
            wave::Column::ClosesAt,
            wave::Column::ClosedAt,
        ])
        .lock_shared();
    let row = txn.rows(txn.statement(&query)).await?.pop();
    Ok(match row {
        Some(w) => state_at(
            w.integer("opens_at")?,
            w.integer("closes_at")?,
            w.integer("closed_at")?,
            crate::util::now(),
        ),
        None => WaveState::Closed,
    })
}

/// What the transaction knows of a submission key (wave, submission id) as it walks the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// Inserted by this batch for the first submission with this id, not yet looked at.
    Reserved,
    /// Stored with this body hash: before this batch, or by a submission earlier in it.
    Taken(String),
    /// Inserted by this batch and deleted again: the submission it was for had no valid code.
    Freed,
}

type KeyMap<'a> = HashMap<(&'a str, &'a str), Key>;

/// Inserts the key of every submission of the batch in one statement (an id that comes twice
/// with the hash of its first submission), and looks up the hashes of the keys stored before.
///
/// The keys go in sorted: two nodes inserting overlapping batches then take their row locks in
/// the same order, so they wait for each other instead of deadlocking. A key inserted by another
/// node's open transaction makes the insert wait for that transaction, then find the key taken.
async fn claim_keys<'a>(txn: &impl Run, batch: &[&'a Submission]) -> Result<KeyMap<'a>, DbErr> {
    let mut first: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for s in batch {
        first
            .entry((s.wave_id(), s.submission_id()))
            .or_insert(s.body_hash());
    }
    let mut keys = KeyMap::with_capacity(first.len());
    if first.is_empty() {
        return Ok(keys);
    }
    let new_keys = first
        .iter()
        .map(|(&(wave_id, id), &hash)| submission::ActiveModel {
            wave_id: Set(wave_id.to_owned()),
            submission_id: Set(id.to_owned()),
            body_hash: Set(hash.to_owned()),
        });
    let mut insert = submission::Entity::insert_many(new_keys)
        .on_conflict_do_nothing()
        .into_query();
    insert.returning(
        Query::returning().columns([submission::Column::WaveId, submission::Column::SubmissionId]),
    );
    let inserted = txn.rows(txn.backend().build(&insert)).await?;
    let inserted: Vec<(String, String)> = (inserted.iter())
        .map(|row| Ok((row.text("wave_id")?, row.text("submission_id")?)))
        .collect::<Result<_, DbErr>>()?;
    let inserted: HashSet<(&str, &str)> = (inserted.iter())
        .map(|(wave_id, id)| (wave_id.as_str(), id.as_str()))
        .collect();
    // The others were stored before: their hashes tell a retry (200) from a conflict (409).
    let mut before: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for &(wave_id, id) in first.keys() {
        if inserted.contains(&(wave_id, id)) {
            keys.insert((wave_id, id), Key::Reserved);
        } else {
            before.entry(wave_id).or_default().push(id);
        }
    }
    for (wave_id, ids) in before {
        let query = submission::Entity::find()
            .filter(submission::Column::WaveId.eq(wave_id))
            .filter(submission::Column::SubmissionId.is_in(ids.iter().copied()));
        let stored: HashMap<String, String> = (txn.rows(txn.statement(&query)).await?.iter())
            .map(|key| Ok((key.text("submission_id")?, key.text("body_hash")?)))
            .collect::<Result<_, DbErr>>()?;
        for id in ids {
            if let Some(hash) = stored.get(id) {
                keys.insert((wave_id, id), Key::Taken(hash.clone()));
            }
        }
    }
    Ok(keys)
}

/// One submission of the batch, its key already claimed (or found taken) by [`claim_keys`].
async fn write_one<'a>(
    txn: &impl Run,
    s: &'a Submission,
    keys: &mut KeyMap<'a>,
    date: &str,
    rows: &mut Vec<response::ActiveModel>,
) -> Result<Outcome, DbErr> {
    let key = (s.wave_id(), s.submission_id());
    let repeated_or_conflict = |hash: &str| {
        if hash == s.body_hash() {
            Outcome::Repeated
        } else {
            Outcome::Conflict
        }
    };
    match keys.get(&key) {
        Some(Key::Taken(hash)) => return Ok(repeated_or_conflict(hash)),
        Some(Key::Reserved) => {}
        // Freed by a refused submission earlier in the batch (or, should the batch insert ever
        // miss a key, unknown): claimed on its own, as if it came alone.
        Some(Key::Freed) | None => {
            if let Some(hash) = claim_one(txn, s).await? {
                let outcome = repeated_or_conflict(&hash);
                keys.insert(key, Key::Taken(hash));
                return Ok(outcome);
            }
        }
    }

    let Some(design) = consume_access(txn, s).await? else {
        let free = submission::Entity::delete_by_id((
            s.wave_id().to_owned(),
            s.submission_id().to_owned(),
        ));
        txn.execute(txn.statement(&free)).await?;
        keys.insert(key, Key::Freed);
        return Ok(Outcome::AccessDenied);
    };
    if let Some(draft_id) = s.draft_id() {
        let submitted = draft::Entity::delete_by_id(draft_id.to_owned());
        txn.execute(txn.statement(&submitted)).await?;
    }
    rows.push(response::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        wave_id: Set(s.wave_id().to_owned()),
        submitted_on: Set(date.to_owned()),
        language: Set(s.language().code().to_owned()),
        answers: Set(s.answers().to_owned()),
        school_id: Set(design.school_id),
        class_id: Set(design.class_id),
    });
    keys.insert(key, Key::Taken(s.body_hash().to_owned()));
    Ok(Outcome::Created)
}

/// Repeated or Conflict when this submission id was stored before; `None` when it was not.
async fn earlier_outcome(txn: &impl Run, s: &Submission) -> Result<Option<Outcome>, DbErr> {
    Ok(stored_hash(txn, s).await?.map(|hash| {
        if hash == s.body_hash() {
            Outcome::Repeated
        } else {
            Outcome::Conflict
        }
    }))
}

/// The body hash stored with the submission's key, if the key is stored.
async fn stored_hash(txn: &impl Run, s: &Submission) -> Result<Option<String>, DbErr> {
    let query =
        submission::Entity::find_by_id((s.wave_id().to_owned(), s.submission_id().to_owned()));
    let row = txn.rows(txn.statement(&query)).await?.pop();
    row.map(|r| r.text("body_hash")).transpose()
}

/// Inserts one submission's key; `None` when it was free (now it is this submission's), else the
/// body hash stored with it before.
async fn claim_one(txn: &impl Run, s: &Submission) -> Result<Option<String>, DbErr> {
    let key = submission::ActiveModel {
        wave_id: Set(s.wave_id().to_owned()),
        submission_id: Set(s.submission_id().to_owned()),
        body_hash: Set(s.body_hash().to_owned()),
    };
    let insert = submission::Entity::insert(key).on_conflict_do_nothing();
    if txn.execute(txn.statement(&insert)).await? > 0 {
        return Ok(None);
    }
    // A key that is taken yet cannot be read back matches no body: a conflict, as before.
    Ok(Some(stored_hash(txn, s).await?.unwrap_or_default()))
}

/// Design variables a response gets from its way in.
struct DesignVars {
    school_id: Option<String>,
    class_id: Option<String>,
}

/// Marks the invitation answered or the pupil code used; `None` when the code does not admit
/// this submission. Nothing about the code is carried over to the response except, for pupils,
/// the school and class, which are design variables.
async fn consume_access(txn: &impl Run, s: &Submission) -> Result<Option<DesignVars>, DbErr> {
    match s.access() {
        AccessProof::None => Ok(Some(DesignVars {
            school_id: None,
            class_id: None,
        })),
        AccessProof::Imported {
            school_id,
            class_id,
        } => Ok(Some(DesignVars {
            school_id: school_id.clone(),
            class_id: class_id.clone(),
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
                .and_where(invitation::Column::WaveId.eq(s.wave_id()))
                .to_owned();
            let delete = invitation_token::Entity::delete_many()
                .filter(invitation_token::Column::InvitationId.in_subquery(holder))
                .filter(invitation_token::Column::InvitationId.in_subquery(of_wave));
            let deleted = txn.execute(txn.statement(&delete)).await?;
            Ok((deleted > 0).then_some(DesignVars {
                school_id: None,
                class_id: None,
            }))
        }
        AccessProof::PupilCode(hash) => {
            let code = pupil_code::Entity::find_by_id(hash.clone())
                .select_only()
                .column(pupil_code::Column::ClassSessionId);
            let Some(code) = txn.rows(txn.statement(&code)).await?.pop() else {
                return Ok(None);
            };
            // A session that ended a while ago still takes the answers of pupils who had
            // started before the end (its other codes were deleted at the end).
            let ended_since = crate::util::now() - FINISH_AFTER_END_SECONDS;
            let session = class_session::Entity::find_by_id(code.text("class_session_id")?)
                .filter(class_session::Column::WaveId.eq(s.wave_id()))
                .filter(
                    Condition::any()
                        .add(class_session::Column::EndedAt.is_null())
                        .add(class_session::Column::EndedAt.gt(ended_since)),
                )
                .select_only()
                .columns([class_session::Column::Id, class_session::Column::SchoolId]);
            let Some(session) = txn.rows(txn.statement(&session)).await?.pop() else {
                return Ok(None);
            };
            // Used up by deleting it: of two submissions racing with one code, one deletes it.
            let used = pupil_code::Entity::delete_by_id(hash.clone());
            let deleted = txn.execute(txn.statement(&used)).await?;
            Ok((deleted == 1).then_some(DesignVars {
                school_id: Some(session.text("school_id")?),
                class_id: Some(session.text("id")?),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    //! The batch writer decides each submission as if it had come alone, in order.

    use sea_orm::{ActiveModelTrait, PaginatorTrait};

    use super::*;
    use crate::collect::codes;
    use crate::collect::wave::NewWave;

    /// A database file, and the connection the batches are written through: sea-orm's (as on
    /// PostgreSQL and in memory) or the writer's own (`db::Direct`, as on a SQLite file).
    struct Db {
        db: DatabaseConnection,
        direct: Option<crate::db::Direct>,
        _dir: tempfile::TempDir,
    }

    #[derive(Clone, Copy)]
    enum Via {
        SeaOrm,
        Direct,
    }

    /// Every test runs through both connections.
    macro_rules! both {
        ($($name:ident),*) => {$(
            mod $name {
                #[tokio::test]
                async fn sea_orm() {
                    super::$name(super::Via::SeaOrm).await;
                }

                #[tokio::test]
                async fn direct() {
                    super::$name(super::Via::Direct).await;
                }
            }
        )*};
    }

    both!(
        repeats_and_conflicts_within_a_batch_and_with_earlier_ones,
        a_refused_code_leaves_its_id_to_a_later_submission_of_the_batch,
        a_closed_wave_takes_nothing_while_an_open_one_in_the_same_batch_does
    );

    async fn write(
        t: &Db,
        locked: &mut HashSet<(String, u32)>,
        batch: &[Submission],
    ) -> Result<Vec<Outcome>, DbErr> {
        match &t.direct {
            Some(direct) => write_batch_direct(direct, locked, batch).await,
            None => write_batch(&t.db, locked, batch).await,
        }
    }

    async fn database_with_wave(via: Via, slug: &str, access: &str) -> (Db, String) {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("t.db");
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let db = crate::db::connect_and_migrate(&url)
            .await
            .expect("database");
        let catalog = crate::survey::load_dir(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys"),
        )
        .expect("surveys");
        let survey = if access == "class" {
            "school-drug-habits"
        } else {
            "resident-safety"
        };
        let new = NewWave::parse(&catalog, survey, slug, access, None, None).expect("wave");
        let wave = crate::store::waves::create(&db, &new, "test")
            .await
            .expect("create wave");
        let direct = match via {
            Via::SeaOrm => None,
            Via::Direct => Some(
                crate::db::Direct::open(
                    &file,
                    &crate::db::direct::Settings {
                        pragmas: &crate::db::EVERY_CONNECTION,
                        busy_timeout: std::time::Duration::from_secs(5),
                        cache_kib: -1024,
                        autocheckpoint_pages: 1000,
                    },
                )
                .expect("direct connection"),
            ),
        };
        let t = Db {
            db,
            direct,
            _dir: dir,
        };
        (t, wave.id)
    }

    fn submission(wave_id: &str, id: &str, hash: &str, access: AccessProof) -> Submission {
        Submission::unchecked_for_tests(wave_id, id, hash, access)
    }

    async fn responses(db: &DatabaseConnection) -> u64 {
        response::Entity::find().count(db).await.expect("count")
    }

    async fn repeats_and_conflicts_within_a_batch_and_with_earlier_ones(via: Via) {
        let (t, wave) = database_with_wave(via, "batch-wave", "open").await;
        let db = &t.db;
        let open = |id: &str, hash: &str| submission(&wave, id, hash, AccessProof::None);
        let mut locked = HashSet::new();
        let earlier = write(&t, &mut locked, &[open("x", "h1")]).await;
        assert_eq!(earlier.expect("write"), [Outcome::Created]);

        let batch = [
            open("a", "ha"),
            open("a", "ha"),
            open("b", "hb"),
            open("b", "other"),
            open("x", "h1"),
            open("x", "other"),
            open("c", "hc"),
        ];
        let outcomes = write(&t, &mut locked, &batch).await.expect("write");
        use Outcome::{Conflict, Created, Repeated};
        assert_eq!(
            outcomes,
            [
                Created, Repeated, Created, Conflict, Repeated, Conflict, Created
            ]
        );
        assert_eq!(responses(db).await, 4);
        let b = submission::Entity::find_by_id((wave.clone(), "b".to_owned()))
            .one(db)
            .await
            .expect("query")
            .expect("key");
        assert_eq!(
            b.body_hash, "hb",
            "the first submission's body is the stored one"
        );
    }

    async fn a_refused_code_leaves_its_id_to_a_later_submission_of_the_batch(via: Via) {
        let (t, wave) = database_with_wave(via, "class-wave", "class").await;
        let db = &t.db;
        let session = class_session::ActiveModel {
            id: Set("session".to_owned()),
            wave_id: Set(wave.clone()),
            school_id: Set("skola-1".to_owned()),
            class_label: Set("9A".to_owned()),
            grade: Set(9),
            pupils: Set(1),
            opened_at: Set(0),
            ended_at: Set(None),
            stopped_codes: Set(None),
            sealed_codes: Set(None),
            opened_with: Set(None),
        };
        session.insert(db).await.expect("session");
        let code = codes::hash("ABCDEFGH");
        pupil_code::ActiveModel {
            code_hash: Set(code.clone()),
            class_session_id: Set("session".to_owned()),
            started: Set(false),
        }
        .insert(db)
        .await
        .expect("code");
        let with = |id: &str, hash: &str, code: &str| {
            submission(&wave, id, hash, AccessProof::PupilCode(code.to_owned()))
        };
        let unknown = codes::hash("ZZZZZZZZ");

        let batch = [
            with("p", "h1", &unknown),
            with("p", "h2", &code),
            with("p", "h2", &code),
            with("q", "h3", &code),
        ];
        let outcomes = write(&t, &mut HashSet::new(), &batch).await.expect("write");
        use Outcome::{AccessDenied, Created, Repeated};
        assert_eq!(outcomes, [AccessDenied, Created, Repeated, AccessDenied]);
        assert_eq!(responses(db).await, 1);
        let stored: Vec<(String, String)> = submission::Entity::find()
            .select_only()
            .columns([
                submission::Column::SubmissionId,
                submission::Column::BodyHash,
            ])
            .into_tuple()
            .all(db)
            .await
            .expect("keys");
        assert_eq!(stored, [("p".to_owned(), "h2".to_owned())]);
    }

    async fn a_closed_wave_takes_nothing_while_an_open_one_in_the_same_batch_does(via: Via) {
        let (t, open_wave) = database_with_wave(via, "open", "open").await;
        let db = &t.db;
        let catalog = crate::survey::load_dir(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys"),
        )
        .expect("surveys");
        let new =
            NewWave::parse(&catalog, "resident-safety", "shut", "open", None, None).expect("wave");
        let shut = crate::store::waves::create(db, &new, "test")
            .await
            .expect("create");
        crate::store::waves::close(db, "shut", "test")
            .await
            .expect("close");
        let batch = [
            submission(&shut.id, "a", "h", AccessProof::None),
            submission(&open_wave, "a", "h", AccessProof::None),
        ];
        let outcomes = write(&t, &mut HashSet::new(), &batch).await.expect("write");
        assert_eq!(outcomes, [Outcome::NotOpen, Outcome::Created]);
        assert_eq!(responses(db).await, 1);
    }
}
