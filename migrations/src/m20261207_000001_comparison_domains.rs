//! Comparison values per headline group (issue 18): CAN and Ungdata publish their figures per
//! grade, so a national value can be entered for year 9 and upper-secondary year 2 apart. The
//! new column `domain` names the group as `question=code` (`grade=y9`), or is empty for the
//! whole municipality (every value entered before). One value per line, group and year.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ComparisonValues {
    Table,
    SurveyId,
    IndicatorId,
    Label,
    Period,
    Domain,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ComparisonValues::Table)
                    .add_column(
                        ColumnDef::new(ComparisonValues::Domain)
                            .string_len(200)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("comparison_values_line_year")
                    .table(ComparisonValues::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("comparison_values_line_domain_year")
                    .table(ComparisonValues::Table)
                    .col(ComparisonValues::SurveyId)
                    .col(ComparisonValues::IndicatorId)
                    .col(ComparisonValues::Label)
                    .col(ComparisonValues::Domain)
                    .col(ComparisonValues::Period)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("comparison_values_line_domain_year")
                    .table(ComparisonValues::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ComparisonValues::Table)
                    .drop_column(ComparisonValues::Domain)
                    .to_owned(),
            )
            .await?;
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
}
