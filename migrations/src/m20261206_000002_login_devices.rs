//! Devices a staff member has signed in on (issue 17): OWASP's device cookies. A successful
//! login sets a long-lived random cookie; the table holds only its SHA-256 and the account it
//! belongs to. Wrong passwords sent with a valid device cookie are counted on that device, not
//! on the address, so guesses from elsewhere never lock the owner out of a browser they signed
//! in on before; a device with too many failures of its own is forgotten.
//!
//! Staff accounts only: no row refers to a respondent, and nothing about the client (address,
//! user agent) is stored.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginDevices {
    Table,
    Id,
    UserId,
    Failures,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginDevices::Table)
                    .col(
                        ColumnDef::new(LoginDevices::Id)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(LoginDevices::UserId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LoginDevices::Failures)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(LoginDevices::CreatedAt)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LoginDevices::ExpiresAt)
                            .big_integer()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_login_devices_user")
                            .from(LoginDevices::Table, LoginDevices::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_login_devices_expires_at")
                    .table(LoginDevices::Table)
                    .col(LoginDevices::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginDevices::Table).to_owned())
            .await
    }
}
