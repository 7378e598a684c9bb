//! A questionnaire version trygg has loaded, with the hash of its file.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub survey_id: String,
    pub version: i64,
    pub content_hash: String,
    /// Set once a wave of this version has responses: from then on the file may not change.
    pub locked: bool,
    pub first_seen: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
