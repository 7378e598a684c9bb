//! Opening the database (SQLite or PostgreSQL) with the settings trygg relies on, and migrating it.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use trygg_migrations::{Migrator, MigratorTrait};

pub mod direct;
mod log_sync;
pub use direct::Direct;
pub use log_sync::LogSync;

/// Connects and applies every pending migration.
///
/// SQLite runs in WAL mode with `synchronous = FULL` (an acknowledged write survives a power cut),
/// foreign keys on and a busy timeout, so concurrent writers wait instead of failing.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    let lock = StartupLock::acquire(url).await?;
    let migrated = Migrator::up(&db, None).await;
    lock.release().await;
    migrated.map(|()| db)
}

/// Serialises start-up work (migrations, recording questionnaire versions) between several
/// `trygg serve` processes sharing one PostgreSQL database: sea-orm's migrator checks, then
/// creates, so two nodes starting together would both try to create the same tables.
/// A session-level advisory lock on a dedicated connection; released on [`StartupLock::release`]
/// or when the process dies. SQLite needs none (one process owns the file in practice, and
/// SQLite serialises writers).
pub struct StartupLock {
    connection: Option<DatabaseConnection>,
}

/// An arbitrary constant naming trygg's start-up lock among advisory locks.
const STARTUP_LOCK_KEY: i64 = 0x7472_7967_6700;

impl StartupLock {
    pub async fn acquire(url: &str) -> Result<StartupLock, DbErr> {
        if !crate::config::is_postgres_url(url) {
            return Ok(StartupLock { connection: None });
        }
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .max_connections(1)
            .min_connections(1);
        let connection = Database::connect(options).await?;
        connection
            .execute_unprepared(&format!("SELECT pg_advisory_lock({STARTUP_LOCK_KEY})"))
            .await?;
        Ok(StartupLock {
            connection: Some(connection),
        })
    }

    pub async fn release(self) {
        if let Some(connection) = self.connection {
            let _ = connection
                .execute_unprepared(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK_KEY})"))
                .await;
            let _ = connection.close().await;
        }
    }
}

pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = options(url);
    if is_sqlite_memory(url) {
        // Each connection to an in-memory database is a database of its own.
        options.max_connections(1).min_connections(1);
    } else if url.starts_with("sqlite:") {
        // A handful of connections is plenty for SQLite: writes are serialised anyway.
        options.max_connections(8).min_connections(1);
    } else {
        options.max_connections(16);
    }
    Database::connect(options).await
}

/// The submission writer's connection (`collect::submit`).
pub enum Writer {
    /// PostgreSQL and in-memory SQLite: the shared pool; a commit returns once it is on disk.
    Shared(DatabaseConnection),
    /// A SQLite file: a connection of the writer's own, run on the writer's thread, whose
    /// commits do not wait for the disk; an acknowledgement waits for `log_sync` instead.
    Direct {
        connection: Direct,
        log_sync: LogSync,
    },
}

/// The connection the submission writer (`collect::submit`) uses; `shared` is the pool from
/// [`connect`] for the same URL.
///
/// On a SQLite file the writer gets a connection of its own ([`Direct`]) with a larger page
/// cache. A pool hands its connections out in turn, and in WAL mode a connection drops its whole
/// page cache when it finds that another one has written since its last transaction: the writer
/// would start each batch with a cold cache and read the indexes it inserts into again. Its own
/// connection keeps them in memory. Its statement journals (the undo of one multi-row insert
/// should it fail halfway, discarded at the end of the statement) stay in memory too instead
/// of spilling to a temporary file past 64 KiB: a batch's inserts are larger than that.
/// It commits with `synchronous = NORMAL`, and a [`LogSync`] thread syncs the log before any
/// caller is answered, while the writer goes on with the next batch.
pub async fn connect_writer(url: &str, shared: &DatabaseConnection) -> Result<Writer, DbErr> {
    if !url.starts_with("sqlite:") || is_sqlite_memory(url) {
        return Ok(Writer::Shared(shared.clone()));
    }
    let file = SqliteConnectOptions::from_str(url)
        .map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(e))))?
        .get_filename()
        .to_owned();
    let connection = Direct::open(
        &file,
        &direct::Settings {
            pragmas: &EVERY_CONNECTION,
            busy_timeout: BUSY_TIMEOUT,
            cache_kib: WRITER_CACHE_KIB,
            autocheckpoint_pages: WRITER_AUTOCHECKPOINT_PAGES,
        },
    )?;
    let log_sync = LogSync::start(&file).map_err(|e| {
        DbErr::Custom(format!(
            "the write-ahead log's sync thread did not start: {e}"
        ))
    })?;
    Ok(Writer::Direct {
        connection,
        log_sync,
    })
}

/// How long a SQLite connection waits for another one's write lock before it gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// When the writer itself copies the log into the database file: only when the log has grown
/// past this many pages (64 MiB) because the [`Checkpointer`] could not keep up. SQLite's
/// default (1,000 pages) would make every fifth batch or so of submissions wait for a copy of
/// 4 MiB and a sync of the database file.
const WRITER_AUTOCHECKPOINT_PAGES: u32 = 16_384;

