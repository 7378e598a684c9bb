//! The events as stored: every kind has an example, each reads back as itself with the action
//! the log's filters know, and a detail of an earlier version is no event.

use super::*;

/// The variant's place in the enum. Exhaustive, so that a new kind of event does not compile
/// until it is counted here, and then fails the test below until it has an example.
fn ordinal(event: &AuditEvent) -> usize {
    use AuditEvent as E;
    match event {
        E::WaveCreate { .. } => 0,
        E::WaveOpen { .. } => 1,
        E::WaveClose { .. } => 2,
        E::WavePopulation { .. } => 3,
        E::WaveSchoolClasses { .. } => 4,
        E::WaveImport { .. } => 5,
        E::InvitationsAdd { .. } => 6,
        E::InvitationsRemind { .. } => 7,
        E::InvitationsRetry { .. } => 8,
        E::ClassSessionOpen { .. } => 9,
        E::ClassSessionEnd { .. } => 10,
        E::ClassSessionNewCodes { .. } => 11,
        E::UserAdd { .. } => 12,
        E::UserDeactivate { .. } => 13,
        E::UserReactivate { .. } => 14,
        E::UserPassword { .. } => 15,
        E::UserRole { .. } => 16,
        E::UserSignOut { .. } => 17,
        E::ApiTokenCreate { .. } => 18,
        E::ApiTokenRevoke { .. } => 19,
        E::ReportText { .. } => 20,
        E::ReportFinal { .. } => 21,
        E::ReportReopen { .. } => 22,
        E::AgreementReportText { .. } => 23,
        E::AgreementReportFinal { .. } => 24,
        E::AgreementReportReopen { .. } => 25,
        E::PromiseFollowUp { .. } => 26,
        E::SourcesImport { .. } => 27,
        E::SourcesDialogue { .. } => 28,
        E::SourcesDialogueDelete { .. } => 29,
        E::SourcesProblem { .. } => 30,
        E::SourcesProblemDelete { .. } => 31,
        E::SourcesCause { .. } => 32,
        E::SourcesCauseDelete { .. } => 33,
        E::ComparisonPut { .. } => 34,
        E::ComparisonDelete { .. } => 35,
        E::Plan { .. } => 36,
    }
}

const KINDS: usize = 37;

#[test]
fn every_kind_of_event_has_an_example() {
    let mut seen = [false; KINDS];
    for e in AuditEvent::examples() {
        seen[ordinal(&e)] = true;
    }
    let missing: Vec<usize> = (0..KINDS).filter(|&i| !seen[i]).collect();
    assert!(missing.is_empty(), "kinds without an example: {missing:?}");
    let plan: Vec<PlanAction> = AuditEvent::examples()
        .into_iter()
        .filter_map(|e| match e {
            AuditEvent::Plan { action, .. } => Some(action),
            _ => None,
        })
        .collect();
    assert_eq!(plan, PlanAction::ALL);
}

#[test]
fn the_actions_are_those_the_log_has_always_had() {
    let mut actions: Vec<&str> = AuditEvent::examples()
        .iter()
        .map(AuditEvent::action)
        .collect();
    actions.sort_unstable();
    let mut known = vec![
        "wave.create",
        "wave.open",
        "wave.close",
        "wave.population",
        "wave.school_classes",
        "wave.import",
        "invitations.add",
        "invitations.remind",
        "invitations.retry",
        "class_session.open",
        "class_session.end",
        "class_session.new_codes",
        "user.add",
        "user.deactivate",
        "user.reactivate",
        "user.password",
        "user.role",
        "user.sign_out",
        "api_token.create",
        "api_token.revoke",
        "report.text",
        "report.final",
        "report.reopen",
        "agreement_report.text",
        "agreement_report.final",
        "agreement_report.reopen",
        "promise.follow_up",
        "sources.import",
        "sources.dialogue",
        "sources.dialogue_delete",
        "sources.problem",
        "sources.problem_delete",
        "sources.cause",
        "sources.cause_delete",
        "comparison.put",
        "comparison.delete",
        "plan.create",
        "plan.update",
        "plan.output.create",
        "plan.output.update",
        "plan.output.delete",
        "plan.indicator.link",
        "plan.indicator.update",
        "plan.indicator.unlink",
        "plan.follow_up",
    ];
    known.sort_unstable();
    assert_eq!(actions, known);
}

#[test]
fn every_event_reads_back_as_itself() {
    for event in AuditEvent::examples() {
        let detail = event.to_detail().expect("JSON");
        assert_eq!(
            AuditEvent::from_detail(&detail),
            Some(event.clone()),
            "{detail}"
        );
    }
}

#[test]
fn an_event_is_stored_as_json_with_its_kind_and_fields() {
    let event = AuditEvent::WaveImport {
        slug: "trygg-26".into(),
        stored: 40,
        already_there: 2,
    };
    assert_eq!(
        event.to_detail().expect("JSON"),
        r#"{"event":"wave_import","slug":"trygg-26","stored":40,"already_there":2}"#
    );
    let role = AuditEvent::UserRole {
        email: "a@b.se".into(),
        role: Role::School,
        school: Some("s1".into()),
    };
    assert_eq!(
        role.to_detail().expect("JSON"),
        r#"{"event":"user_role","email":"a@b.se","role":"school","school":"s1"}"#
    );
    let plan = AuditEvent::Plan {
        action: PlanAction::OutputUpdate,
        intervention: 8,
        title: "Trygga vägar".into(),
        changes: Vec::new(),
    };
    assert_eq!(plan.action(), "plan.output.update");
    assert!(
        plan.to_detail()
            .expect("JSON")
            .contains(r#""action":"output_update""#)
    );
}

#[test]
fn a_detail_of_an_earlier_version_or_a_later_event_is_no_event() {
    for detail in [
        "trygg-26",
        "2025",
        "trygg-26: stored 40, already there 2",
        "token \"R-skript\" (7c1e) of analys@kommun.se",
        "",
        "{}",
        r#"{"event":"wave_teleported","slug":"trygg-26"}"#,
        r#"{"event":"wave_open"}"#,
    ] {
        assert_eq!(AuditEvent::from_detail(detail), None, "{detail}");
    }
}
