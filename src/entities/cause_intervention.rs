//! An intervention of the action plan that meets a cause.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cause_interventions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cause_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub intervention_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
