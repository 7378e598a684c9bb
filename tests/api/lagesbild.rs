//! The lägesbild's own inputs and outputs: the upload page (read and stored as `trygg sources
//! import` does), dialogues, the problem picture with its chain to the plan, one district's
//! picture (which shows only what the publication rules let a wave publish), the workbook, the
//! JSON API and the annual report's section.

use serde_json::Value;
use trygg::accounts::Role;
use trygg::collect::Access;

use crate::db_tests;
use crate::helpers::TestApp;
use crate::indicators::run;
use crate::responses::{create_wave, post, synth_bodies};

db_tests!(
    an_upload_is_read_and_stored_as_the_command_does,
    dialogues_count_who_took_part_and_refuse_bad_input,
    the_chain_runs_from_problem_to_outcome_everywhere,
    a_district_shows_only_published_figures,
);

const FAULTS: &str = "\u{feff}Datum;Ärendetyp;Stadsdel;Beskrivning\r\n\
2024-07-03;Klotter;centrum;Anna Andersson på Storgatan 3 ringde\r\n\
2024-07-19;Klotter;Centrum;\r\n\
2024-08-01;Trasig belysning;Västra;\r\n";

/// A `multipart/form-data` body with one file field; (content type, body).
fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----trygg-test-boundary-7d1c";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> (u16, String) {
    let (content_type, body) = multipart(name, bytes);
    let response = app
        .client
        .post(app.url(&format!("/evaluate/lagesbild/import?_csrf={token}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("POST");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

async fn an_upload_is_read_and_stored_as_the_command_does(app: TestApp) {
    let email = app.sign_in_as(Role::Evaluator).await;
    let form = app
        .get("/evaluate/lagesbild/import")
        .await
        .text()
        .await
        .expect("page");
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
    let token = app.csrf_token("/evaluate/lagesbild/dialogues").await;

    let (status, page) = upload(&app, &token, "felanmalningar.csv", FAULTS.as_bytes()).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("felanmalningar.csv"), "{page}");
    assert!(page.contains("3 rader"), "{page}");
    assert!(
        page.contains("Västra"),
        "the unknown district is named: {page}"
    );
    let imports = trygg::store::sources::imports(&app.db)
        .await
        .expect("imports");
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].imported_by, email);
    let values = trygg::store::sources::values(&app.db, "felanmalan/")
        .await
        .expect("values");
    assert_eq!(values.iter().map(|v| v.value).sum::<f64>(), 3.0);
    assert!(
        values
            .iter()
            .all(|v| !v.area.contains("Anna") && !v.measure.contains("Anna")),
        "the free-text column is never stored"
    );

    // The same file again stores nothing.
    let (status, page) = upload(&app, &token, "samma.csv", FAULTS.as_bytes()).await;
    assert_eq!(status, 200);
    assert!(page.contains("inläst redan"), "{page}");
    // A broken file: refused with its name and place; nothing stored.
    let broken =
        "Datum;Ärendetyp;Stadsdel\n2024-07-03;Klotter;Centrum\ninte ett datum;Klotter;Centrum\n";
    let (status, page) = upload(&app, &token, "trasig.csv", broken.as_bytes()).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("trasig.csv: line 3"), "{page}");
    assert!(page.contains("Ingenting sparades"), "{page}");
    let (status, page) = upload(&app, &token, "tom.csv", b"").await;
    assert_eq!(status, 422, "{page}");
    assert_eq!(
        trygg::store::sources::imports(&app.db)
            .await
            .expect("imports")
            .len(),
        1
    );
    // Without the form's token the upload is refused; without signing in there is no page.
    let (status, _) = upload(&app, "not-the-token", "x.csv", FAULTS.as_bytes()).await;
    assert_eq!(status, 403);
    let anonymous = app
        .other_browser()
        .get(app.url("/evaluate/lagesbild/import"))
        .send()
        .await
        .expect("GET");
    assert_eq!(anonymous.status(), 303);
}

