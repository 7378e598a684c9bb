//! SCB's population as a wave's population totals: an SCB JSON-stat file imported into the
//! lägesbild (`trygg sources import`) becomes the totals by age band and gender, from the
//! command line (`trygg wave population SLUG --from-scb`) and from the wave page's button,
//! stored as an uploaded file's are (replacing them, with the same audit entry), or refused
//! with the reasons and nothing changed.

use std::path::PathBuf;

use trygg::accounts::Role;
use trygg::collect::Access;
use trygg::collect::population::PopulationCell;

use crate::cli::trygg;
use crate::db_tests;
use crate::form::location;
use crate::helpers::{Backend, TestApp, spawn_app_with, surveys_dir};
use crate::indicators::run;
use crate::responses::create_wave;

db_tests!(scb_population_becomes_a_waves_totals_from_the_command_line);

/// SCB's population of Göteborg (1480) and Mölndal (1481) by single years of age and sex in
/// 2024, as PxWeb answers in JSON-stat 2, with the codes of `category.index` out of order. Its
/// rule: in Mölndal 900 − 5·age + 10·sex people of each age and sex (1 men, 2 women), in
/// Göteborg 8,000 − 50·age + 10·sex.
fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scb-befolkning-2024.json")
}

fn molndal(ages: std::ops::RangeInclusive<i64>, sex: i64) -> i64 {
    ages.map(|a| 900 - 5 * a + 10 * sex).sum()
}

fn import_fixture(app: &TestApp) {
    let out = run(
        &app.database_url,
        &[
            "sources",
            "import",
            "--file",
            fixture().to_str().expect("path"),
        ],
    );
    assert!(out.contains("404 values stored"), "{out}");
}

