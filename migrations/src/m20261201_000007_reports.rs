//! The annual evaluation report (issue 10): per year, its status (draft, then final with the
//! numbers frozen as they were shown) and the texts the evaluators write per section.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    Year,
    Status,
    FinalizedAt,
    FinalizedBy,
    Snapshot,
}

#[derive(DeriveIden)]
enum ReportTexts {
    Table,
    Year,
    Section,
    Body,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(
                        ColumnDef::new(Reports::Year)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Reports::Status)
                            .string()
                            .not_null()
                            .default("draft"),
                    )
                    .col(ColumnDef::new(Reports::FinalizedAt).big_integer().null())
                    .col(ColumnDef::new(Reports::FinalizedBy).string().null())
                    // The report's numbers as they were when it was marked final (JSON).
                    .col(ColumnDef::new(Reports::Snapshot).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReportTexts::Table)
                    .col(ColumnDef::new(ReportTexts::Year).integer().not_null())
                    .col(ColumnDef::new(ReportTexts::Section).string().not_null())
                    .col(ColumnDef::new(ReportTexts::Body).text().not_null())
                    .col(ColumnDef::new(ReportTexts::UpdatedBy).string().not_null())
                    .col(
                        ColumnDef::new(ReportTexts::UpdatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ReportTexts::Year)
                            .col(ReportTexts::Section),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReportTexts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Reports::Table).to_owned())
            .await
    }
}
