//! The intervention and link forms: what they accept, and every problem they name.

use super::links::LinkForm;
use super::*;
use crate::collect::{Access, Wave};

fn good() -> InterventionForm {
    InterventionForm {
        priority_area: "outdoor-insecurity".into(),
        title: "Trygghetsvandringar i centrum".into(),
        problem: "Många känner sig otrygga på kvällen.".into(),
        responsible: "both".into(),
        start_year: "2024".into(),
        end_year: "2025".into(),
        status: "ongoing".into(),
        ..InterventionForm::default()
    }
}

fn fields_of(problems: &FormProblems) -> Vec<&str> {
    problems.0.iter().map(|(f, _)| f.as_str()).collect()
}

#[test]
fn a_complete_form_is_an_intervention() {
    let mut form = good();
    form.title = "  Trygghetsvandringar\u{0} i centrum ".into();
    form.responsible_other = "ignored unless other".into();
    let i = form.parse(&choices()).expect("valid");
    assert_eq!(i.title, "Trygghetsvandringar  i centrum");
    assert_eq!(i.responsible, Responsible::Both);
    assert_eq!(i.responsible_other, "");
    assert_eq!(i.years().collect::<Vec<_>>(), [2024, 2025]);
    assert_eq!(InterventionForm::of(&i, 3).parse(&choices()), Ok(i));
}

#[test]
fn an_empty_form_names_every_required_field() {
    let problems = InterventionForm::default()
        .parse(&choices())
        .expect_err("refused");
    assert_eq!(
        fields_of(&problems),
        [
            "priority_area",
            "title",
            "problem",
            RESPONSIBLE_FIELD,
            "start_year",
            "end_year",
            "status"
        ]
    );
    for (_, text) in &problems.0 {
        assert!(!text.sv.is_empty() && !text.en.is_empty());
        assert_ne!(text.sv, text.en);
    }
}

#[test]
fn delayed_and_cancelled_need_a_reason() {
    for status in ["delayed", "cancelled"] {
        let mut form = good();
        form.status = status.into();
        let problems = form.parse(&choices()).expect_err("refused");
        assert_eq!(fields_of(&problems), ["status_reason"], "{status}");
        form.status_reason = "Personalbrist".into();
        assert!(form.parse(&choices()).is_ok());
    }
    let mut done = good();
    done.status = "done".into();
    assert!(done.parse(&choices()).is_ok(), "done needs no reason");
}

#[test]
fn a_citizen_promise_runs_two_years() {
    let mut form = good();
    form.citizen_promise = Some("yes".into());
    assert!(form.parse(&choices()).expect("2024–2025").citizen_promise);
    form.end_year = "2026".into();
    let problems = form.parse(&choices()).expect_err("three years");
    assert_eq!(fields_of(&problems), ["end_year"]);
    assert!(problems.0[0].1.sv.contains("2025"), "{problems:?}");
    form.end_year = "2024".into();
    assert!(form.parse(&choices()).is_err(), "one year");
}

#[test]
fn the_period_is_checked() {
    let mut form = good();
    form.end_year = "2023".into();
    assert_eq!(
        fields_of(&form.parse(&choices()).expect_err("end before start")),
        ["end_year"]
    );
    form.end_year = "2040".into();
    assert_eq!(
        fields_of(&form.parse(&choices()).expect_err("too long")),
        ["end_year"]
    );
    form.start_year = "20x4".into();
    assert_eq!(
        fields_of(&form.parse(&choices()).expect_err("not a year")),
        ["start_year"]
    );
}

#[test]
fn other_responsible_needs_a_name_and_texts_have_limits() {
    let mut form = good();
    form.responsible = "other".into();
    assert_eq!(
        fields_of(&form.parse(&choices()).expect_err("no name")),
        ["responsible_other"]
    );
    form.responsible_other = "Fastighetsbolaget".into();
    assert_eq!(
        form.parse(&choices()).expect("named").responsible_other,
        "Fastighetsbolaget"
    );
    form.title = "x".repeat(MAX_LINE + 1);
    form.partners = "y".repeat(MAX_TEXT + 1);
    form.status = "paused".into();
    form.priority_area = "everything".into();
    assert_eq!(
        fields_of(&form.parse(&choices()).expect_err("too long")),
        ["priority_area", "title", "partners", "status"]
    );
}

fn waves() -> Vec<Wave> {
    let wave = |id: &str, slug: &str, survey: &str| Wave {
        id: id.into(),
        slug: slug.into(),
        survey_id: survey.into(),
        survey_version: 1,
        access: Access::Open,
        opens_at: None,
        closes_at: None,
        closed_at: None,
        created_at: 0,
        period: 2022,
    };
    vec![
        wave("w1", "trygghet-2022", "resident-safety"),
        wave("w2", "personal-2022", "staff-safety"),
    ]
}

fn catalog() -> crate::survey::SurveyCatalog {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys");
    crate::survey::load_dir(&dir).expect("the repository's questionnaires")
}

#[test]
fn a_link_takes_a_known_indicator_a_wave_of_its_survey_and_a_target_in_percent() {
    let catalog = catalog();
    let form = LinkForm {
        indicator: "resident-safety/unsafe_night".into(),
        baseline_wave: "trygghet-2022".into(),
        target: "15,5".into(),
    };
    let link = form.parse(&catalog, &waves()).expect("valid");
    assert_eq!(link.baseline_wave_id, "w1");
    assert_eq!(link.target, Some(0.155));
    assert_eq!(LinkForm::of(&link, Lang::Sv).target, "15,5");
    assert_eq!(links::target_text(link.statistic, 0.155), "15.5 %");

    let refused = |indicator: &str, wave: &str, target: &str| {
        let form = LinkForm {
            indicator: indicator.into(),
            baseline_wave: wave.into(),
            target: target.into(),
        };
        fields_of(&form.parse(&catalog, &waves()).expect_err("refused"))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        refused("resident-safety/no_such", "trygghet-2022", ""),
        ["indicator"]
    );
    assert_eq!(refused("nonsense", "", ""), ["indicator", "baseline_wave"]);
    assert_eq!(
        refused("resident-safety/unsafe_night", "personal-2022", ""),
        ["baseline_wave"]
    );
    assert_eq!(
        refused("resident-safety/unsafe_night", "no-such-wave", ""),
        ["baseline_wave"]
    );
    assert_eq!(
        refused("resident-safety/unsafe_night", "trygghet-2022", "150"),
        ["target"]
    );
    assert_eq!(
        refused("resident-safety/unsafe_night", "trygghet-2022", "femton"),
        ["target"]
    );
}

#[test]
fn a_text_for_residents_is_kept_short_enough_for_a_phone() {
    let mut form = good();
    form.public_text = "  Vi lagar belysningen längs gångstråken.  ".into();
    let i = form.parse(&choices()).expect("valid");
    assert_eq!(i.public_text, "Vi lagar belysningen längs gångstråken.");
    assert_eq!(InterventionForm::of(&i, 1).parse(&choices()), Ok(i));
    form.public_text = "a".repeat(MAX_PUBLIC_TEXT + 1);
    let problems = form.parse(&choices()).expect_err("too long");
    assert_eq!(fields_of(&problems), ["public_text"]);
    form.public_text = String::new();
    assert_eq!(form.parse(&choices()).expect("optional").public_text, "");
}

/// The seed's areas and no promises: what a service without agreement files offers.
fn choices() -> crate::plan::Choices {
    crate::plan::Choices::of(&crate::agreement::AgreementCatalog::default())
}
