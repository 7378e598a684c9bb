//! Codes shown again (issue 11): a class session keeps its printed codes *sealed* until it ends,
//! so the coordinator who opened it can print them again (a jammed printer, the page reloaded or
//! switched to English), and remembers the form that opened it, so that sending that form twice
//! never opens a second session.
//!
//! The codes are sealed under a key derived from the coordinator's sign-in token, which the
//! database holds only as a one-way hash: a copy of the files shows no code. They are deleted
//! when the session ends.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClassSessions {
    Table,
    SealedCodes,
    OpenedWith,
}

const OPENED_WITH_INDEX: &str = "ux_class_sessions_opened_with";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(ClassSessions::Table)
                    .add_column(ColumnDef::new(ClassSessions::SealedCodes).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ClassSessions::Table)
                    .add_column(ColumnDef::new(ClassSessions::OpenedWith).string().null())
                    .to_owned(),
            )
            .await?;
        // Unique, so that of two sendings of one form at once only one session is stored;
        // sessions opened before this step have none (NULLs never collide).
        manager
            .create_index(
                Index::create()
                    .name(OPENED_WITH_INDEX)
                    .table(ClassSessions::Table)
                    .col(ClassSessions::OpenedWith)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(OPENED_WITH_INDEX)
                    .table(ClassSessions::Table)
                    .to_owned(),
            )
            .await?;
        for column in [ClassSessions::OpenedWith, ClassSessions::SealedCodes] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ClassSessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