/// Page cache of the writer's SQLite connection, as SQLite takes it: negative means KiB (8 MiB).
/// It was 64 MiB while every response went into two indexes at random places; with one left, a
/// smaller cache made the writer faster (SQLite clears its cache structures at the end of each
/// transaction in time that grows with them): 9,500–9,800 against 10,900–11,600 submissions/s.
const WRITER_CACHE_KIB: i64 = -8 * 1024;

fn is_sqlite_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// What every connection gets; the pool sizes are set by the callers.
fn options(url: &str) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(sqlite_settings)
        // A commit is acknowledged only once it is flushed to disk (on synchronous standbys
        // too, if the server has any), whatever the server's default for `synchronous_commit`.
        .map_sqlx_postgres_opts(|opts| opts.options([("synchronous_commit", "on")]));
    if url.starts_with("sqlite:") {
        // A connection to a local file does not drop like a network one: no ping before each
        // use (a round trip to the connection's worker thread on every query).
        options.test_before_acquire(false);
    }
    options
}

/// WAL with `synchronous = FULL`: a commit returns once the log is synced, so an acknowledged
/// write survives a crash of the process or of the machine. `secure_delete`: a deleted row (an
/// address, a used token or code, a submitted draft) is overwritten with zeros, in its page and
/// in a page that falls free, instead of staying readable in the file. Temporary tables and
/// large sorts (an import's staging, `collect::import`) go to a temporary file past the page
/// cache instead of memory, which is where the bundled SQLite would keep them.
fn sqlite_settings(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    let opts = opts
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(BUSY_TIMEOUT)
        .pragma("temp_store", "FILE");
    EVERY_CONNECTION
        .iter()
        .fold(opts, |opts, &(name, value)| opts.pragma(name, value))
}

/// The pragmas every SQLite connection gets, the submission writer's own ([`Direct`]) included:
/// foreign keys enforced, and deleted rows overwritten (`secure_delete`, see [`sqlite_settings`]).
pub(crate) const EVERY_CONNECTION: [(&str, &str); 2] =
    [("foreign_keys", "ON"), ("secure_delete", "ON")];

/// Removes what deleted rows left behind outside the live tables, so that a copy of the
/// database files taken afterwards holds none of it.
///
/// SQLite: the write-ahead log still holds the pages as they were before a deletion (with the
/// address, token or code in them) until a checkpoint copies the newer pages into the database
/// file (where `secure_delete` zeroed the rows) and the log is truncated to nothing.
/// PostgreSQL: a deleted or updated row stays in its table's file as a dead tuple until the
/// table is rewritten; `VACUUM FULL` rewrites the tables that hold addresses, tokens and codes
/// into new files. Cheap on those small tables; they are locked for the moment it takes.
///
/// Returns `false` when SQLite could not finish (a long reader held on to old pages): a later
/// call finishes the work.
pub async fn scrub(db: &DatabaseConnection) -> Result<bool, DbErr> {
    use sea_orm::DatabaseBackend;
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    DatabaseBackend::Sqlite,
                    "PRAGMA wal_checkpoint(TRUNCATE)",
                ))
                .await?;
            // One row: (busy, pages in the log, pages checkpointed); busy = 1 when it could not
            // finish.
            let busy = row
                .map(|r| r.try_get_by_index::<i32>(0))
                .transpose()?
                .unwrap_or(0);
            Ok(busy == 0)
        }
        DatabaseBackend::Postgres => {
            // `VACUUM FULL` copies a dead row into the new file while any transaction of this
            // database can still see it (a background read that began before the rows were
            // deleted). So first wait, briefly, until every snapshot older than now has ended.
            let settled = snapshots_ended(db).await?;
            db.execute_unprepared(
                "VACUUM FULL invitations, invitation_tokens, pupil_codes, drafts",
            )
            .await?;
            Ok(settled)
        }
        _ => Ok(true),
    }
}

