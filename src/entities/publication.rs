//! A wave's published figures: a snapshot made when the wave closed or changed after it closed,
//! dated to the day, with the true counts of its cells (never shown) for the differencing check
//! of the next one (see `evaluate::publication`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub wave_id: String,
    /// 1 for the first publication of the wave, then 2, …
    pub number: i32,
    /// The Swedish local date, `YYYY-MM-DD`: no finer time is kept.
    pub published_on: String,
    /// What is published, as JSON (`evaluate::Computed`).
    pub result: String,
    /// The true counts of every cell, remainders included, as JSON (`evaluate::Counts`).
    pub counts: String,
    pub responses: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
