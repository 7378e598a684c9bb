//! The annual report's status and texts (see `entities::report`, `entities::report_text`).
//! A final report refuses new texts; marking it final stores what it shows, texts included,
//! in the same transaction that checks it is still a draft.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::entities::{report, report_text};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The report is final: its texts and numbers no longer change.
    #[error("the report for {0} is final")]
    Final(i32),
    /// Only a final report can be opened again.
    #[error("the report for {0} is not final")]
    NotFinal(i32),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

/// The year's report row, if it was ever written to or finalised.
pub async fn find(db: &impl ConnectionTrait, year: i32) -> Result<Option<report::Model>, DbErr> {
    report::Entity::find_by_id(year).one(db).await
}

/// Every report row, newest year first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<report::Model>, DbErr> {
    report::Entity::find()
        .order_by_desc(report::Column::Year)
        .all(db)
        .await
}

/// The texts of a year's report, by section.
pub async fn texts(db: &impl ConnectionTrait, year: i32) -> Result<Vec<report_text::Model>, DbErr> {
    report_text::Entity::find()
        .filter(report_text::Column::Year.eq(year))
        .order_by_asc(report_text::Column::Section)
        .all(db)
        .await
}

async fn is_final(db: &impl ConnectionTrait, year: i32) -> Result<bool, DbErr> {
    Ok(find(db, year).await?.is_some_and(|r| r.status == "final"))
}

/// Saves (or, with an empty body, removes) a section's text of a draft report.
pub async fn save_text(
    db: &DatabaseConnection,
    year: i32,
    section: &str,
    body: &str,
    actor: &str,
) -> Result<(), ReportError> {
    let txn = crate::db::begin_write(db).await?;
    // Taking the report's row first orders this against a concurrent "mark final".
    ensure_row(&txn, year).await?;
    if is_final(&txn, year).await? {
        return Err(ReportError::Final(year));
    }
    let old = report_text::Entity::find_by_id((year, section.to_owned()))
        .one(&txn)
        .await?;
    if body.is_empty() {
        report_text::Entity::delete_many()
            .filter(report_text::Column::Year.eq(year))
            .filter(report_text::Column::Section.eq(section))
            .exec(&txn)
            .await?;
    } else {
        report_text::Entity::insert(report_text::ActiveModel {
            year: Set(year),
            section: Set(section.to_owned()),
            body: Set(body.to_owned()),
            updated_by: Set(actor.to_owned()),
            updated_at: Set(crate::util::now()),
        })
        .on_conflict(
            OnConflict::columns([report_text::Column::Year, report_text::Column::Section])
                .update_columns([
                    report_text::Column::Body,
                    report_text::Column::UpdatedBy,
                    report_text::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    crate::store::audit::record(
        &txn,
        actor,
        "report.text",
        &format!(
            "{year} {section}: {} characters (was {})",
            body.chars().count(),
            old.map_or(0, |o| o.body.chars().count())
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The report's row, created as a draft when missing; on PostgreSQL the UPDATE locks it until
/// the transaction ends.
async fn ensure_row(db: &impl ConnectionTrait, year: i32) -> Result<(), DbErr> {
    report::Entity::insert(report::ActiveModel {
        year: Set(year),
        status: Set("draft".into()),
        finalized_at: Set(None),
        finalized_by: Set(None),
        snapshot: Set(None),
    })
    .on_conflict(
        OnConflict::column(report::Column::Year)
            .update_column(report::Column::Year)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Marks a draft final with what it shows (`snapshot`, JSON), so that it never changes again.
pub async fn finalize(
    db: &DatabaseConnection,
    year: i32,
    snapshot: &str,
    actor: &str,
) -> Result<(), ReportError> {
    let txn = crate::db::begin_write(db).await?;
    ensure_row(&txn, year).await?;
    if is_final(&txn, year).await? {
        return Err(ReportError::Final(year));
    }
    report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value("final"))
        .col_expr(report::Column::FinalizedAt, Expr::value(crate::util::now()))
        .col_expr(report::Column::FinalizedBy, Expr::value(actor))
        .col_expr(report::Column::Snapshot, Expr::value(snapshot))
        .filter(report::Column::Year.eq(year))
        .exec(&txn)
        .await?;
    crate::store::audit::record(&txn, actor, "report.final", &format!("{year}")).await?;
    txn.commit().await?;
    Ok(())
}

/// Opens a final report again as a draft (an admin's correction): its numbers are assembled
/// afresh from then on.
pub async fn reopen(db: &DatabaseConnection, year: i32, actor: &str) -> Result<(), ReportError> {
    let txn = crate::db::begin_write(db).await?;
    if !is_final(&txn, year).await? {
        return Err(ReportError::NotFinal(year));
    }
    report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value("draft"))
        .col_expr(
            report::Column::FinalizedAt,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(
            report::Column::FinalizedBy,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            report::Column::Snapshot,
            Expr::value(Option::<String>::None),
        )
        .filter(report::Column::Year.eq(year))
        .exec(&txn)
        .await?;
    crate::store::audit::record(&txn, actor, "report.reopen", &format!("{year}")).await?;
    txn.commit().await?;
    Ok(())
}
