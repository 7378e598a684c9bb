//! An outcome indicator an intervention is followed up with: a survey's indicator, the wave its
//! baseline is taken from, and a target (a proportion between 0 and 1, or a mean).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub intervention_id: i64,
    pub survey_id: String,
    pub indicator_id: String,
    pub baseline_wave_id: String,
    pub target: Option<f64>,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
