//! Queries and mutations as plain async functions taking a connection.

pub mod access;
pub mod analysis;
pub mod api_tokens;
pub mod audit;
pub mod class_sessions;
pub mod comparisons;
pub mod drafts;
pub mod import_staging;
pub mod indicators;
pub mod invitations;
pub mod login_devices;
pub mod logins;
pub mod plan;
pub mod population;
pub mod promises;
pub mod publications;
pub mod reports;
pub mod responses;
pub mod sessions;
pub mod sources;
pub mod submissions;
pub mod survey_versions;
pub mod users;
pub mod waves;

/// Whether an error is a unique-constraint violation (on either database).
pub fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
