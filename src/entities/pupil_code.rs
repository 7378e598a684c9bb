//! A hashed one-time pupil code of a class session; deleted when used, or when its session ends
//! before anyone started answering with it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pupil_codes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code_hash: String,
    pub class_session_id: String,
    /// A pupil has started answering with it (a draft exists): it cannot be taken over on
    /// another device, is not replaced by new codes, and outlives the end of its session for a
    /// while so the answers are not lost.
    pub started: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
