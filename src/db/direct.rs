//! The submission writer's own SQLite connection, which runs sea-orm's statements on the
//! caller's thread (issue 21). It is not a sea-orm connection: the writer's code reaches it and
//! a sea-orm transaction alike through [`Run`].
//!
//! The submission writer stores each batch in a handful of statements. Through sqlx every
//! statement is a round trip to the connection's worker thread and back to a tokio task that
//! waits behind the requests being handled; under load a batch spent most of its 2 ms in those
//! hand-overs (and in the ping sqlx's pool sends when a connection comes back). On a thread of
//! its own with this connection a batch runs from `BEGIN` to `COMMIT` without handing over.
//!
//! The statements are the same sea-orm builds for every other connection: `store::submissions`
//! is written once, against [`Run`], which both this connection and a sea-orm transaction
//! implement; only their execution differs. Rows are read by column name, as text or integer
//! ([`Row`]), which is all the writer reads.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::types::Value as Sql;
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, QueryResult, QueryTrait, RuntimeErr,
    Statement, Value,
};

/// Distinct statement texts kept prepared: a batch's multi-row inserts differ by their size.
const PREPARED: usize = 1024;

/// How the connection is set up; what each setting is for is said at [`super::connect_writer`]
/// and [`super::sqlite_settings`].
pub struct Settings {
    /// `(name, value)` pragmas every connection of trygg's gets.
    pub pragmas: &'static [(&'static str, &'static str)],
    pub busy_timeout: Duration,
    pub cache_kib: i64,
    pub autocheckpoint_pages: u32,
}

/// One SQLite connection, used by one thread at a time.
pub struct Direct {
    connection: Mutex<rusqlite::Connection>,
}

impl Direct {
    /// Opens the database file (which exists: the server has migrated it) in WAL mode with
    /// `synchronous = NORMAL`: its commits do not wait for the disk, the caller syncs the log
    /// before it acknowledges anything (`LogSync`).
    pub fn open(file: &Path, settings: &Settings) -> Result<Direct, DbErr> {
        let connection = rusqlite::Connection::open(file).map_err(conn_err)?;
        connection
            .busy_timeout(settings.busy_timeout)
            .map_err(conn_err)?;
        connection.set_prepared_statement_cache_capacity(PREPARED);
        for (name, value) in settings.pragmas {
            connection
                .pragma_update(None, name, value)
                .map_err(conn_err)?;
        }
        connection
            .execute_batch(&format!(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                 PRAGMA temp_store = MEMORY; PRAGMA cache_size = {};
                 PRAGMA wal_autocheckpoint = {};",
                settings.cache_kib, settings.autocheckpoint_pages
            ))
            .map_err(conn_err)?;
        Ok(Direct {
            connection: Mutex::new(connection),
        })
    }

    fn connection(&self) -> MutexGuard<'_, rusqlite::Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs statements without parameters (`BEGIN IMMEDIATE`, `COMMIT`, `ROLLBACK`).
    pub fn batch(&self, sql: &str) -> Result<(), DbErr> {
        self.connection().execute_batch(sql).map_err(exec_err)
    }

    fn run(&self, stmt: &Statement) -> Result<u64, DbErr> {
        let connection = self.connection();
        let mut prepared = connection.prepare_cached(&stmt.sql).map_err(exec_err)?;
        let changed = prepared.execute(params(stmt)?).map_err(exec_err)?;
        Ok(changed as u64)
    }

    fn read(&self, stmt: &Statement) -> Result<Vec<Row>, DbErr> {
        let connection = self.connection();
        let mut prepared = connection.prepare_cached(&stmt.sql).map_err(query_err)?;
        let names: Vec<String> = (prepared.column_names().into_iter())
            .map(str::to_owned)
            .collect();
        let mut found = prepared.query(params(stmt)?).map_err(query_err)?;
        let mut rows = Vec::new();
        while let Some(row) = found.next().map_err(query_err)? {
            let mut values = Vec::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                values.push((name.clone(), row.get::<_, Sql>(i).map_err(query_err)?));
            }
            rows.push(Row::Direct(values));
        }
        Ok(rows)
    }
}

/// Runs sea-orm's statements on a connection: a transaction of sea-orm's, or [`Direct`].
#[async_trait::async_trait]
pub trait Run: Sync {
    fn backend(&self) -> DbBackend;

    /// Runs a statement; the number of rows it changed.
    async fn execute(&self, stmt: Statement) -> Result<u64, DbErr>;

    /// Runs a query; its rows.
    async fn rows(&self, stmt: Statement) -> Result<Vec<Row>, DbErr>;

    /// The statement of a sea-orm query for this connection.
    fn statement(&self, query: &impl QueryTrait) -> Statement {
        query.build(self.backend())
    }
}

#[async_trait::async_trait]
impl Run for DatabaseTransaction {
    fn backend(&self) -> DbBackend {
        self.get_database_backend()
    }

    async fn execute(&self, stmt: Statement) -> Result<u64, DbErr> {
        Ok(self.execute_raw(stmt).await?.rows_affected())
    }

    async fn rows(&self, stmt: Statement) -> Result<Vec<Row>, DbErr> {
        Ok((self.query_all_raw(stmt).await?.into_iter())
            .map(Row::Orm)
            .collect())
    }
}

#[async_trait::async_trait]
impl Run for Direct {
    fn backend(&self) -> DbBackend {
        DbBackend::Sqlite
    }

