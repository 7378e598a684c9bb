//! A prioritised problem of the problem picture: where (area, districts), what it is, and the
//! figures that show it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problems")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 1 is the most pressing.
    pub rank: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// An agreement area id.
    pub priority_area: String,
    /// JSON list of district names (empty: the whole municipality).
    #[sea_orm(column_type = "Text")]
    pub districts: String,
    /// JSON list of the figures that show it: `survey/indicator` or a source measure id.
    #[sea_orm(column_type = "Text")]
    pub evidence: String,
    pub updated_by: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
