//! Comparison values (issue 10): a national or other figure an evaluator enters for an indicator
//! and year, with where it comes from, drawn beside the municipality's own series and judged
//! better, similar or worse by the interval of the municipality's estimate.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ComparisonValues {
    Table,
    Id,
    SurveyId,
    IndicatorId,
    Label,
    Period,
    Value,
    Source,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ComparisonValues::Table)
                    .col(
                        ColumnDef::new(ComparisonValues::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ComparisonValues::SurveyId)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ComparisonValues::IndicatorId)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ComparisonValues::Label).string().not_null())
                    .col(
                        ColumnDef::new(ComparisonValues::Period)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ComparisonValues::Value).double().not_null())
                    .col(ColumnDef::new(ComparisonValues::Source).text().not_null())
                    .col(
                        ColumnDef::new(ComparisonValues::CreatedBy)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ComparisonValues::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        // One value per comparison line and year.
        manager
            .create_index(
                Index::create()
                    .name("comparison_values_line_year")
                    .table(ComparisonValues::Table)
                    .col(ComparisonValues::SurveyId)
                    .col(ComparisonValues::IndicatorId)
                    .col(ComparisonValues::Label)
                    .col(ComparisonValues::Period)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ComparisonValues::Table).to_owned())
            .await
    }
}