async fn dialogues_count_who_took_part_and_refuse_bad_input(app: TestApp) {
    app.sign_in_as(Role::Evaluator).await;
    let saved = app
        .post_form(
            "/evaluate/lagesbild/dialogues",
            "/evaluate/lagesbild/dialogues",
            &[
                ("held_on", "2025-05-20"),
                ("kind", "safety_walk"),
                ("district", "Centrum"),
                ("priority_area", "outdoor-insecurity"),
                ("residents", "14"),
                ("staff", "3"),
                ("police", "2"),
                ("others", ""),
                ("raised", "Mörkt i gångtunneln."),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let refused = app
        .post_form(
            "/evaluate/lagesbild/dialogues",
            "/evaluate/lagesbild/dialogues",
            &[
                ("held_on", "2999-01-01"),
                ("kind", "safety_walk"),
                ("district", "Atlantis"),
                ("residents", "-3"),
                ("raised", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    for message in [
        "Dagen ligger i framtiden",
        "Okänd stadsdel: Atlantis.",
        "Invånare: ange antalet som ett heltal",
        "Skriv vad som kom fram.",
    ] {
        assert!(page.contains(message), "{message}: {page}");
    }
    let stored = trygg::store::analysis::dialogues(&app.db)
        .await
        .expect("dialogues");
    assert_eq!(stored.len(), 1, "a refused dialogue stores nothing");
    assert_eq!(
        (
            stored[0].residents,
            stored[0].staff,
            stored[0].police,
            stored[0].others
        ),
        (14, 3, 2, 0)
    );
    let list = app
        .get("/evaluate/lagesbild/dialogues")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        list.contains("Trygghetsvandring, 20 maj 2025, Centrum"),
        "{list}"
    );
    assert!(
        list.contains("14 invånare, 3 medarbetare, 2 från polisen"),
        "{list}"
    );
    let lagesbild = app
        .get("/evaluate/lagesbild")
        .await
        .text()
        .await
        .expect("page");
    assert!(lagesbild.contains("Mörkt i gångtunneln."), "{lagesbild}");

    let removed = app
        .post_form(
            "/evaluate/lagesbild/dialogues",
            &format!("/evaluate/lagesbild/dialogues/{}/delete", stored[0].id),
            &[],
        )
        .await;
    assert_eq!(removed.status(), 303);
    assert!(
        trygg::store::analysis::dialogues(&app.db)
            .await
            .expect("dialogues")
            .is_empty()
    );
    let audit: Vec<String> = trygg::store::audit::recent(&app.db, 20)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(audit.iter().any(|a| a == "sources.dialogue"), "{audit:?}");
    assert!(
        audit.iter().any(|a| a == "sources.dialogue_delete"),
        "{audit:?}"
    );
}

async fn the_chain_runs_from_problem_to_outcome_everywhere(app: TestApp) {
    run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let plan = trygg::store::plan::list(&app.db).await.expect("plan");
    let lighting = plan
        .iter()
        .find(|i| i.intervention.title.starts_with("Belysning"))
        .expect("the demo's lighting intervention");

    let created = app
        .post_form(
            "/evaluate/lagesbild/problems",
            "/evaluate/lagesbild/problems",
            &[
                ("title", "Mörka stråk i Sjöviken"),
                ("rank", "3"),
                ("priority_area", "outdoor-insecurity"),
                ("description", "Trygghetsvandringen pekade ut gångvägen."),
                ("district", "Sjöviken"),
                ("evidence", "resident-safety/poor_lighting"),
                ("evidence", "felanmalan/trasig-belysning"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let id: i64 = location
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("the new problem's page");

    let cause_url = format!("/evaluate/lagesbild/problems/{id}/causes");
    let refused = app
        .post_form(
            &location,
            &cause_url,
            &[
                ("kind", "risk"),
                ("aspect", "place"),
                ("description", "Trasiga lampor."),
                ("intervention", "999999"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .expect("page")
            .contains("Okänd insats: 999999.")
    );
    let added = app
        .post_form(
            &location,
            &cause_url,
            &[
                ("kind", "risk"),
                ("aspect", "place"),
                ("description", "Trasiga lampor längs gångvägen."),
                ("intervention", &lighting.id.to_string()),
            ],
        )
        .await;
    assert_eq!(added.status(), 303);
    let chain = app.get(&location).await.text().await.expect("page");
    for words in [
        "Mörka stråk i Sjöviken",
        "Riskfaktor</strong> · Plats",
        "Trasiga lampor längs gångvägen.",
        "Belysning och röjning av gångstråk",
        "Prestationer:",
        "Effekt:",
        "Andel som ser dålig belysning",
    ] {
        assert!(chain.contains(words), "{words}: {chain}");
    }

    // The annual report carries the lägesbild and the chain.
    let report = app
        .get("/evaluate/report/2025")
        .await
        .text()
        .await
        .expect("report");
    for words in [
        "Lägesbild och orsaksanalys",
        "Polisanmälda brott och andra serier",
        "Dialoger under året",
        "Trygghetsvandring, 20 maj 2025, Centrum",
        "Otrygghet och skadegörelse i centrum och Norrbacka kvällstid",
        "Mörka stråk i Sjöviken",
        "Belysning och röjning av gångstråk",
    ] {
        assert!(report.contains(words), "{words}: {report}");
    }

    // The workbook and the API say the same.
    let xlsx = app.get("/evaluate/lagesbild.xlsx").await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.expect("bytes");
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
        let names = book.sheet_names().to_vec();
        for sheet in [
            "Serier",
            "Felanmälningar",
            "Per stadsdel",
            "Dialoger",
            "Problem och orsaker",
            "Källor",
        ] {
            assert!(names.iter().any(|n| n == sheet), "{sheet}: {names:?}");
        }
        let chain = book.worksheet_range("Problem och orsaker").expect("sheet");
        let cells: Vec<String> = chain.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(
            cells.iter().any(|c| c == "Mörka stråk i Sjöviken"),
            "{cells:?}"
        );
        assert!(
            cells
                .iter()
                .any(|c| c == "Belysning och röjning av gångstråk")
        );
    }
    let api: Value = app
        .get("/api/v1/sources/lagesbild")
        .await
        .json()
        .await
        .expect("JSON");
    let problems = api["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 3);
    let ours = problems
        .iter()
        .find(|p| p["id"] == id)
        .expect("the new problem");
    assert_eq!(ours["causes"][0]["kind"], "risk");
    assert_eq!(
        ours["causes"][0]["interventions"][0]["id"],
        Value::from(lighting.id)
    );
    assert_eq!(api["municipality"], "9999");
    let values: Value = app
        .get("/api/v1/sources/values?measure=kolada/N07540&area=0000")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(values.as_array().expect("values").len(), 7);
    let index: Value = app.get("/api/v1/sources").await.json().await.expect("JSON");
    assert!(
        index["measures"]
            .as_array()
            .expect("measures")
            .iter()
            .any(|m| m["id"] == "kolada/N07540")
    );

    // Removing the problem removes its causes and their links.
    let removed = app
        .post_form(
            &format!("{location}/edit"),
            &format!("{location}/delete"),
            &[],
        )
        .await;
    assert_eq!(removed.status(), 303);
    assert_eq!(app.get(&location).await.status(), 404);
    let causes = trygg::store::analysis::causes_of(&app.db, &[id])
        .await
        .expect("causes");
    assert!(causes.is_empty());
}

/// A district with fewer respondents than the publication rules allow shows no figure of its
/// own on its page; a large one does.
async fn a_district_shows_only_published_figures(app: TestApp) {
    create_wave(&app, "resident-safety", "liten", Access::Open).await;
    let mut bodies = synth_bodies("resident-safety", 80, 11);
    for (i, b) in bodies.iter_mut().enumerate() {
        let district = if i < 3 {
            "sjoviken"
        } else {
            ["centrum", "norrbacka", "ekdalen", "stenhagen"][i % 4]
        };
        b["answers"]["district"] = Value::from(district);
    }
    for b in &bodies {
        assert_eq!(post(&app, "liten", b).await.0, 201);
    }
    run(&app.database_url, &["wave", "close", "liten"]);
    app.sign_in_as(Role::Evaluator).await;
    // The closed wave is published in the background.
    let started = std::time::Instant::now();
    loop {
        let v: Value = app
            .get("/api/v1/waves/liten/indicators")
            .await
            .json()
            .await
            .expect("JSON");
        if v["wave"]["publication"] == 1 && v["wave"]["up_to_date"] == true {
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let small = app
        .get("/evaluate/lagesbild/districts/sjoviken")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        small.contains("Inga siffror för stadsdelen"),
        "three respondents publish nothing: {small}"
    );
    // One large district may be hidden too, so that the total minus the others does not give
    // the small one away; the rest show their figures.
    let mut shown = 0;
    for district in ["centrum", "norrbacka", "ekdalen", "stenhagen"] {
        let page = app
            .get(&format!("/evaluate/lagesbild/districts/{district}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains("Boendeenkäten i stadsdelen"));
        if !page.contains("Inga siffror för stadsdelen") {
            shown += 1;
        }
    }
    assert!(
        shown >= 3,
        "{shown} of the four large districts show figures"
    );
    assert_eq!(
        app.get("/evaluate/lagesbild/districts/atlantis")
            .await
            .status(),
        404
    );
}
