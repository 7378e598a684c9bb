//! Queries and mutations as plain async functions taking a connection.

pub mod audit;
pub mod logins;
pub mod sessions;
pub mod survey_versions;
pub mod users;
