//! One test per rule of the file format: each case breaks the valid BASE fixture in one place
//! and expects exactly one problem, on the right line, saying what is wrong.

use std::path::Path;

use super::{BASE, line_of};
use crate::survey::load_str;

/// Where the expected problem is.
enum At {
    /// The line on which the replacement text starts.
    Replacement,
    /// The line on which this text first occurs in the changed file.
    Text(&'static str),
}

struct Case {
    name: &'static str,
    from: &'static str,
    to: &'static str,
    message: &'static str,
    at: At,
}

const fn case(
    name: &'static str,
    from: &'static str,
    to: &'static str,
    message: &'static str,
) -> Case {
    Case {
        name,
        from,
        to,
        message,
        at: At::Replacement,
    }
}

const fn case_at(
    name: &'static str,
    from: &'static str,
    to: &'static str,
    message: &'static str,
    at: &'static str,
) -> Case {
    Case {
        name,
        from,
        to,
        message,
        at: At::Text(at),
    }
}

const CASES: &[Case] = &[
    // The survey itself
    case(
        "survey id format",
        r#"id = "base""#,
        r#"id = "Base_1""#,
        "survey id `Base_1` must start with a lowercase letter",
    ),
    case(
        "version below one",
        "version = 1",
        "version = 0",
        "`version` must be a whole number from 1 up",
    ),
    case_at(
        "grades of a survey that is not for pupils",
        r#"audience = "residents""#,
        "audience = \"residents\"\ngrades = [9]",
        "`grades` is only for surveys with audience = \"pupils\"",
        "grades = [9]",
    ),
    case_at(
        "a grade out of range",
        r#"audience = "residents""#,
        "audience = \"pupils\"\ngrades = [9, 14]",
        "`14` is not a grade: use whole numbers from 1 to 13",
        "grades = [9, 14]",
    ),
    case_at(
        "headline by an unknown question",
        "min_cell_size = 5\n",
        "min_cell_size = 5\nheadline_by = \"grade\"\n",
        "`headline_by`: there is no question `grade`",
        "headline_by",
    ),
    case_at(
        "headline by a question that is not a background question",
        "min_cell_size = 5\n",
        "min_cell_size = 5\nheadline_by = \"safe\"\n",
        "`headline_by`: question `safe` is not a background question",
        "headline_by",
    ),
    case(
        "unknown audience",
        r#"audience = "residents""#,
        r#"audience = "citizens""#,
        "unknown audience `citizens`",
    ),
    case(
        "cell size below three",
        "min_cell_size = 5",
        "min_cell_size = 2",
        "`min_cell_size` is 2; it must be at least 3",
    ),
    case_at(
        "unknown key",
        "min_cell_size = 5\n",
        "min_cell_size = 5\ncolour = \"blue\"\n",
        "unknown field `colour`",
        "colour",
    ),
    case(
        "wrong value type",
        "required = true",
        r#"required = "yes""#,
        "invalid type: string \"yes\"",
    ),
    case(
        "missing Swedish text",
        r#"title = { sv = "Titel", en = "Title" }"#,
        r#"title = { en = "Title" }"#,
        "survey title: the Swedish text (`sv`) is missing",
    ),
    case(
        "empty English text",
        r#"title = { sv = "Sida", en = "Page" }"#,
        r#"title = { sv = "Sida", en = " " }"#,
        "page `p-one` title: the English translation (`en`) is empty",
    ),
    // Pages
    case(
        "page id format",
        r#"id = "p-one""#,
        r#"id = "P one""#,
        "page id `P one` must start with a lowercase letter",
    ),
    case_at(
        "duplicate page id",
        "[[pages.questions]]\nid = \"note\"",
        "[[pages]]\nid = \"p-one\" # again\ntitle = { sv = \"Två\", en = \"Two\" }\n\n[[pages.questions]]\nid = \"note\"",
        "page id `p-one` is used twice (first on line 9)",
        "# again",
    ),
    case_at(
        "page without questions",
        "[[indicators]]\nid = \"unsafe\"",
        "[[pages]]\nid = \"p-empty\"\ntitle = { sv = \"Tom\", en = \"Empty\" }\n\n[[indicators]]\nid = \"unsafe\"",
        "page `p-empty` has no questions",
        "id = \"p-empty\"",
    ),
    // Questions
    case(
        "question id format",
        r#"id = "note""#,
        r#"id = "Note""#,
        "question id `Note` must start with a lowercase letter",
    ),
    case(
        "duplicate question id",
        r#"id = "note""#,
        r#"id = "years" # dup"#,
        "question id `years` is used twice (first on line",
    ),
    case(
        "unknown type",
        r#"type = "text""#,
        r#"type = "essay""#,
        "question `note`: unknown type `essay`",
    ),
    case_at(
        "choices on a number question",
        "min = 0\nmax = 100\n",
        "min = 0\nmax = 100\nchoices = [{ code = \"1\", label = { sv = \"Ett\", en = \"One\" } }]\n",
        "question `years`: `choices` does not belong to a number question",
        "choices = [{",
    ),
    case_at(
        "max_length on a multi question",
        "type = \"multi\"\n",
        "type = \"multi\"\nmax_length = 5\n",
        "`max_length` does not belong to a multi question",
        "max_length = 5",
    ),
    case_at(
        "text question without max_length",
        "max_length = 200\n",
        "",
        "question `note`: a text question needs `max_length`",
        "id = \"note\"",
    ),
    case(
        "max_length out of range",
        "max_length = 200",
        "max_length = 20000",
        "`max_length` must be from 1 to 10000",
    ),
    case_at(
        "number question without min",
        "min = 0\n",
        "",
        "question `years`: a number question needs `min`",
        "id = \"years\"",
    ),
    case(
        "min above max",
        "min = 0",
        "min = 500",
        "question `years`: `min` (500) must be less than `max` (100)",
    ),
    case(
        "fractional bound of an integer question",
        "max = 100",
        "max = 99.5",
        "`max` must be a whole number, as `integer` is true",
    ),
    case_at(
        "choice question without choices",
        "choices = [\n  { code = \"park\", label = { sv = \"Park\", en = \"Park\" } },\n  { code = \"street\", label = { sv = \"Gata\", en = \"Street\" } },\n  { code = \"none\", label = { sv = \"Ingenstans\", en = \"Nowhere\" }, exclusive = true },\n]\n",
        "",
        "question `where`: a multi question needs `choices`",
        "id = \"where\"",
    ),
    case(
        "non-integer ordinal code",
        r#"{ code = "1", label = { sv = "Trygg""#,
        r#"{ code = "a", label = { sv = "Trygg""#,
        "question `safe`: ordinal code `a` must be a whole number",
    ),
    case_at(
        "ordinal codes out of order",
        r#"{ code = "1", label = { sv = "Trygg""#,
        r#"{ code = "3", label = { sv = "Trygg""#,
        "ordinal codes must increase in the order listed, but `2` follows `3`",
        r#"{ code = "2", label = { sv = "Otrygg""#,
    ),
    case_at(
        "fewer than two choices",
        "  { code = \"2\", label = { sv = \"Nej\", en = \"No\" } },\n",
        "",
        "question `went_out`: needs at least 2 choices that are not `missing`",
        "choices = [",
    ),
    case_at(
        "duplicate choice code",
        r#"{ code = "street", label"#,
        r#"{ code = "park", label"#,
        "question `where`: choice code `park` is used twice (first on line 39)",
        r#"sv = "Gata""#,
    ),
    case(
        "choice code format",
        r#"{ code = "street", label"#,
        r#"{ code = "st reet", label"#,
        "question `where`: choice code `st reet` must use only",
    ),
    case(
        "exclusive on a single question",
        r#"label = { sv = "Nej", en = "No" } }"#,
        r#"label = { sv = "Nej", en = "No" }, exclusive = true }"#,
        "question `went_out`: `exclusive` (choice `2`) is only for multi questions",
    ),
    case(
        "missing choice in a multi question that is not exclusive",
        r#"  { code = "none""#,
        r#"  { code = "9", label = { sv = "Vet ej", en = "Unsure" }, missing = true },
  { code = "none""#,
        "question `where`: choice `9` is `missing`, so in a multi question it must also be `exclusive`",
    ),
    case_at(
        "background on a multi question",
        "type = \"multi\"\n",
        "type = \"multi\"\nbackground = true # multi\n",
        "question `where`: only single and ordinal questions can be `background`, this one is multi",
        "# multi",
    ),
    case_at(
        "short label on a question that is not background",
        "type = \"ordinal\"\n",
        "type = \"ordinal\"\nshort = { sv = \"Trygghet\", en = \"Safety\" }\n",
        "question `safe`: `short` names a breakdown, so it belongs to background questions (`background = true`)",
        "short = ",
    ),
    case_at(
        "short label without English",
        "background = true\n",
        "background = true\nshort = { sv = \"Ute\" }\n",
        "question `went_out` short: the English translation (`en`) is missing",
        "short = ",
    ),
    case_at(
        "short label too long",
        "background = true\n",
        "background = true\nshort = { sv = \"Går du ut på kvällarna i området\", en = \"Out\" }\n",
        "question `went_out` short: the Swedish label has more than 30 characters; it heads a breakdown, such as \"Årskurs\"",
        "short = ",
    ),
    // Conditions
    case(
        "condition on an unknown question",
        r#"show_if = { question = "went_out", equals = "1" }"#,
        r#"show_if = { question = "gone", equals = "1" }"#,
        "question `safe`: condition refers to `gone`, which is not a question in this file",
    ),
    case_at(
        "condition on a later question",
        "id = \"went_out\"\n",
        "id = \"went_out\"\nshow_if = { question = \"safe\", equals = \"1\" }\n",
        "question `went_out`: condition refers to `safe`, which comes later in the file",
        "show_if = { question = \"safe\"",
    ),
    case(
        "condition on the question itself",
        r#"show_if = { question = "went_out", equals = "1" }"#,
        r#"show_if = { question = "safe", equals = "1" }"#,
        "question `safe`: condition refers to the question itself",
    ),
    case_at(
        "condition on a number question",
        "id = \"note\"\n",
        "id = \"note\"\nshow_if = { question = \"years\", equals = \"1\" }\n",
        "question `note`: condition refers to `years`, a number question; conditions work only on single, multi and ordinal questions",
        "show_if = { question = \"years\"",
    ),
    case_at(
        "condition on a text question",
        "min_cell_size = 5\n",
        "min_cell_size = 5\nunreliable_if = { question = \"note\", equals = \"x\" }\n",
        "`unreliable_if`: condition refers to `note`, a text question",
        "unreliable_if",
    ),
    case(
        "condition with a code the question lacks",
        r#"show_if = { question = "went_out", equals = "1" }"#,
        r#"show_if = { question = "went_out", equals = "7" }"#,
        "question `safe`: condition uses code `7`, which question `went_out` does not have",
    ),
    case(
        "condition code in a nested any_of",
        r#"show_if = { question = "went_out", equals = "1" }"#,
        r#"show_if = { not = { any = [{ question = "went_out", any_of = ["2", "8"] }] } }"#,
        "condition uses code `8`",
    ),
    case(
        "condition without a form",
        r#"show_if = { question = "went_out", equals = "1" }"#,
        r#"show_if = { question = "went_out" }"#,
        "question `safe`: a condition must have exactly one form",
    ),
    case(
        "condition with two forms",
        r#"show_if = { question = "went_out", equals = "1" }"#,
        r#"show_if = { question = "went_out", equals = "1", any_of = ["2"] }"#,
        "a condition must have exactly one form",
    ),
    case(
        "empty all",
        r#"show_if = { question = "went_out", equals = "1" }"#,
        r#"show_if = { all = [] }"#,
        "question `safe`: `all` lists no conditions",
    ),
    case_at(
        "unreliable_if on an unknown question",
        "min_cell_size = 5\n",
        "min_cell_size = 5\nunreliable_if = { question = \"nope\", equals = \"1\" }\n",
        "`unreliable_if`: condition refers to `nope`, which is not a question in this file",
        "unreliable_if",
    ),
    // Indicators
    case(
        "unknown priority area",
        r#"priority_area = "outdoor-insecurity"
statistic = "proportion""#,
        r#"priority_area = "safety"
statistic = "proportion""#,
        "indicator `unsafe`: unknown priority area `safety`",
    ),
    case(
        "unknown statistic",
        r#"statistic = "mean""#,
        r#"statistic = "median""#,
        "indicator `safety_mean`: unknown statistic `median`",
    ),
    case(
        "unknown direction",
        r#"better = "lower"
target"#,
        r#"better = "smaller"
target"#,
        "indicator `unsafe`: `better` is `smaller`",
    ),
    case(
        "indicator id format",
        r#"id = "unsafe""#,
        r#"id = "Unsafe""#,
        "indicator id `Unsafe` must start",
    ),
    case(
        "duplicate indicator id",
        r#"id = "safety_mean""#,
        r#"id = "unsafe" # dup"#,
        "indicator id `unsafe` is used twice",
    ),
    case(
        "indicator on an unknown question",
        r#"questions = ["safe"]"#,
        r#"questions = ["safer"]"#,
        "indicator `unsafe`: there is no question `safer`",
    ),
    case(
        "indicator without questions",
        r#"questions = ["safe"]"#,
        r#"questions = []"#,
        "indicator `unsafe`: `questions` is empty",
    ),
    case(
        "number question in a proportion",
        r#"questions = ["safe"]"#,
        r#"questions = ["years"]"#,
        "indicator `unsafe`: question `years` is a number question; a proportion uses single, multi or ordinal questions",
    ),
    case(
        "text question in a mean",
        r#"questions = ["safe", "years"]"#,
        r#"questions = ["safe", "note"]"#,
        "indicator `safety_mean`: question `note` is a text question; a mean uses ordinal or number questions",
    ),
    case(
        "single question in a mean",
        r#"questions = ["safe", "years"]"#,
        r#"questions = ["safe", "went_out"]"#,
        "question `went_out` is a single question; a mean uses ordinal or number questions",
    ),
    case(
        "proportion code not in the question",
        r#"codes = ["2"]"#,
        r#"codes = ["5"]"#,
        "indicator `unsafe`: code `5` is not a choice of question `safe`",
    ),
    case(
        "proportion counting a missing code",
        r#"codes = ["2"]"#,
        r#"codes = ["9"]"#,
        "code `9` of question `safe` is a missing answer and cannot be counted",
    ),
    case_at(
        "proportion without codes",
        "codes = [\"2\"]\n",
        "",
        "indicator `unsafe`: a proportion needs `codes`",
        "statistic = \"proportion\"",
    ),
    case_at(
        "codes on a mean",
        "questions = [\"safe\", \"years\"]\n",
        "questions = [\"safe\", \"years\"]\ncodes = [\"1\"]\n",
        "indicator `safety_mean`: `codes` is only for proportions, not means",
        "codes = [\"1\"]",
    ),
    case(
        "proportion target above one",
        "target = 0.2",
        "target = 1.5",
        "indicator `unsafe`: `target` 1.5 is a proportion and must be between 0 and 1",
    ),
];

#[test]
fn each_broken_rule_gives_one_problem_on_its_line() {
    let mut failures = Vec::new();
    for case in CASES {
        assert!(
            BASE.contains(case.from),
            "{}: fixture lacks {:?}",
            case.name,
            case.from
        );
        let source = BASE.replacen(case.from, case.to, 1);
        let expected_line = match case.at {
            At::Replacement => line_of(&source, case.to),
            At::Text(text) => line_of(&source, text),
        };
        let outcome = load_str(Path::new("case.toml"), &source);
        let errors = match outcome {
            Ok(_) => {
                failures.push(format!("{}: accepted", case.name));
                continue;
            }
            Err(errors) => errors,
        };
        let ok = errors.len() == 1
            && errors[0].message.contains(case.message)
            && errors[0].line == expected_line;
        if !ok {
            let got: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.line, e.message))
                .collect();
            failures.push(format!(
                "{}: expected line {expected_line} `{}`, got {got:?}",
                case.name, case.message
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn problems_in_several_places_are_all_reported_in_line_order() {
    let source = BASE
        .replace("min_cell_size = 5", "min_cell_size = 1")
        .replace(r#"type = "text""#, r#"type = "essay""#)
        .replace(r#"codes = ["2"]"#, r#"codes = ["5"]"#);
    let errors = load_str(Path::new("x.toml"), &source).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.windows(2).all(|w| w[0].line <= w[1].line));
}

#[test]
fn headline_by_names_a_single_choice_background_question() {
    let text = BASE.replacen(
        "min_cell_size = 5\n",
        "min_cell_size = 5\nheadline_by = \"went_out\"\n",
        1,
    );
    let survey = load_str(Path::new("base.toml"), &text).expect("valid");
    assert_eq!(survey.headline_by.as_deref(), Some("went_out"));
    let plain = load_str(Path::new("base.toml"), BASE).expect("valid");
    assert_eq!(plain.headline_by, None);
}
