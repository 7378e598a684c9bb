//! Every kind of event, as the store writes it, said in Swedish without English words or
//! decimal points, and in English without Swedish words; an entry an earlier version wrote is
//! shown as stored.

use super::*;
use crate::plan::history::{Action as PlanAction, Change};
use crate::store::audit::{ComparisonValue, Replaced};

fn entry(action: &str, detail: &str, wave: Option<&str>) -> audit_log::Model {
    audit_log::Model {
        id: 1,
        at: 0,
        actor: "a@b.se".into(),
        action: action.into(),
        detail: detail.into(),
        wave_id: wave.map(str::to_owned),
    }
}

/// The entry the store writes for `event` (about the wave `0f0e-uuid` when it is about one).
fn entry_of(event: &AuditEvent) -> audit_log::Model {
    let action = event.action();
    let about_a_wave = ["wave.", "invitations.", "class_session."]
        .iter()
        .any(|family| action.starts_with(family));
    entry(
        action,
        &event.to_detail().expect("JSON"),
        about_a_wave.then_some("0f0e-uuid"),
    )
}

fn wave() -> WaveName {
    WaveName {
        slug: "trygg-26".into(),
        name: "Trygghetsundersökning 2026".into(),
    }
}

fn indicators() -> IndicatorNames {
    let mut names = IndicatorNames::new();
    names.insert(
        "resident-safety/unsafe_night".into(),
        IndicatorName {
            sv: "Andel otrygga ute sent".into(),
            en: "Share unsafe out late".into(),
            proportion: true,
        },
    );
    names
}

/// English words that must not appear on a Swedish page (whole words, lower case).
const ENGLISH: [&str; 28] = [
    "the",
    "from",
    "was",
    "wave",
    "session",
    "sessions",
    "codes",
    "code",
    "token",
    "of",
    "valid",
    "until",
    "stored",
    "already",
    "there",
    "characters",
    "cells",
    "schools",
    "addresses",
    "reminders",
    "as",
    "to",
    "for",
    "class",
    "school",
    "grade",
    "unused",
    "summary",
];

/// Swedish words that must not appear on an English page.
const SWEDISH: [&str; 12] = [
    "och",
    "från",
    "för",
    "omgången",
    "sparade",
    "skola",
    "klass",
    "koder",
    "tecken",
    "källa",
    "förut",
    "till",
];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The entry of `event` in `lang`, as the page shows it for the wave of [`wave`].
fn said(event: &AuditEvent, lang: Lang) -> (String, String) {
    let e = entry_of(event);
    let w = wave();
    describe(&e, e.wave_id.as_ref().map(|_| &w), &indicators(), lang)
}

#[test]
fn every_event_has_words_in_both_languages() {
    for event in AuditEvent::examples() {
        let action = event.action();
        let (sv, sv_detail) = said(&event, Lang::Sv);
        let (en, en_detail) = said(&event, Lang::En);
        let swedish = format!("{sv} | {sv_detail}");
        let english = format!("{en} | {en_detail}");
        assert!(
            !sv.contains("händelsen") && !en.contains("the event"),
            "{action} has no words: {swedish} / {english}"
        );
        assert_ne!(swedish, english, "{action}: the same in both languages");
        // E-mail addresses and the wave's Swedish title are names, not words of either language.
        let strip = |text: &str| {
            text.replace("ny@kommun.se", "")
                .replace("analys@kommun.se", "")
                .replace("Trygghetsundersökning 2026", "")
        };
        for word in words(&strip(&swedish)) {
            assert!(
                !ENGLISH.contains(&word.as_str()),
                "{action}: English \"{word}\" in \"{swedish}\""
            );
        }
        for word in words(&strip(&english)) {
            assert!(
                !SWEDISH.contains(&word.as_str()),
                "{action}: Swedish \"{word}\" in \"{english}\""
            );
        }
        // Numbers with a decimal comma in Swedish.
        let chars: Vec<char> = swedish.chars().collect();
        for i in 1..chars.len().saturating_sub(1) {
            assert!(
                !(chars[i] == '.'
                    && chars[i - 1].is_ascii_digit()
                    && chars[i + 1].is_ascii_digit()),
                "{action}: a decimal point in \"{swedish}\""
            );
        }
        for id in ["0f0e", "7c1e", "{", "\"event\""] {
            assert!(
                !swedish.contains(id) && !english.contains(id),
                "{action}: {id} shown in {swedish} / {english}"
            );
        }
    }
}