/// PostgreSQL: waits (at most 3 s) until no other session of this database holds a snapshot
/// taken before this call; whether none does.
async fn snapshots_ended(db: &DatabaseConnection) -> Result<bool, DbErr> {
    use sea_orm::{DatabaseBackend, Statement};
    let now = db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT xid(pg_current_xact_id())::text AS now",
        ))
        .await?
        .map(|r| r.try_get::<String>("", "now"))
        .transpose()?
        .unwrap_or_default();
    // age() counts back from the newest transaction: an older snapshot has the greater age.
    let older = Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT count(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND backend_xmin IS NOT NULL AND age(backend_xmin) >= age($1::text::xid)",
        [now.into()],
    );
    let started = std::time::Instant::now();
    loop {
        let held = db
            .query_one_raw(older.clone())
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if held == 0 {
            return Ok(true);
        }
        if started.elapsed() > Duration::from_secs(3) {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`IMMEDIATE`): a deferred transaction that reads first and writes later fails at once, busy
/// timeout or not, when another connection wrote in between. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::TransactionTrait;
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// [`scrub`] until it finishes, at most `tries` times, `pause` apart; whether it finished.
async fn scrub_until_done(db: &DatabaseConnection, tries: u32, pause: Duration) -> bool {
    for attempt in 0..tries {
        match scrub(db).await {
            Ok(true) => return true,
            Ok(false) => tracing::debug!(attempt, "scrub postponed by a reader"),
            Err(e) => tracing::debug!(attempt, error = %e, "scrub postponed"),
        }
        tokio::time::sleep(pause).await;
    }
    false
}

/// [`scrub`] now (a few tries, a moment apart); logs when it could not finish.
pub async fn scrub_now(db: &DatabaseConnection) {
    if !scrub_until_done(db, 5, Duration::from_millis(200)).await {
        tracing::warn!(
            "deleted rows not yet scrubbed from the database files; the next scrub will"
        );
    }
}

/// Starts a task on the current runtime that runs `work` on a SQLite file's connection of its
/// own (short busy timeout: it gives up quickly rather than hold up the writer) `delay` after a
/// nudge of the returned handle; nudges meanwhile fold into one. `None` for PostgreSQL and an
/// in-memory database.
async fn on_nudge<F, Fut>(
    url: &str,
    delay: Duration,
    work: F,
) -> Result<Option<std::sync::Arc<tokio::sync::Notify>>, DbErr>
where
    F: Fn(DatabaseConnection) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    if !url.starts_with("sqlite:") || is_sqlite_memory(url) {
        return Ok(None);
    }
    let mut options = options(url);
    options
        .max_connections(1)
        .min_connections(0)
        .map_sqlx_sqlite_opts(|opts| {
            sqlite_settings(opts).busy_timeout(Duration::from_millis(100))
        });
    let db = Database::connect(options).await?;
    let wake = std::sync::Arc::new(tokio::sync::Notify::new());
    let woken = wake.clone();
    tokio::spawn(async move {
        loop {
            woken.notified().await;
            tokio::time::sleep(delay).await;
            work(db.clone()).await;
        }
    });
    Ok(Some(wake))
}

/// Copies a SQLite file's write-ahead log into the database file in the background, beside the
/// submission writer instead of inside its commits (issue 21: a checkpoint in a commit held up
/// every submission waiting for the next batch, and took 8 % of the server's time under load).
///
/// The writer nudges it after each batch; it waits a moment (nudges meanwhile fold into one) and
/// runs a `PASSIVE` checkpoint on a connection of its own, which copies what it can without
/// waiting for readers or the writer. The writer connection checkpoints by itself only when the
/// log has grown large ([`WRITER_AUTOCHECKPOINT_PAGES`]). On PostgreSQL it does nothing.
#[derive(Clone, Default)]
pub struct Checkpointer {
    wake: Option<std::sync::Arc<tokio::sync::Notify>>,
}

/// How long the checkpointer waits after a nudge, so that the batches of a busy moment share
/// one checkpoint (and one sync of the database file).
pub const CHECKPOINT_DELAY: Duration = Duration::from_millis(250);

impl Checkpointer {
    /// Starts the background task on the current runtime (SQLite files only).
    pub async fn start(url: &str) -> Result<Checkpointer, DbErr> {
        let wake = on_nudge(url, CHECKPOINT_DELAY, |db| async move {
            let started = std::time::Instant::now();
            match db
                .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
                .await
            {
                Ok(_) => tracing::trace!(
                    micros = started.elapsed().as_micros() as u64,
                    "checkpoint done"
                ),
                Err(e) => tracing::debug!(error = %e, "checkpoint postponed"),
            }
        });
        Ok(Checkpointer { wake: wake.await? })
    }

    /// Asks for a checkpoint soon.
    pub fn nudge(&self) {
        if let Some(wake) = &self.wake {
            wake.notify_one();
        }
    }
}

/// Scrubs a SQLite file's write-ahead log in the background a few seconds after a used token
/// or code, or a submitted draft, was deleted (requests in between fold into one), so the log
/// does not keep their old pages until the wave closes.
///
/// It has a connection of its own with a short busy timeout: a checkpoint that waits for a
/// reader holds up writers while it waits, so it gives up quickly and tries again later rather
/// than stall the submission writer. On PostgreSQL it does nothing (dead rows there are
/// rewritten away when a wave closes; see README).
#[derive(Clone, Default)]
pub struct Scrubber {
    wake: Option<std::sync::Arc<tokio::sync::Notify>>,
}

/// How long after a deletion the log is scrubbed; deletions meanwhile share the scrub.
pub const SCRUB_DELAY: Duration = Duration::from_secs(2);

impl Scrubber {
    /// Starts the background task on the current runtime (SQLite files only).
    pub async fn start(url: &str) -> Result<Scrubber, DbErr> {
        let wake = on_nudge(url, SCRUB_DELAY, |db| async move {
            if !scrub_until_done(&db, 30, SCRUB_DELAY).await {
                tracing::warn!("the write-ahead log could not be scrubbed for a minute");
            }
        });
        Ok(Scrubber { wake: wake.await? })
    }

    /// Asks for a scrub soon.
    pub fn request(&self) {
        if let Some(wake) = &self.wake {
            wake.notify_one();
        }
    }
}
