//! Invitations in the database: adding addresses, queueing reminders, claiming due messages for
//! sending (safely when several nodes send), recording the result, and the wave's summary.

use std::collections::{BTreeMap, HashSet};

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};

use crate::entities::{invitation, invitation_token};
use crate::store::audit::AuditEvent;

/// Statuses: due for a first message, due for a reminder, claimed by a sender, delivered, given up.
pub const PENDING: &str = "pending";
pub const REMIND: &str = "remind";
pub const SENDING: &str = "sending";
pub const REMINDING: &str = "reminding";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// Tries per message before it is given up.
pub const MAX_ATTEMPTS: i32 = 5;
/// How long a claim holds; a sender that died releases its claims after this.
/// Longer than a claimed batch can take (5 messages × 10 s SMTP timeout, plus database waits).
const CLAIM_SECONDS: i64 = 600;

/// Invitations whose holder can still answer: they hold a token (tokens are deleted when the
/// holder answers).
fn holding_a_token() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(invitation_token::Column::InvitationId)
        .from(invitation_token::Entity)
        .to_owned()
}

/// Adds the addresses not yet invited to the wave; returns how many were added.
pub async fn add(
    db: &DatabaseConnection,
    wave_id: &str,
    addresses: &[String],
    actor: &str,
) -> Result<usize, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let existing: HashSet<String> = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::Email.is_not_null())
        .select_only()
        .column(invitation::Column::Email)
        .into_tuple::<Option<String>>()
        .all(&txn)
        .await?
        .into_iter()
        .flatten()
        .map(|e| e.to_lowercase())
        .collect();
    let new: Vec<invitation::ActiveModel> = addresses
        .iter()
        .filter(|a| !existing.contains(&a.to_lowercase()))
        .map(|a| invitation::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            wave_id: Set(wave_id.to_owned()),
            email: Set(Some(a.clone())),
            answered: Set(false),
            delivered: Set(false),
            status: Set(PENDING.to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(None),
            last_error: Set(None),
            reminders: Set(0),
        })
        .collect();
    let added = new.len();
    for chunk in new.chunks(500) {
        invitation::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let event = AuditEvent::InvitationsAdd {
        addresses: added as u64,
    };
    crate::store::audit::record_for_wave(&txn, actor, wave_id, &event).await?;
    txn.commit().await?;
    Ok(added)
}

/// Queues a reminder for everyone invited who has not answered; returns how many.
pub async fn queue_reminders(
    db: &DatabaseConnection,
    wave_id: &str,
    actor: &str,
) -> Result<u64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let queued = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value(REMIND))
        .col_expr(invitation::Column::Attempts, Expr::value(0))
        .col_expr(
            invitation::Column::NextAttemptAt,
            Expr::value(Option::<i64>::None),
        )
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::Status.eq(SENT))
        .filter(invitation::Column::Id.in_subquery(holding_a_token()))
        .filter(invitation::Column::Email.is_not_null())
        .exec(&txn)
        .await?
        .rows_affected;
    let event = AuditEvent::InvitationsRemind { reminders: queued };
    crate::store::audit::record_for_wave(&txn, actor, wave_id, &event).await?;
    txn.commit().await?;
    Ok(queued)
}

/// Puts given-up messages back in the queue (after the mail settings were fixed, say).
pub async fn retry_failed(
    db: &DatabaseConnection,
    wave_id: &str,
    actor: &str,
) -> Result<u64, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let retried = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Status,
            Expr::cust_with_values("CASE WHEN delivered THEN ? ELSE ? END", [REMIND, PENDING]),
        )
        .col_expr(invitation::Column::Attempts, Expr::value(0))
        .col_expr(
            invitation::Column::NextAttemptAt,
            Expr::value(Option::<i64>::None),
        )
        .filter(invitation::Column::WaveId.eq(wave_id))
        .filter(invitation::Column::Status.eq(FAILED))
        .filter(
            invitation::Column::Delivered
                .eq(false)
                .or(invitation::Column::Id.in_subquery(holding_a_token())),
        )
        .filter(invitation::Column::Email.is_not_null())
        .exec(&txn)
        .await?
        .rows_affected;
    let event = AuditEvent::InvitationsRetry {
        invitations: retried,
    };
    crate::store::audit::record_for_wave(&txn, actor, wave_id, &event).await?;
    txn.commit().await?;
    Ok(retried)
}

/// A message a sender has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub wave_id: String,
    pub email: String,
    pub reminder: bool,
    pub attempts: i32,
}

/// Claims up to `limit` due messages of these waves. A claim is a conditional update, so two
/// nodes never send the same message; a claim left by a dead sender expires.
pub async fn claim_due(
    db: &DatabaseConnection,
    wave_ids: &[String],
    limit: u64,
) -> Result<Vec<Claimed>, DbErr> {
    if wave_ids.is_empty() {
        return Ok(Vec::new());
    }
    let now = crate::util::now();
    let due_at = || {
        invitation::Column::NextAttemptAt
            .is_null()
            .or(invitation::Column::NextAttemptAt.lte(now))
    };
    let candidates = invitation::Entity::find()
        .filter(invitation::Column::WaveId.is_in(wave_ids.iter().cloned()))
        .filter(invitation::Column::Status.is_in([PENDING, REMIND, SENDING, REMINDING]))
        // A reminder only while the person has not answered.
        .filter(
            invitation::Column::Status
                .is_in([PENDING, SENDING])
                .or(invitation::Column::Id.in_subquery(holding_a_token())),
        )
        .filter(invitation::Column::Email.is_not_null())
        .filter(due_at())
        .limit(limit)
        .all(db)
        .await?;
    let mut claimed = Vec::new();
    for c in candidates {
        let reminder = matches!(c.status.as_str(), REMIND | REMINDING);
        let updated = invitation::Entity::update_many()
            .col_expr(
                invitation::Column::Status,
                Expr::value(if reminder { REMINDING } else { SENDING }),
            )
            .col_expr(
                invitation::Column::NextAttemptAt,
                Expr::value(now + CLAIM_SECONDS),
            )
            .filter(invitation::Column::Id.eq(c.id.as_str()))
            .filter(invitation::Column::Status.eq(c.status.as_str()))
            .filter(due_at())
            .exec(db)
            .await?
            .rows_affected;
        if let (1, Some(email)) = (updated, c.email) {
            claimed.push(Claimed {
                id: c.id,
                wave_id: c.wave_id,
                email,
                reminder,
                attempts: c.attempts,
            });
        }
    }
    Ok(claimed)
}

