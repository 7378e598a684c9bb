//! Opening the database (SQLite or PostgreSQL) with the settings trygg relies on, and migrating it.

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use trygg_migrations::{Migrator, MigratorTrait};

/// Connects and applies every pending migration.
///
/// SQLite runs in WAL mode with `synchronous = FULL` (an acknowledged write survives a power cut),
/// foreign keys on and a busy timeout, so concurrent writers wait instead of failing.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    if url.starts_with("sqlite:") {
        // A handful of connections is plenty for SQLite: writes are serialised anyway.
        options.max_connections(8).min_connections(1);
    } else {
        options.max_connections(16);
    }
    Database::connect(options).await
}
