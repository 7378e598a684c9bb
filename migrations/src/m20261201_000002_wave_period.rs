//! The year a wave belongs to (`period`), for series over the years: a survey run in the
//! spring of 2026 and one closed in January 2027 may both be the municipality's 2026 wave.
//! Waves created before this step get the year they opened (or were created) in, UTC.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Waves {
    Table,
    Period,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Waves::Table)
                    .add_column(ColumnDef::new(Waves::Period).integer().null())
                    .to_owned(),
            )
            .await?;
        let year = match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                "EXTRACT(YEAR FROM to_timestamp(COALESCE(opens_at, created_at)))::integer"
            }
            _ => "CAST(strftime('%Y', COALESCE(opens_at, created_at), 'unixepoch') AS INTEGER)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE waves SET period = {year} WHERE period IS NULL"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Waves::Table)
                    .drop_column(Waves::Period)
                    .to_owned(),
            )
            .await
    }
}
