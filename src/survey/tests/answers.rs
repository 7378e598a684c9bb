//! Validating submitted answers, and what a validated respondent contributes to indicators.

use serde_json::json;

use super::{answers, base, shipped};
use crate::survey::{Answer, AnswerProblem, validate};

#[test]
fn a_complete_valid_answer_set_is_accepted_in_question_order() {
    let survey = base();
    let given = answers(json!({
        "note": "  Lugnt här.  ",
        "years": 12,
        "where": ["park", "street"],
        "safe": "2",
        "went_out": "1",
    }));
    let valid = validate(&survey, &given).unwrap();
    let ids: Vec<&str> = valid.iter().map(|(id, _)| id).collect();
    assert_eq!(ids, vec!["went_out", "safe", "where", "years", "note"]);
    assert_eq!(valid.get("years"), Some(&Answer::Number(12.0)));
    assert_eq!(
        valid.get("note"),
        Some(&Answer::Text("Lugnt här.".to_string()))
    );
    assert_eq!(valid.to_json().get("years"), Some(&json!(12)));
}

#[test]
fn optional_questions_may_be_left_out_blank_or_null() {
    let survey = base();
    let given = answers(json!({"went_out": "2", "note": "   ", "where": [], "years": null}));
    let valid = validate(&survey, &given).unwrap();
    assert_eq!(valid.len(), 1);
    assert!(valid.get("note").is_none());
}

#[test]
fn an_exclusive_choice_alone_and_a_missing_code_are_valid_answers() {
    let survey = base();
    let given = answers(json!({"went_out": "1", "safe": "9", "where": ["none"]}));
    assert!(validate(&survey, &given).is_ok());
}

#[test]
fn text_length_counts_characters_not_bytes() {
    let survey = base();
    let at_limit = "é".repeat(200);
    assert!(
        validate(
            &survey,
            &answers(json!({"went_out": "2", "note": at_limit}))
        )
        .is_ok()
    );
}

#[test]
fn each_kind_of_bad_answer_is_refused_naming_its_question() {
    let cases = [
        (
            "unknown question",
            json!({"went_out": "2", "colour": "blue"}),
            "colour",
            "there is no such question",
        ),
        (
            "code given as a number",
            json!({"went_out": 1}),
            "went_out",
            "expected one choice code as a string, got a number",
        ),
        (
            "unknown choice code",
            json!({"went_out": "7"}),
            "went_out",
            "`7` is not a choice of this question",
        ),
        (
            "multi given as a string",
            json!({"went_out": "2", "where": "park"}),
            "where",
            "expected a list of choice codes",
        ),
        (
            "multi with a non-string",
            json!({"went_out": "2", "where": [1]}),
            "where",
            "expected choice codes as strings",
        ),
        (
            "multi with an unknown code",
            json!({"went_out": "2", "where": ["beach"]}),
            "where",
            "`beach` is not a choice",
        ),
        (
            "multi with a duplicate",
            json!({"went_out": "2", "where": ["park", "park"]}),
            "where",
            "`park` is chosen more than once",
        ),
        (
            "exclusive combined",
            json!({"went_out": "2", "where": ["park", "none"]}),
            "where",
            "`none` cannot be combined with other choices",
        ),
        (
            "number given as a string",
            json!({"went_out": "2", "years": "12"}),
            "years",
            "expected a number, got a string",
        ),
        (
            "number above max",
            json!({"went_out": "2", "years": 150}),
            "years",
            "150 is outside the allowed range 0 to 100",
        ),
        (
            "number below min",
            json!({"went_out": "2", "years": -1}),
            "years",
            "outside the allowed range",
        ),
        (
            "fraction for an integer",
            json!({"went_out": "2", "years": 2.5}),
            "years",
            "expected a whole number, got 2.5",
        ),
        (
            "text given as a list",
            json!({"went_out": "2", "note": ["a"]}),
            "note",
            "expected a string, got a list",
        ),
        (
            "text too long",
            json!({"went_out": "2", "note": "x".repeat(201)}),
            "note",
            "the text has 201 characters; at most 200 are allowed",
        ),
        (
            "required question missing",
            json!({"years": 3}),
            "went_out",
            "this question must be answered",
        ),
        (
            "answer to a hidden question",
            json!({"went_out": "2", "safe": "1"}),
            "safe",
            "not shown after the earlier answers",
        ),
    ];
    let survey = base();
    for (name, given, question, message) in cases {
        let problems = validate(&survey, &answers(given)).unwrap_err();
        assert_eq!(problems.len(), 1, "{name}: {problems:?}");
        assert_eq!(problems[0].question, question, "{name}");
        assert!(
            problems[0].message.contains(message),
            "{name}: {}",
            problems[0].message
        );
    }
}

