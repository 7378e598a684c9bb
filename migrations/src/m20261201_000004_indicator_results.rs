//! Computed indicators per wave (issue 9): the result of the last estimation, whether answers or
//! population figures have changed since, and a lease so that of several nodes only one
//! recomputes a wave at a time. Every existing wave gets a row marked stale, so its indicators are
//! computed once after the upgrade.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorResults {
    Table,
    WaveId,
    Result,
    Error,
    ComputedAt,
    Responses,
    Stale,
    Claim,
    ClaimedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IndicatorResults::Table)
                    .col(
                        ColumnDef::new(IndicatorResults::WaveId)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(IndicatorResults::Result).text().null())
                    .col(ColumnDef::new(IndicatorResults::Error).text().null())
                    .col(
                        ColumnDef::new(IndicatorResults::ComputedAt)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(IndicatorResults::Responses)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(IndicatorResults::Stale)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(ColumnDef::new(IndicatorResults::Claim).string().null())
                    .col(
                        ColumnDef::new(IndicatorResults::ClaimedUntil)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO indicator_results (wave_id, responses, stale) SELECT id, 0, TRUE FROM waves",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IndicatorResults::Table).to_owned())
            .await
    }
}