#[test]
fn the_details_are_said_whole() {
    let comparison = |label: &str, value: f64, indicator: &str| ComparisonValue {
        survey: if indicator == "index" {
            "s".into()
        } else {
            "resident-safety".into()
        },
        indicator: indicator.into(),
        label: label.into(),
        domain: String::new(),
        period: 2025,
        value,
        source: "Brå NTU 2025".into(),
    };
    let put = AuditEvent::ComparisonPut {
        comparison: comparison("Brå NTU", 0.275, "unsafe_night"),
        was: Some(Replaced {
            value: 0.3,
            source: "Brå NTU 2024".into(),
        }),
    };
    assert_eq!(
        said(&put, Lang::Sv),
        (
            "sparade jämförelsevärdet Brå NTU 2025 för Andel otrygga ute sent".to_owned(),
            "27,5\u{a0}% (källa: Brå NTU 2025); förut 30\u{a0}% (källa: Brå NTU 2024)".to_owned()
        )
    );
    let first = AuditEvent::ComparisonPut {
        comparison: comparison("Brå NTU", 0.275, "unsafe_night"),
        was: None,
    };
    assert_eq!(
        said(&first, Lang::En).1,
        "27.5\u{a0}% (source: Brå NTU 2025)"
    );
    // A mean (an indicator not known here) keeps its value, with a comma; a group is named.
    let mut mean = comparison("Länet", 2.45, "index");
    mean.period = 2024;
    mean.domain = "grade=y9".into();
    mean.source = "SCB".into();
    assert_eq!(
        said(&AuditEvent::ComparisonDelete { comparison: mean }, Lang::Sv),
        (
            "tog bort jämförelsevärdet Länet (grade=y9) 2024 för s/index".to_owned(),
            "2,45 (källa: SCB)".to_owned()
        )
    );
    let upper_secondary = AuditEvent::ClassSessionOpen {
        slug: "trygg-26".into(),
        school: "s1".into(),
        class: "2B".into(),
        grade: 11,
        codes: 1,
    };
    assert_eq!(
        said(&upper_secondary, Lang::Sv).1,
        "skola s1, klass 2B (gymnasiet år 2), 1 kod"
    );
    assert_eq!(
        said(&AuditEvent::InvitationsAdd { addresses: 1 }, Lang::Sv).0,
        "lade till 1 adress i Trygghetsundersökning 2026"
    );
    let ended = AuditEvent::ClassSessionEnd {
        school: "s1".into(),
        class: "9A".into(),
        session: "0f0e".into(),
        stopped: 3,
    };
    assert_eq!(
        said(&ended, Lang::Sv).1,
        "skola s1, klass 9A: 3 oanvända koder slutade gälla"
    );
    let coordinator = AuditEvent::UserAdd {
        email: "ny@kommun.se".into(),
        role: crate::accounts::Role::School,
        school: Some("s1".into()),
    };
    assert_eq!(said(&coordinator, Lang::Sv).1, "skolsamordnare på s1");
    let text = AuditEvent::ReportText {
        year: 2025,
        section: "threats-violence".into(),
        characters: 1200,
        before: 80,
    };
    assert_eq!(
        said(&text, Lang::Sv),
        (
            "skrev i årsrapporten 2025".to_owned(),
            "avsnittet Hot och våld: 1\u{a0}200 tecken (förut 80)".to_owned()
        )
    );
    let plan = AuditEvent::Plan {
        action: PlanAction::Update,
        intervention: 8,
        title: "Trygga vägar".into(),
        changes: vec![Change::new(
            "status",
            Some("ongoing".into()),
            Some("done".into()),
        )],
    };
    assert_eq!(
        said(&plan, Lang::Sv),
        (
            "åtgärdsplanen: insatsen ändrades".to_owned(),
            "”Trygga vägar”".to_owned()
        )
    );
    let import = AuditEvent::WaveImport {
        slug: "trygg-26".into(),
        stored: 40,
        already_there: 2,
    };
    assert_eq!(
        said(&import, Lang::En),
        (
            "imported responses into Trygghetsundersökning 2026".to_owned(),
            "40 responses stored, 2 already there".to_owned()
        )
    );
}

#[test]
fn an_entry_of_an_earlier_version_is_shown_as_stored() {
    let old = entry(
        "wave.import",
        "trygg-26: stored 40, already there 2",
        Some("0f0e-uuid"),
    );
    let w = wave();
    assert_eq!(
        describe(&old, Some(&w), &indicators(), Lang::Sv),
        (
            "händelsen ”wave import”".to_owned(),
            "trygg-26: stored 40, already there 2".to_owned()
        )
    );
    assert_eq!(
        describe(&old, Some(&w), &indicators(), Lang::En).0,
        "the event “wave import”"
    );
    // A year is JSON, but no event.
    let year = entry("report.final", "2025", None);
    assert_eq!(
        describe(&year, None, &indicators(), Lang::Sv),
        ("händelsen ”report final”".to_owned(), "2025".to_owned())
    );
}

#[test]
fn an_event_of_a_later_release_is_shown_as_stored() {
    let later = entry("thing.made_up", r#"{"event":"thing_made_up","n":1}"#, None);
    assert_eq!(
        describe(&later, None, &indicators(), Lang::Sv),
        (
            "händelsen ”thing made up”".to_owned(),
            r#"{"event":"thing_made_up","n":1}"#.to_owned()
        )
    );
}

#[test]
fn a_long_detail_is_shortened() {
    let long = "x".repeat(300);
    let (_, detail) = describe(
        &entry("wave.open", &long, None),
        None,
        &indicators(),
        Lang::Sv,
    );
    assert_eq!(detail.chars().count(), 201);
    assert!(detail.ends_with('…'));
}
