//! The evaluator API and `trygg indicators`: a reference wave computed with R gives R's numbers
//! through both once it closes; a publication being computed anew; series over waves; who may
//! read; two nodes publishing one wave.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;
use trygg::accounts::Role;
use trygg::collect::Access;
use trygg::collect::wave::NewWave;

use crate::cli::trygg;
use crate::db_tests;
use crate::helpers::{Backend, TestApp, fresh_database, surveys_dir};
use crate::responses::{body, create_wave, post, synth_bodies};

pub fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/indicators")
        .join(case)
}

/// Sends every line of a reference wave's `responses.jsonl` through the API, 16 at a time.
async fn post_lines(client: &reqwest::Client, url: &str, case: &str) -> usize {
    let text = std::fs::read_to_string(fixture(case).join("responses.jsonl")).expect("fixture");
    let bodies: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let statuses: Vec<u16> = futures_util::stream::iter(bodies)
        .map(|b| {
            let client = client.clone();
            async move {
                client
                    .post(url)
                    .json(&b)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 201), "statuses: {statuses:?}");
    statuses.len()
}

/// Runs the binary on `database_url`; stdout on success.
pub fn run(database_url: &str, args: &[&str]) -> String {
    let output = trygg()
        .args(args)
        .arg("--database")
        .arg(database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .output()
        .expect("run trygg");
    assert!(
        output.status.success(),
        "trygg {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs() || (a - b).abs() < 1e-12
}

/// R's logit fit diverges on a few small post-stratified domains (see src/evaluate/tests.rs):
/// estimate 0 with SE > 0 and the interval [0, 0]. There SE, deff, n and df must still match.
fn diverged(want: &Value) -> bool {
    want["estimate"].as_f64() == Some(0.0)
        && want["se"].as_f64().is_some_and(|se| se > 0.0)
        && want["ci_high"].as_f64() == Some(0.0)
}

/// Every row of the case's `expected.json` is published: suppressed (no numbers) when R's n is
/// below k or as a complement, otherwise with R's numbers. Returns the rows that matched.
pub fn check_against_r(case: &str, published: &Value, k: u64) -> usize {
    check_against_r_file(case, "expected.json", published, k)
}

/// [`check_against_r`] with another expected file of the case.
pub fn check_against_r_file(case: &str, file: &str, published: &Value, k: u64) -> usize {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(case).join(file)).expect("expected"))
            .expect("JSON");
    let rows = published["estimates"].as_array().expect("estimates");
    let mut matched = 0;
    let mut hidden = 0;
    for want in expected["estimates"].as_array().expect("rows") {
        let id = want["id"].as_str().expect("id");
        let domain: BTreeMap<String, String> =
            serde_json::from_value(want["domain"].clone()).expect("domain");
        let got = rows
            .iter()
            .find(|r| {
                r["indicator"] == id
                    && serde_json::from_value::<BTreeMap<String, String>>(r["domain"].clone())
                        .ok()
                        .as_ref()
                        == Some(&domain)
            })
            .unwrap_or_else(|| panic!("{case}: no published row for {id} {domain:?}"));
        if got["flags"] == serde_json::json!(["suppressed"]) {
            for field in ["n", "estimate", "se", "ci_low", "ci_high", "df", "deff"] {
                assert!(
                    got[field].is_null(),
                    "{case}: suppressed {id} {domain:?} shows {field}"
                );
            }
            hidden += 1;
            continue;
        }
        let n = want["n"].as_u64().expect("n");
        assert!(
            n >= k,
            "{case}: {id} {domain:?} has n {n} below k and is shown"
        );
        assert_eq!(got["n"].as_u64(), Some(n), "{case}: n of {id} {domain:?}");
        assert_eq!(got["df"], want["df"], "{case}: df of {id} {domain:?}");
        let fields: &[&str] = if diverged(want) {
            &["se", "deff"]
        } else {
            &["estimate", "se", "ci_low", "ci_high", "deff"]
        };
        for field in fields {
            match want[*field].as_f64() {
                Some(w) => {
                    let g = got[*field].as_f64().unwrap_or(f64::NAN);
                    assert!(
                        close(g, w),
                        "{case}: {field} of {id} {domain:?}: {g} vs R {w}"
                    );
                }
                None => assert!(got[*field].is_null(), "{case}: {field} of {id} {domain:?}"),
            }
        }
        matched += 1;
    }
    assert!(
        matched > 3 * hidden,
        "{case}: {matched} matched, {hidden} hidden"
    );
    matched
}

pub async fn get_json(client: &reqwest::Client, url: &str) -> (u16, Value) {
    let response = client.get(url).send().await.expect("GET");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn the_resident_reference_wave_gives_rs_numbers_through_the_api_and_the_cli(app: TestApp) {
    create_wave(&app, "resident-safety", "ref-resident", Access::Open).await;
    let url = app.url("/api/v1/waves/ref-resident/responses");
    assert_eq!(post_lines(&app.client, &url, "resident_0").await, 2000);
    let population = fixture("resident_0").join("population.csv");
    let population = population.to_str().expect("path");
    run(
        &app.database_url,
        &["wave", "population", "ref-resident", "--file", population],
    );
    // Closing publishes the figures.
    run(&app.database_url, &["wave", "close", "ref-resident"]);
    app.sign_in_as(Role::Evaluator).await;
    let (status, api) = get_json(
        &app.client,
        &app.url("/api/v1/waves/ref-resident/indicators"),
    )
    .await;
    assert_eq!(status, 200, "{api}");
    assert_eq!(api["wave"]["publication"], 1);
    assert_eq!(api["wave"]["up_to_date"], true);
    assert_eq!(api["wave"]["responses"], 2000);
    assert_eq!(api["wave"]["calibration"], "poststratify");
    assert_eq!(api["wave"]["period"], Value::String(chrono_year()));
    assert_eq!(api["wave"]["unreliable"], 0);
    // Respondents without an age band or gender cannot be placed in a population cell.
    assert_eq!(api["wave"]["uncalibrated"], 12);
    assert!(check_against_r("resident_0", &api, 5) > 200);

    // The command line prints what the API gives.
    let cli: Value = serde_json::from_str(&run(
        &app.database_url,
        &["indicators", "--wave", "ref-resident"],
    ))
    .expect("JSON");
    assert_eq!(cli["estimates"], api["estimates"]);
    assert_eq!(cli["wave"]["published"], api["wave"]["published"]);
    // Computed afresh from the same answers: the same figures, so no new publication.
    let recomputed: Value = serde_json::from_str(&run(
        &app.database_url,
        &["indicators", "--wave", "ref-resident", "--recompute"],
    ))
    .expect("JSON");
    check_against_r("resident_0", &recomputed, 5);
    assert_eq!(recomputed["wave"]["publication"], 1);
    assert_eq!(recomputed["estimates"], api["estimates"]);

    // CSV: the same rows, domain variables as columns.
    let csv = run(
        &app.database_url,
        &["indicators", "--wave", "ref-resident", "--format", "csv"],
    );
    let mut lines = csv.lines();
    let header = lines.next().expect("header");
    assert!(
        header.starts_with(
            "wave,period,indicator,priority_area,statistic,age_band,gender,district,n,estimate"
        ),
        "{header}"
    );
    assert_eq!(
        lines.count(),
        api["estimates"].as_array().map_or(0, Vec::len)
    );
    let response = app
        .client
        .get(app.url("/api/v1/waves/ref-resident/indicators"))
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let text = response.text().await.expect("body");
    assert_eq!(text.lines().next(), Some(header));
}

async fn the_school_reference_wave_imported_gives_rs_numbers_through_the_api_and_the_cli(
    app: TestApp,
) {
    create_wave(&app, "school-drug-habits", "ref-school", Access::Class).await;
    let dir = fixture("school_0");
    let path = |f: &str| dir.join(f).to_str().expect("path").to_owned();
    run(
        &app.database_url,
        &[
            "wave",
            "schools",
            "ref-school",
            "--file",
            &path("schools.csv"),
        ],
    );
    let imported = run(
        &app.database_url,
        &[
            "import",
            "--wave",
            "ref-school",
            "--file",
            &path("responses.jsonl"),
        ],
    );
    assert!(imported.contains("stored 1500"), "{imported}");
    run(&app.database_url, &["wave", "close", "ref-school"]);
    app.sign_in_as(Role::Evaluator).await;
    let api = wait_for(
        &app.client,
        &app.url("/api/v1/waves/ref-school/indicators"),
        |v| v["wave"]["responses"] == 1500 && v["wave"]["up_to_date"] == true,
    )
    .await;
    assert_eq!(api["wave"]["unreliable"], 7);
    assert_eq!(api["wave"]["design"], "stratified_cluster");
    assert!(api["wave"].get("fpc_note").is_none(), "{}", api["wave"]);
    assert!(check_against_r("school_0", &api, 10) > 100);
    // With the crossed breakdown the school survey lists (grade × gender).
    assert!(check_against_r_file("school_0", "expected_breakdowns.json", &api, 10) > 150);
    let cli: Value = serde_json::from_str(&run(
        &app.database_url,
        &["indicators", "--wave", "ref-school"],
    ))
    .expect("JSON");
    assert_eq!(cli["estimates"], api["estimates"]);
    // Never by class or school.
    let rows = api["estimates"].as_array().expect("rows");
    assert!(rows.iter().all(|r| {
        r["domain"]
            .as_object()
            .is_some_and(|d| d.keys().all(|k| k == "grade" || k == "gender"))
    }));
}

fn chrono_year() -> String {
    chrono::Utc::now().format("%Y").to_string()
}

/// Polls the wave's indicators until `ready` holds (the background recomputation has run).
async fn wait_for(client: &reqwest::Client, url: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let (status, v) = get_json(client, url).await;
        assert_eq!(status, 200, "{v}");
        if ready(&v) {
            return v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "indicators not recomputed within 30 s: {}",
            v["wave"]
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn a_wave_is_published_when_it_closes_and_marked_while_a_new_publication_is_computed(
    app: TestApp,
) {
    create_wave(&app, "resident-safety", "fresh", Access::Open).await;
    for b in synth_bodies("resident-safety", 65, 7) {
        assert_eq!(post(&app, "fresh", &b).await.0, 201);
    }
    app.sign_in_as(Role::Admin).await;
    let url = app.url("/api/v1/waves/fresh/indicators");
    let (status, open) = get_json(&app.client, &url).await;
    assert_eq!(status, 409, "an open wave publishes nothing: {open}");
    // Closing publishes the figures at once, dated to the day.
    run(&app.database_url, &["wave", "close", "fresh"]);
    let (_, closed) = get_json(&app.client, &url).await;
    assert_eq!(closed["wave"]["state"], "closed");
    assert_eq!(closed["wave"]["up_to_date"], true);
    assert_eq!(closed["wave"]["responses"], 65);
    assert_eq!(closed["wave"]["publication"], 1);
    let published = closed["wave"]["published"].as_str().expect("published");
    assert!(
        chrono::NaiveDate::parse_from_str(published, "%Y-%m-%d").is_ok(),
        "a date, no time: {published}"
    );
    assert!(
        closed["wave"].get("computed_at").is_none(),
        "{}",
        closed["wave"]
    );

    // While a node recomputes, the publication shown is not up to date: a claim clears the
    // stale mark, but whatever made the wave stale is not counted until the new publication is
    // stored. (Here another node recomputes on demand, as `--recompute` does.)
    let wave = trygg::store::waves::find_by_slug(&app.db, "fresh")
        .await
        .expect("query")
        .expect("wave");
    let now = trygg::util::now();
    assert!(
        trygg::store::indicators::claim(&app.db, &wave.id, "other-node", now, now + 600, false)
            .await
            .expect("claim")
    );
    let (_, computing) = get_json(&app.client, &url).await;
    assert_eq!(computing["wave"]["responses"], 65);
    assert_eq!(
        computing["wave"]["up_to_date"], false,
        "{}",
        computing["wave"]
    );
}

async fn only_evaluators_and_admins_read_indicators(app: TestApp) {
    create_wave(&app, "resident-safety", "closed-door", Access::Open).await;
    assert_eq!(
        post(
            &app,
            "closed-door",
            &body(crate::responses::minimal_resident_answers())
        )
        .await
        .0,
        201
    );
    trygg::store::waves::close(&app.db, "closed-door", "test")
        .await
        .expect("close");
    for path in [
        "/api/v1/waves/closed-door/indicators",
        "/api/v1/surveys/resident-safety/indicators/unsafe_night/series",
        "/api/v1/areas",
    ] {
        let (status, v) = get_json(&app.client, &app.url(path)).await;
        assert_eq!(status, 401, "{path} without signing in: {v}");
        assert!(v["error"].is_string(), "{path}: {v}");
    }
    let school = app.other_browser();
    app.add_user("rektor@skola.example", Role::School, Some("skola-1"))
        .await;
    let response = app
        .log_in(
            &school,
            "rektor@skola.example",
            crate::helpers::PASSWORD,
            None,
        )
        .await;
    assert_eq!(response.status(), 303);
    let (status, _) = get_json(&school, &app.url("/api/v1/areas")).await;
    assert_eq!(status, 403, "a school coordinator reads no indicators");

    app.sign_in_as(Role::Evaluator).await;
    let (status, _) = get_json(
        &app.client,
        &app.url("/api/v1/waves/no-such-wave/indicators"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, v) = get_json(
        &app.client,
        &app.url("/api/v1/waves/closed-door/indicators?format=xml"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("json or csv")),
        "{v}"
    );
    let (status, _) = get_json(
        &app.client,
        &app.url("/api/v1/surveys/resident-safety/indicators/no_such/series"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, v) = get_json(
        &app.client,
        &app.url("/api/v1/surveys/resident-safety/indicators/unsafe_night/series?by=comments"),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"].as_str().is_some_and(|e| e.contains("age_band")),
        "{v}"
    );
    // One respondent: every published cell is hidden.
    let (status, v) = get_json(
        &app.client,
        &app.url("/api/v1/waves/closed-door/indicators"),
    )
    .await;
    assert_eq!(status, 200);
    let rows = v["estimates"].as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["flags"] == serde_json::json!(["suppressed"]) && r["estimate"].is_null()),
        "{v}"
    );
}

/// Creates a wave of `period` directly, sends it `count` synthetic answers and closes it.
async fn closed_wave(app: &TestApp, slug: &str, period: i32, count: usize, seed: u64) {
    let catalog = trygg::survey::load_dir(&surveys_dir()).expect("surveys");
    let mut new =
        NewWave::parse(&catalog, "resident-safety", slug, "open", None, None).expect("wave");
    new.period = period;
    trygg::store::waves::create(&app.db, &new, "test")
        .await
        .expect("create");
    for b in synth_bodies("resident-safety", count, seed) {
        assert_eq!(post(app, slug, &b).await.0, 201);
    }
    run(&app.database_url, &["wave", "close", slug]);
}

async fn a_series_runs_over_the_waves_in_period_order(app: TestApp) {
    // Created out of order: the series orders by period.
    closed_wave(&app, "r2025", 2025, 120, 3).await;
    closed_wave(&app, "r2023", 2023, 120, 1).await;
    closed_wave(&app, "r2024", 2024, 120, 2).await;
    // An open wave publishes nothing: it is in no series.
    create_wave(&app, "resident-safety", "r-open", Access::Open).await;
    for b in synth_bodies("resident-safety", 60, 4) {
        assert_eq!(post(&app, "r-open", &b).await.0, 201);
    }
    app.sign_in_as(Role::Evaluator).await;
    let url = app.url("/api/v1/surveys/resident-safety/indicators/unsafe_night/series");
    let (status, s) = get_json(&app.client, &url).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["better"], "lower");
    let series = &s["series"][0];
    assert_eq!(series["domain"], serde_json::json!({}));
    let waves = series["waves"].as_array().expect("waves");
    let order: Vec<&str> = waves.iter().filter_map(|w| w["slug"].as_str()).collect();
    assert_eq!(order, ["r2023", "r2024", "r2025"]);
    assert!(waves.iter().all(|w| w["published"].is_string()));
    // Changes between consecutive waves; the trend over the three.
    let changes = series["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 2);
    let est = |i: usize| waves[i]["estimate"].as_f64().expect("estimate");
    let first = &changes[0];
    assert!(close(
        first["difference"].as_f64().expect("d"),
        est(1) - est(0)
    ));
    let se = |i: usize| waves[i]["se"].as_f64().expect("se");
    assert!(close(first["se"].as_f64().expect("se"), se(0).hypot(se(1))));
    assert_eq!(series["change"]["to"], "r2025", "the latest change");
    assert_eq!(series["trend"]["waves"], 3);
    assert!(
        series["trend"]["p"]
            .as_f64()
            .is_some_and(|p| (0.0..=1.0).contains(&p))
    );
    assert!(series["verdict"].is_string());
    assert_eq!(series["verdict"], series["trend"]["verdict"]);

    // By a breakdown: one series per category.
    let (status, by) = get_json(&app.client, &format!("{url}?by=gender")).await;
    assert_eq!(status, 200);
    let domains: Vec<&Value> = by["series"]
        .as_array()
        .expect("series")
        .iter()
        .map(|d| &d["domain"])
        .collect();
    assert!(
        domains.contains(&&serde_json::json!({"gender": "f"})),
        "{domains:?}"
    );
    assert!(domains.iter().all(|d| d.get("gender").is_some()));

    // CSV: a row per wave with the change from the wave before.
    let text = app
        .client
        .get(format!("{url}?format=csv"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let mut lines = text.lines();
    assert!(lines.next().is_some_and(|h| h.contains("change_verdict")));
    assert_eq!(lines.count(), 3);

    // Priority areas: each indicator's latest figures.
    let (status, areas) = get_json(&app.client, &app.url("/api/v1/areas")).await;
    assert_eq!(status, 200);
    let outdoor = areas["areas"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["id"] == "outdoor-insecurity"))
        .expect("area");
    let unsafe_night = outdoor["indicators"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["indicator"] == "unsafe_night"))
        .expect("indicator");
    assert_eq!(unsafe_night["latest"]["slug"], "r2025");
    assert_eq!(unsafe_night["change"]["to"], "r2025");
    assert_eq!(
        unsafe_night["title"]["sv"].as_str().map(|t| !t.is_empty()),
        Some(true)
    );
}

/// Stores `totals` as the wave's population figures with `trygg wave population`, then prints
/// its indicators afresh with `trygg indicators --recompute`.
fn totals_then_indicators(app: &TestApp, slug: &str, totals: &str) -> Value {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("totals.csv");
    std::fs::write(&file, totals).expect("write");
    let path = file.to_str().expect("path");
    run(
        &app.database_url,
        &["wave", "population", slug, "--file", path],
    );
    serde_json::from_str(&run(
        &app.database_url,
        &["indicators", "--wave", slug, "--recompute"],
    ))
    .expect("JSON")
}

async fn a_population_cell_without_respondents_is_shown_and_estimates_go_uncalibrated(
    app: TestApp,
) {
    create_wave(&app, "resident-safety", "gap", Access::Open).await;
    let mut answers = crate::responses::minimal_resident_answers();
    for _ in 0..12 {
        assert_eq!(post(&app, "gap", &body(answers.clone())).await.0, 201);
    }
    answers["gender"] = "m".into();
    for _ in 0..12 {
        assert_eq!(post(&app, "gap", &body(answers.clone())).await.0, 201);
    }
    run(&app.database_url, &["wave", "close", "gap"]);
    // Women and men aged 25-34 answered; the totals also have women and men aged 16-24.
    let result = totals_then_indicators(
        &app,
        "gap",
        "age_band,gender,total\n25-34,f,400\n25-34,m,420\n16-24,f,300\n16-24,m,310\n",
    );
    assert_eq!(result["wave"]["calibration"], "none");
    assert_eq!(result["wave"]["uncalibrated"], 0);
    let note = result["wave"]["calibration_note"].as_str().unwrap_or("");
    assert!(
        note.contains("age_band = 16-24, gender = f") && note.contains("no respondents"),
        "{note}"
    );
    assert_eq!(result["wave"]["responses"], 24);
    app.sign_in_as(Role::Admin).await;
    let page = app
        .get("/admin/waves/gap")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Befolkningstalen används inte"), "{page}");
    assert!(
        page.contains("Ingen har svarat i befolkningscellen 16–24 år, Kvinna"),
        "{page}"
    );
    // Corrected totals are used from the next computation on.
    let result = totals_then_indicators(
        &app,
        "gap",
        "age_band,gender,total\n25-34,f,400\n25-34,m,420\n",
    );
    assert_eq!(result["wave"]["calibration"], "poststratify");
    assert!(result["wave"].get("calibration_note").is_none());
}

db_tests!(
    a_population_cell_without_respondents_is_shown_and_estimates_go_uncalibrated,
    the_school_reference_wave_imported_gives_rs_numbers_through_the_api_and_the_cli,
    the_resident_reference_wave_gives_rs_numbers_through_the_api_and_the_cli,
    a_wave_is_published_when_it_closes_and_marked_while_a_new_publication_is_computed,
    only_evaluators_and_admins_read_indicators,
    a_series_runs_over_the_waves_in_period_order,
);

/// Signs a fresh client in through the login form of `base`.
async fn signed_in(base: &str, email: &str, password: &str) -> reqwest::Client {
    let client = crate::helpers::browser();
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("page");
    let token = crate::helpers::csrf_in(&page).expect("token");
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(response.status(), 303);
    client
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_keep_one_wave_s_indicators_consistent() {
    let dir = tempfile::tempdir().expect("dir");
    let Some((url, _drop_afterwards)) = fresh_database(Backend::Postgres, dir.path()).await else {
        eprintln!("TEST_DATABASE_URL is not set: the two-node indicators test was NOT run");
        return;
    };
    crate::server::create_open_wave(&url, "resident-safety", "shared");
    let password = "ett långt lösenord för utvärdering";
    let out = crate::cli::user_add(
        &url,
        &["--email", "eva@kommun.example", "--role", "evaluator"],
        password,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (a, b) = tokio::join!(
        crate::server::Server::start(&url, dir.path()),
        crate::server::Server::start(&url, dir.path())
    );
    let client = reqwest::Client::new();
    let bodies = crate::server::synth_bodies("resident-safety", 300, 11);
    let posts = bodies.iter().enumerate().map(|(i, body)| {
        let target = if i % 2 == 0 {
            a.responses_url("shared")
        } else {
            b.responses_url("shared")
        };
        let client = client.clone();
        async move { crate::server::post(&client, &target, body).await }
    });
    let statuses: Vec<Option<u16>> = futures_util::stream::iter(posts)
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == Some(201)));
    run(&url, &["wave", "close", "shared"]);
    let on_a = signed_in(&a.base, "eva@kommun.example", password).await;
    let on_b = signed_in(&b.base, "eva@kommun.example", password).await;
    let ready = |v: &Value| v["wave"]["responses"] == 300 && v["wave"]["up_to_date"] == true;
    let from_a = wait_for(
        &on_a,
        &format!("{}/api/v1/waves/shared/indicators", a.base),
        ready,
    )
    .await;
    let from_b = wait_for(
        &on_b,
        &format!("{}/api/v1/waves/shared/indicators", b.base),
        ready,
    )
    .await;
    assert_eq!(from_a, from_b, "both nodes serve the one stored result");
    // It is what a computation from scratch gives.
    let fresh: Value = serde_json::from_str(&run(
        &url,
        &["indicators", "--wave", "shared", "--recompute"],
    ))
    .expect("JSON");
    assert_eq!(fresh["estimates"], from_a["estimates"]);
    assert_eq!(fresh["wave"]["responses"], 300);
    // One row for the wave, no lease left behind.
    let db = sea_orm::Database::connect(&url).await.expect("connect");
    use sea_orm::EntityTrait;
    let rows = trygg::entities::indicator_result::Entity::find()
        .all(&db)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].claim.is_none() && rows[0].error.is_none());
}
