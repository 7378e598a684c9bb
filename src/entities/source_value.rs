//! One value of a lägesbild series: a measure in an area (the municipality's code, the country
//! `0000`, a district) for a period (`2024` or `2024-07`), from the import that stored it last.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "source_values")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub measure: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub area: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    pub value: f64,
    pub import_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
