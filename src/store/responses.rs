//! Reading a wave's responses (for export and, later, estimation).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value};

use crate::collect::export::ExportRow;
use crate::entities::response;

/// Every response of a wave, ordered by its random id (so never in the order of arrival), with
/// the classes of its school when the wave has them.
pub async fn export_rows(
    db: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<Vec<ExportRow>, DbErr> {
    let classes: HashMap<String, i32> = super::population::school_classes(db, wave_id)
        .await?
        .into_iter()
        .collect();
    let rows = response::Entity::find()
        .filter(response::Column::WaveId.eq(wave_id))
        .order_by_asc(response::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let answers = match serde_json::from_str(&r.answers) {
                Ok(Value::Object(map)) => map,
                _ => {
                    tracing::error!(response = %r.id, "stored answers are not a JSON object");
                    Map::new()
                }
            };
            ExportRow {
                school_classes: r.school_id.as_ref().and_then(|s| classes.get(s).copied()),
                id: r.id,
                language: r.language,
                answers,
                school: r.school_id,
                class: r.class_id,
            }
        })
        .collect())
}
