//! An output measure (prestationsmått) of an intervention: what is counted, in which unit.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_outputs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub intervention_id: i64,
    pub name: String,
    pub unit: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
