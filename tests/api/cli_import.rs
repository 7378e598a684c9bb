//! `trygg import` as an operator runs it: earlier years brought in from JSON lines or an export.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::cli::trygg;
use crate::db_tests;
use crate::helpers::{TestApp, surveys_dir};
use crate::responses::{post, synth_bodies};
use trygg::entities::response;

db_tests!(
    json_lines_of_an_earlier_year_are_stored_once_in_a_closed_wave,
    a_class_wave_takes_each_line_s_school_and_class_as_design_variables,
    an_export_imported_into_another_wave_exports_the_same_answers,
    every_bad_line_is_named_with_its_question_and_nothing_is_stored,
    the_same_id_with_other_answers_is_refused,
    an_id_twice_in_one_file_is_stored_once_or_refused_at_its_later_line,
    a_record_over_two_megabytes_is_refused_with_its_line,
);

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

fn ok(app: &TestApp, args: &[&str]) -> String {
    let (ok, out, err) = run(app, args);
    assert!(ok, "{args:?}: {out}{err}");
    out
}

/// A wave of an earlier year, created and closed the way a municipality would.
fn past_wave(app: &TestApp, survey: &str, slug: &str, access: &str, year: u32) {
    ok(
        app,
        &[
            "wave",
            "create",
            "--survey",
            survey,
            "--slug",
            slug,
            "--access",
            access,
            "--opens",
            &format!("{year}-03-01"),
            "--closes",
            &format!("{year}-03-31"),
            "--period",
            &year.to_string(),
        ],
    );
}

fn write_lines(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").expect("write file");
    path
}

fn import(app: &TestApp, slug: &str, file: &Path) -> (bool, String, String) {
    run(
        app,
        &[
            "import",
            "--wave",
            slug,
            "--file",
            file.to_str().expect("path"),
        ],
    )
}

async fn rows_of(app: &TestApp, slug: &str) -> Vec<response::Model> {
    let wave = trygg::store::waves::find_by_slug(&app.db, slug)
        .await
        .expect("db")
        .expect("wave");
    response::Entity::find()
        .filter(response::Column::WaveId.eq(wave.id))
        .all(&app.db)
        .await
        .expect("rows")
}

/// The exported rows of a wave as a multiset of their cells without the response id.
fn exported_answers(app: &TestApp, slug: &str) -> HashMap<Vec<String>, usize> {
    let csv = ok(app, &["export", "--wave", slug, "--format", "csv"]);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let mut rows = HashMap::new();
    for record in reader.records() {
        let record = record.expect("csv record");
        let cells: Vec<String> = record.iter().skip(1).map(str::to_owned).collect();
        *rows.entry(cells).or_insert(0) += 1;
    }
    rows
}

async fn json_lines_of_an_earlier_year_are_stored_once_in_a_closed_wave(app: TestApp) {
    past_wave(&app, "resident-safety", "trygghet-2023", "open", 2023);
    let dir = tempfile::tempdir().expect("dir");
    let lines: Vec<String> = synth_bodies("resident-safety", 120, 11)
        .iter()
        .map(Value::to_string)
        .collect();
    // Blank lines are skipped; line numbers still count them.
    let mut with_blank = lines.clone();
    with_blank.insert(3, String::new());
    let file = write_lines(dir.path(), "2023.jsonl", &with_blank);

    let (ok_, out, err) = import(&app, "trygghet-2023", &file);
    assert!(ok_, "{out}{err}");
    assert!(out.contains("stored 120, already there 0"), "{out}");
    let rows = rows_of(&app, "trygghet-2023").await;
    assert_eq!(rows.len(), 120);
    assert!(
        rows.iter().all(|r| r.submitted_on == "2023-03-01"),
        "imported rows are dated the first day of their wave"
    );
    let jsonl = ok(
        &app,
        &["export", "--wave", "trygghet-2023", "--format", "jsonl"],
    );
    assert_eq!(jsonl.lines().count(), 120);
    // The wave is closed: the API takes nothing, the import took everything.
    let (status, _) = post(
        &app,
        "trygghet-2023",
        &synth_bodies("resident-safety", 1, 99)[0],
    )
    .await;
    assert_eq!(status, 410);

    let (ok_, out, err) = import(&app, "trygghet-2023", &file);
    assert!(ok_, "{out}{err}");
    assert!(out.contains("stored 0, already there 120"), "{out}");
    assert_eq!(rows_of(&app, "trygghet-2023").await.len(), 120);

    let log = trygg::store::audit::recent(&app.db, 20)
        .await
        .expect("audit");
    assert_eq!(
        log.iter().filter(|e| e.action == "wave.import").count(),
        1,
        "the import that stored something is in the audit log"
    );
}

