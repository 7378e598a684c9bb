//! Output measures (prestationsmått): what an intervention delivers, counted per year as planned
//! and as actually done ("12 trygghetsvandringar planned, 9 done in 2024").

use std::collections::{BTreeMap, HashMap};

use super::number::{self, NumberError};
use super::{Change, FormProblems, clean_line, history};
use crate::i18n::Lang;

/// Longest unit ("antal", "timmar", "kronor").
pub const MAX_UNIT: usize = 60;

/// One year's planned and actual value; either may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct YearValues {
    pub planned: Option<f64>,
    pub actual: Option<f64>,
}

/// A checked output measure: its name, unit, and values by year (years without any left out).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Output {
    pub name: String,
    pub unit: String,
    pub values: BTreeMap<i32, YearValues>,
}

/// The output form as typed: name, unit, and per year the planned and actual value
/// (`planned-2024`, `actual-2024`).
#[derive(Debug, Clone, Default)]
pub struct OutputForm {
    pub name: String,
    pub unit: String,
    pub values: BTreeMap<i32, (String, String)>,
}

pub fn planned_field(year: i32) -> String {
    format!("planned-{year}")
}

pub fn actual_field(year: i32) -> String {
    format!("actual-{year}")
}

impl OutputForm {
    /// The submitted fields, read for `years` (other fields are ignored).
    pub fn from_fields(fields: &HashMap<String, String>, years: &[i32]) -> OutputForm {
        let get = |key: &str| fields.get(key).cloned().unwrap_or_default();
        OutputForm {
            name: get("name"),
            unit: get("unit"),
            values: years
                .iter()
                .map(|&y| (y, (get(&planned_field(y)), get(&actual_field(y)))))
                .collect(),
        }
    }

    /// The form filled in with a stored measure, for `years`, numbers as `lang` writes them.
    pub fn of(output: &Output, years: &[i32], lang: Lang) -> OutputForm {
        let typed = |v: Option<f64>| v.map(|v| number::for_input(lang, v)).unwrap_or_default();
        OutputForm {
            name: output.name.clone(),
            unit: output.unit.clone(),
            values: years
                .iter()
                .map(|&y| {
                    let v = output.values.get(&y).copied().unwrap_or_default();
                    (y, (typed(v.planned), typed(v.actual)))
                })
                .collect(),
        }
    }

    pub fn parse(&self) -> Result<Output, FormProblems> {
        let mut p = FormProblems::default();
        let name = clean_line(&self.name);
        if name.is_empty() {
            p.add(
                "name",
                "Fyll i vad som mäts, t.ex. Antal trygghetsvandringar.",
                "Enter what is measured, e.g. Number of safety walks.",
            );
        } else if name.chars().count() > super::MAX_LINE {
            p.add(
                "name",
                format!("Namnet får vara högst {} tecken.", super::MAX_LINE),
                format!("The name must be at most {} characters.", super::MAX_LINE),
            );
        }
        let unit = clean_line(&self.unit);
        if unit.chars().count() > MAX_UNIT {
            p.add(
                "unit",
                format!("Enheten får vara högst {MAX_UNIT} tecken."),
                format!("The unit must be at most {MAX_UNIT} characters."),
            );
        }
        let mut values = BTreeMap::new();
        for (&year, (planned, actual)) in &self.values {
            let planned = value(
                &mut p,
                &planned_field(year),
                planned,
                year,
                ("Planerat", "Planned"),
            );
            let actual = value(
                &mut p,
                &actual_field(year),
                actual,
                year,
                ("Utfallet", "The actual value"),
            );
            if planned.is_some() || actual.is_some() {
                values.insert(year, YearValues { planned, actual });
            }
        }
        p.or(Output { name, unit, values })
    }
}

fn value(
    p: &mut FormProblems,
    field: &str,
    text: &str,
    year: i32,
    (sv, en): (&str, &str),
) -> Option<f64> {
    match number::parse_amount(text) {
        Ok(v) => v,
        Err(NumberError::Negative) => {
            p.add(
                field,
                format!("{sv} {year} kan inte vara negativt."),
                format!("{en} for {year} cannot be negative."),
            );
            None
        }
        Err(NumberError::TooLarge) => {
            p.add(
                field,
                format!("{sv} {year} är för stort."),
                format!("{en} for {year} is too large."),
            );
            None
        }
        Err(NumberError::NotANumber) => {
            p.add(
                field,
                format!("{sv} {year} ska vara ett tal, t.ex. 12 eller 2,5."),
                format!("{en} for {year} must be a number, e.g. 12 or 2.5."),
            );
            None
        }
    }
}

