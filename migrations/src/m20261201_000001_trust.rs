//! Trust: drafts sealed under the respondent's own secrets, pupil codes that know they are in
//! use, and class sessions that remember how many unused codes their end stopped.
//!
//! Drafts written before this step held their answers in plain text; they are deleted (a draft
//! lives a day at most, and a respondent in the middle of a form starts again).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Drafts {
    Table,
    KeyByToken,
    KeyByAccess,
}

#[derive(DeriveIden)]
enum PupilCodes {
    Table,
    Started,
}

#[derive(DeriveIden)]
enum ClassSessions {
    Table,
    StoppedCodes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(Query::delete().from_table(Drafts::Table).to_owned())
            .await?;
        // One column per statement: SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Drafts::Table)
                    .add_column(
                        ColumnDef::new(Drafts::KeyByToken)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Drafts::Table)
                    .add_column(ColumnDef::new(Drafts::KeyByAccess).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PupilCodes::Table)
                    .add_column(
                        ColumnDef::new(PupilCodes::Started)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ClassSessions::Table)
                    .add_column(ColumnDef::new(ClassSessions::StoppedCodes).integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(Query::delete().from_table(Drafts::Table).to_owned())
            .await?;
        for (table, column) in [
            (Drafts::Table.into_iden(), Drafts::KeyByToken.into_iden()),
            (Drafts::Table.into_iden(), Drafts::KeyByAccess.into_iden()),
            (
                PupilCodes::Table.into_iden(),
                PupilCodes::Started.into_iden(),
            ),
            (
                ClassSessions::Table.into_iden(),
                ClassSessions::StoppedCodes.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
