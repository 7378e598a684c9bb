//! Every kind of event, as the store writes its detail, said in Swedish without English words
//! or decimal points, and in English without Swedish words.

use super::*;

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

/// One detail per action, in the exact shape its writer in `store` (or `collect::import`) makes.
fn every_event() -> Vec<(String, String, bool)> {
    let mut events: Vec<(&str, &str, bool)> = vec![
        (
            "wave.create",
            "trygg-26 (survey resident-safety v1, access open, period 2026)",
            true,
        ),
        ("wave.open", "trygg-26", true),
        ("wave.close", "trygg-26", true),
        ("wave.population", "12 cells for wave 0f0e-uuid", true),
        ("wave.school_classes", "3 schools for wave 0f0e-uuid", true),
        ("wave.import", "trygg-26: stored 40, already there 2", true),
        ("invitations.add", "2 addresses for wave 0f0e-uuid", true),
        ("invitations.remind", "5 reminders for wave 0f0e-uuid", true),
        ("invitations.retry", "1 for wave 0f0e-uuid", true),
        (
            "class_session.open",
            "wave trygg-26, school s1, class 9A (grade 9), 25 codes",
            true,
        ),
        (
            "class_session.end",
            "school s1, class 9A, session 0f0e: 3 unused codes stopped",
            true,
        ),
        (
            "class_session.new_codes",
            "school s1, class 2B, session 0f0e: 1 unused codes replaced",
            true,
        ),
        ("user.add", "ny@kommun.se as school of s1", false),
        ("user.deactivate", "ny@kommun.se", false),
        ("user.reactivate", "ny@kommun.se", false),
        ("user.password", "ny@kommun.se", false),
        ("user.role", "ny@kommun.se to evaluator", false),
        ("user.sign_out", "ny@kommun.se: 2 sessions", false),
        (
            "api_token.create",
            "token \"R-skript\" (7c1e-uuid) of analys@kommun.se, valid until 2027-03-01",
            false,
        ),
        (
            "api_token.revoke",
            "token \"R-skript\" (7c1e-uuid) of analys@kommun.se",
            false,
        ),
        ("report.text", "2025 summary: 120 characters (was 0)", false),
        ("report.final", "2025", false),
        ("report.reopen", "2025", false),
        (
            "agreement_report.text",
            "2023-2026 promises: 80 characters (was 12)",
            false,
        ),
        ("agreement_report.final", "2023-2026", false),
        ("agreement_report.reopen", "2023-2026", false),
        ("promise.follow_up", "unga-2025-2026 2025: partly", false),
        (
            "sources.import",
            "kolada: 42 rows, 40 values stored (kolada-2024.json)",
            false,
        ),
        (
            "sources.dialogue",
            "2026-10-14 safety_walk Centrum: 19 took part",
            false,
        ),
        (
            "sources.dialogue_delete",
            "2026-10-14 residents municipality",
            false,
        ),
        (
            "sources.problem",
            "problem 3 \"Skadegörelse i centrum\"",
            false,
        ),
        (
            "sources.problem_delete",
            "problem 3 \"Skadegörelse\"",
            false,
        ),
        (
            "sources.cause",
            "problem 3, cause 5: risk/place, 2 interventions",
            false,
        ),
        ("sources.cause_delete", "problem 3, cause 5", false),
        (
            "comparison.put",
            "resident-safety/unsafe_night Brå NTU 2025: 0.275 from Brå NTU 2025 (was 0.3 from Brå NTU 2024)",
            false,
        ),
        (
            "comparison.delete",
            "resident-safety/unsafe_night Brå NTU 2025: 0.275 from Brå NTU 2025",
            false,
        ),
    ];
    let plan: Vec<(String, String, bool)> = PlanAction::ALL
        .iter()
        .map(|a| {
            (
                a.id().to_owned(),
                "intervention 8 \"Trygga vägar\": status: ongoing → done; owner: a → b".to_owned(),
                false,
            )
        })
        .collect();
    let mut out: Vec<(String, String, bool)> = events
        .drain(..)
        .map(|(a, d, w)| (a.to_owned(), d.to_owned(), w))
        .collect();
    out.extend(plan);
    out
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

#[test]
fn every_event_has_words_in_both_languages() {
    let known: Vec<String> = every_event().into_iter().map(|(a, _, _)| a).collect();
    for action in ACTIONS.iter().chain(COMPARISON_ACTIONS.iter()) {
        assert!(known.iter().any(|a| a == action), "{action} is not tested");
    }
    let w = wave();
    let names = indicators();
    for (action, detail, with_wave) in every_event() {
        let e = entry(&action, &detail, with_wave.then_some("0f0e-uuid"));
        let wave = with_wave.then_some(&w);
        let (sv, sv_detail) = describe(&e, wave, &names, Lang::Sv);
        let (en, en_detail) = describe(&e, wave, &names, Lang::En);
        let swedish = format!("{sv} | {sv_detail}");
        let english = format!("{en} | {en_detail}");
        assert!(
            !sv.contains("händelsen"),
            "{action} has no words: {swedish}"
        );
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
        assert!(
            !swedish.contains("0f0e") && !english.contains("0f0e"),
            "{action}: an id shown"
        );
    }
}

#[test]
fn the_details_are_said_whole() {
    let w = wave();
    let names = indicators();
    let say = |action: &str, detail: &str, lang: Lang| {
        describe(
            &entry(action, detail, Some("0f0e-uuid")),
            Some(&w),
            &names,
            lang,
        )
    };
    assert_eq!(
        say(
            "comparison.put",
            "resident-safety/unsafe_night Brå NTU 2025: 0.275 from Brå NTU 2025 (was 0.3 from Brå NTU 2024)",
            Lang::Sv
        ),
        (
            "sparade jämförelsevärdet Brå NTU 2025 för Andel otrygga ute sent".to_owned(),
            "27,5\u{a0}% (källa: Brå NTU 2025); förut 30\u{a0}% (källa: Brå NTU 2024)".to_owned()
        )
    );
    assert_eq!(
        say(
            "comparison.put",
            "resident-safety/unsafe_night Brå NTU 2025: 0.275 from Brå NTU 2025",
            Lang::En
        )
        .1,
        "27.5\u{a0}% (source: Brå NTU 2025)"
    );
    // A mean (an indicator not known here) keeps its value, with a comma.
    assert_eq!(
        say(
            "comparison.delete",
            "s/index Länet 2024: 2.45 from SCB",
            Lang::Sv
        ),
        (
            "tog bort jämförelsevärdet Länet 2024 för s/index".to_owned(),
            "2,45 (källa: SCB)".to_owned()
        )
    );
    assert_eq!(
        say(
            "class_session.open",
            "wave trygg-26, school s1, class 2B (grade 11), 1 codes",
            Lang::Sv
        )
        .1,
        "skola s1, klass 2B (gymnasiet år 2), 1 kod"
    );
    assert_eq!(
        say(
            "invitations.add",
            "1 addresses for wave 0f0e-uuid",
            Lang::Sv
        )
        .0,
        "lade till 1 adress i Trygghetsundersökning 2026"
    );
    assert_eq!(
        say(
            "class_session.end",
            "school s1, class 9A, session 0f0e: 3 unused codes stopped",
            Lang::Sv
        )
        .1,
        "skola s1, klass 9A: 3 oanvända koder slutade gälla"
    );
    assert_eq!(
        say("user.add", "ny@kommun.se as school of s1", Lang::Sv).1,
        "skolsamordnare på s1"
    );
    assert_eq!(
        say(
            "report.text",
            "2025 threats-violence: 1200 characters (was 80)",
            Lang::Sv
        )
        .1,
        "avsnittet Hot och våld: 1\u{a0}200 tecken (förut 80)"
    );
    assert_eq!(
        say(
            "plan.update",
            "intervention 8 \"Trygga vägar\": status: ongoing → done",
            Lang::Sv
        ),
        (
            "åtgärdsplanen: insatsen ändrades".to_owned(),
            "”Trygga vägar”".to_owned()
        )
    );
    assert_eq!(
        say("thing.made_up", "x", Lang::Sv).0,
        "händelsen ”thing made up”"
    );
}
