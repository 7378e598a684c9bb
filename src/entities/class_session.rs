//! A class answering together with one-time pupil codes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "class_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub wave_id: String,
    pub school_id: String,
    pub class_label: String,
    pub grade: i32,
    pub pupils: i32,
    pub opened_at: i64,
    pub ended_at: Option<i64>,
    /// Codes nobody had started with when the session ended (they were deleted then).
    pub stopped_codes: Option<i32>,
    /// The codes of the last print, sealed under a key from the coordinator's sign-in token
    /// (`collect::seal`), until the session ends; then `None`.
    pub sealed_codes: Option<String>,
    /// The hash of the one-time field of the form that opened the session.
    pub opened_with: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
