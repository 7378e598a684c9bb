//! Collecting responses: waves, the three ways in (open link, e-mail invitation, class session
//! with pupil codes), idempotent storage of submissions, and the anonymity rules of DESIGN.md.
//!
//! The rules as they show in code: a response row is written only by `store::submissions` (for
//! `submit`'s writer and `trygg import`), which gives it a random id and a date (never a time) and
//! nothing from the access code except a class session's design variables; codes are consumed in
//! the same transaction, so no row ever joins the two. A `Submission` is made only by `intake`.

pub mod class_session;
pub mod codes;
pub mod csv_records;
pub mod csv_text;
pub mod export;
pub mod form;
pub mod import;
pub mod intake;
pub mod invitations;
pub mod population;
pub mod scb_population;
pub mod seal;
pub mod sender;
pub mod submit;
pub mod wave;

pub use intake::Refusal;
pub use submit::{AccessProof, Collector, Outcome, Submission, SubmitError};
pub use wave::{Access, Wave, WaveState};
