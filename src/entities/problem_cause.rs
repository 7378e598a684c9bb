//! A cause of a problem: a risk or protective factor, placed in the problem-analysis triangle.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "problem_causes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub problem_id: i64,
    /// `risk` or `protective` (`lagesbild::CauseKind`).
    pub kind: String,
    /// `place`, `time`, `offender`, `victim` or `other` (`lagesbild::Aspect`).
    pub aspect: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub updated_by: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
