//! An imported lägesbild file or fetched API answer, with its provenance.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "source_imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `kolada`, `scb`, `felanmalan` or `series` (`sources::Source`).
    pub source: String,
    pub file_name: String,
    /// Hex SHA-256 of the file's bytes: the same file is imported once.
    pub sha256: String,
    pub imported_at: i64,
    pub imported_by: String,
    /// The line shown beside the figures ("Källa: Kolada (RKA), CC BY 4.0").
    pub licence: String,
    /// Rows the file held, and values stored or changed by it.
    pub rows: i64,
    pub stored: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
