//! Writing an import (`trygg import`) in two steps, inside the importer's one transaction.
//!
//! Each checked body goes first into a temporary table of the connection, in the order of the
//! file, with nothing but its line as key: appending costs no index and no random page. Once
//! the whole file is checked, the repeats and conflicts are found by set queries over that
//! table (an id stored before in the wave, an id that comes twice in the file), and what is new
//! goes into `submissions` and `responses` with one `INSERT … SELECT` each, sorted by the
//! tables' keys: their B-trees then grow at one edge instead of at a million random places,
//! which is what made a large import read and write far more pages than it stored (README,
//! "A million rows").
//!
//! The outcome for each line is the one the API's writer ([`super::submissions::write_batch`])
//! would give for the file's lines sent one after the other: an id stored before with the same body hash is
//! a repeat, with another a conflict; an id that comes again later in the file is compared with
//! its first line. Responses get random ids, drawn when they are staged; sorting by them says
//! nothing about the file's order.

use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

use crate::collect::{AccessProof, Submission};

const STAGING: &str = "import_staging";
const SKIPPED: &str = "import_skipped";

/// Creates the connection's empty staging tables (dropped at commit or rollback, and left over
/// ones from an import that died with its connection's transaction are gone with it too).
pub async fn create(txn: &impl ConnectionTrait) -> Result<(), DbErr> {
    let sql = match txn.get_database_backend() {
        DbBackend::Postgres => format!(
            "CREATE TEMP TABLE {STAGING} (line BIGINT PRIMARY KEY, submission_id TEXT NOT NULL, \
               body_hash TEXT NOT NULL, response_id TEXT NOT NULL, language TEXT NOT NULL, \
               answers TEXT NOT NULL, school_id TEXT, class_id TEXT) ON COMMIT DROP;\n\
             CREATE TEMP TABLE {SKIPPED} (line BIGINT PRIMARY KEY, submission_id TEXT NOT NULL, \
               conflict BOOLEAN NOT NULL) ON COMMIT DROP"
        ),
        _ => format!(
            "DROP TABLE IF EXISTS temp.{STAGING};\n\
             DROP TABLE IF EXISTS temp.{SKIPPED};\n\
             CREATE TEMP TABLE {STAGING} (line INTEGER PRIMARY KEY, submission_id TEXT NOT NULL, \
               body_hash TEXT NOT NULL, response_id TEXT NOT NULL, language TEXT NOT NULL, \
               answers TEXT NOT NULL, school_id TEXT, class_id TEXT);\n\
             CREATE TEMP TABLE {SKIPPED} (line INTEGER PRIMARY KEY, submission_id TEXT NOT NULL, \
               conflict INTEGER NOT NULL)"
        ),
    };
    txn.execute_unprepared(&sql).await.map(|_| ())
}

/// Appends checked submissions with the lines they came from (increasing).
pub async fn append(txn: &impl ConnectionTrait, rows: &[(u64, Submission)]) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert.into_table(Alias::new(STAGING)).columns(
        [
            "line",
            "submission_id",
            "body_hash",
            "response_id",
            "language",
            "answers",
            "school_id",
            "class_id",
        ]
        .map(Alias::new),
    );
    for (line, s) in rows {
        let (school_id, class_id) = match s.access() {
            AccessProof::Imported {
                school_id,
                class_id,
            } => (school_id.clone(), class_id.clone()),
            _ => (None, None),
        };
        insert
            .values([
                (*line as i64).into(),
                s.submission_id().into(),
                s.body_hash().into(),
                uuid::Uuid::new_v4().to_string().into(),
                s.language().code().into(),
                s.answers().into(),
                school_id.into(),
                class_id.into(),
            ])
            .map_err(|e| DbErr::Custom(format!("staging an imported submission: {e}")))?;
    }
    txn.execute(&insert).await.map(|_| ())
}

/// What the staged lines come to against what the wave holds.
#[derive(Debug, Default)]
pub struct Resolved {
    /// (line, submission id) of the first [`crate::problems::SHOWN`] lines whose id was
    /// stored, or came earlier in the file, with another body; in line order.
    pub conflicts: Vec<(u64, String)>,
    /// How many such lines there are in all.
    pub conflict_count: u64,
    /// Lines whose id was stored, or came earlier in the file, with the same body.
    pub repeated: u64,
}

