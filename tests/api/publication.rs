//! What published figures may give away (DESIGN.md "Publication"), tried as an attacker with an
//! evaluator's access would: reading an open wave around one answer, comparing two publications
//! of a closed wave, and subtracting published cells from their totals.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use trygg::accounts::Role;
use trygg::collect::Access;

use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;
use crate::responses::{body, create_wave, minimal_resident_answers, post, synth_bodies};

db_tests!(
    an_open_wave_publishes_nothing_but_its_number_of_responses,
    late_answers_and_new_totals_cannot_be_read_off_two_publications,
);

/// (status, body as JSON or as text) of a GET.
async fn get(client: &reqwest::Client, url: &str) -> (u16, String) {
    let response = client.get(url).send().await.expect("GET");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

/// A published row's key: indicator and domain.
type Key = (String, BTreeMap<String, String>);

/// The shown respondents (n) of every row that is not hidden.
fn shown(published: &Value) -> BTreeMap<Key, u64> {
    published["estimates"]
        .as_array()
        .expect("estimates")
        .iter()
        .filter_map(|row| {
            let n = row["n"].as_u64()?;
            let domain = serde_json::from_value(row["domain"].clone()).ok()?;
            Some(((row["indicator"].as_str()?.to_owned(), domain), n))
        })
        .collect()
}

/// Every remainder an attacker computes from one publication: for each indicator, the overall
/// minus a breakdown's categories, and in a crossed breakdown each one-way cell minus its line,
/// wherever every term is shown. Returns (what, respondents) of those between 1 and k − 1.
pub fn small_remainders(published: &Value, k: u64) -> Vec<(String, u64)> {
    let rows = shown(published);
    let all: Vec<(String, BTreeMap<String, String>)> = published["estimates"]
        .as_array()
        .expect("estimates")
        .iter()
        .filter_map(|row| {
            Some((
                row["indicator"].as_str()?.to_owned(),
                serde_json::from_value(row["domain"].clone()).ok()?,
            ))
        })
        .collect();
    let mut out = Vec::new();
    let indicators: BTreeSet<&String> = all.iter().map(|(i, _)| i).collect();
    for indicator in indicators {
        let of = |d: &BTreeMap<String, String>| rows.get(&(indicator.clone(), d.clone())).copied();
        // Lines: a total (a domain with one variable fewer) and the rows that split it.
        let domains: Vec<&BTreeMap<String, String>> = all
            .iter()
            .filter(|(i, _)| i == indicator)
            .map(|(_, d)| d)
            .collect();
        let vars: BTreeSet<Vec<String>> = domains
            .iter()
            .map(|d| d.keys().cloned().collect())
            .collect();
        for by in vars.iter().filter(|v| !v.is_empty()) {
            for free in by {
                let members: Vec<&&BTreeMap<String, String>> =
                    domains.iter().filter(|d| d.keys().eq(by.iter())).collect();
                let mut lines: BTreeMap<BTreeMap<String, String>, Vec<Option<u64>>> =
                    BTreeMap::new();
                for d in members {
                    let mut total = (*d).clone();
                    total.remove(free);
                    lines.entry(total).or_default().push(of(d));
                }
                for (total, parts) in lines {
                    let (Some(whole), Some(parts)) =
                        (of(&total), parts.into_iter().collect::<Option<Vec<u64>>>())
                    else {
                        continue;
                    };
                    let rest = whole.saturating_sub(parts.iter().sum());
                    if (1..k).contains(&rest) {
                        out.push((format!("{indicator} {total:?} minus its {free}s"), rest));
                    }
                }
            }
        }
    }
    out
}

/// Every row shown in both publications changed by 0 or at least k respondents, and so did every
/// remainder computable in both.
fn differences(before: &Value, after: &Value, k: u64) -> Vec<String> {
    let (a, b) = (shown(before), shown(after));
    let mut out: Vec<String> = a
        .iter()
        .filter_map(|(key, &n)| {
            let m = *b.get(key)?;
            (1..k)
                .contains(&n.abs_diff(m))
                .then(|| format!("{key:?}: {n} → {m}"))
        })
        .collect();
    let remainders = |p: &Value| -> BTreeMap<String, u64> {
        // Remainders of every size, to compare between the two.
        small_remainders(p, u64::MAX).into_iter().collect()
    };
    let (ra, rb) = (remainders(before), remainders(after));
    for (what, n) in &ra {
        if let Some(m) = rb.get(what)
            && (1..k).contains(&n.abs_diff(*m))
        {
            out.push(format!("remainder {what}: {n} → {m}"));
        }
    }
    out
}

async fn an_open_wave_publishes_nothing_but_its_number_of_responses(app: TestApp) {
    create_wave(&app, "resident-safety", "trygghet-2026", Access::Open).await;
    for b in synth_bodies("resident-safety", 30, 3) {
        assert_eq!(post(&app, "trygghet-2026", &b).await.0, 201);
    }
    // An admin sees what evaluators see, and the wave page besides.
    app.sign_in_as(Role::Admin).await;
    let url = app.url("/api/v1/waves/trygghet-2026/indicators");

    // Two reads around one answer: nothing but the count differs.
    let (status, first) = get(&app.client, &url).await;
    assert_eq!(status, 409, "{first}");
    let mut answers = minimal_resident_answers();
    answers["safe_night"] = json!("4");
    assert_eq!(post(&app, "trygghet-2026", &body(answers)).await.0, 201);
    let (status, second) = get(&app.client, &url).await;
    assert_eq!(status, 409, "{second}");
    assert_eq!(
        first.replace("30 responses", "N responses"),
        second.replace("31 responses", "N responses"),
        "only the number of responses may change"
    );
    assert!(second.contains("published when it closes"), "{second}");
    for format in ["?format=csv", ""] {
        let (status, _) = get(&app.client, &format!("{url}{format}")).await;
        assert_eq!(status, 409);
    }
    // In no series, in no priority area, on no page.
    let (_, series) = get(
        &app.client,
        &app.url("/api/v1/surveys/resident-safety/indicators/unsafe_night/series"),
    )
    .await;
    assert!(!series.contains("trygghet-2026"), "{series}");
    let (_, areas) = get(&app.client, &app.url("/api/v1/areas")).await;
    assert!(!areas.contains("trygghet-2026"), "{areas}");
    for page in [
        "/evaluate?survey=resident-safety",
        "/evaluate?survey=resident-safety&wave=trygghet-2026",
        "/evaluate/indicators/resident-safety/unsafe_night",
        "/evaluate/indicators/resident-safety/unsafe_night?wave=trygghet-2026",
    ] {
        let (status, text) = get(&app.client, &app.url(page)).await;
        assert_eq!(status, 200, "{page}");
        // The language link keeps the query; nothing else may name the wave.
        let text = text.replace("wave=trygghet-2026", "");
        let at = text.find("trygghet-2026").unwrap_or(0);
        assert!(
            !text.contains("trygghet-2026"),
            "{page} shows the open wave: {}",
            &text[at.saturating_sub(300)..(at + 100).min(text.len())]
        );
    }
    // The command line neither.
    let output = crate::cli::trygg()
        .args(["indicators", "--wave", "trygghet-2026", "--database"])
        .arg(&app.database_url)
        .arg("--surveys")
        .arg(crate::helpers::surveys_dir())
        .output()
        .expect("run");
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("published when it closes"), "{err}");

    // The admin's wave page: the number of responses, no figure derived from the answers.
    let (_, page) = get(&app.client, &app.url("/admin/waves/trygghet-2026")).await;
    assert!(
        page.contains("publiceras när omgången har stängt"),
        "{page}"
    );
    assert!(!page.contains("Utelämnade som opålitliga"), "{page}");
    assert!(!page.contains("Befolkningstalen används inte"));

    // Closed: published, dated to the day.
    run(&app.database_url, &["wave", "close", "trygghet-2026"]);
    let (status, text) = get(&app.client, &url).await;
    assert_eq!(status, 200, "{text}");
    let published: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(published["wave"]["responses"], 31);
    assert_eq!(
        published["wave"]["published"].as_str().map(str::len),
        Some(10),
        "a date: {}",
        published["wave"]
    );
    assert!(!text.contains("computed_at"));
}

