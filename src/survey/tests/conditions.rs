//! Condition semantics and visibility, including answers to questions hidden upstream.

use std::collections::HashMap;

use super::{base, shipped};
use crate::survey::{Answer, Condition};

fn eq(question: &str, code: &str) -> Condition {
    Condition::Equals {
        question: question.to_string(),
        code: code.to_string(),
    }
}

fn any_of(question: &str, codes: &[&str]) -> Condition {
    Condition::AnyOf {
        question: question.to_string(),
        codes: codes.iter().map(|c| c.to_string()).collect(),
    }
}

fn code(c: &str) -> Answer {
    Answer::Code(c.to_string())
}

fn codes(cs: &[&str]) -> Answer {
    Answer::Codes(cs.iter().map(|c| c.to_string()).collect())
}

/// (name, condition, answers, expected)
type ConditionCase<'a> = (&'a str, Condition, Vec<(&'a str, Answer)>, bool);

/// Evaluates `condition` against a fixed set of answers.
fn holds(condition: &Condition, given: &[(&str, Answer)]) -> bool {
    let map: HashMap<&str, &Answer> = given.iter().map(|(q, a)| (*q, a)).collect();
    condition.holds(&|id| map.get(id).copied())
}

#[test]
fn condition_semantics_follow_the_file_format() {
    let cases: Vec<ConditionCase> = vec![
        (
            "equals matches the code",
            eq("q", "1"),
            vec![("q", code("1"))],
            true,
        ),
        (
            "equals rejects another code",
            eq("q", "1"),
            vec![("q", code("2"))],
            false,
        ),
        ("equals on unanswered is false", eq("q", "1"), vec![], false),
        (
            "equals on multi means chosen",
            eq("m", "b"),
            vec![("m", codes(&["a", "b"]))],
            true,
        ),
        (
            "equals on multi not chosen",
            eq("m", "c"),
            vec![("m", codes(&["a", "b"]))],
            false,
        ),
        (
            "any_of matches one",
            any_of("q", &["1", "2"]),
            vec![("q", code("2"))],
            true,
        ),
        (
            "any_of matches none",
            any_of("q", &["1", "2"]),
            vec![("q", code("3"))],
            false,
        ),
        (
            "any_of on multi",
            any_of("m", &["x", "b"]),
            vec![("m", codes(&["b"]))],
            true,
        ),
        (
            "not of unanswered is true",
            Condition::Not(Box::new(eq("q", "1"))),
            vec![],
            true,
        ),
        (
            "not of a match is false",
            Condition::Not(Box::new(eq("q", "1"))),
            vec![("q", code("1"))],
            false,
        ),
        (
            "all needs every part",
            Condition::All(vec![eq("a", "1"), eq("b", "1")]),
            vec![("a", code("1")), ("b", code("2"))],
            false,
        ),
        (
            "all holds when every part does",
            Condition::All(vec![eq("a", "1"), eq("b", "1")]),
            vec![("a", code("1")), ("b", code("1"))],
            true,
        ),
        (
            "any needs one part",
            Condition::Any(vec![eq("a", "1"), eq("b", "1")]),
            vec![("b", code("1"))],
            true,
        ),
        (
            "any fails with none",
            Condition::Any(vec![eq("a", "1"), eq("b", "1")]),
            vec![],
            false,
        ),
        (
            "numbers never match codes",
            eq("n", "1"),
            vec![("n", Answer::Number(1.0))],
            false,
        ),
    ];
    for (name, condition, given, expected) in cases {
        assert_eq!(holds(&condition, &given), expected, "{name}");
    }
}

#[test]
fn a_condition_lists_the_questions_it_looks_at() {
    let c = Condition::Any(vec![
        eq("a", "1"),
        Condition::Not(Box::new(any_of("b", &["2"]))),
    ]);
    assert_eq!(c.questions(), vec!["a", "b"]);
}

#[test]
fn a_question_shows_only_when_its_condition_holds() {
    let survey = base();
    let yes = code("1");
    let no = code("2");
    assert!(survey.is_shown("safe", &|id| (id == "went_out").then_some(&yes)));
    assert!(!survey.is_shown("safe", &|id| (id == "went_out").then_some(&no)));
    assert!(!survey.is_shown("safe", &|_| None));
    assert!(survey.is_shown("went_out", &|_| None));
    assert!(!survey.is_shown("no_such_question", &|_| None));
}

#[test]
fn an_answer_to_a_hidden_question_counts_as_unanswered_downstream() {
    // alc_ever = no hides alc_12m; a stale "yes" to alc_12m must not reveal alc_30d.
    let survey = shipped("school-drug-habits");
    let given: HashMap<&str, Answer> = [("alc_ever", code("0")), ("alc_12m", code("1"))].into();
    let lookup = |id: &str| given.get(id);
    assert!(!survey.is_shown("alc_12m", &lookup));
    assert!(!survey.is_shown("alc_30d", &lookup));
    let shown: Vec<&str> = survey
        .shown_questions(&lookup)
        .iter()
        .map(|q| q.id.as_str())
        .collect();
    assert!(
        shown.contains(&"alc_ever") && !shown.contains(&"alc_12m") && !shown.contains(&"alc_30d")
    );

    let drinker: HashMap<&str, Answer> = [("alc_ever", code("1")), ("alc_12m", code("1"))].into();
    assert!(survey.is_shown("alc_30d", &|id: &str| drinker.get(id)));
}

#[test]
fn not_shows_the_administration_question_to_everyone_but_elected_officials() {
    let survey = shipped("staff-safety");
    let elected = code("elected");
    let employee = code("employee");
    assert!(!survey.is_shown("administration", &|id| (id == "role").then_some(&elected)));
    assert!(survey.is_shown("administration", &|id| (id == "role").then_some(&employee)));
    assert!(survey.is_shown("administration", &|_| None));
}
