//! `trygg demo`: four years of closed demonstration waves and three staff logins, once.

use std::collections::{BTreeMap, HashSet};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::cli::trygg;
use crate::db_tests;
use crate::helpers::{TestApp, browser, surveys_dir};
use trygg::collect::{Access, WaveState};
use trygg::entities::response;

db_tests!(the_demo_fills_an_empty_database_once_and_its_logins_work);

fn demo(app: &TestApp) -> (bool, String, String) {
    let output = trygg()
        .args(["demo", "--database", &app.database_url, "--surveys"])
        .arg(surveys_dir())
        .output()
        .expect("run trygg demo");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn rows_of(app: &TestApp, wave_id: &str) -> Vec<response::Model> {
    response::Entity::find()
        .filter(response::Column::WaveId.eq(wave_id))
        .all(&app.db)
        .await
        .expect("rows")
}

async fn the_demo_fills_an_empty_database_once_and_its_logins_work(app: TestApp) {
    let (ok, out, err) = demo(&app);
    assert!(ok, "{out}{err}");

    let waves = trygg::store::waves::list(&app.db).await.expect("waves");
    assert_eq!(waves.len(), 12, "{out}");
    let mut per_year: BTreeMap<i32, HashSet<String>> = BTreeMap::new();
    for wave in &waves {
        assert_eq!(wave.state(), WaveState::Closed, "{} is closed", wave.slug);
        per_year
            .entry(wave.period)
            .or_default()
            .insert(wave.survey_id.clone());
        let rows = rows_of(&app, &wave.id).await;
        let expected = match wave.survey_id.as_str() {
            "resident-safety" => {
                assert_eq!(wave.access, Access::Open);
                let (cells, people) = trygg::store::population::totals_summary(&app.db, &wave.id)
                    .await
                    .expect("population");
                assert!(
                    cells >= 14 && people > 30_000,
                    "{}: {cells} cells",
                    wave.slug
                );
                1_400..=1_600
            }
            "staff-safety" => {
                assert_eq!(wave.access, Access::Invite);
                250..=350
            }
            "school-drug-habits" => {
                assert_eq!(wave.access, Access::Class);
                let schools = trygg::store::population::school_count(&app.db, &wave.id)
                    .await
                    .expect("schools");
                assert_eq!(schools, 12);
                assert!(
                    rows.iter()
                        .all(|r| r.school_id.is_some() && r.class_id.is_some()),
                    "every pupil has school and class"
                );
                let classes: HashSet<&Option<String>> = rows.iter().map(|r| &r.class_id).collect();
                assert!(classes.len() >= 24, "{} classes", classes.len());
                1_000..=1_300
            }
            other => panic!("unexpected survey {other}"),
        };
        assert!(
            expected.contains(&rows.len()),
            "{}: {} responses",
            wave.slug,
            rows.len()
        );
    }
    let surveys: HashSet<String> = ["resident-safety", "staff-safety", "school-drug-habits"]
        .map(str::to_owned)
        .into();
    assert_eq!(
        per_year.keys().copied().collect::<Vec<_>>(),
        [2022, 2023, 2024, 2025]
    );
    assert!(per_year.values().all(|s| *s == surveys), "{per_year:?}");

    // One wave has a district below the resident survey's k = 5.
    let small = waves
        .iter()
        .find(|w| w.slug == "trygghet-2023")
        .expect("trygghet-2023");
    let in_district = rows_of(&app, &small.id)
        .await
        .iter()
        .filter(|r| {
            serde_json::from_str::<Value>(&r.answers).expect("answers")["district"] == "sjoviken"
        })
        .count();
    assert!((1..5).contains(&in_district), "{in_district} in sjoviken");

    // Every wave is published once, and no remainder of 1 to k − 1 respondents can be computed
    // from any of them. In grade × gender the small third category goes with the pupils who did
    // not say; where that remainder is still below k in a grade, the cheapest protection hides
    // the smaller gender's cells in both grades (the larger gender stays), never more.
    let (mut tables, mut whole) = (0, 0);
    for wave in &waves {
        let published = trygg::evaluate::published(&app.db, wave)
            .await
            .expect("read")
            .unwrap_or_else(|| panic!("{} is published", wave.slug));
        assert_eq!(published.wave.publication, 1, "{}", wave.slug);
        let k = if wave.survey_id == "school-drug-habits" {
            10
        } else {
            5
        };
        let value = serde_json::to_value(&published).expect("JSON");
        assert_eq!(
            crate::publication::small_remainders(&value, k),
            Vec::new(),
            "{}",
            wave.slug
        );
        if wave.survey_id != "school-drug-habits" {
            continue;
        }
        for indicator in &published.estimates {
            if !indicator.domain.is_empty() {
                continue;
            }
            let rows = |gender: &'static str, crossed: bool| {
                published.estimates.iter().filter(move |r| {
                    r.indicator == indicator.indicator
                        && r.domain.get("gender").map(String::as_str) == Some(gender)
                        && (r.domain.len() == 2) == crossed
                })
            };
            let hidden =
                |gender: &'static str| rows(gender, true).filter(|r| r.figures.n.is_none()).count();
            let total =
                |gender: &'static str| rows(gender, false).find_map(|r| r.figures.n).unwrap_or(0);
            tables += 1;
            match (hidden("boy"), hidden("girl")) {
                (0, 0) => whole += 1,
                (2, 0) => assert!(
                    total("boy") <= total("girl"),
                    "{} {}",
                    wave.slug,
                    indicator.indicator
                ),
                (0, 2) => assert!(
                    total("girl") <= total("boy"),
                    "{} {}",
                    wave.slug,
                    indicator.indicator
                ),
                other => panic!("{} {}: hidden {other:?}", wave.slug, indicator.indicator),
            }
        }
    }
    assert!(tables >= 40, "{tables} grade × gender tables");
    assert!(
        whole * 10 >= tables * 6,
        "{whole} of {tables} tables show both genders"
    );

    // The printed logins sign in over HTTP, each to its own start page.
    let logins: Vec<(String, String)> = out
        .lines()
        .filter_map(|line| {
            let (before, after) = line.split_once("password: ")?;
            let email = before.split_whitespace().last()?.to_owned();
            let password = after.split_whitespace().next()?.to_owned();
            Some((email, password))
        })
        .collect();
    assert_eq!(logins.len(), 3, "{out}");
    let mut landed = HashSet::new();
    for (email, password) in &logins {
        let response = app.log_in(&browser(), email, password, None).await;
        assert_eq!(response.status(), 303, "{email} signs in");
        let location = response.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        assert_ne!(location, "/login");
        landed.insert(location);
    }
    assert_eq!(
        landed.len(),
        3,
        "admin, evaluator and coordinator: {landed:?}"
    );
    let wrong = app
        .log_in(&browser(), &logins[0].0, "not-the-password-at-all", None)
        .await;
    let wrong_to = wrong
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    assert!(
        wrong_to.is_none_or(|l| !landed.contains(&l)),
        "a wrong password does not sign in"
    );

    // A second run is refused and changes nothing.
    let (ok, out, err) = demo(&app);
    assert!(!ok, "{out}");
    assert!(
        err.contains("already has 12 wave(s)") && err.contains("empty database"),
        "{err}"
    );
    assert_eq!(
        trygg::store::waves::list(&app.db)
            .await
            .expect("waves")
            .len(),
        12
    );
}
