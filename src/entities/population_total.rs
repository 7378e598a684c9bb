//! A population total of a wave for one cell of background variables (for calibration).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "population_totals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub wave_id: String,
    /// Canonical JSON object variable → code, e.g. `{"age_band":"16-29","gender":"f"}`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub cell: String,
    pub total: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
