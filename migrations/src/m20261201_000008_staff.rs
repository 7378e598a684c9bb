//! Staff administration (issue 11): an account can be deactivated (`users.deactivated_at`, null
//! while active), and an audit entry can name the wave it is about (`audit_log.wave_id`), so the
//! log can be filtered by wave. Entries written before this step get their wave from their text
//! where it names the wave's id or slug.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    DeactivatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    WaveId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds only one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::DeactivatedAt).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .add_column(ColumnDef::new(AuditLog::WaveId).string().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_log_wave_id")
                    .table(AuditLog::Table)
                    .col(AuditLog::WaveId)
                    .to_owned(),
            )
            .await?;
        // Earlier entries name their wave by id ("… for wave UUID"), by slug (the whole text,
        // its start "SLUG (survey …", "SLUG: stored …", or "wave SLUG, …"), or by the class
        // session ("…, session ID: …"). Same SQL on both databases.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE audit_log SET wave_id = (SELECT w.id FROM waves w WHERE \
                 audit_log.detail LIKE '%' || w.id || '%' \
                 OR audit_log.detail = w.slug \
                 OR audit_log.detail LIKE w.slug || ' (survey %' \
                 OR audit_log.detail LIKE w.slug || ': %' \
                 OR audit_log.detail LIKE 'wave ' || w.slug || ',%' \
                 OR EXISTS (SELECT 1 FROM class_sessions c WHERE c.wave_id = w.id \
                 AND audit_log.detail LIKE '%session ' || c.id || ':%') \
                 LIMIT 1) \
                 WHERE wave_id IS NULL AND (action LIKE 'wave.%' OR action LIKE 'invitations.%' \
                 OR action LIKE 'class_session.%')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("audit_log_wave_id")
                    .table(AuditLog::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .drop_column(AuditLog::WaveId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::DeactivatedAt)
                    .to_owned(),
            )
            .await
    }
}