async fn a_class_wave_takes_each_line_s_school_and_class_as_design_variables(app: TestApp) {
    past_wave(&app, "school-drug-habits", "drogvanor-2023", "class", 2023);
    let dir = tempfile::tempdir().expect("dir");
    let schools = write_lines(
        dir.path(),
        "schools.csv",
        &["school,classes".into(), "norra,4".into(), "sodra,2".into()],
    );
    ok(
        &app,
        &[
            "wave",
            "schools",
            "drogvanor-2023",
            "--file",
            schools.to_str().expect("path"),
        ],
    );
    let places = [
        ("norra", "9A"),
        ("norra", "9B"),
        ("sodra", "9A"),
        ("sodra", " 9A "),
    ];
    let lines: Vec<String> = synth_bodies("school-drug-habits", 40, 5)
        .into_iter()
        .enumerate()
        .map(|(i, mut body)| {
            let (school, class) = places[i % places.len()];
            body["school"] = json!(school);
            body["class"] = json!(class);
            body.to_string()
        })
        .collect();
    let file = write_lines(dir.path(), "pupils.jsonl", &lines);
    let (ok_, out, err) = import(&app, "drogvanor-2023", &file);
    assert!(ok_, "{out}{err}");
    assert!(out.contains("stored 40"), "{out}");

    let rows = rows_of(&app, "drogvanor-2023").await;
    assert_eq!(rows.len(), 40);
    let mut clusters: HashMap<(String, String), usize> = HashMap::new();
    for r in &rows {
        let school = r.school_id.clone().expect("school stored");
        let class = r.class_id.clone().expect("class stored");
        *clusters.entry((school, class)).or_insert(0) += 1;
    }
    // norra 9A, norra 9B, sodra 9A (" 9A " is the same label): three clusters, and 9A at two
    // schools is two of them.
    assert_eq!(clusters.len(), 3, "{clusters:?}");
    let class_ids: HashSet<&String> = clusters.keys().map(|(_, c)| c).collect();
    assert_eq!(class_ids.len(), 3);
    let mut sizes: Vec<usize> = clusters.values().copied().collect();
    sizes.sort();
    assert_eq!(sizes, [10, 10, 20]);

    // The export carries them as the design variables of collected pupils: school, class, fpc.
    let csv = ok(
        &app,
        &["export", "--wave", "drogvanor-2023", "--format", "csv"],
    );
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header = reader.headers().expect("header").clone();
    assert_eq!(
        &header.iter().take(5).collect::<Vec<_>>(),
        &[
            "response_id",
            "language",
            "school",
            "class",
            "school_classes"
        ]
    );
    for record in reader.records() {
        let record = record.expect("record");
        let expected = if &record[2] == "norra" { "4" } else { "2" };
        assert_eq!(&record[4], expected);
    }

    // Into another class wave with the same list, the export comes back with the same clusters.
    past_wave(&app, "school-drug-habits", "drogvanor-2024", "class", 2024);
    ok(
        &app,
        &[
            "wave",
            "schools",
            "drogvanor-2024",
            "--file",
            schools.to_str().expect("path"),
        ],
    );
    let exported = write_lines(dir.path(), "2023.csv", &[csv.trim_end().to_owned()]);
    let (ok_, out, err) = import(&app, "drogvanor-2024", &exported);
    assert!(ok_, "{out}{err}");
    let again = rows_of(&app, "drogvanor-2024").await;
    let partition = |rows: &[response::Model]| {
        let mut sizes: HashMap<(String, String), usize> = HashMap::new();
        for r in rows {
            *sizes
                .entry((
                    r.school_id.clone().unwrap_or_default(),
                    r.class_id.clone().unwrap_or_default(),
                ))
                .or_insert(0) += 1;
        }
        let mut by_school: Vec<(String, usize)> =
            sizes.into_iter().map(|((s, _), n)| (s, n)).collect();
        by_school.sort();
        by_school
    };
    assert_eq!(partition(&rows), partition(&again));
}

