//! Loading whole files: the shipped questionnaires, the line numbers of problems, defaults.

use std::path::{Path, PathBuf};

use super::{BASE, SHIPPED, base, shipped};
use crate::survey::{
    Audience, Better, Condition, PriorityArea, QuestionKind, Statistic, SurveyError, load_str,
};

#[test]
fn the_three_shipped_questionnaires_load_cleanly() {
    for (name, source) in SHIPPED {
        if let Err(errors) = load_str(Path::new(name), source) {
            let listed: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("{name} has problems:\n{}", listed.join("\n"));
        }
    }
}

#[test]
fn the_shipped_questionnaires_have_the_agreed_audiences_and_cell_sizes() {
    let cases = [
        ("resident-safety", Audience::Residents, 5),
        ("staff-safety", Audience::Staff, 5),
        ("school-drug-habits", Audience::Pupils, 10),
    ];
    for (id, audience, k) in cases {
        let survey = shipped(id);
        assert_eq!(survey.id, id);
        assert_eq!(survey.audience, audience);
        assert_eq!(survey.min_cell_size, k);
        assert!(survey.background_questions().count() >= 2, "{id}");
    }
    // Class sessions of the school survey: year 9 and upper-secondary year 2.
    assert_eq!(shipped("school-drug-habits").grades, vec![9, 11]);
}

#[test]
fn every_priority_area_has_indicators_across_the_shipped_questionnaires() {
    let ids = ["resident-safety", "staff-safety", "school-drug-habits"];
    let surveys: Vec<_> = ids.iter().map(|id| shipped(id)).collect();
    for area in PriorityArea::ALL {
        let count = surveys
            .iter()
            .flat_map(|s| &s.indicators)
            .filter(|i| i.priority_area == area)
            .count();
        assert!(count >= 3, "{} has {count} indicators", area.id());
    }
}

#[test]
fn the_school_survey_marks_claims_about_the_fictitious_substance_as_unreliable() {
    let survey = shipped("school-drug-habits");
    let condition = survey.unreliable_if.as_ref().unwrap();
    assert_eq!(condition.questions(), vec!["zelvorin"]);
}

#[test]
fn a_broken_file_reports_exactly_its_three_problems_with_their_lines() {
    let source = r#"id = "broken"
version = 1
audience = "residents"
title = { sv = "Trasig", en = "Broken" }
intro = { sv = "Inledning", en = "Intro" }

[[pages]]
id = "p-one"
title = { sv = "Sida", en = "Page" }

[[pages.questions]]
id = "safe_night"
type = "single"
show_if = { question = "went_out", equals = "1" }
text = { sv = "Trygg?", en = "Safe?" }
choices = [
  { code = "1", label = { sv = "Ja", en = "Yes" } },
  { code = "2", label = { sv = "Nej" } },
]

[[pages.questions]]
id = "safe_night"
type = "text"
max_length = 100
text = { sv = "Varför?", en = "Why?" }
"#;
    let errors = load_str(Path::new("broken.toml"), source).unwrap_err();
    let got: Vec<(usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                14,
                "question `safe_night`: condition refers to `went_out`, which is not a question in this file"
            ),
            (
                18,
                "question `safe_night` choice `2` label: the English translation (`en`) is missing"
            ),
            (
                22,
                "question id `safe_night` is used twice (first on line 12)"
            ),
        ]
    );
    assert!(errors.iter().all(|e| e.file == Path::new("broken.toml")));
}

#[test]
fn a_toml_syntax_error_stops_the_file_with_one_error_on_its_line() {
    let source = BASE.replace("version = 1", "version = ");
    let errors = load_str(Path::new("x.toml"), &source).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
}

#[test]
fn a_survey_error_prints_file_line_and_message() {
    let with_line = SurveyError {
        file: PathBuf::from("surveys/a.toml"),
        line: 7,
        message: "oops".to_string(),
    };
    let without = SurveyError {
        line: 0,
        ..with_line.clone()
    };
    assert_eq!(with_line.to_string(), "surveys/a.toml:7: oops");
    assert_eq!(without.to_string(), "surveys/a.toml: oops");
}

#[test]
fn min_cell_size_defaults_to_ten_for_pupils_and_five_otherwise() {
    let without_k = BASE.replace("min_cell_size = 5\n", "");
    for (audience, k) in [("residents", 5), ("staff", 5), ("pupils", 10)] {
        let source = without_k.replace("\"residents\"", &format!("\"{audience}\""));
        let survey = load_str(Path::new("x.toml"), &source).unwrap();
        assert_eq!(survey.min_cell_size, k, "{audience}");
    }
}

#[test]
fn the_base_fixture_becomes_typed_structs() {
    let survey = base();
    assert_eq!(survey.version, 1);
    assert_eq!(survey.title.en, "Title");
    assert_eq!(survey.pages.len(), 1);
    assert_eq!(survey.questions().count(), 5);
    let safe = survey.question("safe").unwrap();
    assert_eq!(
        safe.show_if,
        Some(Condition::Equals {
            question: "went_out".to_string(),
            code: "1".to_string()
        })
    );
    assert!(matches!(safe.kind, QuestionKind::Ordinal { .. }));
    assert_eq!(safe.ordinal_value("2"), Some(2.0));
    assert_eq!(safe.ordinal_value("9"), None);
    assert_eq!(
        survey.question("years").unwrap().kind,
        QuestionKind::Number {
            min: 0.0,
            max: 100.0,
            integer: true,
            unit: None
        }
    );
    let background: Vec<&str> = survey
        .background_questions()
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(background, vec!["went_out"]);
    let unsafe_share = survey.indicator("unsafe").unwrap();
    assert_eq!(unsafe_share.statistic, Statistic::Proportion);
    assert_eq!(unsafe_share.better, Better::Lower);
    assert_eq!(unsafe_share.target, Some(0.2));
    assert_eq!(unsafe_share.priority_area, PriorityArea::OutdoorInsecurity);
}

