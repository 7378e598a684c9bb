use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{Actor, AgreementCatalog, load_dir, load_str};
use crate::survey::SurveyCatalog;

fn surveys() -> SurveyCatalog {
    crate::survey::load_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("surveys"))
        .expect("surveys")
}

const SMALL: &str = r#"id = "2027-2030"
title = { sv = "Överenskommelse 2027–2030", en = "Agreement 2027–2030" }
parties = [{ sv = "Kommunen", en = "The municipality" }, { sv = "Polisen", en = "The police" }]
period = { from = "2027-01-01", to = "2030-12-31" }

[[areas]]
id = "housing-areas"
title = { sv = "Trygga bostadsområden", en = "Safe housing areas" }
description = { sv = "Beskrivning", en = "Description" }
indicators = ["resident-safety/unsafe_night"]
measures = ["kolada/N07540"]

[[promises]]
id = "belysning"
title = { sv = "Belysning", en = "Lighting" }
text = { sv = "Vi lovar ljus.", en = "We promise light." }
period = { from = "2027-01-01", to = "2028-12-31" }
area = "housing-areas"

[[promises.activities]]
text = { sv = "Lampor lagas", en = "Lamps are repaired" }
by = ["kommun", "partner: Bostadsbolaget"]
"#;

fn problems(source: &str) -> Vec<String> {
    match load_str(Path::new("a.toml"), source, &surveys()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn the_shipped_agreement_holds_every_indicator_once() {
    let surveys = surveys();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("agreements");
    let catalog = load_dir(&dir, &surveys).unwrap_or_else(|e| panic!("{e:?}"));
    let a = catalog.get("2023-2026").expect("the agreement");
    assert_eq!(
        a.areas.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["youth-at-risk", "outdoor-insecurity", "threats-violence"]
    );
    let all: usize = surveys.iter().map(|l| l.survey.indicators.len()).sum();
    let listed: usize = a.areas.iter().map(|a| a.indicators.len()).sum();
    assert_eq!(listed, all, "every indicator follows an area");
    for area in &a.areas {
        assert_eq!(
            area.residents.len(),
            3,
            "{}: three for residents first",
            area.id
        );
    }
    assert_eq!(a.promises.len(), 2);
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    assert_eq!(
        catalog.for_year(2023).map(|a| a.id.as_str()),
        Some("2023-2026")
    );
    assert_eq!(
        catalog.for_year(2026).map(|a| a.id.as_str()),
        Some("2023-2026")
    );
    assert!(catalog.for_year(2022).is_none());
    assert_eq!(
        a.promises_on(day(2025, 6, 1))
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>(),
        ["unga-2025-2026"]
    );
}

#[test]
fn a_new_agreement_with_other_areas_is_a_file() {
    let a = load_str(Path::new("a.toml"), SMALL, &surveys()).expect("valid");
    assert_eq!(a.areas[0].id, "housing-areas");
    assert_eq!(
        a.area_of("resident-safety", "unsafe_night")
            .map(|a| a.id.as_str()),
        Some("housing-areas")
    );
    assert_eq!(
        a.promises[0].activities[0].by,
        [Actor::Municipality, Actor::Partner("Bostadsbolaget".into())]
    );
}

#[test]
fn each_problem_is_named_with_its_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#"period = { from = "2027-01-01", to = "2030-12-31" }"#,
            r#"period = { from = "2031-01-01", to = "2030-12-31" }"#,
            "a.toml:4: `period`: it ends (2030-12-31) before it starts (2031-01-01)",
        ),
        (
            r#"to = "2030-12-31" }"#,
            r#"to = "2030-13-31" }"#,
            "a.toml:4: `period` `to`: `2030-13-31` is not a date as YYYY-MM-DD",
        ),
        (
            "resident-safety/unsafe_night",
            "resident-safety/no_such",
            "a.toml:10: area `housing-areas`: questionnaire `resident-safety` has no indicator `no_such`",
        ),
        (
            "resident-safety/unsafe_night",
            "nowhere/unsafe_night",
            "a.toml:10: area `housing-areas`: there is no questionnaire `nowhere`",
        ),
        (
            "resident-safety/unsafe_night",
            "unsafe_night",
            "a.toml:10: area `housing-areas`: `unsafe_night` is not `survey/indicator`",
        ),
        (
            "kolada/N07540",
            "N07540",
            "a.toml:11: area `housing-areas`: measure `N07540` is not `source/measure`",
        ),
        (
            r#"measures = ["kolada/N07540"]"#,
            "measures = [\"kolada/N07540\"]\nresidents = [\"resident-safety/drug_dealing\"]",
            "a.toml:12: area `housing-areas`: `resident-safety/drug_dealing` in `residents` is not one of the area's `indicators`",
        ),
        (
            r#"period = { from = "2027-01-01", to = "2028-12-31" }"#,
            r#"period = { from = "2027-01-01", to = "2031-12-31" }"#,
            "a.toml:17: promise `belysning`: its period 2027-01-01 – 2031-12-31 is not inside the agreement's",
        ),
        (
            r#"area = "housing-areas""#,
            r#"area = "schools""#,
            "a.toml:18: promise `belysning`: there is no area `schools` in this agreement",
        ),
        (
            r#"by = ["kommun", "partner: Bostadsbolaget"]"#,
            r#"by = ["kommunen", "grannarna"]"#,
            "a.toml:22: promise `belysning`: `grannarna` is not kommun, polis or \"partner: NAME\"",
        ),
        (
            r#"{ sv = "Polisen", en = "The police" }"#,
            r#"{ sv = "Polisen" }"#,
            "a.toml:3: a party: the en text (`en = \"…\"`) is missing",
        ),
        (
            r#"id = "housing-areas""#,
            r#"id = "Housing Areas""#,
            "a.toml:7: area id `Housing Areas`: use lowercase letters",
        ),
        (
            "title = { sv = \"Belysning\", en = \"Lighting\" }\n",
            "",
            "a.toml:13: missing field `title`",
        ),
    ];
    for (from, to, expected) in cases {
        assert!(SMALL.contains(from), "{from}");
        let found = problems(&SMALL.replacen(from, to, 1));
        assert_eq!(found.len(), 1, "{to}: {found:?}");
        assert!(found[0].starts_with(expected), "{to}: {found:?}");
    }
}