async fn an_export_imported_into_another_wave_exports_the_same_answers(app: TestApp) {
    past_wave(&app, "resident-safety", "trygghet-2022", "open", 2022);
    past_wave(&app, "resident-safety", "kopia-2022", "open", 2022);
    let dir = tempfile::tempdir().expect("dir");
    let mut bodies = synth_bodies("resident-safety", 200, 3);
    // Free text a spreadsheet would take for a formula, and a comma and quotes.
    bodies[0]["answers"]["comments"] = json!("=HYPERLINK(\"x\")");
    bodies[1]["answers"]["comments"] = json!("-inte ett tal, \"citat\"");
    // Two respondents who answered alike.
    let mut twin = bodies[2].clone();
    twin["submission_id"] = json!(uuid::Uuid::new_v4().to_string());
    bodies.push(twin);
    let lines: Vec<String> = bodies.iter().map(Value::to_string).collect();
    let file = write_lines(dir.path(), "src.jsonl", &lines);
    let (ok_, out, err) = import(&app, "trygghet-2022", &file);
    assert!(ok_, "{out}{err}");

    let csv = ok(
        &app,
        &["export", "--wave", "trygghet-2022", "--format", "csv"],
    );
    let exported = dir.path().join("export.csv");
    std::fs::write(&exported, &csv).expect("write");
    let (ok_, out, err) = import(&app, "kopia-2022", &exported);
    assert!(ok_, "{out}{err}");
    assert!(
        out.contains("(CSV)") && out.contains("stored 201, already there 0"),
        "{out}"
    );
    assert_eq!(
        exported_answers(&app, "kopia-2022"),
        exported_answers(&app, "trygghet-2022")
    );

    // Again: the ids derived from response_id are the same, so nothing is stored twice.
    let (ok_, out, err) = import(&app, "kopia-2022", &exported);
    assert!(ok_, "{out}{err}");
    assert!(out.contains("stored 0, already there 201"), "{out}");

    // The JSON lines of the export too; and the same rows as CSV then are already there.
    let jsonl = ok(
        &app,
        &["export", "--wave", "trygghet-2022", "--format", "jsonl"],
    );
    let exported_lines = dir.path().join("export.jsonl");
    std::fs::write(&exported_lines, &jsonl).expect("write");
    past_wave(&app, "resident-safety", "rader-2022", "open", 2022);
    let (ok_, out, err) = import(&app, "rader-2022", &exported_lines);
    assert!(
        ok_ && out.contains("stored 201, already there 0"),
        "{out}{err}"
    );
    assert_eq!(
        exported_answers(&app, "rader-2022"),
        exported_answers(&app, "trygghet-2022")
    );
    let (ok_, out, err) = import(&app, "rader-2022", &exported);
    assert!(
        ok_ && out.contains("stored 0, already there 201"),
        "{out}{err}"
    );

    // Without response ids, identical rows stay two responses, and a second import adds none.
    let without_ids: Vec<String> = csv
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                line.to_owned()
            } else {
                line.split_once(',')
                    .map(|(_, rest)| format!(",{rest}"))
                    .expect("row")
            }
        })
        .collect();
    past_wave(&app, "resident-safety", "utan-id-2022", "open", 2022);
    let file = write_lines(dir.path(), "no-ids.csv", &without_ids);
    let (ok_, out, err) = import(&app, "utan-id-2022", &file);
    assert!(ok_ && out.contains("stored 201"), "{out}{err}");
    let (ok_, out, err) = import(&app, "utan-id-2022", &file);
    assert!(
        ok_ && out.contains("stored 0, already there 201"),
        "{out}{err}"
    );
    assert_eq!(
        exported_answers(&app, "utan-id-2022"),
        exported_answers(&app, "trygghet-2022")
    );
}

