use super::*;
use crate::collect::population::{parse_totals, unnamed_categories};

fn survey_file(name: &str) -> (std::path::PathBuf, String) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("surveys")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("survey file");
    (path, text)
}

fn resident() -> Survey {
    let (path, text) = survey_file("resident-safety.toml");
    crate::survey::load_str(&path, &text).expect("valid survey")
}

/// The resident survey with its age and gender answers replaced.
fn resident_with(ages: &str, genders: Option<&str>) -> Survey {
    let (path, text) = survey_file("resident-safety.toml");
    let start = text.find("  { code = \"16-24\"").expect("age answers");
    let end = text.find("  { code = \"75-84\"").expect("last age answer");
    let end = end + text[end..].find('\n').expect("line end") + 1;
    let mut text = format!("{}{ages}{}", &text[..start], &text[end..]);
    if let Some(genders) = genders {
        let start = text.find("  { code = \"f\"").expect("gender answers");
        let end = text.find("  { code = \"o\"").expect("other");
        let end = end + text[end..].find('\n').expect("line end") + 1;
        text = format!("{}{genders}{}", &text[..start], &text[end..]);
    }
    crate::survey::load_str(&path, &text).expect("valid survey")
}

fn figure(measure: &str, period: &str, value: f64) -> ScbFigure {
    ScbFigure {
        measure: measure.to_owned(),
        title: "Folkmängd".to_owned(),
        period: period.to_owned(),
        value,
    }
}

/// The fixture's figures of one area, as `store::population::scb_figures` gives them.
fn fixture_figures(area: &str) -> Vec<ScbFigure> {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/scb-befolkning-2024.json"),
    )
    .expect("fixture");
    let parsed = crate::sources::read(&bytes, &[]).expect("JSON-stat");
    assert_eq!(parsed.source, crate::sources::Source::Scb);
    parsed
        .observations
        .iter()
        .filter(|o| o.area == area)
        .map(|o| ScbFigure {
            measure: o.measure.clone(),
            title: parsed
                .measures
                .iter()
                .find(|m| m.id == o.measure)
                .map(|m| m.title.clone())
                .unwrap_or_default(),
            period: o.period.clone(),
            value: o.value,
        })
        .collect()
}

fn total(cells: &[PopulationCell], age: &str, gender: &str) -> i64 {
    cells
        .iter()
        .find(|c| {
            c.cell.get("age_band").map(String::as_str) == Some(age)
                && c.cell.get("gender").map(String::as_str) == Some(gender)
        })
        .map(|c| c.total)
        .unwrap_or_else(|| panic!("no cell {age}, {gender}: {cells:?}"))
}

/// The fixture's rule: in Mölndal (1481) 900 − 5·age + 10·sex people of each age (100 for
/// "100+") and sex (1 men, 2 women); in Göteborg (1480) 8,000 − 50·age + 10·sex.
fn molndal(ages: std::ops::RangeInclusive<i64>, sex: i64) -> i64 {
    ages.map(|a| 900 - 5 * a + 10 * sex).sum()
}

