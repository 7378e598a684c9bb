//! A person invited by e-mail to a wave. The address is deleted when the wave closes; "answered" is a flag without a time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub wave_id: String,
    pub email: Option<String>,
    /// Set for the whole wave when it closes (see `store::invitations::answered`): setting it at
    /// the moment of answering would share the response's transaction.
    pub answered: bool,
    /// At least one message reached the server.
    pub delivered: bool,
    /// `pending`, `sent` or `failed` (given up; see `last_error`).
    pub status: String,
    pub attempts: i32,
    /// When a failed send is tried again (Unix seconds).
    pub next_attempt_at: Option<i64>,
    /// The last sending error, never containing the address.
    pub last_error: Option<String>,
    pub reminders: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