    async fn execute(&self, stmt: Statement) -> Result<u64, DbErr> {
        self.run(&stmt)
    }

    async fn rows(&self, stmt: Statement) -> Result<Vec<Row>, DbErr> {
        self.read(&stmt)
    }
}

/// A row of a query run through [`Run`], read by column name.
pub enum Row {
    Orm(QueryResult),
    /// The columns in order, with SQLite's values.
    Direct(Vec<(String, Sql)>),
}

impl Row {
    /// A text column that is not NULL.
    pub fn text(&self, column: &str) -> Result<String, DbErr> {
        match self {
            Row::Orm(row) => row.try_get("", column),
            Row::Direct(values) => match Row::find(values, column)? {
                Sql::Text(text) => Ok(text.clone()),
                other => Err(type_err(column, "text", other)),
            },
        }
    }

    /// An integer column, NULL as `None`.
    pub fn integer(&self, column: &str) -> Result<Option<i64>, DbErr> {
        match self {
            Row::Orm(row) => row.try_get("", column),
            Row::Direct(values) => match Row::find(values, column)? {
                Sql::Integer(i) => Ok(Some(*i)),
                Sql::Null => Ok(None),
                other => Err(type_err(column, "an integer", other)),
            },
        }
    }

    fn find<'a>(values: &'a [(String, Sql)], column: &str) -> Result<&'a Sql, DbErr> {
        (values.iter())
            .find(|(name, _)| name == column)
            .map(|(_, value)| value)
            .ok_or_else(|| query_err(format!("no column {column} in the row")))
    }
}

fn type_err(column: &str, wanted: &str, found: &Sql) -> DbErr {
    DbErr::Type(format!(
        "column {column}: {wanted} was expected, not {found:?}"
    ))
}

/// The statement's values as SQLite binds them (as sqlx binds them: booleans as 0 and 1).
fn params(stmt: &Statement) -> Result<rusqlite::ParamsFromIter<Vec<Sql>>, DbErr> {
    let values = match &stmt.values {
        Some(values) => values.0.iter().map(bind).collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    Ok(rusqlite::params_from_iter(values))
}

fn bind(value: &Value) -> Result<Sql, DbErr> {
    fn or_null<T>(value: &Option<T>, to: impl FnOnce(&T) -> Sql) -> Sql {
        value.as_ref().map_or(Sql::Null, to)
    }
    Ok(match value {
        Value::Bool(v) => or_null(v, |&b| Sql::Integer(i64::from(b))),
        Value::TinyInt(v) => or_null(v, |&i| Sql::Integer(i64::from(i))),
        Value::SmallInt(v) => or_null(v, |&i| Sql::Integer(i64::from(i))),
        Value::Int(v) => or_null(v, |&i| Sql::Integer(i64::from(i))),
        Value::BigInt(v) => or_null(v, |&i| Sql::Integer(i)),
        Value::TinyUnsigned(v) => or_null(v, |&i| Sql::Integer(i64::from(i))),
        Value::SmallUnsigned(v) => or_null(v, |&i| Sql::Integer(i64::from(i))),
        Value::Unsigned(v) => or_null(v, |&i| Sql::Integer(i64::from(i))),
        Value::BigUnsigned(Some(i)) => Sql::Integer(
            i64::try_from(*i).map_err(|_| exec_err(format!("{i} is too large for SQLite")))?,
        ),
        Value::BigUnsigned(None) => Sql::Null,
        Value::Float(v) => or_null(v, |&f| Sql::Real(f64::from(f))),
        Value::Double(v) => or_null(v, |&f| Sql::Real(f)),
        Value::String(v) => or_null(v, |s| Sql::Text(s.clone())),
        Value::Char(v) => or_null(v, |c| Sql::Text(c.to_string())),
        Value::Bytes(v) => or_null(v, |b| Sql::Blob(b.clone())),
        Value::Json(v) => or_null(v, |j| Sql::Text(j.to_string())),
        other => {
            return Err(exec_err(format!(
                "the writer's SQLite connection does not bind {other:?}"
            )));
        }
    })
}

fn conn_err(e: impl ToString) -> DbErr {
    DbErr::Conn(RuntimeErr::Internal(e.to_string()))
}

fn exec_err(e: impl ToString) -> DbErr {
    DbErr::Exec(RuntimeErr::Internal(e.to_string()))
}

fn query_err(e: impl ToString) -> DbErr {
    DbErr::Query(RuntimeErr::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writer's own connection enforces foreign keys and overwrites deleted rows, as every
    /// other connection of trygg's does, and commits without waiting for the disk.
    #[test]
    fn the_writer_connection_gets_the_pragmas_of_every_connection() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let direct = Direct::open(
            &dir.path().join("t.db"),
            &Settings {
                pragmas: &crate::db::EVERY_CONNECTION,
                busy_timeout: Duration::from_secs(1),
                cache_kib: -1024,
                autocheckpoint_pages: 1000,
            },
        )
        .expect("open");
        let connection = direct.connection();
        let pragma = |name: &str| -> i64 {
            connection
                .pragma_query_value(None, name, |row| row.get(0))
                .expect("pragma")
        };
        assert_eq!(pragma("foreign_keys"), 1);
        assert_eq!(pragma("secure_delete"), 1);
        assert_eq!(pragma("synchronous"), 1, "NORMAL");
        let mode: String = connection
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .expect("journal mode");
        assert_eq!(mode, "wal");
    }
}
