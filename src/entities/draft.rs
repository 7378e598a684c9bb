//! Answers kept between form pages under a random id (stored hashed); deleted on submit or expiry.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "drafts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub wave_id: String,
    /// Hash of the access code (invitation token or pupil code) the draft was started with.
    pub access_hash: Option<String>,
    /// Makes the final submit idempotent: a double click stores one response.
    pub submission_id: String,
    pub language: String,
    /// JSON object question id → answer, as in the HTTP contract.
    pub answers: String,
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
