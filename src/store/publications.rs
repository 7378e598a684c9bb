//! Publications of a wave's figures (see `evaluate::publication`): the latest one, which every
//! reader shows, the true counts of all of them, which the next one is checked against, and
//! adding one.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::publication::{self, Column, Entity};

/// The wave's latest publication, if it has one.
pub async fn latest(
    db: &impl ConnectionTrait,
    wave_id: &str,
) -> Result<Option<publication::Model>, DbErr> {
    Entity::find()
        .filter(Column::WaveId.eq(wave_id))
        .order_by_desc(Column::Number)
        .one(db)
        .await
}

/// The true counts of every publication of the wave (JSON), oldest first.
pub async fn counts(db: &impl ConnectionTrait, wave_id: &str) -> Result<Vec<String>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::Counts)
        .filter(Column::WaveId.eq(wave_id))
        .order_by_asc(Column::Number)
        .into_tuple::<String>()
        .all(db)
        .await
}

/// What a new publication holds.
pub struct NewPublication<'a> {
    pub wave_id: &'a str,
    pub published_on: &'a str,
    pub result: &'a str,
    pub counts: &'a str,
    pub responses: i64,
}

/// Adds a publication after the wave's latest; returns its number.
pub async fn add(db: &impl ConnectionTrait, new: NewPublication<'_>) -> Result<i32, DbErr> {
    let number = latest(db, new.wave_id).await?.map_or(1, |p| p.number + 1);
    Entity::insert(publication::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        wave_id: Set(new.wave_id.to_owned()),
        number: Set(number),
        published_on: Set(new.published_on.to_owned()),
        result: Set(new.result.to_owned()),
        counts: Set(new.counts.to_owned()),
        responses: Set(new.responses),
    })
    .exec_without_returning(db)
    .await?;
    Ok(number)
}