/// A closed, published wave gets one late answer, then ten, then population totals that leave
/// out respondents without an age band: every publication is checked against every earlier one.
async fn late_answers_and_new_totals_cannot_be_read_off_two_publications(app: TestApp) {
    let k = 5;
    create_wave(&app, "resident-safety", "sen", Access::Open).await;
    let mut bodies = synth_bodies("resident-safety", 90, 5);
    // A few without an age band: new totals will leave them out.
    for b in bodies.iter_mut().take(3) {
        if let Some(answers) = b["answers"].as_object_mut() {
            answers.remove("age_band");
        }
    }
    for b in &bodies {
        assert_eq!(post(&app, "sen", b).await.0, 201);
    }
    run(&app.database_url, &["wave", "close", "sen"]);
    app.sign_in_as(Role::Evaluator).await;
    let url = app.url("/api/v1/waves/sen/indicators");
    // The server publishes a changed closed wave in the background: wait for publication n.
    let read = |n: u64| {
        let url = url.clone();
        let client = app.client.clone();
        async move {
            let started = std::time::Instant::now();
            loop {
                let (status, text) = get(&client, &url).await;
                assert_eq!(status, 200, "{text}");
                let v: Value = serde_json::from_str(&text).expect("JSON");
                if v["wave"]["publication"] == n && v["wave"]["up_to_date"] == true {
                    return v;
                }
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(30),
                    "publication {n} not made within 30 s: {}",
                    v["wave"]
                );
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
    };
    let mut publications = vec![read(1).await];
    assert_eq!(publications[0]["wave"]["publication"], 1);

    let dir = tempfile::tempdir().expect("dir");
    let import = |name: &str, lines: Vec<Value>| {
        let file = dir.path().join(name);
        let text: Vec<String> = lines.iter().map(Value::to_string).collect();
        std::fs::write(&file, text.join("\n")).expect("write");
        run(
            &app.database_url,
            &[
                "import",
                "--wave",
                "sen",
                "--file",
                file.to_str().expect("path"),
            ],
        );
    };
    // One late answer, from someone who gave no district.
    let mut late = minimal_resident_answers();
    late.as_object_mut().expect("object").remove("district");
    late["safe_night"] = json!("4");
    import("one.jsonl", vec![body(late)]);
    publications.push(read(2).await);
    assert_eq!(publications[1]["wave"]["publication"], 2);
    assert_eq!(publications[1]["wave"]["responses"], 91);
    // Ten more: enough to be shown again.
    import("ten.jsonl", synth_bodies("resident-safety", 10, 6));
    publications.push(read(3).await);
    assert_eq!(publications[2]["wave"]["publication"], 3);
    // Population totals: respondents without an age band or gender drop out of every cell.
    let totals = dir.path().join("totals.csv");
    let mut csv = String::from("age_band,total\n");
    for age in [
        "16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84",
    ] {
        csv.push_str(&format!("{age},1800\n"));
    }
    std::fs::write(&totals, csv).expect("totals");
    run(
        &app.database_url,
        &[
            "wave",
            "population",
            "sen",
            "--file",
            totals.to_str().expect("path"),
        ],
    );
    let last = read(4).await;
    assert_eq!(
        last["wave"]["calibration"], "poststratify",
        "{}",
        last["wave"]
    );
    assert_eq!(last["wave"]["uncalibrated"], 3);
    assert_eq!(last["wave"]["publication"], 4, "{}", last["wave"]);
    publications.push(last);

    for (i, a) in publications.iter().enumerate() {
        assert_eq!(small_remainders(a, k), Vec::new(), "publication {}", i + 1);
        for (j, b) in publications.iter().enumerate().skip(i + 1) {
            assert_eq!(
                differences(a, b, k),
                Vec::<String>::new(),
                "publications {} and {}",
                i + 1,
                j + 1
            );
        }
    }
    // The one late answer changed the overall of the indicator it answered by one: hidden in
    // the second publication, shown again in the third, ten answers later.
    let overall = |p: &Value| shown(p).contains_key(&("unsafe_night".to_owned(), BTreeMap::new()));
    assert!(overall(&publications[0]));
    assert!(!overall(&publications[1]), "the late answer is hidden");
    assert!(overall(&publications[2]), "ten later it is shown again");
}
