//! sea-orm entities, one per table. Times are Unix seconds; ids are text.

pub mod audit_log;
pub mod login_failure;
pub mod session;
pub mod survey_version;
pub mod user;