#[test]
fn an_indicator_follows_one_area_and_agreements_do_not_overlap() {
    let twice = SMALL.replace(
        "measures = [\"kolada/N07540\"]\n",
        "measures = [\"kolada/N07540\"]\n\n[[areas]]\nid = \"second\"\ntitle = { sv = \"A\", en = \"A\" }\ndescription = { sv = \"B\", en = \"B\" }\nindicators = [\"resident-safety/unsafe_night\"]\n",
    );
    let found = problems(&twice);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("already follows area `housing-areas`"),
        "{found:?}"
    );

    let dir = std::env::temp_dir().join(format!("trygg-agreements-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("a.toml"), SMALL).expect("write");
    std::fs::write(
        dir.join("b.toml"),
        SMALL[..SMALL.find("[[promises]]").expect("promises")]
            .replace("id = \"2027-2030\"", "id = \"2029-2032\"")
            .replace(
                "period = { from = \"2027-01-01\", to = \"2030-12-31\" }",
                "period = { from = \"2029-01-01\", to = \"2032-12-31\" }",
            ),
    )
    .expect("write");
    let result = load_dir(&dir, &surveys());
    std::fs::remove_dir_all(&dir).ok();
    let errors = result.expect_err("overlapping periods");
    assert!(
        errors[0]
            .to_string()
            .contains("overlaps agreement `2027-2030`"),
        "{errors:?}"
    );
    assert!(AgreementCatalog::default().for_year(2027).is_none());
}
