//! The computation of a wave's indicators (see `evaluate`): whether it is stale, why the last one
//! failed, and the lease of the node computing it. What it publishes is in `publication`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub wave_id: String,
    /// Why the last computation failed, if it did.
    pub error: Option<String>,
    pub computed_at: Option<i64>,
    /// Stored responses the last computation read.
    pub responses: i64,
    /// Answers or population figures changed after the result was computed.
    pub stale: bool,
    /// Who is recomputing it, and until when the lease holds.
    pub claim: Option<String>,
    pub claimed_until: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