async fn every_bad_line_is_named_with_its_question_and_nothing_is_stored(app: TestApp) {
    past_wave(&app, "resident-safety", "trygghet-2021", "open", 2021);
    past_wave(&app, "school-drug-habits", "drogvanor-2021", "class", 2021);
    let dir = tempfile::tempdir().expect("dir");
    let mut good = synth_bodies("resident-safety", 6, 8).into_iter();
    let mut next = || good.next().expect("body");
    let mut wrong_code = next();
    wrong_code["answers"]["gender"] = json!("x");
    let mut unknown = next();
    unknown["answers"]["favourite_colour"] = json!("blue");
    let lines = vec![
        next().to_string(),
        wrong_code.to_string(),
        next().to_string(),
        unknown.to_string(),
        "{\"submission_id\": ".to_owned(),
        next().to_string(),
        "[1, 2]".to_owned(),
    ];
    let file = write_lines(dir.path(), "bad.jsonl", &lines);
    let (ok_, out, err) = import(&app, "trygghet-2021", &file);
    assert!(!ok_, "{out}");
    let name = file.display().to_string();
    for expected in [
        format!("{name}: line 2: question gender: `x`"),
        format!("{name}: line 4: question favourite_colour: there is no such question"),
        format!("{name}: line 5: not valid JSON"),
        format!("{name}: line 7: not a JSON object"),
        format!("{name}: 4 problems; nothing was stored"),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in {err}");
    }
    assert!(
        !err.contains("line 1:") && !err.contains("line 3:"),
        "{err}"
    );
    assert!(rows_of(&app, "trygghet-2021").await.is_empty());

    // A class wave's line without its school (and one with a school of no wave).
    let schools = write_lines(
        dir.path(),
        "s.csv",
        &["school,classes".into(), "norra,3".into()],
    );
    ok(
        &app,
        &[
            "wave",
            "schools",
            "drogvanor-2021",
            "--file",
            schools.to_str().expect("path"),
        ],
    );
    let pupils = synth_bodies("school-drug-habits", 3, 2);
    let mut lines = Vec::new();
    for (i, mut body) in pupils.into_iter().enumerate() {
        match i {
            0 => body["class"] = json!("9A"),
            1 => {
                body["school"] = json!("ostra");
                body["class"] = json!("9A");
            }
            _ => {
                body["school"] = json!("norra");
                body["class"] = json!("9A");
            }
        }
        lines.push(body.to_string());
    }
    let file = write_lines(dir.path(), "pupils.jsonl", &lines);
    let (ok_, out, err) = import(&app, "drogvanor-2021", &file);
    assert!(!ok_, "{out}");
    assert!(err.contains("line 1: school: missing"), "{err}");
    assert!(
        err.contains("line 2: school: `ostra` is not one of the 1 schools"),
        "{err}"
    );
    assert!(!err.contains("line 3:"), "{err}");
    assert!(err.contains("nothing was stored"), "{err}");
    assert!(rows_of(&app, "drogvanor-2021").await.is_empty());

    // A CSV with a bad cell and a column of no question: the header stops it at once.
    let csv = "response_id,language,age_band,gender,district,out_evening,shoe_size\n,sv,25-34,f,centrum,1,42\n";
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, csv).expect("write");
    let (ok_, _, err) = import(&app, "trygghet-2021", &file);
    assert!(!ok_);
    assert!(
        err.contains("line 1: column `shoe_size` is not a question"),
        "{err}"
    );
    let csv = "response_id,language,age_band,gender,district,out_evening,years_in_area\n,sv,25-34,f,centrum,1,many\n";
    std::fs::write(&file, csv).expect("write");
    let (ok_, _, err) = import(&app, "trygghet-2021", &file);
    assert!(!ok_);
    assert!(
        err.contains("line 2: question years_in_area: `many` is not a number"),
        "{err}"
    );
    assert!(rows_of(&app, "trygghet-2021").await.is_empty());

    // An unknown wave names the flag.
    let (ok_, _, err) = import(&app, "no-such-wave", &file);
    assert!(
        !ok_ && err.contains("--wave: no wave with slug `no-such-wave`"),
        "{err}"
    );
}

async fn the_same_id_with_other_answers_is_refused(app: TestApp) {
    // An open wave: the API and the import share one table of submission ids.
    ok(
        &app,
        &[
            "wave",
            "create",
            "--survey",
            "resident-safety",
            "--slug",
            "trygghet-2020",
            "--access",
            "open",
        ],
    );
    let dir = tempfile::tempdir().expect("dir");
    let bodies = synth_bodies("resident-safety", 3, 21);
    assert_eq!(post(&app, "trygghet-2020", &bodies[0]).await.0, 201);
    let first = write_lines(
        dir.path(),
        "first.jsonl",
        &bodies.iter().map(Value::to_string).collect::<Vec<_>>(),
    );
    let (ok_, out, err) = import(&app, "trygghet-2020", &first);
    assert!(ok_, "{out}{err}");
    assert!(out.contains("stored 2, already there 1"), "{out}");
    // And the API knows what the import stored: the same body again is a 200, another one 409.
    assert_eq!(post(&app, "trygghet-2020", &bodies[1]).await.0, 200);
    let mut other = bodies[2].clone();
    other["answers"]["gender"] = json!(if other["answers"]["gender"] == "f" {
        "m"
    } else {
        "f"
    });
    assert_eq!(post(&app, "trygghet-2020", &other).await.0, 409);

    let mut changed = bodies[1].clone();
    changed["language"] = json!(if changed["language"] == "sv" {
        "en"
    } else {
        "sv"
    });
    let fresh = synth_bodies("resident-safety", 1, 22).remove(0);
    let second = write_lines(
        dir.path(),
        "second.jsonl",
        &[fresh.to_string(), changed.to_string()],
    );
    let (ok_, out, err) = import(&app, "trygghet-2020", &second);
    assert!(!ok_, "{out}");
    let id = changed["submission_id"].as_str().expect("id");
    assert!(
        err.contains(&format!(
            "line 2: submission {id} was stored before with other answers"
        )),
        "{err}"
    );
    assert!(err.contains("nothing was stored"), "{err}");
    assert_eq!(
        rows_of(&app, "trygghet-2020").await.len(),
        3,
        "the new line of the refused file is not stored either"
    );
}

