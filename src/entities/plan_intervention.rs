//! An intervention (insats) of the action plan. `priority_area`, `responsible` and `status` hold
//! the ids of `plan::PriorityArea`, `plan::Responsible` and `plan::Status`; `version` grows by one
//! with every change, so that an edit made from an outdated form is refused.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_interventions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub priority_area: String,
    pub title: String,
    pub problem: String,
    pub mechanism: String,
    pub responsible: String,
    pub responsible_other: String,
    pub planned_by: String,
    pub carried_out_by: String,
    pub followed_up_by: String,
    pub partners: String,
    pub start_year: i32,
    pub end_year: i32,
    pub status: String,
    pub status_reason: String,
    pub citizen_promise: bool,
    /// What the public page says about it, for residents; empty: not shown there.
    pub public_text: String,
    /// The id of the agreement's citizen promise it carries out; empty: none.
    pub promise_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
