//! One audit event of every kind, with made-up but plausible fields: what the tests record,
//! read back and put into words (the unit tests of the log's words, and the integration tests
//! that write them through the database and read the log page).

use super::event::{AuditEvent as E, ComparisonValue, Replaced};
use crate::accounts::Role;
use crate::plan::history::{Action as PlanAction, Change};

impl E {
    /// One event of every kind (the action plan's once per action).
    pub fn examples() -> Vec<E> {
        let mut events = waves();
        events.extend(people());
        events.extend(reports_and_sources());
        events.extend(comparisons());
        events.extend(PlanAction::ALL.into_iter().map(|action| E::Plan {
            action,
            intervention: 8,
            title: s("Trygga vägar"),
            changes: vec![Change::new("status", Some(s("ongoing")), Some(s("done")))],
        }));
        events
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

/// Waves, invitations and class sessions.
fn waves() -> Vec<E> {
    vec![
        E::WaveCreate {
            slug: s("trygg-26"),
            survey: s("resident-safety"),
            version: 1,
            access: s("open"),
            period: 2026,
        },
        E::WaveOpen {
            slug: s("trygg-26"),
        },
        E::WaveClose {
            slug: s("trygg-26"),
        },
        E::WavePopulation { cells: 12 },
        E::WaveSchoolClasses { schools: 3 },
        E::WaveImport {
            slug: s("trygg-26"),
            stored: 40,
            already_there: 2,
        },
        E::InvitationsAdd { addresses: 2 },
        E::InvitationsRemind { reminders: 5 },
        E::InvitationsRetry { invitations: 1 },
        E::ClassSessionOpen {
            slug: s("trygg-26"),
            school: s("s1"),
            class: s("9A"),
            grade: 9,
            codes: 25,
        },
        E::ClassSessionEnd {
            school: s("s1"),
            class: s("9A"),
            session: s("0f0e-session"),
            stopped: 3,
        },
        E::ClassSessionNewCodes {
            school: s("s1"),
            class: s("2B"),
            session: s("0f0e-session"),
            replaced: 1,
        },
    ]
}

/// Accounts and API tokens.
fn people() -> Vec<E> {
    let email = || s("ny@kommun.se");
    vec![
        E::UserAdd {
            email: email(),
            role: Role::School,
            school: Some(s("s1")),
        },
        E::UserDeactivate { email: email() },
        E::UserReactivate { email: email() },
        E::UserPassword { email: email() },
        E::UserRole {
            email: email(),
            role: Role::Evaluator,
            school: None,
        },
        E::UserSignOut {
            email: email(),
            sessions: 2,
        },
        E::ApiTokenCreate {
            name: s("R-skript"),
            token: s("7c1e-token"),
            owner: s("analys@kommun.se"),
            valid_until: s("2027-03-01"),
        },
        E::ApiTokenRevoke {
            name: s("R-skript"),
            token: s("7c1e-token"),
            owner: s("analys@kommun.se"),
        },
    ]
}

/// The reports, citizen promises and the situation picture.
fn reports_and_sources() -> Vec<E> {
    vec![
        E::ReportText {
            year: 2025,
            section: s("summary"),
            characters: 120,
            before: 0,
        },
        E::ReportFinal { year: 2025 },
        E::ReportReopen { year: 2025 },
        E::AgreementReportText {
            agreement: s("2023-2026"),
            section: s("promises"),
            characters: 80,
            before: 12,
        },
        E::AgreementReportFinal {
            agreement: s("2023-2026"),
        },
        E::AgreementReportReopen {
            agreement: s("2023-2026"),
        },
        E::PromiseFollowUp {
            promise: s("unga-2025-2026"),
            year: 2025,
            state: s("partly"),
        },
        E::SourcesImport {
            source: s("kolada"),
            rows: 42,
            stored: 40,
            file: s("kolada-2024.json"),
        },
        E::SourcesDialogue {
            day: s("2026-10-14"),
            kind: s("safety_walk"),
            district: s("Centrum"),
            took_part: 19,
        },
        E::SourcesDialogueDelete {
            day: s("2026-10-14"),
            kind: s("residents"),
            district: String::new(),
        },
        E::SourcesProblem {
            problem: 3,
            title: s("Skadegörelse i centrum"),
        },
        E::SourcesProblemDelete {
            problem: 3,
            title: s("Skadegörelse"),
        },
        E::SourcesCause {
            problem: 3,
            cause: 5,
            kind: s("risk"),
            aspect: s("place"),
            interventions: 2,
        },
        E::SourcesCauseDelete {
            problem: 3,
            cause: 5,
        },
    ]
}

fn comparisons() -> Vec<E> {
    let comparison = ComparisonValue {
        survey: s("resident-safety"),
        indicator: s("unsafe_night"),
        label: s("Brå NTU"),
        domain: String::new(),
        period: 2025,
        value: 0.275,
        source: s("Brå NTU 2025"),
    };
    vec![
        E::ComparisonPut {
            comparison: comparison.clone(),
            was: Some(Replaced {
                value: 0.3,
                source: s("Brå NTU 2024"),
            }),
        },
        E::ComparisonDelete { comparison },
    ]
}
