//! Keeping computed indicators fresh: a background task on every node recomputes the waves whose
//! answers or population figures changed, at most once every [`DEBOUNCE_SECONDS`] per wave.
//!
//! Several nodes may share one PostgreSQL database: a node takes a lease on a wave (a conditional
//! UPDATE, so only one node gets it) before computing, and stores its result only while it still
//! holds the lease. A node that dies mid-computation loses the lease after [`LEASE_SECONDS`] and
//! another takes the wave over. Claiming clears the stale mark; answers stored during the
//! computation set it again, so they are counted by the next round.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::{EvalError, estimate_wave};
use crate::collect::Wave;
use crate::store;
use crate::survey::SurveyCatalog;

/// A wave taking answers all the time is recomputed at most this often.
pub const DEBOUNCE_SECONDS: i64 = 3;
/// How often a node looks for waves due for recomputation.
pub const POLL: Duration = Duration::from_secs(1);
/// How long a lease holds: far longer than a computation (a million responses take seconds).
pub const LEASE_SECONDS: i64 = 600;

/// Recomputes a wave now and stores the result (at close, `trygg indicators --recompute`, and
/// a first read). Waits for another node's computation rather than running a second one; when
/// that node's lease runs out, takes over.
pub async fn recompute(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    wave: &Wave,
) -> Result<(), EvalError> {
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
        if row.is_some_and(|r| r.result.is_some() && store::indicators::up_to_date(&r)) {
            return Ok(());
        }
    }
    run_claimed(db, catalog, wave, &token).await
}

/// Computes a wave under a lease already taken and stores the outcome.
async fn run_claimed(
    db: &DatabaseConnection,
    catalog: &SurveyCatalog,
    wave: &Wave,
    token: &str,
) -> Result<(), EvalError> {
    let started = std::time::Instant::now();
    match estimate_wave(db, catalog, wave).await {
        Ok(computed) => {
            let responses = computed.method.responses as i64;
            let text = serde_json::to_string(&computed)
                .map_err(|e| EvalError::Estimation(e.to_string()))?;
            let now = crate::util::now();
            let kept =
                store::indicators::save(db, &wave.id, token, Ok((&text, responses)), now).await?;
            tracing::info!(wave = %wave.slug, responses, ms = started.elapsed().as_millis() as u64, kept, "indicators computed");
            Ok(())
        }
        Err(EvalError::Estimation(message)) => {
            tracing::warn!(wave = %wave.slug, error = %message, "indicators could not be computed");
            store::indicators::save(db, &wave.id, token, Err(&message), crate::util::now()).await?;
            Err(EvalError::Estimation(message))
        }
        Err(other) => {
            // The database or the questionnaire is missing: try again later.
            let _ = store::indicators::release(db, &wave.id, token).await;
            Err(other)
        }
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
