//! An annual evaluation report's status: draft, or final with its numbers frozen.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    /// `draft` or `final`.
    pub status: String,
    pub finalized_at: Option<i64>,
    pub finalized_by: Option<String>,
    /// What the report showed when it was marked final (`evaluate::report::Frozen` as JSON);
    /// `None` for a draft, which is assembled afresh on every view.
    pub snapshot: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
