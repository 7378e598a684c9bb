//! The audit log's events (issue 21): every kind is stored as JSON through the database, read
//! back as the same event with the same action, and said in words on the log page in Swedish
//! and in English; an entry an earlier version wrote as an English line is shown as stored.

use sea_orm::{ActiveModelTrait, Set};
use trygg::accounts::Role;
use trygg::collect::Access;
use trygg::entities::audit_log;
use trygg::store::audit::{self, AuditEvent};

use crate::db_tests;
use crate::helpers::TestApp;
use crate::responses::create_wave;

db_tests!(
    every_event_goes_through_the_database_and_is_said_in_both_languages,
    an_entry_of_an_earlier_version_is_shown_as_stored,
);

/// The entries recorded here are the command line's, so the page can show only them.
const ACTOR: &str = "cli";

fn about_a_wave(event: &AuditEvent) -> bool {
    let action = event.action();
    ["wave.", "invitations.", "class_session."]
        .iter()
        .any(|family| action.starts_with(family))
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

/// The rows of the log's table.
fn rows(html: &str) -> Vec<String> {
    let start = html.find("<tbody>").expect("a table of entries");
    let end = html[start..].find("</tbody>").expect("its end") + start;
    html[start..end]
        .split("<tr>")
        .skip(1)
        .map(str::to_owned)
        .collect()
}

async fn every_event_goes_through_the_database_and_is_said_in_both_languages(app: TestApp) {
    let wave = create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    app.sign_in_as(Role::Admin).await;
    let events = AuditEvent::examples();
    for event in &events {
        if about_a_wave(event) {
            audit::record_for_wave(&app.db, ACTOR, &wave.id, event).await
        } else {
            audit::record(&app.db, ACTOR, event).await
        }
        .expect("recorded");
    }

    let stored: Vec<audit_log::Model> = audit::recent(&app.db, 200)
        .await
        .expect("log")
        .into_iter()
        .filter(|e| e.actor == ACTOR)
        .rev()
        .collect();
    assert_eq!(stored.len(), events.len());
    for (entry, event) in stored.iter().zip(&events) {
        assert_eq!(entry.action, event.action());
        assert_eq!(
            AuditEvent::from_detail(&entry.detail).as_ref(),
            Some(event),
            "{}",
            entry.detail
        );
        let wave_id = about_a_wave(event).then_some(wave.id.as_str());
        assert_eq!(entry.wave_id.as_deref(), wave_id, "{}", entry.action);
    }

    let swedish = rows(&page(&app, "/admin/audit?actor=cli&lang=sv").await);
    let english = rows(&page(&app, "/admin/audit?actor=cli&lang=en").await);
    assert_eq!(swedish.len(), events.len());
    assert_eq!(english.len(), events.len());
    for row in &swedish {
        assert!(!row.contains("Händelsen"), "no words: {row}");
        assert!(!row.contains("&quot;event&quot;"), "JSON shown: {row}");
        assert!(!row.contains(&wave.id), "a wave's id shown: {row}");
    }
    for row in &english {
        assert!(!row.contains("The event"), "no words: {row}");
        assert!(!row.contains("&quot;event&quot;"), "JSON shown: {row}");
    }
    let swedish = swedish.concat();
    let english = english.concat();
    for (sv, en) in [
        (
            "Importerade svar till Trygghetsundersökning 2026",
            "Imported responses into Resident safety survey 2026",
        ),
        (
            "40 svar sparade, 2 fanns redan",
            "40 responses stored, 2 already there",
        ),
        (
            "Skapade kontot ny@kommun.se",
            "Created the account ny@kommun.se",
        ),
        (
            "skola s1, klass 9A (årskurs 9), 25 koder",
            "school s1, class 9A (year 9), 25 codes",
        ),
        (
            "27,5\u{a0}% (källa: Brå NTU 2025); förut 30\u{a0}% (källa: Brå NTU 2024)",
            "27.5\u{a0}% (source: Brå NTU 2025); before 30\u{a0}% (source: Brå NTU 2024)",
        ),
        (
            "Åtgärdsplanen: insatsen ändrades",
            "The action plan: intervention changed",
        ),
    ] {
        assert!(swedish.contains(sv), "{sv} in {swedish}");
        assert!(english.contains(en), "{en} in {english}");
    }
}

async fn an_entry_of_an_earlier_version_is_shown_as_stored(app: TestApp) {
    let wave = create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    app.sign_in_as(Role::Admin).await;
    // As version 0.x wrote it: an English line in `detail`.
    audit_log::ActiveModel {
        at: Set(1_767_225_600),
        actor: Set(ACTOR.to_owned()),
        action: Set("wave.import".to_owned()),
        detail: Set("trygghet-2026: stored 40, already there 2".to_owned()),
        wave_id: Set(Some(wave.id.clone())),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("an old entry");

    let swedish = rows(&page(&app, "/admin/audit?actor=cli&lang=sv").await).concat();
    assert!(swedish.contains("Händelsen ”wave import”"), "{swedish}");
    assert!(
        swedish.contains("trygghet-2026: stored 40, already there 2"),
        "{swedish}"
    );
    let english = rows(&page(&app, "/admin/audit?actor=cli&lang=en").await).concat();
    assert!(english.contains("The event “wave import”"), "{english}");
    assert!(
        english.contains("trygghet-2026: stored 40, already there 2"),
        "{english}"
    );
    // The wave filter still finds it.
    let of_the_wave = rows(&page(&app, "/admin/audit?wave=trygghet-2026&lang=sv").await).concat();
    assert!(
        of_the_wave.contains("Händelsen ”wave import”"),
        "{of_the_wave}"
    );
}
