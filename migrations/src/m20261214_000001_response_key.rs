//! Storing a response touches no page at a random place any more on SQLite, and one index
//! fewer on PostgreSQL.
//!
//! Every stored response updated two indexes at random places: its random id (the key), and
//! the wave with that id. A random insert dirties a page of its own, which the commit writes to
//! the log and syncs, and that log is what limits durable submissions (README, "Throughput and
//! durability").
//!
//! SQLite: the table keeps its rows in the order they were stored, as before (its rowid), and
//! gets one index, on the wave: both grow at their end. Nothing is looked up by a response's id;
//! an export, which lists a wave's responses by their random id, sorts them (in a temporary
//! file, as large sorts go). Ids stay random UUIDs (v4), so none repeats. SQLite cannot change
//! a table's key in place: the table is copied into a new one, rows in their order, and renamed.
//!
//! PostgreSQL keeps a key, (wave, id), which also serves the index on the wave: the constraint
//! is swapped and the separate index dropped.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    r#"CREATE TABLE "responses_new" (
        "id" varchar(36) NOT NULL,
        "wave_id" varchar(36) NOT NULL,
        "submitted_on" varchar(10) NOT NULL,
        "language" varchar(2) NOT NULL,
        "answers" text NOT NULL,
        "school_id" varchar(100) NULL,
        "class_id" varchar(36) NULL,
        FOREIGN KEY ("wave_id") REFERENCES "waves" ("id") ON DELETE CASCADE
    )"#,
    r#"INSERT INTO "responses_new" ("id", "wave_id", "submitted_on", "language", "answers", "school_id", "class_id")
       SELECT "id", "wave_id", "submitted_on", "language", "answers", "school_id", "class_id"
       FROM "responses" ORDER BY rowid"#,
    r#"DROP TABLE "responses""#,
    r#"ALTER TABLE "responses_new" RENAME TO "responses""#,
    r#"CREATE INDEX "ix_responses_wave" ON "responses" ("wave_id")"#,
];

const SQLITE_DOWN: &[&str] = &[
    r#"CREATE TABLE "responses_old" (
        "id" varchar(36) NOT NULL PRIMARY KEY,
        "wave_id" varchar(36) NOT NULL,
        "submitted_on" varchar(10) NOT NULL,
        "language" varchar(2) NOT NULL,
        "answers" text NOT NULL,
        "school_id" varchar(100) NULL,
        "class_id" varchar(36) NULL,
        FOREIGN KEY ("wave_id") REFERENCES "waves" ("id") ON DELETE CASCADE
    )"#,
    r#"INSERT INTO "responses_old" ("id", "wave_id", "submitted_on", "language", "answers", "school_id", "class_id")
       SELECT "id", "wave_id", "submitted_on", "language", "answers", "school_id", "class_id"
       FROM "responses" ORDER BY rowid"#,
    r#"DROP TABLE "responses""#,
    r#"ALTER TABLE "responses_old" RENAME TO "responses""#,
    r#"CREATE INDEX "ix_responses_wave" ON "responses" ("wave_id", "id")"#,
];

const POSTGRES_UP: &[&str] = &[
    r#"ALTER TABLE "responses" DROP CONSTRAINT "responses_pkey""#,
    r#"ALTER TABLE "responses" ADD PRIMARY KEY ("wave_id", "id")"#,
    r#"DROP INDEX "ix_responses_wave""#,
];

const POSTGRES_DOWN: &[&str] = &[
    r#"ALTER TABLE "responses" DROP CONSTRAINT "responses_pkey""#,
    r#"ALTER TABLE "responses" ADD PRIMARY KEY ("id")"#,
    r#"CREATE INDEX "ix_responses_wave" ON "responses" ("wave_id", "id")"#,
];

/// The statements in one call, so that they run on one connection of the pool, one after the
/// other (another connection of the pool may still hold the table as it was before the first).
async fn run(manager: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        DatabaseBackend::Postgres => postgres,
        _ => sqlite,
    };
    manager
        .get_connection()
        .execute_unprepared(&statements.join(";\n"))
        .await
        .map(|_| ())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}
