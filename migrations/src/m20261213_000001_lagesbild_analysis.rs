//! The lägesbild's own records (issue 20): dialogues (medarbetardialoger, medborgardialoger,
//! trygghetsvandringar) with who took part as counts and what came up, and the problem picture:
//! prioritised problems, their causes (risk and protective factors, placed in the
//! problem-analysis triangle) and the interventions of the action plan each cause is met by.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Dialogues {
    Table,
    Id,
    HeldOn,
    Kind,
    District,
    PriorityArea,
    Residents,
    Staff,
    Police,
    Others,
    Raised,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Problems {
    Table,
    Id,
    Rank,
    Title,
    Description,
    PriorityArea,
    Districts,
    Evidence,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProblemCauses {
    Table,
    Id,
    ProblemId,
    Kind,
    Aspect,
    Description,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanInterventions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CauseInterventions {
    Table,
    CauseId,
    InterventionId,
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).string().not_null().to_owned()
}

fn count(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Dialogues::Table)
                    .col(text(Dialogues::Id).primary_key())
                    .col(text(Dialogues::HeldOn))
                    .col(text(Dialogues::Kind))
                    .col(text(Dialogues::District))
                    .col(text(Dialogues::PriorityArea))
                    .col(count(Dialogues::Residents))
                    .col(count(Dialogues::Staff))
                    .col(count(Dialogues::Police))
                    .col(count(Dialogues::Others))
                    .col(ColumnDef::new(Dialogues::Raised).text().not_null())
                    .col(text(Dialogues::CreatedBy))
                    .col(count(Dialogues::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Problems::Table)
                    .col(
                        ColumnDef::new(Problems::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Problems::Rank).integer().not_null())
                    .col(text(Problems::Title))
                    .col(ColumnDef::new(Problems::Description).text().not_null())
                    .col(text(Problems::PriorityArea))
                    .col(ColumnDef::new(Problems::Districts).text().not_null())
                    .col(ColumnDef::new(Problems::Evidence).text().not_null())
                    .col(text(Problems::UpdatedBy))
                    .col(count(Problems::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProblemCauses::Table)
                    .col(
                        ColumnDef::new(ProblemCauses::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(count(ProblemCauses::ProblemId))
                    .col(text(ProblemCauses::Kind))
                    .col(text(ProblemCauses::Aspect))
                    .col(ColumnDef::new(ProblemCauses::Description).text().not_null())
                    .col(text(ProblemCauses::UpdatedBy))
                    .col(count(ProblemCauses::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProblemCauses::Table, ProblemCauses::ProblemId)
                            .to(Problems::Table, Problems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CauseInterventions::Table)
                    .col(count(CauseInterventions::CauseId))
                    .col(count(CauseInterventions::InterventionId))
                    .primary_key(
                        Index::create()
                            .col(CauseInterventions::CauseId)
                            .col(CauseInterventions::InterventionId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CauseInterventions::Table, CauseInterventions::CauseId)
                            .to(ProblemCauses::Table, ProblemCauses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                CauseInterventions::Table,
                                CauseInterventions::InterventionId,
                            )
                            .to(PlanInterventions::Table, PlanInterventions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CauseInterventions::Table.into_iden(),
            ProblemCauses::Table.into_iden(),
            Problems::Table.into_iden(),
            Dialogues::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
