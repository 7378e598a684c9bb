//! The follow-up of a citizen promise (medborgarlöfte) for one year: whether it was kept and
//! what was done. The promise itself lives in its agreement file.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "promise_follow_ups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub promise_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    /// `kept`, `partly`, `not_kept` or `ongoing` (`plan::PromiseState`).
    pub state: String,
    pub note: String,
    pub updated_by: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
