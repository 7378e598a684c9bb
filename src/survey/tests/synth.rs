//! Synthetic respondents: valid, reproducible, distinct and plausible.

use std::collections::HashSet;

use serde_json::Value;

use super::shipped;
use crate::survey::synth::HINTS;
use crate::survey::{synth, validate};

fn answers_of(submission: &Value) -> &serde_json::Map<String, Value> {
    submission["answers"].as_object().unwrap()
}

#[test]
fn a_hundred_synthetic_pupils_are_distinct_and_all_valid() {
    let survey = shipped("school-drug-habits");
    let submissions: Vec<_> = synth(&survey, 100, 1).collect();
    assert_eq!(submissions.len(), 100);
    let ids: HashSet<&str> = submissions
        .iter()
        .map(|s| s["submission_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 100);
    for s in &submissions {
        assert!(uuid::Uuid::parse_str(s["submission_id"].as_str().unwrap()).is_ok());
        assert!(matches!(s["language"].as_str(), Some("sv" | "en")));
        if let Err(problems) = validate(&survey, answers_of(s)) {
            panic!("{s}\n{problems:?}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_respondents_and_another_seed_others() {
    let survey = shipped("school-drug-habits");
    assert!(synth(&survey, 100, 1).eq(synth(&survey, 100, 1)));
    assert!(!synth(&survey, 100, 1).eq(synth(&survey, 100, 2)));
}

#[test]
fn synthetic_respondents_of_every_shipped_survey_are_valid() {
    for id in ["resident-safety", "staff-safety", "school-drug-habits"] {
        let survey = shipped(id);
        for s in synth(&survey, 400, 7) {
            if let Err(problems) = validate(&survey, answers_of(&s)) {
                panic!("{id}: {s}\n{problems:?}");
            }
        }
    }
}

#[test]
fn synthetic_pupils_are_plausible() {
    let survey = shipped("school-drug-habits");
    let submissions: Vec<_> = synth(&survey, 2000, 3).collect();
    let share = |question: &str, code: &str| {
        let answered: Vec<&Value> = submissions
            .iter()
            .filter_map(|s| answers_of(s).get(question))
            .collect();
        answered.iter().filter(|a| a.as_str() == Some(code)).count() as f64 / answered.len() as f64
    };
    assert!(
        share("cannabis", "0") > 0.8,
        "cannabis never: {}",
        share("cannabis", "0")
    );
    assert!(
        share("zelvorin", "0") > 0.97,
        "zelvorin never: {}",
        share("zelvorin", "0")
    );
    assert!(
        share("zelvorin", "0") < 1.0,
        "some pupils should trip the control question"
    );
    let swedish = submissions.iter().filter(|s| s["language"] == "sv").count();
    assert!(swedish > 1600 && swedish < 2000, "{swedish} in Swedish");
    let followed_up = submissions
        .iter()
        .filter(|s| answers_of(s).contains_key("alc_30d"))
        .count();
    assert!(
        followed_up > 0 && followed_up < 2000,
        "skip logic should show alc_30d to some"
    );
    let skipped_optional = submissions
        .iter()
        .filter(|s| !answers_of(s).contains_key("gambling"))
        .count();
    assert!(
        skipped_optional > 0,
        "optional questions are sometimes left out"
    );
}

#[test]
fn synthetic_hints_name_questions_of_the_shipped_surveys() {
    let surveys: Vec<_> = ["resident-safety", "staff-safety", "school-drug-habits"]
        .map(shipped)
        .into();
    for (survey_id, question_id, weights) in HINTS {
        let survey = surveys.iter().find(|s| s.id == *survey_id).unwrap();
        let question = survey
            .question(question_id)
            .unwrap_or_else(|| panic!("{survey_id} has no question {question_id}"));
        assert_eq!(
            question.choices().len(),
            weights.len(),
            "{survey_id}/{question_id}"
        );
    }
}
