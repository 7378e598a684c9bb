//! One anonymous response. No link to an invitation, token or code; the date, never the time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responses")]
pub struct Model {
    /// Random (UUID v4), so ids say nothing about the order of arrival; an export lists a wave's
    /// responses by them. The table's key in the database: (wave, id) on PostgreSQL, none on
    /// SQLite, where storing a response touches no page at a random place (migration
    /// `m20261214_000001_response_key`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub wave_id: String,
    /// `YYYY-MM-DD` (UTC).
    pub submitted_on: String,
    pub language: String,
    /// The validated answers as the JSON object of the HTTP contract.
    pub answers: String,
    /// Design variables of class waves: school (stratum) and class session (cluster).
    pub school_id: Option<String>,
    pub class_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