#[test]
fn unreliable_if_may_refer_to_a_question_later_in_the_file() {
    let source = BASE.replace(
        "min_cell_size = 5\n",
        "min_cell_size = 5\nunreliable_if = { question = \"safe\", any_of = [\"2\"] }\n",
    );
    let survey = load_str(Path::new("x.toml"), &source).unwrap();
    assert!(survey.unreliable_if.is_some());
}

#[test]
fn a_file_without_pages_is_refused() {
    let header_only = &BASE[..BASE.find("[[pages]]").unwrap()];
    let errors = load_str(Path::new("x.toml"), header_only).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 0);
    assert!(errors[0].message.contains("no pages"));
}

#[test]
fn priority_areas_and_audiences_round_trip_through_their_ids() {
    for area in PriorityArea::ALL {
        assert_eq!(PriorityArea::parse(area.id()), Some(area));
        assert_ne!(
            area.title(crate::i18n::Lang::Sv),
            area.title(crate::i18n::Lang::En)
        );
    }
    for audience in Audience::ALL {
        assert_eq!(Audience::parse(audience.id()), Some(audience));
    }
    assert_eq!(PriorityArea::YouthAtRisk.id(), "youth-at-risk");
}

#[test]
fn a_missing_label_translation_does_not_hide_other_problems_with_the_question() {
    let source = BASE
        .replace(
            r#"label = { sv = "Nej", en = "No" }"#,
            r#"label = { sv = "Nej" }"#,
        )
        .replace(
            r#"show_if = { question = "went_out", equals = "1" }"#,
            r#"show_if = { question = "went_out", equals = "7" }"#,
        );
    let errors = load_str(Path::new("x.toml"), &source).unwrap_err();
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("choice `2` label: the English translation (`en`) is missing"));
    assert!(messages[1].contains("condition uses code `7`"));
}

#[test]
fn a_class_sessions_grade_answers_the_school_surveys_grade_question() {
    let survey = shipped("school-drug-habits");
    assert_eq!(survey.session_answer(9), Some(("grade", "y9")));
    assert_eq!(survey.session_answer(11), Some(("grade", "g2")));
    assert_eq!(survey.session_answer(8), None);
    assert_eq!(shipped("resident-safety").session_answer(9), None);
}

#[test]
fn a_wrong_grade_question_is_named_on_its_line() {
    let (name, source) = SHIPPED
        .iter()
        .find(|(name, _)| name.starts_with("school-drug-habits"))
        .expect("school survey");
    let line = r#"grade_question = { question = "grade", codes = { 9 = "y9", 11 = "g2" } }"#;
    assert!(source.contains(line));
    let cases = [
        (
            r#"grade_question = { question = "gender", codes = { 9 = "girl", 11 = "boy" } }"#,
            "",
        ),
        (
            r#"grade_question = { question = "nope", codes = { 9 = "y9", 11 = "g2" } }"#,
            "`grade_question`: there is no question `nope`",
        ),
        (
            r#"grade_question = { question = "grade", codes = { 9 = "y9", 10 = "g2" } }"#,
            "`grade_question`: `10` is not one of `grades` (9, 11)",
        ),
        (
            r#"grade_question = { question = "grade", codes = { 9 = "y9", 11 = "g3" } }"#,
            "`grade_question`: `g3` is not a code of question `grade`",
        ),
        (
            r#"grade_question = { question = "grade", codes = { 9 = "y9" } }"#,
            "`grade_question`: no code for grade 11",
        ),
        (
            r#"grade_question = { question = "alc_ever", codes = { 9 = "1", 11 = "0" } }"#,
            "must be a single-choice background question",
        ),
    ];
    for (replacement, message) in cases {
        let changed = source.replacen(line, replacement, 1);
        let outcome = load_str(Path::new(name), &changed);
        if message.is_empty() {
            // Any single-choice background question may carry the grade (a test of the rule,
            // not a sensible file).
            assert!(outcome.is_ok(), "{replacement}: {outcome:?}");
            continue;
        }
        let errors = outcome.expect_err(replacement);
        assert_eq!(errors.len(), 1, "{replacement}: {errors:?}");
        assert!(errors[0].message.contains(message), "{errors:?}");
        assert_eq!(
            errors[0].line,
            super::line_of(&changed, replacement),
            "{errors:?}"
        );
    }
    // Only a pupil survey with `grades` may have one.
    let without_grades = source.replacen("grades = [9, 11]\n", "", 1);
    let errors = load_str(Path::new(name), &without_grades).expect_err("no grades");
    assert!(
        errors[0]
            .message
            .contains("`grade_question` needs `grades`"),
        "{errors:?}"
    );
}
