//! `trygg wave create|close|population|schools` and `trygg export` as an operator runs them.

use serde_json::{Value, json};

use crate::cli::trygg;
use crate::db_tests;
use crate::helpers::{TestApp, surveys_dir};
use crate::responses::{body, class_codes, create_wave, minimal_resident_answers, post};
use trygg::collect::Access;

fn run(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = trygg()
        .args(args)
        .arg("--database")
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .output()
        .expect("run trygg");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

db_tests!(
    a_wave_is_created_answered_and_closed_from_the_command_line,
    bad_wave_arguments_name_the_flag_and_change_nothing,
    the_export_has_a_column_per_question_and_choice_and_no_arrival_order,
    population_figures_are_scripted_with_the_checks_of_the_wave_page,
    a_wave_belongs_to_the_year_given_or_the_year_it_opens,
);

async fn a_wave_is_created_answered_and_closed_from_the_command_line(app: TestApp) {
    let (ok, out, err) = run(
        &app,
        &[
            "wave",
            "create",
            "--survey",
            "resident-safety",
            "--slug",
            "trygg-2026",
            "--access",
            "open",
            "--closes",
            "2099-12-31",
        ],
    );
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("trygg-2026") && out.contains("/s/trygg-2026"),
        "{out}"
    );
    assert_eq!(
        post(&app, "trygg-2026", &body(minimal_resident_answers()))
            .await
            .0,
        201
    );

    let (ok, out, err) = run(&app, &["wave", "close", "trygg-2026"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("1 responses"), "{out}");
    assert_eq!(
        post(&app, "trygg-2026", &body(minimal_resident_answers()))
            .await
            .0,
        410
    );
}

async fn bad_wave_arguments_name_the_flag_and_change_nothing(app: TestApp) {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--survey", "no-such", "--slug", "abc-1", "--access", "open"],
            "--survey: no survey \"no-such\"",
        ),
        (
            &[
                "--survey",
                "resident-safety",
                "--slug",
                "Bad Slug",
                "--access",
                "open",
            ],
            "--slug:",
        ),
        (
            &[
                "--survey",
                "resident-safety",
                "--slug",
                "abc-1",
                "--access",
                "email",
            ],
            // Refused by clap, which names the option and the values it takes.
            "'--access <MODE>'",
        ),
        (
            &[
                "--survey",
                "resident-safety",
                "--slug",
                "abc-1",
                "--access",
                "class",
            ],
            "class sessions are for pupils",
        ),
        (
            &[
                "--survey",
                "resident-safety",
                "--slug",
                "abc-1",
                "--access",
                "open",
                "--opens",
                "2026-05-01",
                "--closes",
                "2026-04-01",
            ],
            "--closes:",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["wave", "create"];
        all.extend_from_slice(args);
        let (ok, out, err) = run(&app, &all);
        assert!(!ok, "{args:?} should fail: {out}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let (ok, ..) = run(
        &app,
        &[
            "wave",
            "create",
            "--survey",
            "resident-safety",
            "--slug",
            "abc-1",
            "--access",
            "open",
        ],
    );
    assert!(ok);
    let (ok, _, err) = run(
        &app,
        &[
            "wave",
            "create",
            "--survey",
            "resident-safety",
            "--slug",
            "abc-1",
            "--access",
            "open",
        ],
    );
    assert!(!ok && err.contains("already exists"), "{err}");
    let (ok, _, err) = run(&app, &["wave", "close", "nope"]);
    assert!(!ok && err.contains("no wave with slug `nope`"), "{err}");
    let (ok, _, err) = run(&app, &["export", "--wave", "abc-1", "--format", "xml"]);
    assert!(!ok && err.contains("--format"), "{err}");
    let waves = trygg::store::waves::list(&app.db).await.expect("list");
    assert_eq!(waves.len(), 1);
}

async fn the_export_has_a_column_per_question_and_choice_and_no_arrival_order(app: TestApp) {
    // An open wave: answers arrive with years_in_area = 0, 1, 2, … so arrival order is known.
    let (ok, _, err) = run(
        &app,
        &[
            "wave",
            "create",
            "--survey",
            "resident-safety",
            "--slug",
            "trygg-2026",
            "--access",
            "open",
        ],
    );
    assert!(ok, "{err}");
    for i in 0..20 {
        let mut answers = minimal_resident_answers();
        answers["years_in_area"] = json!(i);
        assert_eq!(post(&app, "trygg-2026", &body(answers)).await.0, 201);
    }
    // An open wave is not exported: two exports would show what came in between.
    let (ok, _, err) = run(&app, &["export", "--wave", "trygg-2026", "--format", "csv"]);
    assert!(!ok);
    assert!(
        err.contains("is open") && err.contains("wave close"),
        "{err}"
    );
    let (ok, _, err) = run(&app, &["wave", "close", "trygg-2026"]);
    assert!(ok, "{err}");
    let (ok, csv, err) = run(&app, &["export", "--wave", "trygg-2026", "--format", "csv"]);
    assert!(ok, "{err}");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(&header[..2], ["response_id", "language"]);
    assert!(
        header.contains(&"age_band") && header.contains(&"comments"),
        "{header:?}"
    );
    let years_at = header
        .iter()
        .position(|h| *h == "years_in_area")
        .expect("column");
    let years: Vec<i64> = lines
        .map(|l| {
            l.split(',')
                .nth(years_at)
                .expect("cell")
                .parse()
                .expect("number")
        })
        .collect();
    assert_eq!(years.len(), 20);
    let arrival: Vec<i64> = (0..20).collect();
    assert_ne!(years, arrival, "rows must not come in arrival order");
    let mut sorted = years.clone();
    sorted.sort();
    assert_eq!(sorted, arrival, "every response once");

    // A class wave: design variables and one 0/1 column per choice of a multi question.
    let (ok, _, err) = run(
        &app,
        &[
            "wave",
            "create",
            "--survey",
            "school-drug-habits",
            "--slug",
            "skola-2026",
            "--access",
            "class",
        ],
    );
    assert!(ok, "{err}");
    let wave = trygg::store::waves::find_by_slug(&app.db, "skola-2026")
        .await
        .expect("db")
        .expect("wave");
    trygg::store::population::replace_school_classes(
        &app.db,
        &wave.id,
        &[("skola-1".into(), 4)],
        "test",
    )
    .await
    .expect("classes");
    let codes = class_codes(&app, &wave, "skola-1", "9A", 5).await;
    let catalog = trygg::survey::load_dir(&surveys_dir()).expect("surveys");
    let survey = catalog
        .get("school-drug-habits")
        .expect("survey")
        .survey
        .clone();
    let mut with_multi = 0;
    for (code, mut submission) in codes.iter().zip(trygg::survey::synth(&survey, 5, 3)) {
        with_multi += usize::from(submission["answers"].get("alc_source").is_some());
        submission["access_code"] = json!(code);
        assert_eq!(post(&app, "skola-2026", &submission).await.0, 201);
    }
    let (ok, _, err) = run(&app, &["wave", "close", "skola-2026"]);
    assert!(ok, "{err}");
    let (ok, csv, err) = run(&app, &["export", "--wave", "skola-2026", "--format", "csv"]);
    assert!(ok, "{err}");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    assert!(
        header.starts_with(&[
            "response_id",
            "language",
            "school",
            "class",
            "school_classes"
        ]),
        "{header:?}"
    );
    let multi: Vec<&&str> = header
        .iter()
        .filter(|h| h.starts_with("alc_source_"))
        .collect();
    assert!(multi.len() >= 3, "{header:?}");
    let first_multi = header
        .iter()
        .position(|h| h.starts_with("alc_source_"))
        .expect("column");
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 5);
    for row in &rows {
        assert_eq!(row[2], "skola-1");
        assert_eq!(row[4], "4");
        assert!(["", "0", "1"].contains(&row[first_multi]), "{row:?}");
    }
    assert_eq!(
        rows.iter().filter(|r| !r[first_multi].is_empty()).count(),
        with_multi
    );

    let (ok, jsonl, err) = run(
        &app,
        &["export", "--wave", "skola-2026", "--format", "jsonl"],
    );
    assert!(ok, "{err}");
    let objects: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(objects.len(), 5);
    assert!(
        objects
            .iter()
            .all(|o| o["school"] == "skola-1" && o["answers"].is_object())
    );
}

