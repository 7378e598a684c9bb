//! A comparison value for an indicator and year (a national figure, the county's, …) with its
//! source, entered by an evaluator.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comparison_values")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub survey_id: String,
    pub indicator_id: String,
    /// The line it belongs to ("Riket", "Länet").
    pub label: String,
    /// The group the value is for, `question=code` (`grade=y9`); empty for everyone.
    pub domain: String,
    pub period: i32,
    /// On the indicator's scale: a proportion as a fraction, a mean as it is.
    pub value: f64,
    /// Where the figure comes from (publication, table, year).
    pub source: String,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