/// Stores the hash of a token before its message goes out, so the link works on arrival.
/// Returns false (and stores nothing) when the wave closed meanwhile (its addresses are gone):
/// then no message may go out either.
pub async fn add_token(
    db: &impl ConnectionTrait,
    invitation_id: &str,
    token_hash: &str,
) -> Result<bool, DbErr> {
    let still_invited = sea_orm::sea_query::Query::select()
        .expr(Expr::val(token_hash))
        .column(invitation::Column::Id)
        .from(invitation::Entity)
        .and_where(invitation::Column::Id.eq(invitation_id))
        .and_where(invitation::Column::Email.is_not_null())
        .to_owned();
    let insert = sea_orm::sea_query::Query::insert()
        .into_table(invitation_token::Entity)
        .columns([
            invitation_token::Column::TokenHash,
            invitation_token::Column::InvitationId,
        ])
        .select_from(still_invited)
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .to_owned();
    Ok(db.execute(&insert).await?.rows_affected() == 1)
}

pub async fn record_sent(db: &DatabaseConnection, claimed: &Claimed) -> Result<(), DbErr> {
    let mut update = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value(SENT))
        .col_expr(invitation::Column::Delivered, Expr::value(true))
        .col_expr(
            invitation::Column::Attempts,
            Expr::value(claimed.attempts + 1),
        )
        .col_expr(
            invitation::Column::NextAttemptAt,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            invitation::Column::LastError,
            Expr::value(Option::<String>::None),
        );
    if claimed.reminder {
        update = update.col_expr(
            invitation::Column::Reminders,
            Expr::col(invitation::Column::Reminders).add(1),
        );
    }
    update
        .filter(invitation::Column::Id.eq(claimed.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed try: retried later with a growing wait, or given up when the error is
/// permanent or the tries are used up. The token that was not delivered is removed.
pub async fn record_failure(
    db: &DatabaseConnection,
    claimed: &Claimed,
    token_hash: &str,
    error: &str,
    permanent: bool,
) -> Result<(), DbErr> {
    invitation_token::Entity::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await?;
    let attempts = claimed.attempts + 1;
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    let (status, next) = if give_up {
        (FAILED, None)
    } else {
        // 1, 5, 25 and 125 minutes.
        let wait = 60 * 5_i64.pow(u32::try_from(attempts - 1).unwrap_or(0));
        (
            if claimed.reminder { REMIND } else { PENDING },
            Some(crate::util::now() + wait),
        )
    };
    invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value(status))
        .col_expr(invitation::Column::Attempts, Expr::value(attempts))
        .col_expr(invitation::Column::NextAttemptAt, Expr::value(next))
        .col_expr(invitation::Column::LastError, Expr::value(error))
        .filter(invitation::Column::Id.eq(claimed.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Where a wave's invitations stand, without a single address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub invited: u64,
    pub waiting: u64,
    pub sent: u64,
    pub failed: u64,
    pub answered: u64,
    /// Sent at least one reminder.
    pub reminded: u64,
    /// Not yet delivered and being retried.
    pub retrying: u64,
    /// Sending errors and how many invitations each concerns.
    pub errors: BTreeMap<String, u64>,
}

/// id, status, answered, delivered, attempts, reminders, last error.
type SummaryRow = (String, String, bool, bool, i32, i32, Option<String>);

pub async fn summary(db: &impl ConnectionTrait, wave_id: &str) -> Result<Summary, DbErr> {
    let rows: Vec<SummaryRow> = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave_id))
        .select_only()
        .columns([
            invitation::Column::Id,
            invitation::Column::Status,
            invitation::Column::Answered,
            invitation::Column::Delivered,
            invitation::Column::Attempts,
            invitation::Column::Reminders,
            invitation::Column::LastError,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let holders: HashSet<String> = invitation_token::Entity::find()
        .filter(
            invitation_token::Column::InvitationId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(invitation::Column::Id)
                    .from(invitation::Entity)
                    .and_where(invitation::Column::WaveId.eq(wave_id))
                    .to_owned(),
            ),
        )
        .select_only()
        .column(invitation_token::Column::InvitationId)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut s = Summary::default();
    for (id, status, answered, delivered, attempts, reminders, error) in rows {
        s.invited += 1;
        // Open wave: a delivered invitation without tokens was answered. Closed: the flag.
        s.answered += u64::from(answered || (delivered && !holders.contains(&id)));
        s.reminded += u64::from(reminders > 0);
        match status.as_str() {
            SENT => s.sent += 1,
            FAILED => s.failed += 1,
            _ => {
                s.waiting += 1;
                s.retrying += u64::from(attempts > 0);
            }
        }
        if let (Some(e), true) = (error, status != SENT) {
            *s.errors.entry(e).or_default() += 1;
        }
    }
    Ok(s)
}
