//! sea-orm entities, one per table. Times are Unix seconds; ids are text.

pub mod api_token;
pub mod audit_log;
pub mod class_session;
pub mod comparison_value;
pub mod draft;
pub mod indicator_result;
pub mod invitation;
pub mod invitation_token;
pub mod login_failure;
pub mod plan_follow_up;
pub mod plan_history;
pub mod plan_indicator;
pub mod plan_intervention;
pub mod plan_output;
pub mod plan_output_value;
pub mod population_total;
pub mod pupil_code;
pub mod report;
pub mod report_text;
pub mod response;
pub mod school_class;
pub mod session;
pub mod submission;
pub mod survey_version;
pub mod user;
pub mod wave;
