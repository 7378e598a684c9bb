//! The agreement period's follow-up (issue 19): an intervention names the citizen promise it
//! carries out; each promise gets a follow-up per year (kept, partly, not kept, with a note);
//! and the final follow-up of an agreement has its status and texts per section, frozen when
//! final, as the annual report has per year.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlanInterventions {
    Table,
    PromiseId,
}

#[derive(DeriveIden)]
enum PromiseFollowUps {
    Table,
    PromiseId,
    Year,
    State,
    Note,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AgreementReports {
    Table,
    AgreementId,
    Status,
    FinalizedAt,
    FinalizedBy,
    Snapshot,
}

#[derive(DeriveIden)]
enum AgreementReportTexts {
    Table,
    AgreementId,
    Section,
    Body,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PlanInterventions::Table)
                    .add_column(
                        ColumnDef::new(PlanInterventions::PromiseId)
                            .string()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PromiseFollowUps::Table)
                    .col(
                        ColumnDef::new(PromiseFollowUps::PromiseId)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PromiseFollowUps::Year).integer().not_null())
                    // `kept`, `partly`, `not_kept` or `ongoing`.
                    .col(ColumnDef::new(PromiseFollowUps::State).string().not_null())
                    .col(ColumnDef::new(PromiseFollowUps::Note).text().not_null())
                    .col(
                        ColumnDef::new(PromiseFollowUps::UpdatedBy)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PromiseFollowUps::UpdatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(PromiseFollowUps::PromiseId)
                            .col(PromiseFollowUps::Year),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgreementReports::Table)
                    .col(
                        ColumnDef::new(AgreementReports::AgreementId)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AgreementReports::Status)
                            .string()
                            .not_null()
                            .default("draft"),
                    )
                    .col(
                        ColumnDef::new(AgreementReports::FinalizedAt)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(AgreementReports::FinalizedBy)
                            .string()
                            .null(),
                    )
                    .col(ColumnDef::new(AgreementReports::Snapshot).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AgreementReportTexts::Table)
                    .col(
                        ColumnDef::new(AgreementReportTexts::AgreementId)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AgreementReportTexts::Section)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AgreementReportTexts::Body).text().not_null())
                    .col(
                        ColumnDef::new(AgreementReportTexts::UpdatedBy)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AgreementReportTexts::UpdatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(AgreementReportTexts::AgreementId)
                            .col(AgreementReportTexts::Section),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AgreementReportTexts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AgreementReports::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PromiseFollowUps::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PlanInterventions::Table)
                    .drop_column(PlanInterventions::PromiseId)
                    .to_owned(),
            )
            .await
    }
}
