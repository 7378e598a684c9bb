//! Collecting responses: waves, anonymous responses, idempotency keys, invitations with their
//! tokens, class sessions with pupil codes, drafts between form pages, and population figures.
//!
//! What is *not* here is as deliberate as what is: responses have no time finer than a date and
//! no column that could point at an invitation, token or pupil code; tokens and codes are stored
//! only as SHA-256 hashes; "has answered" is a flag without a time.
//!
//! Storing a response never *updates* a row that stays readable: on PostgreSQL every row a
//! transaction writes carries its id (`xmin`), so an updated invitation or code row would name
//! the response. A used code or token is deleted instead (deleted rows cannot be read), and the
//! "answered" flag is set for a whole wave at once when it closes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Waves {
    Table,
    Id,
    Slug,
    SurveyId,
    SurveyVersion,
    Access,
    OpensAt,
    ClosesAt,
    ClosedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    Id,
    WaveId,
    SubmittedOn,
    Language,
    Answers,
    SchoolId,
    ClassId,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    WaveId,
    SubmissionId,
    BodyHash,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    WaveId,
    Email,
    Answered,
    Delivered,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    Reminders,
}

#[derive(DeriveIden)]
enum InvitationTokens {
    Table,
    TokenHash,
    InvitationId,
}

#[derive(DeriveIden)]
enum ClassSessions {
    Table,
    Id,
    WaveId,
    SchoolId,
    ClassLabel,
    Grade,
    Pupils,
    OpenedAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum PupilCodes {
    Table,
    CodeHash,
    ClassSessionId,
}

#[derive(DeriveIden)]
enum Drafts {
    Table,
    Id,
    WaveId,
    AccessHash,
    SubmissionId,
    Language,
    Answers,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum PopulationTotals {
    Table,
    WaveId,
    Cell,
    Total,
}

#[derive(DeriveIden)]
enum SchoolClasses {
    Table,
    WaveId,
    SchoolId,
    Classes,
}

fn text_key(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn wave_fk(name: &str, table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Waves::Table, Waves::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Waves::Table)
                    .col(text_key(Waves::Id, 36).primary_key())
                    .col(text_key(Waves::Slug, 60).unique_key())
                    .col(text_key(Waves::SurveyId, 100))
                    .col(
                        ColumnDef::new(Waves::SurveyVersion)
                            .big_integer()
                            .not_null(),
                    )
                    .col(text_key(Waves::Access, 10))
                    .col(ColumnDef::new(Waves::OpensAt).big_integer().null())
                    .col(ColumnDef::new(Waves::ClosesAt).big_integer().null())
                    .col(ColumnDef::new(Waves::ClosedAt).big_integer().null())
                    .col(ColumnDef::new(Waves::CreatedAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Responses::Table)
                    .col(text_key(Responses::Id, 36).primary_key())
                    .col(text_key(Responses::WaveId, 36))
                    .col(text_key(Responses::SubmittedOn, 10))
                    .col(text_key(Responses::Language, 2))
                    .col(ColumnDef::new(Responses::Answers).text().not_null())
                    .col(ColumnDef::new(Responses::SchoolId).string_len(100).null())
                    .col(ColumnDef::new(Responses::ClassId).string_len(36).null())
                    .foreign_key(&mut wave_fk(
                        "fk_responses_wave",
                        Responses::Table,
                        Responses::WaveId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_responses_wave")
                    .table(Responses::Table)
                    .col(Responses::WaveId)
                    .col(Responses::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Submissions::Table)
                    .col(text_key(Submissions::WaveId, 36))
                    .col(text_key(Submissions::SubmissionId, 36))
                    .col(text_key(Submissions::BodyHash, 64))
                    .primary_key(
                        Index::create()
                            .col(Submissions::WaveId)
                            .col(Submissions::SubmissionId),
                    )
                    .foreign_key(&mut wave_fk(
                        "fk_submissions_wave",
                        Submissions::Table,
                        Submissions::WaveId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(text_key(Invitations::Id, 36).primary_key())
                    .col(text_key(Invitations::WaveId, 36))
                    .col(ColumnDef::new(Invitations::Email).string_len(320).null())
                    .col(
                        ColumnDef::new(Invitations::Answered)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Invitations::Delivered)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(text_key(Invitations::Status, 10))
                    .col(
                        ColumnDef::new(Invitations::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Invitations::NextAttemptAt)
                            .big_integer()
                            .null(),
                    )
                    .col(ColumnDef::new(Invitations::LastError).text().null())
                    .col(
                        ColumnDef::new(Invitations::Reminders)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .foreign_key(&mut wave_fk(
                        "fk_invitations_wave",
                        Invitations::Table,
                        Invitations::WaveId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_invitations_wave_status")
                    .table(Invitations::Table)
                    .col(Invitations::WaveId)
                    .col(Invitations::Status)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InvitationTokens::Table)
                    .col(text_key(InvitationTokens::TokenHash, 64).primary_key())
                    .col(text_key(InvitationTokens::InvitationId, 36))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invitation_tokens_invitation")
                            .from(InvitationTokens::Table, InvitationTokens::InvitationId)
                            .to(Invitations::Table, Invitations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ClassSessions::Table)
                    .col(text_key(ClassSessions::Id, 36).primary_key())
                    .col(text_key(ClassSessions::WaveId, 36))
                    .col(text_key(ClassSessions::SchoolId, 100))
                    .col(text_key(ClassSessions::ClassLabel, 60))
                    .col(ColumnDef::new(ClassSessions::Grade).integer().not_null())
                    .col(ColumnDef::new(ClassSessions::Pupils).integer().not_null())
                    .col(
                        ColumnDef::new(ClassSessions::OpenedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ClassSessions::EndedAt).big_integer().null())
                    .foreign_key(&mut wave_fk(
                        "fk_class_sessions_wave",
                        ClassSessions::Table,
                        ClassSessions::WaveId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PupilCodes::Table)
                    .col(text_key(PupilCodes::CodeHash, 64).primary_key())
                    .col(text_key(PupilCodes::ClassSessionId, 36))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_pupil_codes_session")
                            .from(PupilCodes::Table, PupilCodes::ClassSessionId)
                            .to(ClassSessions::Table, ClassSessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Drafts::Table)
                    .col(text_key(Drafts::Id, 64).primary_key())
                    .col(text_key(Drafts::WaveId, 36))
                    .col(ColumnDef::new(Drafts::AccessHash).string_len(64).null())
                    .col(text_key(Drafts::SubmissionId, 36))
                    .col(text_key(Drafts::Language, 2))
                    .col(ColumnDef::new(Drafts::Answers).text().not_null())
                    .col(ColumnDef::new(Drafts::ExpiresAt).big_integer().not_null())
                    .foreign_key(&mut wave_fk(
                        "fk_drafts_wave",
                        Drafts::Table,
                        Drafts::WaveId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_drafts_expires_at")
                    .table(Drafts::Table)
                    .col(Drafts::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PopulationTotals::Table)
                    .col(text_key(PopulationTotals::WaveId, 36))
                    .col(text_key(PopulationTotals::Cell, 500))
                    .col(
                        ColumnDef::new(PopulationTotals::Total)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(PopulationTotals::WaveId)
                            .col(PopulationTotals::Cell),
                    )
                    .foreign_key(&mut wave_fk(
                        "fk_population_totals_wave",
                        PopulationTotals::Table,
                        PopulationTotals::WaveId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SchoolClasses::Table)
                    .col(text_key(SchoolClasses::WaveId, 36))
                    .col(text_key(SchoolClasses::SchoolId, 100))
                    .col(ColumnDef::new(SchoolClasses::Classes).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(SchoolClasses::WaveId)
                            .col(SchoolClasses::SchoolId),
                    )
                    .foreign_key(&mut wave_fk(
                        "fk_school_classes_wave",
                        SchoolClasses::Table,
                        SchoolClasses::WaveId,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SchoolClasses::Table.into_iden(),
            PopulationTotals::Table.into_iden(),
            Drafts::Table.into_iden(),
            PupilCodes::Table.into_iden(),
            ClassSessions::Table.into_iden(),
            InvitationTokens::Table.into_iden(),
            Invitations::Table.into_iden(),
            Submissions::Table.into_iden(),
            Responses::Table.into_iden(),
            Waves::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
