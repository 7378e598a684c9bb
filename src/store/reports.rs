//! The status and texts of the reports evaluators write: the annual report of a year
//! (`reports`, `report_texts`) and the final follow-up of an agreement period
//! (`agreement_reports`, `agreement_report_texts`). Both work alike, so one set of functions
//! serves both, told apart by [`Key`]. A final report refuses new texts; marking it final stores
//! what it shows, texts included, in the same transaction that checks it is still a draft.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Value};

use crate::store::audit::AuditEvent;

/// Which report: the annual report of a year, or the final follow-up of an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    Year(i32),
    Agreement(&'a str),
}

impl Key<'_> {
    /// (report table, text table, key column).
    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Key::Year(_) => ("reports", "report_texts", "year"),
            Key::Agreement(_) => (
                "agreement_reports",
                "agreement_report_texts",
                "agreement_id",
            ),
        }
    }

    fn value(self) -> Value {
        match self {
            Key::Year(y) => y.into(),
            Key::Agreement(id) => id.into(),
        }
    }

    fn is_this(self) -> SimpleExpr {
        Expr::col(Alias::new(self.names().2)).eq(self.value())
    }

    fn text_event(self, section: &str, characters: u64, before: u64) -> AuditEvent {
        let section = section.to_owned();
        match self {
            Key::Year(year) => AuditEvent::ReportText {
                year,
                section,
                characters,
                before,
            },
            Key::Agreement(id) => AuditEvent::AgreementReportText {
                agreement: id.to_owned(),
                section,
                characters,
                before,
            },
        }
    }

    fn final_event(self) -> AuditEvent {
        match self {
            Key::Year(year) => AuditEvent::ReportFinal { year },
            Key::Agreement(id) => AuditEvent::AgreementReportFinal {
                agreement: id.to_owned(),
            },
        }
    }

    fn reopen_event(self) -> AuditEvent {
        match self {
            Key::Year(year) => AuditEvent::ReportReopen { year },
            Key::Agreement(id) => AuditEvent::AgreementReportReopen {
                agreement: id.to_owned(),
            },
        }
    }
}

impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Year(y) => write!(f, "{y}"),
            Key::Agreement(id) => write!(f, "{id}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The report is final: its texts and numbers no longer change.
    #[error("the report {0} is final")]
    Final(String),
    /// Only a final report can be opened again.
    #[error("the report {0} is not final")]
    NotFinal(String),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

/// A report's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The year, or the agreement's id.
    pub key: String,
    /// `draft` or `final`.
    pub status: String,
    pub finalized_at: Option<i64>,
    pub finalized_by: Option<String>,
    /// What the report showed when it was marked final (JSON); `None` for a draft.
    pub snapshot: Option<String>,
}

/// A section's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub section: String,
    pub body: String,
}

fn row_of(key: Key<'_>, r: &sea_orm::QueryResult) -> Result<Row, DbErr> {
    let column = key.names().2;
    let key = match key {
        Key::Year(_) => r.try_get::<i32>("", column)?.to_string(),
        Key::Agreement(_) => r.try_get::<String>("", column)?,
    };
    Ok(Row {
        key,
        status: r.try_get("", "status")?,
        finalized_at: r.try_get("", "finalized_at")?,
        finalized_by: r.try_get("", "finalized_by")?,
        snapshot: r.try_get("", "snapshot")?,
    })
}

fn select_rows(key: Key<'_>) -> sea_orm::sea_query::SelectStatement {
    let (table, _, column) = key.names();
    Query::select()
        .columns([column, "status", "finalized_at", "finalized_by", "snapshot"].map(Alias::new))
        .from(Alias::new(table))
        .to_owned()
}

/// The report's row, if it was ever written to or finalised.
pub async fn find(db: &impl ConnectionTrait, key: Key<'_>) -> Result<Option<Row>, DbErr> {
    let query = select_rows(key).and_where(key.is_this()).to_owned();
    db.query_one(&query)
        .await?
        .map(|r| row_of(key, &r))
        .transpose()
}

/// Every report row of the kind of `kind` (its value is not used), newest first.
pub async fn all(db: &impl ConnectionTrait, kind: Key<'_>) -> Result<Vec<Row>, DbErr> {
    let query = select_rows(kind)
        .order_by(Alias::new(kind.names().2), Order::Desc)
        .to_owned();
    db.query_all(&query)
        .await?
        .iter()
        .map(|r| row_of(kind, r))
        .collect()
}

