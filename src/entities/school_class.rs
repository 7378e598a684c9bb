//! The number of classes of a school in a wave: the population count of clusters (fpc).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "school_classes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub wave_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub school_id: String,
    pub classes: i32,
    /// The school's name as people know it ("Ekdalsskolan"), when the list gave one.
    pub name: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
