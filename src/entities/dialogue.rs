//! A dialogue of the lägesbild (medarbetardialog, medborgardialog, trygghetsvandring): when and
//! where, who took part as counts (never names) and what came up.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dialogues")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// `lagesbild::DialogueKind` id.
    pub kind: String,
    /// A district of the resident survey; empty: the whole municipality.
    pub district: String,
    /// An agreement area id; empty: none in particular.
    pub priority_area: String,
    pub residents: i64,
    pub staff: i64,
    pub police: i64,
    pub others: i64,
    #[sea_orm(column_type = "Text")]
    pub raised: String,
    pub created_by: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