/// Finds the repeats and conflicts of the staged lines (see the module's comment).
pub async fn resolve(txn: &impl ConnectionTrait, wave_id: &str) -> Result<Resolved, DbErr> {
    let backend = txn.get_database_backend();
    // Stored before: every line with that id is compared with what was stored.
    run(
        txn,
        &format!(
            "INSERT INTO {SKIPPED} (line, submission_id, conflict) \
             SELECT st.line, st.submission_id, st.body_hash <> s.body_hash \
             FROM {STAGING} st JOIN submissions s \
               ON s.wave_id = $1 AND s.submission_id = st.submission_id"
        ),
        vec![wave_id.into()],
    )
    .await?;
    // Twice in the file: every later line is compared with the first. The index is built once
    // the table is full (one sort), and covers both this and the final insert's order.
    let index = match backend {
        DbBackend::Postgres => {
            format!("CREATE INDEX {STAGING}_id ON {STAGING} (submission_id, line, body_hash)")
        }
        _ => {
            format!("CREATE INDEX temp.{STAGING}_id ON {STAGING} (submission_id, line, body_hash)")
        }
    };
    txn.execute_unprepared(&index).await?;
    run(
        txn,
        &format!(
            "INSERT INTO {SKIPPED} (line, submission_id, conflict) \
             SELECT later.line, later.submission_id, later.body_hash <> first.body_hash \
             FROM (SELECT submission_id, MIN(line) AS line FROM {STAGING} \
                   GROUP BY submission_id HAVING COUNT(*) > 1) twice \
             JOIN {STAGING} first ON first.line = twice.line \
             JOIN {STAGING} later ON later.submission_id = twice.submission_id \
             WHERE later.line > twice.line \
             ON CONFLICT (line) DO NOTHING"
        ),
        Vec::new(),
    )
    .await?;
    let conflicts = txn
        .query_all_raw(statement(
            backend,
            &format!(
                "SELECT line, submission_id FROM {SKIPPED} WHERE conflict ORDER BY line LIMIT $1"
            ),
            vec![(crate::problems::SHOWN as i64).into()],
        ))
        .await?
        .into_iter()
        .map(|row| {
            Ok((
                row.try_get_by_index::<i64>(0)? as u64,
                row.try_get_by_index::<String>(1)?,
            ))
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    Ok(Resolved {
        conflicts,
        conflict_count: count(txn, "conflict").await?,
        repeated: count(txn, "NOT conflict").await?,
    })
}

/// The skipped lines that meet `condition`.
async fn count(txn: &impl ConnectionTrait, condition: &str) -> Result<u64, DbErr> {
    let sql = format!("SELECT COUNT(*) FROM {SKIPPED} WHERE {condition}");
    let row = txn
        .query_one_raw(statement(txn.get_database_backend(), &sql, Vec::new()))
        .await?;
    let n = row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// Stores the staged lines that are neither repeats nor conflicts, dated `submitted_on`: their
/// submission keys and their responses, each in the order of its table's key. How many.
pub async fn store(
    txn: &impl ConnectionTrait,
    wave_id: &str,
    submitted_on: &str,
) -> Result<u64, DbErr> {
    let new_lines = format!(
        "FROM {STAGING} st WHERE NOT EXISTS (SELECT 1 FROM {SKIPPED} k WHERE k.line = st.line)"
    );
    run(
        txn,
        &format!(
            "INSERT INTO submissions (wave_id, submission_id, body_hash) \
             SELECT $1, submission_id, body_hash {new_lines} ORDER BY submission_id"
        ),
        vec![wave_id.into()],
    )
    .await?;
    run(
        txn,
        &format!(
            "INSERT INTO responses (id, wave_id, submitted_on, language, answers, school_id, class_id) \
             SELECT response_id, $1, $2, language, answers, school_id, class_id {new_lines} \
             ORDER BY response_id"
        ),
        vec![wave_id.into(), submitted_on.into()],
    )
    .await
}

/// Drops the staging tables before a commit (PostgreSQL drops them itself at commit).
///
/// Without overwriting their pages first (`secure_delete`, on for the database): that took a
/// tenth of a million-line import, and what the temporary file held (the file's lines) is in
/// the file imported and in the responses stored, while the file itself is unlinked from the
/// start and gone with the connection.
pub async fn drop(txn: &impl ConnectionTrait) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        return Ok(());
    }
    txn.execute_unprepared(&format!(
        "PRAGMA temp.secure_delete = OFF;\nDROP TABLE temp.{STAGING};\nDROP TABLE temp.{SKIPPED}"
    ))
    .await
    .map(|_| ())
}

/// A statement with `$1, $2, …` parameters, as SQLite numbers them too (`?1, ?2, …`).
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Runs a statement; the rows it changed.
async fn run(txn: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<u64, DbErr> {
    let backend = txn.get_database_backend();
    Ok(txn
        .execute_raw(statement(backend, sql, values))
        .await?
        .rows_affected())
}
