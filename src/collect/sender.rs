//! Sending invitations and reminders: a background task that claims due messages, gives each a
//! fresh token (only its hash is stored), sends it over SMTP, and records the outcome — retried
//! with a growing wait, or given up and shown on the wave page, never with the address.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::Notify;

use super::wave::{Access, WaveState, format_time};
use super::{codes, invitations};
use crate::mail::{Mailer, OutgoingMail};
use crate::store;
use crate::survey::SurveyCatalog;

/// How often due messages (retries above all) are looked for without being woken.
const POLL: Duration = Duration::from_secs(30);
/// Messages claimed at a time.
const CLAIM_BATCH: u64 = 5;

/// What one round sent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub failed: usize,
}

/// Everything sending needs.
#[derive(Clone)]
pub struct Outbox {
    pub db: DatabaseConnection,
    pub mailer: Mailer,
    pub surveys: Arc<SurveyCatalog>,
    pub public_url: String,
    /// Woken when messages were queued, so they go out now rather than at the next poll.
    pub wake: Arc<Notify>,
}

impl Outbox {
    /// Sends until nothing is due.
    pub async fn send_due(&self) -> Result<Report, DbErr> {
        let waves: Vec<_> = store::waves::list(&self.db)
            .await?
            .into_iter()
            .filter(|w| w.access == Access::Invite && w.state() == WaveState::Open)
            .collect();
        let ids: Vec<String> = waves.iter().map(|w| w.id.clone()).collect();
        let mut report = Report::default();
        loop {
            let claimed = store::invitations::claim_due(&self.db, &ids, CLAIM_BATCH).await?;
            if claimed.is_empty() {
                return Ok(report);
            }
            for message in claimed {
                let Some(wave) = waves.iter().find(|w| w.id == message.wave_id) else {
                    continue;
                };
                let token = codes::new_token();
                let hash = codes::hash(&token);
                let Some(survey) = self.surveys.version(&wave.survey_id, wave.survey_version)
                else {
                    store::invitations::record_failure(
                        &self.db,
                        &message,
                        &hash,
                        crate::mail::SURVEY_MISSING,
                        false,
                    )
                    .await?;
                    report.failed += 1;
                    continue;
                };
                if !store::invitations::add_token(&self.db, &message.id, &hash).await? {
                    continue; // the wave closed meanwhile
                }
                let link = format!("{}/s/{}?t={token}", self.public_url, wave.slug);
                // The closing date shown is the last day answers are taken.
                let closes = wave
                    .closes_at
                    .map(|c| format_time(c - 1).chars().take(10).collect::<String>());
                let (subject, body) =
                    invitations::message(&survey, &link, closes.as_deref(), message.reminder);
                let mail = OutgoingMail {
                    to: message.email.clone(),
                    subject,
                    body,
                };
                match self.mailer.send(&mail).await {
                    Ok(()) => {
                        store::invitations::record_sent(&self.db, &message).await?;
                        report.sent += 1;
                    }
                    Err(e) => {
                        tracing::warn!(wave = %wave.slug, error = %e, permanent = e.is_permanent(), "invitation not delivered");
                        store::invitations::record_failure(
                            &self.db,
                            &message,
                            &hash,
                            &e.stored(),
                            e.is_permanent(),
                        )
                        .await?;
                        report.failed += 1;
                    }
                }
            }
        }
    }

    /// Runs forever: a round when woken or every [`POLL`].
    pub async fn run(self) {
        loop {
            match self.send_due().await {
                Ok(r) if r.sent + r.failed > 0 => {
                    tracing::info!(sent = r.sent, failed = r.failed, "invitations sent")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sending invitations failed"),
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}
