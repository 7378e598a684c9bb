//! The `trygg` binary as an operator uses it.

use std::collections::HashSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::db_tests;
use crate::helpers::{Backend, PASSWORD, TestApp, browser, fresh_database, surveys_dir};

pub fn trygg() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trygg"));
    // Settings from the developer's environment must not leak into the tests.
    for (key, _) in std::env::vars() {
        if key.starts_with("TRYGG_") {
            command.env_remove(key);
        }
    }
    command
}

#[test]
fn check_surveys_accepts_the_three_questionnaires() {
    let output = trygg()
        .arg("check-surveys")
        .arg("--surveys")
        .arg(surveys_dir())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for id in ["resident-safety", "staff-safety", "school-drug-habits"] {
        assert!(stdout.contains(&format!("{id}.toml")), "{stdout}");
    }
    assert!(
        stdout.contains(
            "(agreement 2023-2026, 2023-05-01 – 2026-12-31, 3 priority areas, 2 citizen promises)"
        ),
        "{stdout}"
    );
}

#[test]
fn check_surveys_reports_a_broken_agreement_with_file_and_line_and_exits_1() {
    let dir = tempfile::tempdir().expect("dir");
    let shipped = std::fs::read_to_string(crate::helpers::agreements_dir().join("2023-2026.toml"))
        .expect("the shipped agreement");
    // The indicator is renamed wherever the area names it (its list, and first for residents).
    let broken = shipped
        .replace("resident-safety/unsafe_night", "resident-safety/unsafe_day")
        .replacen("to = \"2024-12-31\"", "to = \"2027-12-31\"", 1);
    std::fs::write(dir.path().join("2023-2026.toml"), &broken).expect("write");
    let output = trygg()
        .arg("check-surveys")
        .arg("--surveys")
        .arg(surveys_dir())
        .arg("--agreements")
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line_of = |needle: &str| {
        broken
            .lines()
            .position(|l| l.contains(needle))
            .expect("needle")
            + 1
    };
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("2023-2026.toml:"))
        .collect();
    assert_eq!(problems.len(), 2, "{stderr}");
    assert!(
        problems[0].contains(&format!("2023-2026.toml:{}: ", line_of("unsafe_day")))
            && problems[0].contains("has no indicator `unsafe_day`"),
        "{stderr}"
    );
    assert!(
        problems[1].contains(&format!("2023-2026.toml:{}: ", line_of("2027-12-31")))
            && problems[1].contains("is not inside the agreement's"),
        "{stderr}"
    );
}

const BROKEN: &str = r#"id = "broken"
version = 1
audience = "residents"
title = { sv = "Trasig", en = "Broken" }
intro = { sv = "Inledning", en = "Introduction" }

[[pages]]
id = "p1"
title = { sv = "Sida", en = "Page" }

[[pages.questions]]
id = "q1"
type = "single"
text = { sv = "Fråga ett", en = "Question one" }
choices = [
  { code = "1", label = { sv = "Ja", en = "Yes" } },
  { code = "2", label = { sv = "Nej", en = "No" } },
]

[[pages.questions]]
id = "q2"
type = "single"
text = { sv = "Fråga två", en = "Question two" }
show_if = { question = "nowhere", equals = "1" }
choices = [
  { code = "1", label = { sv = "Ja", en = "Yes" } },
  { code = "2", label = { sv = "Nej", en = "No" } },
]

[[pages.questions]]
id = "q1"
type = "text"
text = { sv = "Samma id igen", en = "The same id again" }
max_length = 100

[[pages.questions]]
id = "q4"
type = "text"
text = { sv = "Bara svenska" }
max_length = 100
"#;

#[test]
fn check_surveys_reports_every_problem_with_file_and_line_and_exits_1() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("broken.toml"), BROKEN).expect("write");
    let output = trygg()
        .arg("check-surveys")
        .arg("--surveys")
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("broken.toml:"))
        .collect();
    assert_eq!(problems.len(), 3, "{stderr}");
    let line_of = |needle: &str| {
        BROKEN
            .lines()
            .position(|l| l.contains(needle))
            .expect("needle")
            + 1
    };
    let expect = [
        (line_of("nowhere"), "nowhere"),
        (line_of("The same id again") - 2, "q1"),
        (line_of("Bara svenska"), "en"),
    ];
    for (line, word) in expect {
        let prefix = format!("broken.toml:{line}: ");
        assert!(
            problems
                .iter()
                .any(|p| p.contains(&prefix) && p.contains(word)),
            "no problem at {prefix} mentioning {word}: {stderr}"
        );
    }
}

#[test]
fn serve_refuses_to_start_on_an_invalid_questionnaire_with_the_same_messages() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("broken.toml"), BROKEN).expect("write");
    let output = trygg()
        .current_dir(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--surveys"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.contains("broken.toml:"))
            .count(),
        3,
        "{stderr}"
    );
    assert!(
        !dir.path().join("trygg.db").exists(),
        "the database was touched"
    );
}

#[test]
fn a_bad_setting_stops_the_command_with_one_line_naming_it() {
    let output = trygg()
        .env("TRYGG_BIND", "everywhere")
        .arg("serve")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: TRYGG_BIND: `everywhere`"),
        "{stderr}"
    );
}

