//! A wave's population figures: totals per cell and classes per school.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::collect::population::{PopulationCell, SchoolRow};
use crate::collect::scb_population::ScbFigure;
use crate::entities::{population_total, school_class, source_measure, source_value};
use crate::store::audit::AuditEvent;

/// Replaces the wave's totals with these (all or nothing).
pub async fn replace_totals(
    db: &DatabaseConnection,
    wave_id: &str,
    cells: &[PopulationCell],
    actor: &str,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    population_total::Entity::delete_many()
        .filter(population_total::Column::WaveId.eq(wave_id))
        .exec(&txn)
        .await?;
    for chunk in cells.chunks(500) {
        population_total::Entity::insert_many(chunk.iter().map(|c| {
            population_total::ActiveModel {
                wave_id: Set(wave_id.to_owned()),
                cell: Set(c.key()),
                total: Set(c.total),
            }
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    crate::store::indicators::mark_stale(&txn, wave_id).await?;
    let event = AuditEvent::WavePopulation {
        cells: cells.len() as u64,
    };
    crate::store::audit::record_for_wave(&txn, actor, wave_id, &event).await?;
    txn.commit().await
}

/// Replaces the wave's classes per school.
pub async fn replace_school_classes(
    db: &DatabaseConnection,
    wave_id: &str,
    schools: &[(String, i32)],
    actor: &str,
) -> Result<(), DbErr> {
    let rows: Vec<SchoolRow> = schools
        .iter()
        .map(|(school, classes)| SchoolRow {
            school: school.clone(),
            classes: *classes,
            name: None,
        })
        .collect();
    replace_schools(db, wave_id, &rows, actor).await
}

/// Replaces the wave's list of schools: classes per school, and their names.
pub async fn replace_schools(
    db: &DatabaseConnection,
    wave_id: &str,
    schools: &[SchoolRow],
    actor: &str,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    school_class::Entity::delete_many()
        .filter(school_class::Column::WaveId.eq(wave_id))
        .exec(&txn)
        .await?;
    for chunk in schools.chunks(500) {
        school_class::Entity::insert_many(chunk.iter().map(|row| school_class::ActiveModel {
            wave_id: Set(wave_id.to_owned()),
            school_id: Set(row.school.clone()),
            classes: Set(row.classes),
            name: Set(row.name.clone()),
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    crate::store::indicators::mark_stale(&txn, wave_id).await?;
    let event = AuditEvent::WaveSchoolClasses {
        schools: schools.len() as u64,
    };
    crate::store::audit::record_for_wave(&txn, actor, wave_id, &event).await?;
    txn.commit().await
}

/// The name of a school, from the latest wave (by period, then creation) whose list of schools
/// names it; `None` when no list does.
pub async fn school_name(
    db: &impl ConnectionTrait,
    school_id: &str,
) -> Result<Option<String>, DbErr> {
    let named = school_class::Entity::find()
        .filter(school_class::Column::SchoolId.eq(school_id))
        .filter(school_class::Column::Name.is_not_null())
        .all(db)
        .await?;
    if named.is_empty() {
        return Ok(None);
    }
    let waves = crate::entities::wave::Entity::find()
        .filter(crate::entities::wave::Column::Id.is_in(named.iter().map(|r| r.wave_id.clone())))
        .all(db)
        .await?;
    let order = |wave_id: &str| {
        waves
            .iter()
            .find(|w| w.id == wave_id)
            .map(|w| (w.period.unwrap_or(i32::MIN), w.created_at))
    };
    Ok(named
        .into_iter()
        .max_by_key(|r| order(&r.wave_id))
        .and_then(|r| r.name))
}

/// (cells, sum of totals) uploaded for a wave. The sum is taken in i128: each total is an i64
/// (and rows stored before totals were bounded may be as large as i64 allows), so no number of
/// cells can make it wrap.
pub async fn totals_summary(
    db: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<(u64, i128), DbErr> {
    let rows = population_total::Entity::find()
        .filter(population_total::Column::WaveId.eq(wave_id))
        .all(db)
        .await?;
    Ok((rows.len() as u64, sum_totals(rows.iter().map(|r| r.total))))
}

/// The sum of population totals, without overflow.
pub fn sum_totals(totals: impl IntoIterator<Item = i64>) -> i128 {
    totals.into_iter().map(i128::from).sum()
}

/// The wave's population totals, one per cell.
pub async fn totals(
    db: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<Vec<PopulationCell>, DbErr> {
    let rows = population_total::Entity::find()
        .filter(population_total::Column::WaveId.eq(wave_id))
        .order_by_asc(population_total::Column::Cell)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| match serde_json::from_str(&r.cell) {
            Ok(cell) => Some(PopulationCell {
                cell,
                total: r.total,
            }),
            Err(e) => {
                tracing::error!(wave = wave_id, cell = %r.cell, error = %e, "a stored population cell cannot be read");
                None
            }
        })
        .collect())
}

/// The lägesbild's SCB values of one area (`scb/…` measures, every period), with their
/// measures' titles: what [`crate::collect::scb_population`] builds population totals from.
pub async fn scb_figures(db: &impl ConnectionTrait, area: &str) -> Result<Vec<ScbFigure>, DbErr> {
    let values = source_value::Entity::find()
        .filter(source_value::Column::Measure.starts_with("scb/"))
        .filter(source_value::Column::Area.eq(area))
        .order_by_asc(source_value::Column::Measure)
        .order_by_asc(source_value::Column::Period)
        .all(db)
        .await?;
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let titles: std::collections::HashMap<String, String> = source_measure::Entity::find()
        .filter(source_measure::Column::Id.starts_with("scb/"))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.title))
        .collect();
    Ok(values
        .into_iter()
        .map(|v| ScbFigure {
            title: titles.get(&v.measure).cloned().unwrap_or_default(),
            measure: v.measure,
            period: v.period,
            value: v.value,
        })
        .collect())
}

/// Classes per school of a wave, by school id.
pub async fn school_classes(
    db: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<Vec<(String, i32)>, DbErr> {
    Ok(school_class::Entity::find()
        .filter(school_class::Column::WaveId.eq(wave_id))
        .order_by_asc(school_class::Column::SchoolId)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.school_id, r.classes))
        .collect())
}

pub async fn school_count(db: &impl ConnectionTrait, wave_id: &str) -> Result<u64, DbErr> {
    school_class::Entity::find()
        .filter(school_class::Column::WaveId.eq(wave_id))
        .count(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_totals_are_summed_without_wrapping() {
        assert_eq!(
            sum_totals([i64::MAX, i64::MAX, 1]),
            2 * i128::from(i64::MAX) + 1
        );
    }
}
