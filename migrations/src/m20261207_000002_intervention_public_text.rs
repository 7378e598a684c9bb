//! A text for residents on an intervention of the action plan (issue 19): what the public page
//! `/trygghet` says about it, in words written for the public. Empty: the intervention is not
//! shown there (every intervention before this step).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlanInterventions {
    Table,
    PublicText,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PlanInterventions::Table)
                    .add_column(
                        ColumnDef::new(PlanInterventions::PublicText)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PlanInterventions::Table)
                    .drop_column(PlanInterventions::PublicText)
                    .to_owned(),
            )
            .await
    }
}
