//! Answers kept between form pages under a random id (stored hashed), sealed under the
//! respondent's own secrets; deleted on submit or expiry.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "drafts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub wave_id: String,
    /// For a draft started with a personal link: a hash of the link's token, in a domain of its
    /// own so that it matches no stored token hash, to find the draft again from the link.
    pub access_hash: Option<String>,
    /// Makes the final submit idempotent: a double click stores one response.
    pub submission_id: String,
    pub language: String,
    /// Sealed (`collect::seal`) JSON: the answers (question id → answer, as in the HTTP
    /// contract) and the hash of the access code to consume on submit.
    pub answers: String,
    /// The draft's key sealed under a key derived from the browser's draft token.
    pub key_by_token: String,
    /// The draft's key sealed under a key derived from the personal link's token.
    pub key_by_access: Option<String>,
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