async fn an_id_twice_in_one_file_is_stored_once_or_refused_at_its_later_line(app: TestApp) {
    past_wave(&app, "resident-safety", "trygghet-2022", "open", 2022);
    let dir = tempfile::tempdir().expect("dir");
    let bodies = synth_bodies("resident-safety", 4, 31);
    // The same body twice (a file appended to itself in part): stored once, the second a repeat.
    let lines: Vec<String> = (bodies.iter().chain(&bodies[1..3]))
        .map(Value::to_string)
        .collect();
    let twice = write_lines(dir.path(), "twice.jsonl", &lines);
    let (ok_, out, err) = import(&app, "trygghet-2022", &twice);
    assert!(ok_, "{out}{err}");
    assert!(out.contains("stored 4, already there 2"), "{out}");
    assert_eq!(rows_of(&app, "trygghet-2022").await.len(), 4);

    // An id that comes back later in the file with other answers: refused at that line, with
    // the first line's new neighbours not stored either; a repeat of a stored id is no problem.
    let fresh = synth_bodies("resident-safety", 2, 32);
    let mut other = fresh[0].clone();
    other["language"] = json!(if other["language"] == "sv" {
        "en"
    } else {
        "sv"
    });
    let lines = [
        fresh[0].to_string(),
        bodies[0].to_string(),
        fresh[1].to_string(),
        other.to_string(),
    ];
    let mixed = write_lines(dir.path(), "mixed.jsonl", &lines);
    let (ok_, out, err) = import(&app, "trygghet-2022", &mixed);
    assert!(!ok_, "{out}");
    let id = fresh[0]["submission_id"].as_str().expect("id");
    assert!(
        err.contains(&format!(
            "line 4: submission {id} was stored before with other answers"
        )),
        "{err}"
    );
    assert!(err.contains("1 problem; nothing was stored"), "{err}");
    assert_eq!(rows_of(&app, "trygghet-2022").await.len(), 4);
}

async fn a_record_over_two_megabytes_is_refused_with_its_line(app: TestApp) {
    past_wave(&app, "resident-safety", "trygghet-2020", "open", 2020);
    let dir = tempfile::tempdir().expect("dir");
    let huge = "lång text, ".repeat(250_000); // about 3 MB
    let name = |file: &Path| file.display().to_string();

    // A CSV record of more than 2 MB, its quoted text running over several lines, is refused
    // with the line it starts on (and is never held whole in memory: see csv_records).
    let bodies = synth_bodies("resident-safety", 3, 4);
    let mut lines =
        vec!["response_id,language,age_band,gender,district,out_evening,comments".to_owned()];
    for (i, b) in bodies.iter().enumerate() {
        let a = &b["answers"];
        let comments = if i == 1 {
            format!("\"{huge}\nrad två\n{huge}\"")
        } else {
            "kort".to_owned()
        };
        lines.push(format!(
            "r{i},sv,{},{},{},{},{comments}",
            a["age_band"].as_str().unwrap_or(""),
            a["gender"].as_str().unwrap_or(""),
            a["district"].as_str().unwrap_or(""),
            a["out_evening"].as_str().unwrap_or(""),
        ));
    }
    let file = write_lines(dir.path(), "huge.csv", &lines);
    let (ok_, out, err) = import(&app, "trygghet-2020", &file);
    assert!(!ok_, "{out}");
    assert!(
        err.contains(&format!(
            "{}: line 3: a record longer than 2 MB, the API's limit for one body",
            name(&file)
        )),
        "{err}"
    );
    assert!(err.contains("nothing was stored"), "{err}");
    assert!(rows_of(&app, "trygghet-2020").await.is_empty());

    // A JSON line of more than 2 MB, the same way.
    let mut bodies = synth_bodies("resident-safety", 3, 5);
    bodies[2]["answers"]["comments"] = json!(huge);
    let lines: Vec<String> = bodies.iter().map(Value::to_string).collect();
    let file = write_lines(dir.path(), "huge.jsonl", &lines);
    let (ok_, out, err) = import(&app, "trygghet-2020", &file);
    assert!(!ok_, "{out}");
    assert!(
        err.contains(&format!(
            "{}: line 3: longer than 2 MB, the API's limit for one body",
            name(&file)
        )),
        "{err}"
    );
    assert!(rows_of(&app, "trygghet-2020").await.is_empty());
}