/// `trygg wave population` and `trygg wave schools` read the wave page's CSV (a Swedish Excel
/// file with `;` too), refuse a bad file naming each line and store nothing, and replace what
/// was stored before.
async fn population_figures_are_scripted_with_the_checks_of_the_wave_page(app: TestApp) {
    let resident = create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let school = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let totals = file(
        "befolkning.csv",
        "age_band;gender;district;total\n16-24;f;centrum;1 200\n16-24;m;centrum;900\n",
    );
    let (ok, out, err) = run(
        &app,
        &["wave", "population", "trygg-2026", "--file", &totals],
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("2 population cells (2100 persons)"), "{out}");
    let stored = trygg::store::population::totals_summary(&app.db, &resident.id)
        .await
        .expect("totals");
    assert_eq!(stored, (2, 2100));

    let bad = file(
        "fel.csv",
        "age_band,gender,total\n16-24,x,12\n16-24,f,9223372036854775807\n",
    );
    let (ok, _, err) = run(&app, &["wave", "population", "trygg-2026", "--file", &bad]);
    assert!(!ok);
    assert!(
        err.contains("fel.csv: line 2: \"x\" in column gender is neither a code nor an answer of the question “What is your gender?”; use f (Woman), m (Man) or o (Other)")
            && err.contains("fel.csv: line 3: total")
            && err.contains("nothing was stored"),
        "{err}"
    );
    let stored = trygg::store::population::totals_summary(&app.db, &resident.id)
        .await
        .expect("totals");
    assert_eq!(stored, (2, 2100), "the earlier figures stay");

    let classes = file("klasser.csv", "school;classes\nskola-1;4\nskola-2;3\n");
    let (ok, _, err) = run(&app, &["wave", "schools", "trygg-2026", "--file", &classes]);
    assert!(!ok && err.contains("class waves"), "{err}");
    let (ok, out, err) = run(
        &app,
        &["wave", "schools", "drogvanor-2026", "--file", &classes],
    );
    assert!(ok, "{out}{err}");
    let stored = trygg::store::population::school_classes(&app.db, &school.id)
        .await
        .expect("classes");
    assert_eq!(
        stored,
        vec![("skola-1".to_owned(), 4), ("skola-2".to_owned(), 3)]
    );
    let (ok, _, err) = run(&app, &["wave", "schools", "nej-2026", "--file", &classes]);
    assert!(!ok && err.contains("no wave with slug `nej-2026`"), "{err}");
}

