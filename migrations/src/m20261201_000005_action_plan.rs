//! The action plan (åtgärdsplan, issue 10 part 4): interventions per priority area, their output
//! measures with planned and actual values per year, the outcome indicators they are followed up
//! with (baseline wave and target), yearly follow-up notes, and which audit-log entries belong to
//! which intervention (with the changes as data, so the history can be shown in either language).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PlanInterventions {
    Table,
    Id,
    PriorityArea,
    Title,
    Problem,
    Mechanism,
    Responsible,
    ResponsibleOther,
    PlannedBy,
    CarriedOutBy,
    FollowedUpBy,
    Partners,
    StartYear,
    EndYear,
    Status,
    StatusReason,
    CitizenPromise,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum PlanOutputs {
    Table,
    Id,
    InterventionId,
    Name,
    Unit,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PlanOutputValues {
    Table,
    OutputId,
    Year,
    Planned,
    Actual,
}

#[derive(DeriveIden)]
enum PlanIndicators {
    Table,
    Id,
    InterventionId,
    SurveyId,
    IndicatorId,
    BaselineWaveId,
    Target,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PlanFollowUps {
    Table,
    InterventionId,
    Year,
    Note,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanHistory {
    Table,
    AuditId,
    InterventionId,
    Action,
    Changes,
}

#[derive(DeriveIden)]
enum Waves {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn long_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn whole(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().to_owned()
}

fn year(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().to_owned()
}

/// A reference that goes with its parent row.
fn owned_by(
    name: &str,
    table: impl IntoIden,
    col: impl IntoIden,
    parent: impl IntoIden,
    parent_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(parent, parent_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn intervention_fk(name: &str, table: impl IntoIden) -> ForeignKeyCreateStatement {
    owned_by(
        name,
        table,
        Alias::new("intervention_id"),
        PlanInterventions::Table,
        PlanInterventions::Id,
    )
}

async fn index_on_intervention(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .name(name)
                .table(table)
                .col(Alias::new("intervention_id"))
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PlanInterventions::Table)
                    .col(id(PlanInterventions::Id))
                    .col(text(PlanInterventions::PriorityArea, 40))
                    .col(text(PlanInterventions::Title, 200))
                    .col(long_text(PlanInterventions::Problem))
                    .col(long_text(PlanInterventions::Mechanism))
                    .col(text(PlanInterventions::Responsible, 20))
                    .col(text(PlanInterventions::ResponsibleOther, 200))
                    .col(text(PlanInterventions::PlannedBy, 200))
                    .col(text(PlanInterventions::CarriedOutBy, 200))
                    .col(text(PlanInterventions::FollowedUpBy, 200))
                    .col(long_text(PlanInterventions::Partners))
                    .col(year(PlanInterventions::StartYear))
                    .col(year(PlanInterventions::EndYear))
                    .col(text(PlanInterventions::Status, 20))
                    .col(long_text(PlanInterventions::StatusReason))
                    .col(
                        ColumnDef::new(PlanInterventions::CitizenPromise)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(whole(PlanInterventions::CreatedAt))
                    .col(whole(PlanInterventions::UpdatedAt))
                    .col(whole(PlanInterventions::Version).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanOutputs::Table)
                    .col(id(PlanOutputs::Id))
                    .col(whole(PlanOutputs::InterventionId))
                    .col(text(PlanOutputs::Name, 200))
                    .col(text(PlanOutputs::Unit, 60))
                    .col(whole(PlanOutputs::CreatedAt))
                    .foreign_key(&mut intervention_fk(
                        "fk_plan_outputs_intervention",
                        PlanOutputs::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on_intervention(manager, "ix_plan_outputs_intervention", PlanOutputs::Table).await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanOutputValues::Table)
                    .col(whole(PlanOutputValues::OutputId))
                    .col(year(PlanOutputValues::Year))
                    .col(ColumnDef::new(PlanOutputValues::Planned).double().null())
                    .col(ColumnDef::new(PlanOutputValues::Actual).double().null())
                    .primary_key(
                        Index::create()
                            .col(PlanOutputValues::OutputId)
                            .col(PlanOutputValues::Year),
                    )
                    .foreign_key(&mut owned_by(
                        "fk_plan_output_values_output",
                        PlanOutputValues::Table,
                        PlanOutputValues::OutputId,
                        PlanOutputs::Table,
                        PlanOutputs::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanIndicators::Table)
                    .col(id(PlanIndicators::Id))
                    .col(whole(PlanIndicators::InterventionId))
                    .col(text(PlanIndicators::SurveyId, 100))
                    .col(text(PlanIndicators::IndicatorId, 100))
                    .col(text(PlanIndicators::BaselineWaveId, 36))
                    .col(ColumnDef::new(PlanIndicators::Target).double().null())
                    .col(whole(PlanIndicators::CreatedAt))
                    .foreign_key(&mut intervention_fk(
                        "fk_plan_indicators_intervention",
                        PlanIndicators::Table,
                    ))
                    // A wave is never deleted while the plan measures against it.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_plan_indicators_baseline_wave")
                            .from(PlanIndicators::Table, PlanIndicators::BaselineWaveId)
                            .to(Waves::Table, Waves::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_plan_indicators_once")
                    .table(PlanIndicators::Table)
                    .col(PlanIndicators::InterventionId)
                    .col(PlanIndicators::SurveyId)
                    .col(PlanIndicators::IndicatorId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanFollowUps::Table)
                    .col(whole(PlanFollowUps::InterventionId))
                    .col(year(PlanFollowUps::Year))
                    .col(long_text(PlanFollowUps::Note))
                    .col(whole(PlanFollowUps::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(PlanFollowUps::InterventionId)
                            .col(PlanFollowUps::Year),
                    )
                    .foreign_key(&mut intervention_fk(
                        "fk_plan_follow_ups_intervention",
                        PlanFollowUps::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanHistory::Table)
                    .col(
                        ColumnDef::new(PlanHistory::AuditId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(whole(PlanHistory::InterventionId))
                    .col(text(PlanHistory::Action, 60))
                    .col(long_text(PlanHistory::Changes))
                    .foreign_key(&mut owned_by(
                        "fk_plan_history_audit",
                        PlanHistory::Table,
                        PlanHistory::AuditId,
                        AuditLog::Table,
                        AuditLog::Id,
                    ))
                    .foreign_key(&mut intervention_fk(
                        "fk_plan_history_intervention",
                        PlanHistory::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        index_on_intervention(manager, "ix_plan_history_intervention", PlanHistory::Table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PlanHistory::Table.into_iden(),
            PlanFollowUps::Table.into_iden(),
            PlanIndicators::Table.into_iden(),
            PlanOutputValues::Table.into_iden(),
            PlanOutputs::Table.into_iden(),
            PlanInterventions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