/// `trygg wave population` with these arguments, the environment's `TRYGG_*` removed and
/// `env` set: (exit code, stdout, stderr).
fn population(app: &TestApp, args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let output = trygg()
        .args(["wave", "population"])
        .args(args)
        .arg("--database")
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(surveys_dir())
        .envs(env.iter().copied())
        .output()
        .expect("trygg wave population");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
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

async fn scb_population_becomes_a_waves_totals_from_the_command_line(app: TestApp) {
    let wave = create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    import_fixture(&app);

    let (code, out, err) = population(&app, &["trygg-2026", "--from-scb", "--area", "1481"], &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("stored 14 population cells (91770 persons) for wave trygg-2026 from SCB's population figures (BE0101N1) for 1481 in 2024, by age_band and gender"),
        "{out}"
    );
    assert!(
        out.contains("SCB has no figures for o (Other) of gender"),
        "{out}"
    );
    let cells = trygg::store::population::totals(&app.db, &wave.id)
        .await
        .expect("totals");
    assert_eq!(cells.len(), 14, "{cells:?}");
    assert_eq!(total(&cells, "16-24", "f"), molndal(16..=24, 2));
    assert_eq!(total(&cells, "16-24", "m"), molndal(16..=24, 1));
    assert_eq!(total(&cells, "45-54", "f"), molndal(45..=54, 2));
    assert_eq!(total(&cells, "75-84", "m"), molndal(75..=84, 1));
    let audit = trygg::store::audit::recent(&app.db, 10)
        .await
        .expect("audit");
    let entry = audit
        .iter()
        .find(|e| e.action == "wave.population")
        .expect("the upload's audit entry");
    assert_eq!(entry.actor, "cli");
    assert_eq!(entry.wave_id.as_deref(), Some(wave.id.as_str()));

    // A year SCB's figures do not have: refused, nothing changed.
    let (code, _, err) = population(
        &app,
        &[
            "trygg-2026",
            "--from-scb",
            "--area",
            "1481",
            "--year",
            "2020",
        ],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("--from-scb: SCB's population figures for the area 1481 are not there for 2020, only for 2024"),
        "{err}"
    );
    assert!(err.contains("--from-scb: nothing was stored"), "{err}");
    // An area without figures.
    let (code, _, err) = population(&app, &["trygg-2026", "--from-scb", "--area", "0180"], &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("there are no population figures from SCB for the area 0180"),
        "{err}"
    );
    // No area and no municipality setting.
    let (code, _, err) = population(&app, &["trygg-2026", "--from-scb"], &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("which area? Give --area CODE"), "{err}");
    // Exactly one of --file and --from-scb; --year only with --from-scb.
    let (code, _, _) = population(&app, &["trygg-2026", "--from-scb", "--file", "x.csv"], &[]);
    assert_eq!(code, Some(2));
    let (code, _, _) = population(&app, &["trygg-2026"], &[]);
    assert_eq!(code, Some(2));
    let (code, _, _) = population(
        &app,
        &["trygg-2026", "--file", "x.csv", "--year", "2024"],
        &[],
    );
    assert_eq!(code, Some(2));
    let after = trygg::store::population::totals(&app.db, &wave.id)
        .await
        .expect("totals");
    assert_eq!(after, cells, "a refusal changes nothing");

    // The area defaults to the municipality's code, the year to the latest stored.
    let (code, out, err) = population(
        &app,
        &["trygg-2026", "--from-scb"],
        &[("TRYGG_MUNICIPALITY", "1480")],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("for 1480 in 2024"), "{out}");
    let goteborg = trygg::store::population::totals(&app.db, &wave.id)
        .await
        .expect("totals");
    let expected: i64 = (16..=24).map(|a| 8000 - 50 * a + 20).sum();
    assert_eq!(total(&goteborg, "16-24", "f"), expected);

    // A staff survey has no age or gender question for SCB's figures.
    create_wave(&app, "staff-safety", "personal-2026", Access::Open).await;
    let (code, _, err) = population(
        &app,
        &["personal-2026", "--from-scb", "--area", "1481"],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("has no background question about age"),
        "{err}"
    );
}

mod the_wave_page_sets_its_totals_from_scb_population {
    use super::*;

    async fn app(backend: Backend) -> Option<TestApp> {
        spawn_app_with(backend, |s| s.municipality = Some("1481".to_owned())).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = app(Backend::Sqlite)
            .await
            .expect("SQLite is always available");
        the_wave_page_sets_its_totals_from_scb_population(app).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        match app(Backend::Postgres).await {
            Some(app) => the_wave_page_sets_its_totals_from_scb_population(app).await,
            None => eprintln!("TEST_DATABASE_URL is not set: PostgreSQL variant not run"),
        }
    }
}

const BUTTON: &str = "Använd SCB:s befolkningsstatistik (2024)";

async fn the_wave_page_sets_its_totals_from_scb_population(app: TestApp) {
    let wave = create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    create_wave(&app, "staff-safety", "personal-2026", Access::Open).await;
    app.sign_in_as(Role::Admin).await;
    let page = "/admin/waves/trygg-2026";
    let before = app.get(page).await.text().await.expect("page");
    assert!(!before.contains("Använd SCB:s"), "no SCB figures yet");

    import_fixture(&app);
    let offered = app.get(page).await.text().await.expect("page");
    assert!(offered.contains(BUTTON), "{offered}");
    assert!(
        offered.contains("SCB:s folkmängd efter ålder och kön för område 1481 år 2024"),
        "{offered}"
    );
    // Not for a survey the figures cannot fill.
    let staff = app
        .get("/admin/waves/personal-2026")
        .await
        .text()
        .await
        .expect("page");
    assert!(!staff.contains("Använd SCB:s"), "{staff}");

    let saved = app
        .post_form(page, &format!("{page}/population/scb"), &[("year", "2024")])
        .await;
    assert_eq!(
        saved.status(),
        303,
        "{}",
        saved.text().await.unwrap_or_default()
    );
    assert_eq!(location(&saved), format!("{page}?done=population"));
    let shown = app.get(&location(&saved)).await.text().await.expect("page");
    assert!(shown.contains("Befolkningstalen är sparade."), "{shown}");
    assert!(
        shown.contains("14 celler, sammanlagt 91\u{a0}770 personer"),
        "{shown}"
    );
    let cells = trygg::store::population::totals(&app.db, &wave.id)
        .await
        .expect("totals");
    assert_eq!(total(&cells, "25-34", "f"), molndal(25..=34, 2));
    let audit = trygg::store::audit::recent(&app.db, 10)
        .await
        .expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "wave.population" && e.actor == "admin@kommun.example"),
        "{audit:?}"
    );

    // A year that is not there: the page again with the reason, nothing changed.
    let refused = app
        .post_form(page, &format!("{page}/population/scb"), &[("year", "2020")])
        .await;
    assert_eq!(refused.status(), 422);
    let text = refused.text().await.expect("page");
    assert!(text.contains("Det finns ett problem"), "{text}");
    assert!(
        text.contains("href=\"#population-scb\">SCB:s befolkningstal för området 1481 finns inte för 2020, bara för 2024"),
        "{text}"
    );
    assert!(text.contains("<title>Fel: "), "{text}");
    let staff = app
        .post_form(
            "/admin/waves/personal-2026",
            "/admin/waves/personal-2026/population/scb",
            &[("year", "2024")],
        )
        .await;
    assert_eq!(staff.status(), 422);
    let text = staff.text().await.expect("page");
    assert!(text.contains("har ingen bakgrundsfråga om ålder"), "{text}");
    assert_eq!(
        trygg::store::population::totals(&app.db, &wave.id)
            .await
            .expect("totals"),
        cells
    );
}
