//! The lägesbild's series (`entities::source_*`): an import stores a file's values in one
//! transaction with its provenance and an audit entry, or nothing. The same file (by SHA-256)
//! is imported once; a value already stored with the same number is left as it is, and a later
//! file's value for the same measure, area and period replaces it.

use std::collections::HashMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::entities::{source_import, source_measure, source_value};
use crate::sources::Parsed;
use crate::store::audit::AuditEvent;

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub import_id: String,
    /// Values stored new or changed.
    pub stored: u64,
    /// Values the file holds that were stored already with the same number.
    pub unchanged: u64,
    /// The earlier import of the same file, when this one stored nothing for that reason.
    pub already: Option<source_import::Model>,
}

/// The hex SHA-256 of a file's bytes.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Values per insert statement (five columns each: well under SQLite's parameter limit).
const BATCH: usize = 500;

/// Stores what a file holds, with its provenance; nothing when the same file was imported.
#[tracing::instrument(skip_all, fields(file = file_name, rows = parsed.rows))]
pub async fn import(
    db: &DatabaseConnection,
    parsed: &Parsed,
    (file_name, sha): (&str, &str),
    actor: &str,
) -> Result<ImportReport, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    if let Some(earlier) = source_import::Entity::find()
        .filter(source_import::Column::Sha256.eq(sha))
        .one(&txn)
        .await?
    {
        return Ok(ImportReport {
            import_id: earlier.id.clone(),
            stored: 0,
            unchanged: 0,
            already: Some(earlier),
        });
    }
    let import_id = uuid::Uuid::new_v4().to_string();
    source_import::Entity::insert(source_import::ActiveModel {
        id: Set(import_id.clone()),
        source: Set(parsed.source.id().to_owned()),
        file_name: Set(file_name.to_owned()),
        sha256: Set(sha.to_owned()),
        imported_at: Set(crate::util::now()),
        imported_by: Set(actor.to_owned()),
        licence: Set(parsed.source.licence().to_owned()),
        rows: Set(parsed.rows as i64),
        stored: Set(0),
    })
    .exec_without_returning(&txn)
    .await?;
    for m in &parsed.measures {
        source_measure::Entity::insert(source_measure::ActiveModel {
            id: Set(m.id.clone()),
            source: Set(parsed.source.id().to_owned()),
            title: Set(m.title.clone()),
            unit: Set(m.unit.clone()),
        })
        .on_conflict(
            OnConflict::column(source_measure::Column::Id)
                .update_columns([source_measure::Column::Title, source_measure::Column::Unit])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    let ids: Vec<String> = parsed.measures.iter().map(|m| m.id.clone()).collect();
    let mut existing: HashMap<(String, String, String), f64> = HashMap::new();
    for chunk in ids.chunks(BATCH) {
        for v in source_value::Entity::find()
            .filter(source_value::Column::Measure.is_in(chunk.iter().cloned()))
            .all(&txn)
            .await?
        {
            existing.insert((v.measure, v.area, v.period), v.value);
        }
    }
    let mut changed = Vec::new();
    let mut unchanged = 0u64;
    for o in &parsed.observations {
        let key = (o.measure.clone(), o.area.clone(), o.period.clone());
        if existing.get(&key) == Some(&o.value) {
            unchanged += 1;
        } else {
            changed.push(source_value::ActiveModel {
                measure: Set(o.measure.clone()),
                area: Set(o.area.clone()),
                period: Set(o.period.clone()),
                value: Set(o.value),
                import_id: Set(import_id.clone()),
            });
        }
    }
    let stored = changed.len() as u64;
    let mut rest = changed;
    while !rest.is_empty() {
        let batch: Vec<_> = rest.drain(..rest.len().min(BATCH)).collect();
        source_value::Entity::insert_many(batch)
            .on_conflict(
                OnConflict::columns([
                    source_value::Column::Measure,
                    source_value::Column::Area,
                    source_value::Column::Period,
                ])
                .update_columns([source_value::Column::Value, source_value::Column::ImportId])
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    source_import::Entity::update_many()
        .col_expr(
            source_import::Column::Stored,
            sea_orm::sea_query::Expr::value(stored as i64),
        )
        .filter(source_import::Column::Id.eq(&import_id))
        .exec(&txn)
        .await?;
    let event = AuditEvent::SourcesImport {
        source: parsed.source.id().to_owned(),
        rows: parsed.rows as u64,
        stored,
        file: file_name.to_owned(),
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(ImportReport {
        import_id,
        stored,
        unchanged,
        already: None,
    })
}

/// Every import, newest first.
pub async fn imports(db: &impl ConnectionTrait) -> Result<Vec<source_import::Model>, DbErr> {
    source_import::Entity::find()
        .order_by_desc(source_import::Column::ImportedAt)
        .all(db)
        .await
}

/// Every measure, by id.
pub async fn measures(db: &impl ConnectionTrait) -> Result<Vec<source_measure::Model>, DbErr> {
    source_measure::Entity::find()
        .order_by_asc(source_measure::Column::Id)
        .all(db)
        .await
}

/// The values of the measures whose id starts with `prefix` (`kolada/N07540`, `felanmalan/`),
/// by measure, area and period.
pub async fn values(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Vec<source_value::Model>, DbErr> {
    source_value::Entity::find()
        .filter(source_value::Column::Measure.starts_with(prefix))
        .order_by_asc(source_value::Column::Measure)
        .order_by_asc(source_value::Column::Area)
        .order_by_asc(source_value::Column::Period)
        .all(db)
        .await
}
