//! Reading a wave's responses (for export and, later, estimation).

use std::collections::HashMap;

use futures_util::{Stream, StreamExt};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, StreamTrait,
};
use serde_json::{Map, Value};

use crate::collect::export::ExportRow;
use crate::entities::response;

/// Every response of a wave, ordered by its random id (so never in the order of arrival), with
/// the classes of its school when the wave has them.
pub async fn export_rows(
    db: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<Vec<ExportRow>, DbErr> {
    let classes = school_classes(db, wave_id).await?;
    let rows = by_random_id(wave_id).all(db).await?;
    Ok(rows.into_iter().map(|r| export_row(r, &classes)).collect())
}

/// [`export_rows`] one at a time, as the database hands them over: an export of a million
/// responses never holds them all.
pub async fn stream_export_rows<'a, C>(
    db: &'a C,
    wave_id: &str,
) -> Result<impl Stream<Item = Result<ExportRow, DbErr>> + 'a, DbErr>
where
    C: ConnectionTrait + StreamTrait,
{
    let classes = school_classes(db, wave_id).await?;
    let rows = by_random_id(wave_id).stream(db).await?;
    Ok(rows.map(move |r| r.map(|r| export_row(r, &classes))))
}

async fn school_classes(
    db: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<HashMap<String, i32>, DbErr> {
    Ok(super::population::school_classes(db, wave_id)
        .await?
        .into_iter()
        .collect())
}

fn by_random_id(wave_id: &str) -> sea_orm::Select<response::Entity> {
    response::Entity::find()
        .filter(response::Column::WaveId.eq(wave_id))
        .order_by_asc(response::Column::Id)
}

fn export_row(r: response::Model, classes: &HashMap<String, i32>) -> ExportRow {
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
}
