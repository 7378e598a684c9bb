//! The follow-up note of an intervention for one year.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_follow_ups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub intervention_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub note: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
