//! Comparison values per indicator and year (see `entities::comparison_value`). Adding a value
//! for a line and year that already has one replaces it; both are audit-logged.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::comparison_value::{self, Column, Entity, Model};
use crate::store::audit::{AuditEvent, ComparisonValue, Replaced};

/// A value to store; `value` on the indicator's scale (a proportion as a fraction).
#[derive(Debug, Clone, PartialEq)]
pub struct NewComparison {
    pub survey_id: String,
    pub indicator_id: String,
    pub label: String,
    /// The group the value is for (`grade=y9`), empty for everyone.
    pub domain: String,
    pub period: i32,
    pub value: f64,
    pub source: String,
}

/// The values of one indicator, by line and year.
pub async fn for_indicator(
    db: &impl ConnectionTrait,
    survey_id: &str,
    indicator_id: &str,
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::SurveyId.eq(survey_id))
        .filter(Column::IndicatorId.eq(indicator_id))
        .order_by_asc(Column::Label)
        .order_by_asc(Column::Period)
        .all(db)
        .await
}

/// The values of every indicator of a survey, by indicator, line and year.
pub async fn for_survey(db: &impl ConnectionTrait, survey_id: &str) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::SurveyId.eq(survey_id))
        .order_by_asc(Column::IndicatorId)
        .order_by_asc(Column::Label)
        .order_by_asc(Column::Domain)
        .order_by_asc(Column::Period)
        .all(db)
        .await
}

/// Stores a value, replacing the line's value for that year if there is one.
pub async fn put(
    db: &sea_orm::DatabaseConnection,
    new: &NewComparison,
    actor: &str,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let earlier = Entity::find()
        .filter(Column::SurveyId.eq(&new.survey_id))
        .filter(Column::IndicatorId.eq(&new.indicator_id))
        .filter(Column::Label.eq(&new.label))
        .filter(Column::Domain.eq(&new.domain))
        .filter(Column::Period.eq(new.period))
        .one(&txn)
        .await?;
    if let Some(old) = &earlier {
        Entity::delete_by_id(old.id.clone()).exec(&txn).await?;
    }
    Entity::insert(comparison_value::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        survey_id: Set(new.survey_id.clone()),
        indicator_id: Set(new.indicator_id.clone()),
        label: Set(new.label.clone()),
        domain: Set(new.domain.clone()),
        period: Set(new.period),
        value: Set(new.value),
        source: Set(new.source.clone()),
        created_by: Set(actor.to_owned()),
        created_at: Set(crate::util::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    let event = AuditEvent::ComparisonPut {
        comparison: ComparisonValue {
            survey: new.survey_id.clone(),
            indicator: new.indicator_id.clone(),
            label: new.label.clone(),
            domain: new.domain.clone(),
            period: new.period,
            value: new.value,
            source: new.source.clone(),
        },
        was: earlier.map(|o| Replaced {
            value: o.value,
            source: o.source,
        }),
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await
}

/// Deletes a value of the indicator; false when there is none with that id.
pub async fn delete(
    db: &sea_orm::DatabaseConnection,
    survey_id: &str,
    indicator_id: &str,
    id: &str,
    actor: &str,
) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(old) = Entity::find_by_id(id.to_owned())
        .filter(Column::SurveyId.eq(survey_id))
        .filter(Column::IndicatorId.eq(indicator_id))
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    Entity::delete_by_id(old.id.clone()).exec(&txn).await?;
    let event = AuditEvent::ComparisonDelete {
        comparison: ComparisonValue {
            survey: survey_id.to_owned(),
            indicator: indicator_id.to_owned(),
            label: old.label,
            domain: old.domain,
            period: old.period,
            value: old.value,
            source: old.source,
        },
    };
    crate::store::audit::record(&txn, actor, &event).await?;
    txn.commit().await?;
    Ok(true)
}
