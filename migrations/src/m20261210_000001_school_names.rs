//! School names (issue 18): the classes-per-school list of a class wave may name each school
//! (`school,classes,name`), so that a coordinator's page says "Ekdalsskolan" rather than the
//! school's id. Nullable: lists uploaded before, or without the column, have no names.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SchoolClasses {
    Table,
    Name,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SchoolClasses::Table)
                    .add_column(ColumnDef::new(SchoolClasses::Name).string_len(200).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SchoolClasses::Table)
                    .drop_column(SchoolClasses::Name)
                    .to_owned(),
            )
            .await
    }
}
