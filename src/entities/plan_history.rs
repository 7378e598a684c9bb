//! Which audit-log entry changed which intervention, with the changes as JSON
//! (`plan::Change`s), so that the intervention's history is shown in the reader's language.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub audit_id: i64,
    pub intervention_id: i64,
    pub action: String,
    pub changes: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