async fn a_wave_belongs_to_the_year_given_or_the_year_it_opens(app: TestApp) {
    let create = |slug: &'static str, extra: &'static [&'static str]| {
        let mut args = vec![
            "wave",
            "create",
            "--survey",
            "resident-safety",
            "--slug",
            slug,
            "--access",
            "open",
        ];
        args.extend_from_slice(extra);
        run(&app, &args)
    };
    let (ok, out, err) = create("trygg-2025", &["--period", "2025"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("for 2025"), "{out}");
    let (ok, out, err) = create("trygg-2031", &["--opens", "2031-02-01"]);
    assert!(ok, "{out}{err}");
    let (ok, _, err) = create("trygg-fel", &["--period", "tjugotjugo"]);
    assert!(
        !ok && err.contains("--period: \"tjugotjugo\" is not a year"),
        "{err}"
    );

    let period = |slug: &'static str| {
        let db = app.db.clone();
        async move {
            trygg::store::waves::find_by_slug(&db, slug)
                .await
                .expect("query")
                .map(|w| w.period)
        }
    };
    assert_eq!(period("trygg-2025").await, Some(2025));
    assert_eq!(period("trygg-2031").await, Some(2031), "the year it opens");
    assert_eq!(period("trygg-fel").await, None, "nothing created");
}
