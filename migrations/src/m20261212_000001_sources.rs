//! Lägesbild sources (issue 20): each imported file (or fetched answer) with its provenance, the
//! measures, and their values as series (measure, area, period). A file's SHA-256 is unique, so
//! importing the same file again stores nothing; a value's key is unique, so a later file of the
//! same measure, area and period replaces it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SourceImports {
    Table,
    Id,
    Source,
    FileName,
    Sha256,
    ImportedAt,
    ImportedBy,
    Licence,
    Rows,
    Stored,
}

#[derive(DeriveIden)]
enum SourceMeasures {
    Table,
    Id,
    Source,
    Title,
    Unit,
}

#[derive(DeriveIden)]
enum SourceValues {
    Table,
    Measure,
    Area,
    Period,
    Value,
    ImportId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SourceImports::Table)
                    .col(
                        ColumnDef::new(SourceImports::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SourceImports::Source).string().not_null())
                    .col(ColumnDef::new(SourceImports::FileName).string().not_null())
                    .col(
                        ColumnDef::new(SourceImports::Sha256)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(SourceImports::ImportedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceImports::ImportedBy)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SourceImports::Licence).string().not_null())
                    .col(ColumnDef::new(SourceImports::Rows).big_integer().not_null())
                    .col(
                        ColumnDef::new(SourceImports::Stored)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SourceMeasures::Table)
                    .col(
                        ColumnDef::new(SourceMeasures::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SourceMeasures::Source).string().not_null())
                    .col(ColumnDef::new(SourceMeasures::Title).string().not_null())
                    .col(ColumnDef::new(SourceMeasures::Unit).string().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SourceValues::Table)
                    .col(ColumnDef::new(SourceValues::Measure).string().not_null())
                    .col(ColumnDef::new(SourceValues::Area).string().not_null())
                    .col(ColumnDef::new(SourceValues::Period).string().not_null())
                    .col(ColumnDef::new(SourceValues::Value).double().not_null())
                    .col(ColumnDef::new(SourceValues::ImportId).string().not_null())
                    .primary_key(
                        Index::create()
                            .col(SourceValues::Measure)
                            .col(SourceValues::Area)
                            .col(SourceValues::Period),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SourceValues::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SourceMeasures::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SourceImports::Table).to_owned())
            .await
    }
}