/// The texts of a report, by section.
pub async fn texts(db: &impl ConnectionTrait, key: Key<'_>) -> Result<Vec<Text>, DbErr> {
    let query = Query::select()
        .columns(["section", "body"].map(Alias::new))
        .from(Alias::new(key.names().1))
        .and_where(key.is_this())
        .order_by(Alias::new("section"), Order::Asc)
        .to_owned();
    db.query_all(&query)
        .await?
        .iter()
        .map(|r| {
            Ok(Text {
                section: r.try_get("", "section")?,
                body: r.try_get("", "body")?,
            })
        })
        .collect()
}

async fn is_final(db: &impl ConnectionTrait, key: Key<'_>) -> Result<bool, DbErr> {
    Ok(find(db, key).await?.is_some_and(|r| r.status == "final"))
}

/// Saves (or, with an empty body, removes) a section's text of a draft report.
pub async fn save_text(
    db: &DatabaseConnection,
    key: Key<'_>,
    section: &str,
    body: &str,
    actor: &str,
) -> Result<(), ReportError> {
    let (_, text_table, column) = key.names();
    let txn = crate::db::begin_write(db).await?;
    // Taking the report's row first orders this against a concurrent "mark final".
    ensure_row(&txn, key).await?;
    if is_final(&txn, key).await? {
        return Err(ReportError::Final(key.to_string()));
    }
    let before = texts(&txn, key)
        .await?
        .into_iter()
        .find(|t| t.section == section)
        .map_or(0, |t| t.body.chars().count());
    let this_section = Expr::col(Alias::new("section")).eq(section);
    if body.is_empty() {
        let delete = Query::delete()
            .from_table(Alias::new(text_table))
            .and_where(key.is_this())
            .and_where(this_section)
            .to_owned();
        txn.execute(&delete).await?;
    } else {
        let insert = Query::insert()
            .into_table(Alias::new(text_table))
            .columns([column, "section", "body", "updated_by", "updated_at"].map(Alias::new))
            .values_panic([
                key.value().into(),
                section.into(),
                body.into(),
                actor.into(),
                crate::util::now().into(),
            ])
            .on_conflict(
                OnConflict::columns([column, "section"].map(Alias::new))
                    .update_columns(["body", "updated_by", "updated_at"].map(Alias::new))
                    .to_owned(),
            )
            .to_owned();
        txn.execute(&insert).await?;
    }
    let characters = body.chars().count() as u64;
    let event = key.text_event(section, characters, before as u64);
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(())
}

/// The report's row, created as a draft when missing; on PostgreSQL the UPDATE locks it until
/// the transaction ends.
async fn ensure_row(db: &impl ConnectionTrait, key: Key<'_>) -> Result<(), DbErr> {
    let (table, _, column) = key.names();
    let insert = Query::insert()
        .into_table(Alias::new(table))
        .columns([column, "status"].map(Alias::new))
        .values_panic([key.value().into(), "draft".into()])
        .on_conflict(
            OnConflict::column(Alias::new(column))
                .update_column(Alias::new(column))
                .to_owned(),
        )
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

/// Sets status, time, person and snapshot of the report's row.
async fn set_status(
    db: &impl ConnectionTrait,
    key: Key<'_>,
    (status, at, by, snapshot): (&str, Option<i64>, Option<&str>, Option<&str>),
) -> Result<(), DbErr> {
    let update = Query::update()
        .table(Alias::new(key.names().0))
        .value(Alias::new("status"), status)
        .value(Alias::new("finalized_at"), at)
        .value(Alias::new("finalized_by"), by.map(str::to_owned))
        .value(Alias::new("snapshot"), snapshot.map(str::to_owned))
        .and_where(key.is_this())
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// Marks a draft final with what it shows (`snapshot`, JSON), so that it never changes again.
pub async fn finalize(
    db: &DatabaseConnection,
    key: Key<'_>,
    snapshot: &str,
    actor: &str,
) -> Result<(), ReportError> {
    let txn = crate::db::begin_write(db).await?;
    ensure_row(&txn, key).await?;
    if is_final(&txn, key).await? {
        return Err(ReportError::Final(key.to_string()));
    }
    let now = crate::util::now();
    set_status(&txn, key, ("final", Some(now), Some(actor), Some(snapshot))).await?;
    crate::store::audit::record(&txn, actor, &key.final_event()).await?;
    txn.commit().await?;
    Ok(())
}

/// Opens a final report again as a draft (an admin's correction): its numbers are assembled
/// afresh from then on.
pub async fn reopen(db: &DatabaseConnection, key: Key<'_>, actor: &str) -> Result<(), ReportError> {
    let txn = crate::db::begin_write(db).await?;
    if !is_final(&txn, key).await? {
        return Err(ReportError::NotFinal(key.to_string()));
    }
    set_status(&txn, key, ("draft", None, None, None)).await?;
    crate::store::audit::record(&txn, actor, &key.reopen_event()).await?;
    txn.commit().await?;
    Ok(())
}