/// What changed from `old` (none for a new measure) to `new`, named by the measure.
pub fn changes(old: Option<&Output>, new: &Output) -> Vec<Change> {
    let empty = Output::default();
    let before = old.unwrap_or(&empty);
    let fields = |o: &Output| vec![("name", o.name.clone()), ("unit", o.unit.clone())];
    let named = |list: Vec<Change>| -> Vec<Change> {
        list.into_iter().map(|c| c.about(&new.name)).collect()
    };
    let mut out = match old {
        Some(_) => named(history::diff(&fields(before), &fields(new))),
        None => named(history::created(&fields(new))),
    };
    let years: std::collections::BTreeSet<i32> = before
        .values
        .keys()
        .chain(new.values.keys())
        .copied()
        .collect();
    for year in years {
        let a = before.values.get(&year).copied().unwrap_or_default();
        let b = new.values.get(&year).copied().unwrap_or_default();
        for (field, x, y) in [
            ("planned", a.planned, b.planned),
            ("actual", a.actual, b.actual),
        ] {
            if x != y {
                out.push(
                    Change::new(field, x.map(number::canonical), y.map(number::canonical))
                        .about(&new.name)
                        .in_year(year),
                );
            }
        }
    }
    out
}

/// Everything a removed measure held, for the history.
pub fn removed(old: &Output) -> Vec<Change> {
    let mut out = vec![Change::new("name", Some(old.name.clone()), None).about(&old.name)];
    for (&year, v) in &old.values {
        for (field, x) in [("planned", v.planned), ("actual", v.actual)] {
            if let Some(x) = x {
                out.push(
                    Change::new(field, Some(number::canonical(x)), None)
                        .about(&old.name)
                        .in_year(year),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(fields: &[(&str, &str)], years: &[i32]) -> OutputForm {
        let map: HashMap<String, String> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        OutputForm::from_fields(&map, years)
    }

    #[test]
    fn values_are_read_per_year_with_a_decimal_comma() {
        let out = form(
            &[
                ("name", " Trygghetsvandringar "),
                ("unit", "antal"),
                ("planned-2024", "12"),
                ("actual-2024", "9,5"),
                ("planned-2025", ""),
                ("actual-2025", ""),
                ("planned-1999", "5"),
            ],
            &[2024, 2025],
        )
        .parse()
        .expect("valid");
        assert_eq!(out.name, "Trygghetsvandringar");
        assert_eq!(
            out.values.len(),
            1,
            "empty years and years outside are left out"
        );
        assert_eq!(
            out.values[&2024],
            YearValues {
                planned: Some(12.0),
                actual: Some(9.5)
            }
        );
    }

    #[test]
    fn each_bad_value_is_named_by_its_year() {
        let problems = form(
            &[
                ("name", ""),
                ("planned-2024", "tolv"),
                ("actual-2025", "-3"),
            ],
            &[2024, 2025],
        )
        .parse()
        .expect_err("refused");
        let fields: Vec<&str> = problems.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["name", "planned-2024", "actual-2025"]);
        assert!(problems.0[1].1.sv.contains("2024"), "{problems:?}");
    }

    #[test]
    fn changes_name_the_measure_and_the_year() {
        let old = form(&[("name", "Vandringar"), ("planned-2024", "12")], &[2024])
            .parse()
            .expect("valid");
        let new = form(
            &[
                ("name", "Vandringar"),
                ("planned-2024", "12"),
                ("actual-2024", "9"),
            ],
            &[2024],
        )
        .parse()
        .expect("valid");
        let changes = changes(Some(&old), &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0],
            Change::new("actual", None, Some("9".into()))
                .about("Vandringar")
                .in_year(2024)
        );
        assert!(
            super::changes(None, &new)
                .iter()
                .all(|c| c.subject.as_deref() == Some("Vandringar"))
        );
        assert_eq!(removed(&new).len(), 3);
    }
}
