//! What an audit entry records, as data: one variant per kind of event with the fields it
//! carries, stored as JSON in the entry's `detail` and put into words by the page that shows
//! the log (`web::admin::audit::words`), never written as a sentence to be parsed back.
//!
//! Nothing here says which code or invitation went to whom: counts, names and ids of what an
//! admin changed, no more (see the anonymity rules in DESIGN.md).

use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::plan::history::{Action as PlanAction, Change};

/// One event of the audit log. Codes of vocabularies that may change between releases (a
/// dialogue's kind, a cause's aspect, a promise's state, a report's section) are kept as their
/// ids, so that an entry stays readable when a later release no longer knows the code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AuditEvent {
    WaveCreate {
        slug: String,
        survey: String,
        version: u32,
        /// `open`, `invite` or `class`.
        access: String,
        period: i32,
    },
    WaveOpen {
        slug: String,
    },
    WaveClose {
        slug: String,
    },
    /// The wave's population totals were replaced.
    WavePopulation {
        cells: u64,
    },
    /// The wave's list of schools (classes per school) was replaced.
    WaveSchoolClasses {
        schools: u64,
    },
    /// Responses imported from a file; only an import that stored something is recorded.
    WaveImport {
        slug: String,
        stored: u64,
        already_there: u64,
    },
    InvitationsAdd {
        addresses: u64,
    },
    InvitationsRemind {
        reminders: u64,
    },
    InvitationsRetry {
        invitations: u64,
    },
    ClassSessionOpen {
        slug: String,
        school: String,
        class: String,
        grade: i32,
        codes: u64,
    },
    ClassSessionEnd {
        school: String,
        class: String,
        session: String,
        /// Unused codes that stopped working.
        stopped: u64,
    },
    ClassSessionNewCodes {
        school: String,
        class: String,
        session: String,
        /// Unused codes replaced by new ones.
        replaced: u64,
    },
    UserAdd {
        email: String,
        role: Role,
        /// A school coordinator's school.
        school: Option<String>,
    },
    UserDeactivate {
        email: String,
    },
    UserReactivate {
        email: String,
    },
    UserPassword {
        email: String,
    },
    UserRole {
        email: String,
        role: Role,
        school: Option<String>,
    },
    UserSignOut {
        email: String,
        sessions: u64,
    },
    ApiTokenCreate {
        name: String,
        /// The token's id (never the token).
        token: String,
        owner: String,
        /// The last day it is valid, `YYYY-MM-DD`.
        valid_until: String,
    },
    ApiTokenRevoke {
        name: String,
        token: String,
        owner: String,
    },
    /// A section of the annual report written (or emptied): its length now and before.
    ReportText {
        year: i32,
        section: String,
        characters: u64,
        before: u64,
    },
    ReportFinal {
        year: i32,
    },
    ReportReopen {
        year: i32,
    },
    /// A section of an agreement's final follow-up written.
    AgreementReportText {
        agreement: String,
        section: String,
        characters: u64,
        before: u64,
    },
    AgreementReportFinal {
        agreement: String,
    },
    AgreementReportReopen {
        agreement: String,
    },
    PromiseFollowUp {
        promise: String,
        year: i32,
        state: String,
    },
    SourcesImport {
        /// The source's id (`kolada`, `scb`, `felanmalan`, `series`).
        source: String,
        rows: u64,
        stored: u64,
        file: String,
    },
    SourcesDialogue {
        /// `YYYY-MM-DD`.
        day: String,
        kind: String,
        /// Empty for the whole municipality.
        district: String,
        took_part: u64,
    },
    SourcesDialogueDelete {
        day: String,
        kind: String,
        district: String,
    },
    SourcesProblem {
        problem: i64,
        title: String,
    },
    SourcesProblemDelete {
        problem: i64,
        title: String,
    },
    SourcesCause {
        problem: i64,
        cause: i64,
        kind: String,
        aspect: String,
        interventions: u64,
    },
    SourcesCauseDelete {
        problem: i64,
        cause: i64,
    },
    /// A comparison value stored, replacing the one it names in `was`.
    ComparisonPut {
        comparison: ComparisonValue,
        was: Option<Replaced>,
    },
    ComparisonDelete {
        comparison: ComparisonValue,
    },
    /// A change to an intervention of the action plan (its history keeps the same changes).
    Plan {
        action: PlanAction,
        intervention: i64,
        title: String,
        changes: Vec<Change>,
    },
}

/// A comparison value as the log names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonValue {
    pub survey: String,
    pub indicator: String,
    pub label: String,
    /// The group it is for (`grade=y9`), empty for everyone.
    pub domain: String,
    pub period: i32,
    /// On the indicator's scale (a proportion as a fraction).
    pub value: f64,
    pub source: String,
}

/// The value a new comparison value replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replaced {
    pub value: f64,
    pub source: String,
}

impl AuditEvent {
    /// The entry's `action` column (`wave.import`): what the log's filters and the tests read.
    pub fn action(&self) -> &'static str {
        use AuditEvent as E;
        match self {
            E::WaveCreate { .. } => "wave.create",
            E::WaveOpen { .. } => "wave.open",
            E::WaveClose { .. } => "wave.close",
            E::WavePopulation { .. } => "wave.population",
            E::WaveSchoolClasses { .. } => "wave.school_classes",
            E::WaveImport { .. } => "wave.import",
            E::InvitationsAdd { .. } => "invitations.add",
            E::InvitationsRemind { .. } => "invitations.remind",
            E::InvitationsRetry { .. } => "invitations.retry",
            E::ClassSessionOpen { .. } => "class_session.open",
            E::ClassSessionEnd { .. } => "class_session.end",
            E::ClassSessionNewCodes { .. } => "class_session.new_codes",
            E::UserAdd { .. } => "user.add",
            E::UserDeactivate { .. } => "user.deactivate",
            E::UserReactivate { .. } => "user.reactivate",
            E::UserPassword { .. } => "user.password",
            E::UserRole { .. } => "user.role",
            E::UserSignOut { .. } => "user.sign_out",
            E::ApiTokenCreate { .. } => "api_token.create",
            E::ApiTokenRevoke { .. } => "api_token.revoke",
            E::ReportText { .. } => "report.text",
            E::ReportFinal { .. } => "report.final",
            E::ReportReopen { .. } => "report.reopen",
            E::AgreementReportText { .. } => "agreement_report.text",
            E::AgreementReportFinal { .. } => "agreement_report.final",
            E::AgreementReportReopen { .. } => "agreement_report.reopen",
            E::PromiseFollowUp { .. } => "promise.follow_up",
            E::SourcesImport { .. } => "sources.import",
            E::SourcesDialogue { .. } => "sources.dialogue",
            E::SourcesDialogueDelete { .. } => "sources.dialogue_delete",
            E::SourcesProblem { .. } => "sources.problem",
            E::SourcesProblemDelete { .. } => "sources.problem_delete",
            E::SourcesCause { .. } => "sources.cause",
            E::SourcesCauseDelete { .. } => "sources.cause_delete",
            E::ComparisonPut { .. } => "comparison.put",
            E::ComparisonDelete { .. } => "comparison.delete",
            E::Plan { action, .. } => action.id(),
        }
    }

    /// The event as stored in the `detail` column.
    pub fn to_detail(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    /// The event a `detail` column holds; `None` for a detail this version cannot read: the
    /// English sentences earlier versions wrote, or an event a later version added.
    pub fn from_detail(detail: &str) -> Option<AuditEvent> {
        serde_json::from_str(detail).ok()
    }
}

#[cfg(test)]
mod tests;
