//! Publishing closed waves: a wave is computed and published when it closes, and a background
//! task on every node publishes anew a closed wave whose answers or population figures changed
//! (an import, new totals), at most once every [`DEBOUNCE_SECONDS`] per wave. Open waves are
//! never computed: they publish nothing derived from their answers.
//!
//! Each publication is checked against the wave's earlier ones (`publication`), and stored only
//! when it differs from the latest, dated to the day.
//!
//! Several nodes may share one PostgreSQL database: a node takes a lease on a wave (a conditional
//! UPDATE, so only one node gets it) before computing, and stores its result only while it still
//! holds the lease. A node that dies mid-computation loses the lease after [`LEASE_SECONDS`] and
//! another takes the wave over. Claiming clears the stale mark; answers stored during the
//! computation set it again, so they are counted by the next round.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::{Computation, Counts, EvalError, estimate_wave};
use crate::collect::{Wave, WaveState};
use crate::store;
use crate::survey::SurveyCatalog;

/// A closed wave changed again and again (imports in a row) is recomputed at most this often.
pub const DEBOUNCE_SECONDS: i64 = 3;
/// How often a node looks for waves due for recomputation.
pub const POLL: Duration = Duration::from_secs(1);
/// How long a lease holds: far longer than a computation (a million responses take seconds).
pub const LEASE_SECONDS: i64 = 600;

/// Computes a closed wave now and publishes the result when it differs from the latest
/// publication (at close, `trygg indicators --recompute`, and a first read). Waits for another
/// node's computation rather than running a second one; when that node's lease runs out, takes
/// over. An open wave is refused: it publishes nothing.
#[tracing::instrument(skip_all, fields(wave = %wave.slug))]
pub async fn recompute(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    wave: &Wave,
) -> Result<(), EvalError> {
    let state = wave.state();
    if state != WaveState::Closed {
        return Err(EvalError::NotPublished {
            slug: wave.slug.clone(),
            state: state.id(),
            responses: store::waves::response_count(db, &wave.id).await?,
        });
    }
    let token = uuid::Uuid::new_v4().to_string();
    loop {
        let now = crate::util::now();
        if store::indicators::claim(db, &wave.id, &token, now, now + LEASE_SECONDS, false).await? {
            break;
        }
        if store::indicators::find(db, &wave.id).await?.is_none() {
            store::indicators::create(db, &wave.id).await?;
            continue;
        }
        // Another node is computing this wave: its result will do once stored.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let row = store::indicators::find(db, &wave.id).await?;
        if row.is_some_and(|r| r.computed_at.is_some() && store::indicators::up_to_date(&r)) {
            return Ok(());
        }
    }
    run_claimed(db, catalog, wave, &token).await
}

/// Computes a wave under a lease already taken and stores the outcome: a new publication when
/// it differs from the latest (in the same transaction that ends the lease, so a node that lost
/// its lease publishes nothing).
async fn run_claimed(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    wave: &Wave,
    token: &str,
) -> Result<(), EvalError> {
    let started = std::time::Instant::now();
    let earlier = match earlier_counts(db, wave).await {
        Ok(earlier) => earlier,
        Err(e) => {
            let _ = store::indicators::release(db, &wave.id, token).await;
            return Err(e);
        }
    };
    match estimate_wave(db, catalog, wave, earlier).await {
        Ok(computation) => {
            let responses = computation.computed.method.responses as i64;
            let number = store_publication(db, wave, token, &computation).await?;
            tracing::info!(wave = %wave.slug, responses, ms = started.elapsed().as_millis() as u64, publication = ?number, "indicators computed");
            Ok(())
        }
        Err(e @ (EvalError::Estimation(_) | EvalError::Compute(_) | EvalError::Stored(_))) => {
            let message = e.to_string();
            tracing::warn!(wave = %wave.slug, error = %message, "indicators could not be computed");
            store::indicators::save(db, &wave.id, token, Err(&message), crate::util::now()).await?;
            Err(e)
        }
        Err(other) => {
            // The database or the questionnaire is missing: try again later.
            let _ = store::indicators::release(db, &wave.id, token).await;
            Err(other)
        }
    }
}

/// The true counts of every earlier publication of the wave. One that cannot be read stops the
/// computation: publishing without it could undo its protection.
async fn earlier_counts(db: &DatabaseConnection, wave: &Wave) -> Result<Vec<Counts>, EvalError> {
    store::publications::counts(db, &wave.id)
        .await?
        .iter()
        .map(|text| serde_json::from_str(text).map_err(EvalError::Stored))
        .collect()
}

/// Ends the computation under `token` and, when the wave has responses and its figures differ
/// from the latest publication, adds a publication dated today. Returns the new publication's number, if one was added.
async fn store_publication(
    db: &DatabaseConnection,
    wave: &Wave,
    token: &str,
    computation: &Computation,
) -> Result<Option<i32>, EvalError> {
    let result = serde_json::to_string(&computation.computed)?;
    let counts = serde_json::to_string(&computation.counts)?;
    let responses = computation.computed.method.responses as i64;
    let txn = crate::db::begin_write(db).await?;
    let latest = store::publications::latest(&txn, &wave.id).await?;
    let mut number = None;
    // A wave without responses has nothing to publish (and a wave being set up while a server
    // runs, closed before its answers are imported, would otherwise be published empty).
    if responses > 0 && latest.is_none_or(|p| p.result != result) {
        number = Some(
            store::publications::add(
                &txn,
                store::publications::NewPublication {
                    wave_id: &wave.id,
                    published_on: &super::today(),
                    result: &result,
                    counts: &counts,
                    responses,
                },
            )
            .await?,
        );
    }
    let kept =
        store::indicators::save(&txn, &wave.id, token, Ok(responses), crate::util::now()).await?;
    if kept {
        txn.commit().await?;
        Ok(number)
    } else {
        txn.rollback().await?;
        Ok(None)
    }
}

/// One round: every wave due is claimed and recomputed in turn.
pub async fn run_due(db: &DatabaseConnection, catalog: &SurveyCatalog) -> Result<usize, EvalError> {
    let now = crate::util::now();
    let due = store::indicators::due(db, now, DEBOUNCE_SECONDS).await?;
    let mut done = 0;
    for wave_id in due {
        let token = uuid::Uuid::new_v4().to_string();
        let now = crate::util::now();
        if !store::indicators::claim(db, &wave_id, &token, now, now + LEASE_SECONDS, true).await? {
            continue;
        }
        let Some(wave) = store::waves::find_by_id(db, &wave_id).await? else {
            let _ =
                store::indicators::save(db, &wave_id, &token, Err("the wave is gone"), now).await;
            continue;
        };
        if wave.state() != WaveState::Closed {
            // Reopened between the query and the claim (cannot happen today): publish nothing.
            let _ = store::indicators::release(db, &wave_id, &token).await;
            continue;
        }
        match run_claimed(db, catalog, &wave, &token).await {
            Ok(()) => done += 1,
            Err(EvalError::Database(e)) => return Err(EvalError::Database(e)),
            Err(_) => {}
        }
    }
    Ok(done)
}

/// The background task of `trygg serve`.
pub async fn run(db: DatabaseConnection, catalog: Arc<SurveyCatalog>) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = run_due(&db, &catalog).await {
            tracing::warn!(error = %e, "recomputing indicators failed; trying again");
        }
    }
}
