//! An output measure's planned and actual value in one year (either may be missing).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_output_values")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub output_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub planned: Option<f64>,
    pub actual: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