#[test]
fn synth_gives_distinct_valid_reproducible_submissions() {
    let run = |seed: &str| {
        let output = trygg()
            .args([
                "synth",
                "--survey",
                "school-drug-habits",
                "--count",
                "100",
                "--seed",
                seed,
                "--surveys",
            ])
            .arg(surveys_dir())
            .output()
            .expect("run");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let first = run("1");
    assert_eq!(first, run("1"), "the same seed gives the same output");
    assert_ne!(first, run("2"));

    let catalog = trygg::survey::load_dir(&surveys_dir()).expect("surveys");
    let survey = &catalog.get("school-drug-habits").expect("survey").survey;
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(lines.len(), 100);
    let mut ids = HashSet::new();
    let mut answer_sets = HashSet::new();
    for line in lines {
        let body: serde_json::Value = serde_json::from_str(line).expect("json line");
        assert!(ids.insert(body["submission_id"].as_str().expect("id").to_owned()));
        uuid::Uuid::parse_str(body["submission_id"].as_str().unwrap_or_default()).expect("uuid");
        assert!(matches!(body["language"].as_str(), Some("sv" | "en")));
        let answers = body["answers"].as_object().expect("answers");
        answer_sets.insert(serde_json::to_string(answers).expect("json"));
        if let Err(problems) = trygg::survey::validate(survey, answers) {
            panic!(
                "invalid synthetic submission {line}: {:?}",
                problems.iter().map(|p| &p.message).collect::<Vec<_>>()
            );
        }
    }
    // Real pupils often give identical answers (most never use drugs), but the sample must vary.
    assert!(
        answer_sets.len() >= 90,
        "only {} distinct answer sets",
        answer_sets.len()
    );
}

#[test]
fn synth_names_the_known_questionnaires_for_an_unknown_one() {
    let output = trygg()
        .args(["synth", "--survey", "nope", "--count", "1", "--surveys"])
        .arg(surveys_dir())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no questionnaire `nope`") && stderr.contains("resident-safety"),
        "{stderr}"
    );
}

db_tests!(
    an_admin_created_from_the_command_line_signs_in,
    serve_starts_with_one_command_and_answers_health,
);

/// Runs `trygg user add` with `password` on stdin.
pub fn user_add(database_url: &str, args: &[&str], password: &str) -> std::process::Output {
    let mut child = trygg()
        .args(["user", "add", "--database", database_url])
        .args(args)
        .arg("--surveys")
        .arg(surveys_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write password");
    child.wait_with_output().expect("wait")
}

async fn an_admin_created_from_the_command_line_signs_in(app: TestApp) {
    let output = user_add(
        &app.database_url,
        &["--email", "chef@kommun.example", "--role", "admin"],
        PASSWORD,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let again = user_add(
        &app.database_url,
        &["--email", "chef@kommun.example", "--role", "admin"],
        PASSWORD,
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already a user"));
    let short = user_add(
        &app.database_url,
        &["--email", "x@kommun.example", "--role", "evaluator"],
        "short",
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    let no_school = user_add(
        &app.database_url,
        &["--email", "y@kommun.example", "--role", "school"],
        PASSWORD,
    );
    assert_eq!(no_school.status.code(), Some(1));

    let login = app
        .post_form(
            "/login",
            "/login",
            &[("email", "chef@kommun.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(login.status(), 303);
    assert_eq!(login.headers()["location"], "/admin");
    let log = trygg::store::audit::recent(&app.db, 10)
        .await
        .expect("audit");
    assert!(
        log.iter()
            .any(|e| e.actor == "cli" && e.action == "user.add")
    );
}

/// Starts the real binary the way README says and waits for `/health`.
async fn serve_starts_with_one_command_and_answers_health(app: TestApp) {
    let dir = tempfile::tempdir().expect("dir");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe port");
        probe.local_addr().expect("addr").port()
    };
    let mut command = trygg();
    command
        .current_dir(dir.path())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--surveys"])
        .arg(surveys_dir())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("stderr.log")).expect("log file"));
    if app.is_postgres() {
        // A second, separate database so the server migrates it from scratch.
        let (url, _keep) = fresh_database(Backend::Postgres, dir.path())
            .await
            .expect("pg");
        command.args(["--database", &url]);
        run_and_check_health(command, port, None, dir.path()).await;
    } else {
        // No --database: the default SQLite file is created in the working directory.
        run_and_check_health(command, port, Some(dir.path().join("trygg.db")), dir.path()).await;
    }
}

async fn run_and_check_health(
    mut command: Command,
    port: u16,
    db_file: Option<std::path::PathBuf>,
    dir: &std::path::Path,
) {
    let mut child = command.spawn().expect("spawn trygg serve");
    let client = browser();
    let url = format!("http://127.0.0.1:{port}/health");
    let started = Instant::now();
    let mut status = None;
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(Some(exit)) = child.try_wait() {
            let stderr = std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
            panic!("trygg serve exited with {exit}: {stderr}");
        }
        if let Ok(response) = client.get(&url).send().await {
            status = Some(response.status().as_u16());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let home = client.get(format!("http://127.0.0.1:{port}/")).send().await;
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, Some(200), "no health answer within 30 s");
    assert_eq!(home.expect("start page").status(), 200);
    if let Some(file) = db_file {
        assert!(
            file.exists(),
            "SQLite file not created at {}",
            file.display()
        );
    }
}
