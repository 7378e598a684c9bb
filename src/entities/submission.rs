//! An idempotency key: a submission id seen in a wave and the hash of its body. Nothing links it to the response it created.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub wave_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub submission_id: String,
    pub body_hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
