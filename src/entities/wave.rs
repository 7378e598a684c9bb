//! A wave: one round of a survey, with its period and how respondents get in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "waves")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub slug: String,
    pub survey_id: String,
    pub survey_version: i64,
    /// `open`, `invite` or `class`.
    pub access: String,
    /// Unix seconds; answers are accepted from then (none: from creation).
    pub opens_at: Option<i64>,
    /// Unix seconds; answers are accepted until then (none: until closed).
    pub closes_at: Option<i64>,
    /// Set when the wave is closed by hand.
    pub closed_at: Option<i64>,
    pub created_at: i64,
    /// The year the wave belongs to (series are ordered by it).
    pub period: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