#[test]
fn all_problems_of_a_submission_are_returned_together() {
    let survey = base();
    let given = answers(json!({"safe": "1", "years": 1000, "extra": 1}));
    let problems = validate(&survey, &given).unwrap_err();
    let questions: Vec<&str> = problems.iter().map(|p| p.question.as_str()).collect();
    assert_eq!(questions, vec!["extra", "went_out", "safe", "years"]);
}

#[test]
fn an_invalid_upstream_answer_does_not_cause_follow_up_complaints() {
    // With went_out unreadable, nobody knows whether safe is shown: only went_out is wrong.
    let survey = base();
    let problems = validate(&survey, &answers(json!({"went_out": 3, "safe": "1"}))).unwrap_err();
    assert_eq!(
        problems.to_vec(),
        vec![AnswerProblem {
            question: "went_out".to_string(),
            message: "expected one choice code as a string, got a number".to_string()
        }]
    );
}

#[test]
fn required_follow_ups_are_required_only_when_shown() {
    let survey = shipped("school-drug-habits");
    let base_answers = json!({"grade": "y9", "gender": "girl"});
    let mut never = answers(base_answers.clone());
    never.insert("alc_ever".to_string(), json!("0"));
    assert!(validate(&survey, &never).is_ok());

    let mut drinker = answers(base_answers);
    drinker.insert("alc_ever".to_string(), json!("1"));
    let problems = validate(&survey, &drinker).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].question, "alc_12m");
}

#[test]
fn a_problem_serializes_as_an_entry_of_the_422_details() {
    let problem = AnswerProblem {
        question: "q".to_string(),
        message: "m".to_string(),
    };
    assert_eq!(
        serde_json::to_value(&problem).unwrap(),
        json!({"question": "q", "message": "m"})
    );
}

#[test]
fn claiming_the_fictitious_substance_makes_a_pupil_unreliable() {
    let survey = shipped("school-drug-habits");
    let honest = validate(
        &survey,
        &answers(json!({"grade": "g2", "gender": "boy", "zelvorin": "0"})),
    )
    .unwrap();
    let boaster = validate(
        &survey,
        &answers(json!({"grade": "g2", "gender": "boy", "zelvorin": "3"})),
    )
    .unwrap();
    assert!(!survey.is_unreliable(&honest));
    assert!(survey.is_unreliable(&boaster));
}

#[test]
fn a_respondent_contributes_to_indicators_as_the_file_format_says() {
    let survey = shipped("school-drug-habits");
    let indicator = |id: &str| survey.indicator(id).unwrap();
    let pupil = |value: serde_json::Value| validate(&survey, &answers(value)).unwrap();

    let never = pupil(json!({"grade": "y9", "gender": "girl", "alc_ever": "0"}));
    let past = pupil(json!({"grade": "y9", "gender": "girl", "alc_ever": "1", "alc_12m": "0"}));
    let recent = pupil(
        json!({"grade": "y9", "gender": "girl", "alc_ever": "1", "alc_12m": "1", "alc_30d": "1"}),
    );
    let silent = pupil(json!({"grade": "y9", "gender": "girl"}));
    let free_12m = indicator("alcohol_free_12m");
    assert_eq!(free_12m.value(&survey, &never), Some(1.0));
    assert_eq!(free_12m.value(&survey, &past), Some(1.0));
    assert_eq!(free_12m.value(&survey, &recent), Some(0.0));
    assert_eq!(free_12m.value(&survey, &silent), None);

    let resident = shipped("resident-safety");
    let index = resident.indicator("problem_index").unwrap();
    let mut all =
        json!({"age_band": "25-34", "gender": "f", "district": "ekdalen", "out_evening": "1"});
    let items = [
        "prob_vandalism",
        "prob_graffiti",
        "prob_litter",
        "prob_lighting",
        "prob_drugs",
        "prob_groups",
        "prob_traffic",
    ];
    for (item, value) in items.iter().zip(["1", "2", "3", "4", "1", "2", "1"]) {
        all[item] = json!(value);
    }
    let answered = validate(&resident, &answers(all.clone())).unwrap();
    assert_eq!(index.value(&resident, &answered), Some(2.0));
    all["prob_drugs"] = json!("9");
    let dont_know = validate(&resident, &answers(all)).unwrap();
    assert_eq!(index.value(&resident, &dont_know), None);
}

#[test]
fn a_hundred_thousand_unknown_keys_are_named_a_hundred_times_and_counted() {
    let survey = base();
    let mut given = answers(json!({"went_out": "2"}));
    for i in 0..100_000 {
        given.insert(format!("k{i:06}"), json!(1));
    }
    let started = std::time::Instant::now();
    let problems = validate(&survey, &given).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(problems.len(), crate::problems::SHOWN);
    assert_eq!(problems.total(), 100_000);
    assert_eq!(problems[0].question, "k000000");
    assert!(
        problems
            .iter()
            .all(|p| p.message.contains("no such question"))
    );
}