#[test]
fn single_years_of_a_json_stat_file_are_summed_into_the_age_bands_by_gender() {
    // The file's category.index lists the codes out of position order.
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/scb-befolkning-2024.json"),
    )
    .expect("fixture");
    assert!(
        text.contains(r#""index":{"1481":1,"1480":0}"#),
        "shuffled regions"
    );
    assert!(!text.contains(r#""index":{"0":0,"1":1"#), "shuffled ages");
    let survey = resident();
    let built = build(&survey, "1481", &fixture_figures("1481"), None).expect("totals");
    assert_eq!(built.year, "2024");
    assert_eq!(built.content, "BE0101N1");
    assert_eq!(built.questions, ["age_band", "gender"]);
    // Seven age bands by women and men: "Annat" has no SCB figure.
    assert_eq!(built.cells.len(), 14);
    assert_eq!(total(&built.cells, "16-24", "f"), molndal(16..=24, 2));
    assert_eq!(total(&built.cells, "16-24", "f"), 7380);
    assert_eq!(total(&built.cells, "16-24", "m"), molndal(16..=24, 1));
    assert_eq!(total(&built.cells, "75-84", "m"), molndal(75..=84, 1));
    // The questionnaire's order: age band, then gender.
    assert_eq!(built.cells[0].key(), r#"{"age_band":"16-24","gender":"f"}"#);
    assert_eq!(built.cells[1].key(), r#"{"age_band":"16-24","gender":"m"}"#);
    let unnamed = unnamed_categories(&survey, &built.cells);
    assert_eq!(unnamed.len(), 1);
    assert_eq!(unnamed[0].0.id, "gender");
    // The same figures as a pasted file pass the upload's checks and give the same cells.
    let mut csv = String::from("age_band,gender,total\n");
    for c in &built.cells {
        csv.push_str(&format!(
            "{},{},{}\n",
            c.cell["age_band"], c.cell["gender"], c.total
        ));
    }
    assert_eq!(parse_totals(&survey, &csv).expect("valid"), built.cells);
    // Another area of the same file.
    let goteborg = build(&survey, "1480", &fixture_figures("1480"), Some("2024")).expect("1480");
    let expected: i64 = (16..=24).map(|a| 8000 - 50 * a + 20).sum();
    assert_eq!(total(&goteborg.cells, "16-24", "f"), expected);
    assert_eq!(
        latest_year(&survey, &fixture_figures("1481")).as_deref(),
        Some("2024")
    );
}

#[test]
fn scb_age_groups_other_dimensions_and_totals_are_summed_as_they_fit() {
    // Bands of SCB's five-year groups, the last open.
    let survey = resident_with(
        "  { code = \"a\", label = { sv = \"15–24 år\", en = \"15–24\" } },\n  \
           { code = \"b\", label = { sv = \"25–44 år\", en = \"25–44\" } },\n  \
           { code = \"c\", label = { sv = \"45 år och äldre\", en = \"45 or older\" } },\n",
        None,
    );
    let mut figures = Vec::new();
    for from in (0..100).step_by(5) {
        for sex in ["1", "2"] {
            // Marital status is summed over (it has no total category).
            for status in ["OG", "G"] {
                figures.push(figure(
                    &format!(
                        "scb/BE0101N1/Civilstand={status}/Alder={from}-{}/Kon={sex}",
                        from + 4
                    ),
                    "2024",
                    50.0,
                ));
            }
        }
    }
    for sex in ["1", "2", "1+2"] {
        for status in ["OG", "G"] {
            figures.push(figure(
                &format!("scb/BE0101N1/Civilstand={status}/Alder=100+/Kon={sex}"),
                "2024",
                3.0,
            ));
            // A total of all ages is not an age group.
            figures.push(figure(
                &format!("scb/BE0101N1/Civilstand={status}/Alder=tot/Kon={sex}"),
                "2024",
                99_999.0,
            ));
        }
    }
    // Another content of the same table is not the population.
    figures.push(ScbFigure {
        title: "Folkökning".to_owned(),
        ..figure("scb/BE0101N2/Civilstand=OG/Alder=15-19/Kon=1", "2024", 7.0)
    });
    let built = build(&survey, "1481", &figures, None).expect("totals");
    let cells: Vec<(String, i64)> = built.cells.iter().map(|c| (c.key(), c.total)).collect();
    assert_eq!(
        cells,
        [
            (r#"{"age_band":"a","gender":"f"}"#.to_owned(), 200),
            (r#"{"age_band":"a","gender":"m"}"#.to_owned(), 200),
            (r#"{"age_band":"b","gender":"f"}"#.to_owned(), 400),
            (r#"{"age_band":"b","gender":"m"}"#.to_owned(), 400),
            // 45–99 in eleven groups, and 100+.
            (r#"{"age_band":"c","gender":"f"}"#.to_owned(), 1106),
            (r#"{"age_band":"c","gender":"m"}"#.to_owned(), 1106),
        ]
    );
}

#[test]
fn an_answer_or_a_band_the_figures_cannot_fill_is_refused_by_name() {
    // An age answer that is no range, and gender answers without women or men.
    let survey = resident_with(
        "  { code = \"young\", label = { sv = \"Ung\", en = \"Young\" } },\n  \
           { code = \"old\", label = { sv = \"65+ år\", en = \"65+\" } },\n",
        Some(
            "  { code = \"a\", label = { sv = \"Alfa\", en = \"Alpha\" } },\n  \
               { code = \"o\", label = { sv = \"Annat\", en = \"Other\" } },\n",
        ),
    );
    let problems = build(&survey, "1481", &fixture_figures("1481"), None).expect_err("refused");
    let all: Vec<&str> = problems.iter().map(|p| p.sv.as_str()).collect();
    assert!(
        all.iter().any(|p| p.contains(
            "svaret ”Ung” (young) på frågan ”Hur gammal är du?” (age_band) är inget åldersintervall"
        )),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|p| p.contains(
            "frågan ”Vilket kön har du?” (gender) har inget svar för SCB:s kön ”män” (kod 1)"
        )),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|p| p.contains("”kvinnor” (kod 2)")),
        "{all:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.en.contains("the answer “Young” (young) of the question “How old are you?” (age_band) is no range of ages")),
        "{problems:?}"
    );

    // SCB's five-year group 15–19 crosses the survey's 16–24; ages over 80 are missing.
    let mut figures = Vec::new();
    for from in (0..80).step_by(5) {
        for sex in ["1", "2"] {
            figures.push(figure(
                &format!("scb/BE0101N1/Alder={from}-{}/Kon={sex}", from + 4),
                "2024",
                10.0,
            ));
        }
    }
    let problems = build(&resident(), "1481", &figures, None).expect_err("refused");
    let all: Vec<&str> = problems.iter().map(|p| p.en.as_str()).collect();
    assert_eq!(
        all,
        [
            "the answer “16–24” of the question “How old are you?” (age_band) cannot be filled from SCB's population figures for 1481 in 2024: SCB's age group “15-19” crosses its limit; import a table by single years of age or by groups that fit",
            "the answer “75–84” of the question “How old are you?” (age_band) cannot be filled from SCB's population figures for 1481 in 2024: age 80 is missing",
        ]
    );
}

#[test]
fn the_year_is_the_latest_that_fills_a_question_or_the_one_asked_for() {
    let survey = resident();
    let mut figures = fixture_figures("1481");
    let mut earlier: Vec<ScbFigure> = figures
        .iter()
        .map(|f| ScbFigure {
            period: "2023".to_owned(),
            value: f.value + 1.0,
            ..f.clone()
        })
        .collect();
    figures.append(&mut earlier);
    // A later total without age or sex (as `trygg sources fetch scb` stores it).
    figures.push(figure("scb/BE0101N1", "2025", 70_000.0));
    assert_eq!(latest_year(&survey, &figures).as_deref(), Some("2024"));
    let latest = build(&survey, "1481", &figures, None).expect("2024");
    assert_eq!(latest.year, "2024");
    let asked = build(&survey, "1481", &figures, Some("2023")).expect("2023");
    assert_eq!(total(&asked.cells, "16-24", "f"), molndal(16..=24, 2) + 9);
    let total_only = build(&survey, "1481", &figures, Some("2025")).expect_err("no ages");
    assert!(
        total_only[0].en.contains("are not by age (Alder)"),
        "{total_only:?}"
    );
    let missing = build(&survey, "1481", &figures, Some("2020")).expect_err("no 2020");
    assert_eq!(
        missing[0].en,
        "SCB's population figures for the area 1481 are not there for 2020, only for 2023, 2024, 2025"
    );
    let none = build(&survey, "1482", &[], None).expect_err("nothing stored");
    assert!(
        none[0]
            .sv
            .starts_with("det finns inga befolkningstal från SCB för området 1482"),
        "{none:?}"
    );
}

#[test]
fn a_survey_without_an_age_question_takes_no_scb_figures() {
    // The staff survey asks neither age nor gender; the pupils' survey asks gender ("Tjej",
    // "Kille") but no age, so the register's population of all ages is not theirs.
    for file in ["staff-safety.toml", "school-drug-habits.toml"] {
        let (path, text) = survey_file(file);
        let survey = crate::survey::load_str(&path, &text).expect("valid survey");
        let problems = build(&survey, "1481", &fixture_figures("1481"), None).expect_err("refused");
        assert!(
            problems[0]
                .en
                .contains("has no background question about age, so SCB's population figures cannot be limited"),
            "{problems:?}"
        );
        assert_eq!(latest_year(&survey, &fixture_figures("1481")), None);
    }
    // Figures by sex alone do not fill the age question either.
    let by_sex = [
        figure("scb/BE0101N1/Kon=1", "2024", 100.0),
        figure("scb/BE0101N1/Kon=2", "2024", 100.0),
    ];
    assert_eq!(latest_year(&resident(), &by_sex), None);
    let problems = build(&resident(), "1481", &by_sex, None).expect_err("refused");
    assert_eq!(
        problems[0].en,
        "SCB's population figures for the area 1481 in 2024 are not by age (Alder), so they cannot fill the survey's question about age (age_band); import a table by age and sex"
    );
}

#[test]
fn figures_by_age_alone_give_cells_by_age_band_and_genders_are_found_by_their_labels() {
    let mut by_age: Vec<ScbFigure> = (0..=100)
        .map(|a| figure(&format!("scb/BE0101N1/Alder={a}"), "2024", 10.0))
        .collect();
    by_age.push(figure("scb/BE0101N1/Alder=tot", "2024", 1010.0));
    let built = build(&resident(), "1481", &by_age, None).expect("by age");
    assert_eq!(built.questions, ["age_band"]);
    assert_eq!(built.cells.len(), 7);
    assert_eq!(built.cells[0].key(), r#"{"age_band":"16-24"}"#);
    assert_eq!(built.cells[0].total, 90);
    // Gender answers named as a register's plural labels, in another order.
    let survey = resident_with(
        "  { code = \"16-24\", label = { sv = \"16–24 år\", en = \"16–24\" } },\n  \
           { code = \"25plus\", label = { sv = \"25 år och äldre\", en = \"25 or older\" } },\n",
        Some(
            "  { code = \"2\", label = { sv = \"Män\", en = \"Men\" } },\n  \
               { code = \"1\", label = { sv = \"Kvinnor\", en = \"Women\" } },\n",
        ),
    );
    let built = build(&survey, "1481", &fixture_figures("1481"), None).expect("totals");
    assert_eq!(
        built
            .cells
            .iter()
            .map(|c| (c.key(), c.total))
            .collect::<Vec<_>>(),
        [
            (
                r#"{"age_band":"16-24","gender":"2"}"#.to_owned(),
                molndal(16..=24, 1)
            ),
            (
                r#"{"age_band":"16-24","gender":"1"}"#.to_owned(),
                molndal(16..=24, 2)
            ),
            (
                r#"{"age_band":"25plus","gender":"2"}"#.to_owned(),
                molndal(25..=100, 1)
            ),
            (
                r#"{"age_band":"25plus","gender":"1"}"#.to_owned(),
                molndal(25..=100, 2)
            ),
        ]
    );
}

#[test]
fn ages_are_read_from_labels_and_codes() {
    for (written, ages) in [
        ("16–24 år", Some((16, Some(24)))),
        ("16 - 24 years", Some((16, Some(24)))),
        ("65+", Some((65, None))),
        ("100+ år", Some((100, None))),
        ("85 år och äldre", Some((85, None))),
        ("65 or older", Some((65, None))),
        ("under 25", Some((0, Some(24)))),
        ("över 64 år", Some((65, None))),
        ("-4", Some((0, Some(4)))),
        ("7", Some((7, Some(7)))),
        ("24-16", None),
        ("Ung", None),
        ("tot", None),
        ("", None),
        ("1000", None),
    ] {
        assert_eq!(age_range(written), ages, "{written:?}");
    }
}
