//! Publications (issue 17): a wave's figures are published when it closes, as a stored snapshot
//! dated to the day, and every later change of the wave (an import, new population figures) is
//! a new snapshot checked against the earlier ones. Each snapshot keeps, beside what it shows,
//! the true counts of its cells (never shown) so that a later one can be checked against
//! differencing.
//!
//! The results computed before this step followed older rules (open waves computed live,
//! remainders unchecked): they are dropped and every wave is marked for computation, so that
//! closed waves are published anew under the rules of this version.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Publications {
    Table,
    Id,
    WaveId,
    Number,
    PublishedOn,
    Result,
    Counts,
    Responses,
}

#[derive(DeriveIden)]
enum Waves {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Publications::Table)
                    .col(
                        ColumnDef::new(Publications::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Publications::WaveId).string().not_null())
                    .col(ColumnDef::new(Publications::Number).integer().not_null())
                    .col(
                        ColumnDef::new(Publications::PublishedOn)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Publications::Result).text().not_null())
                    .col(ColumnDef::new(Publications::Counts).text().not_null())
                    .col(
                        ColumnDef::new(Publications::Responses)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Publications::Table, Publications::WaveId)
                            .to(Waves::Table, Waves::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("publications_wave_number")
                    .table(Publications::Table)
                    .col(Publications::WaveId)
                    .col(Publications::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE indicator_results SET stale = TRUE, computed_at = NULL")
            .await?;
        db.execute_unprepared("ALTER TABLE indicator_results DROP COLUMN result")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE indicator_results ADD COLUMN result TEXT")
            .await?;
        manager
            .drop_table(Table::drop().table(Publications::Table).to_owned())
            .await
    }
}
