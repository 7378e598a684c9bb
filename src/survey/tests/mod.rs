//! Unit tests of the survey module, one file per concern, sharing the fixtures below.

mod answers;
mod catalog;
mod checks;
mod conditions;
mod load;
mod synth;

use std::path::Path;

use serde_json::{Map, Value};

use super::{Survey, load_str};

/// A small valid survey using every question type, a condition and both kinds of indicator.
/// Tests change it by replacing text, so keep each snippet they replace unique.
pub(super) const BASE: &str = r#"id = "base"
version = 1
audience = "residents"
min_cell_size = 5
title = { sv = "Titel", en = "Title" }
intro = { sv = "Inledning", en = "Introduction" }

[[pages]]
id = "p-one"
title = { sv = "Sida", en = "Page" }

[[pages.questions]]
id = "went_out"
type = "single"
required = true
background = true
text = { sv = "Går du ut?", en = "Do you go out?" }
choices = [
  { code = "1", label = { sv = "Ja", en = "Yes" } },
  { code = "2", label = { sv = "Nej", en = "No" } },
]

[[pages.questions]]
id = "safe"
type = "ordinal"
show_if = { question = "went_out", equals = "1" }
text = { sv = "Hur trygg?", en = "How safe?" }
choices = [
  { code = "1", label = { sv = "Trygg", en = "Safe" } },
  { code = "2", label = { sv = "Otrygg", en = "Unsafe" } },
  { code = "9", label = { sv = "Vet inte", en = "Don't know" }, missing = true },
]

[[pages.questions]]
id = "where"
type = "multi"
text = { sv = "Var?", en = "Where?" }
choices = [
  { code = "park", label = { sv = "Park", en = "Park" } },
  { code = "street", label = { sv = "Gata", en = "Street" } },
  { code = "none", label = { sv = "Ingenstans", en = "Nowhere" }, exclusive = true },
]

[[pages.questions]]
id = "years"
type = "number"
min = 0
max = 100
text = { sv = "År?", en = "Years?" }

[[pages.questions]]
id = "note"
type = "text"
max_length = 200
text = { sv = "Övrigt?", en = "Anything else?" }

[[indicators]]
id = "unsafe"
title = { sv = "Otrygga", en = "Unsafe" }
priority_area = "outdoor-insecurity"
statistic = "proportion"
better = "lower"
target = 0.2
questions = ["safe"]
codes = ["2"]

[[indicators]]
id = "safety_mean"
title = { sv = "Medel", en = "Mean" }
priority_area = "outdoor-insecurity"
statistic = "mean"
better = "lower"
questions = ["safe", "years"]
"#;

pub(super) fn base() -> Survey {
    load_str(Path::new("base.toml"), BASE).unwrap()
}

/// The questionnaires shipped in surveys/, by file name.
pub(super) const SHIPPED: [(&str, &str); 3] = [
    (
        "resident-safety.toml",
        include_str!("../../../surveys/resident-safety.toml"),
    ),
    (
        "school-drug-habits.toml",
        include_str!("../../../surveys/school-drug-habits.toml"),
    ),
    (
        "staff-safety.toml",
        include_str!("../../../surveys/staff-safety.toml"),
    ),
];

pub(super) fn shipped(id: &str) -> Survey {
    let (name, source) = SHIPPED
        .iter()
        .find(|(name, _)| name.trim_end_matches(".toml") == id)
        .unwrap();
    load_str(Path::new(name), source).unwrap()
}

/// The `answers` object of a submission.
pub(super) fn answers(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// The 1-based line on which `needle` first occurs in `source`.
pub(super) fn line_of(source: &str, needle: &str) -> usize {
    let at = source
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    source[..at].matches('\n').count() + 1
}
