//! The anonymity rules of DESIGN.md, proven against the database itself: every table and every
//! column is read back after respondents answered.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::json;
use trygg::collect::{Access, codes};

use crate::db_tests;
use crate::helpers::{TestApp, surveys_dir};
use crate::responses::{body, class_codes, create_wave, invite, minimal_resident_answers, post};

/// Every table's rows as text: table → rows → (column, value).
type Dump = BTreeMap<String, Vec<Vec<(String, Option<String>)>>>;

pub async fn columns(db: &DatabaseConnection, table: &str) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}')"),
        _ => format!(
            "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("columns")
        .iter()
        .map(|r| r.try_get::<String>("", "name").expect("name"))
        .collect()
}

async fn dump(db: &DatabaseConnection) -> Dump {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                .to_owned()
        }
        _ => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
                .to_owned()
        }
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("tables")
        .iter()
        .map(|r| r.try_get::<String>("", "name").expect("name"))
        .collect();
    let mut out = Dump::new();
    for table in tables {
        let cols = columns(db, &table).await;
        let select: Vec<String> = cols
            .iter()
            .map(|c| format!("CAST(\"{c}\" AS TEXT) AS \"{c}\""))
            .collect();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT {} FROM \"{table}\"", select.join(", ")),
            ))
            .await
            .expect("rows");
        let rows = rows
            .iter()
            .map(|r| {
                cols.iter()
                    .map(|c| (c.clone(), r.try_get::<Option<String>>("", c).expect("text")))
                    .collect()
            })
            .collect();
        out.insert(table, rows);
    }
    out
}

/// (table, column) pairs whose value contains `needle`.
fn places(dump: &Dump, needle: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (table, rows) in dump {
        for row in rows {
            for (column, value) in row {
                if value.as_deref().is_some_and(|v| v.contains(needle)) {
                    found.push((table.clone(), column.clone()));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

db_tests!(
    no_row_written_with_a_response_names_its_code_or_invitation,
    no_table_links_a_pupil_code_or_token_to_the_response,
    a_response_holds_a_date_and_nothing_finer,
    response_ids_are_random,
    no_client_address_agent_or_referrer_is_stored,
);

async fn no_table_links_a_pupil_code_or_token_to_the_response(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "skola-2026", Access::Class).await;
    let codes_issued = class_codes(&app, &wave, "skola-1", "9A", 3).await;
    let catalog = trygg::survey::load_dir(&surveys_dir()).expect("surveys");
    let survey = catalog
        .get("school-drug-habits")
        .expect("survey")
        .survey
        .clone();
    let mut submission = trygg::survey::synth(&survey, 1, 11).next().expect("body");
    submission["access_code"] = json!(codes_issued[0]);
    assert_eq!(post(&app, "skola-2026", &submission).await.0, 201);

    let dump = dump(&app.db).await;
    let responses = &dump["responses"];
    assert_eq!(responses.len(), 1);
    let response_id = responses[0]
        .iter()
        .find(|(c, _)| c == "id")
        .and_then(|(_, v)| v.clone())
        .expect("id");
    assert_eq!(
        places(&dump, &response_id),
        [("responses".to_owned(), "id".to_owned())],
        "the response id appears nowhere else"
    );
    let code = codes::normalize(&codes_issued[0]);
    assert!(
        places(&dump, &code).is_empty(),
        "the plain code is stored nowhere"
    );
    assert!(places(&dump, &codes_issued[0]).is_empty());
    let hash = codes::hash(&code);
    assert!(places(&dump, &hash).is_empty(), "a used code is deleted");
    let submission_id = submission["submission_id"].as_str().expect("id");
    assert_eq!(
        places(&dump, submission_id),
        [("submissions".to_owned(), "submission_id".to_owned())],
        "the idempotency key does not point at the response"
    );
    // What the response row holds besides its answers: design variables only.
    let row: BTreeMap<&str, Option<&str>> = responses[0]
        .iter()
        .map(|(c, v)| (c.as_str(), v.as_deref()))
        .collect();
    let keys: Vec<&str> = row.keys().copied().collect();
    assert_eq!(
        keys,
        [
            "answers",
            "class_id",
            "id",
            "language",
            "school_id",
            "submitted_on",
            "wave_id"
        ]
    );
    for table in [
        "pupil_codes",
        "invitation_tokens",
        "invitations",
        "submissions",
        "class_sessions",
    ] {
        let cols = columns(&app.db, table).await;
        assert!(
            !cols.iter().any(|c| c.contains("response")),
            "{table} has {cols:?}"
        );
    }
}

async fn a_response_holds_a_date_and_nothing_finer(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    assert_eq!(
        post(&app, "trygg-2026", &body(minimal_resident_answers()))
            .await
            .0,
        201
    );
    let dump = dump(&app.db).await;
    let row = &dump["responses"][0];
    let date = row
        .iter()
        .find(|(c, _)| c == "submitted_on")
        .and_then(|(_, v)| v.clone())
        .expect("date");
    assert!(
        chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").is_ok(),
        "{date}"
    );
    // No value of the row could be a time: no Unix seconds, no clock time.
    let now = chrono::Utc::now().timestamp();
    for (column, value) in row {
        let value = value.clone().unwrap_or_default();
        if let Ok(n) = value.parse::<i64>() {
            assert!(
                (n - now).abs() > 10 * 366 * 86_400,
                "{column} = {value} looks like a time"
            );
        }
        assert!(
            !value.contains(':') || column == "answers",
            "{column} = {value}"
        );
    }
    // The submissions key has no time either.
    assert_eq!(
        columns(&app.db, "submissions").await,
        ["wave_id", "submission_id", "body_hash"]
    );
}

async fn response_ids_are_random(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    for _ in 0..10 {
        assert_eq!(
            post(&app, "trygg-2026", &body(minimal_resident_answers()))
                .await
                .0,
            201
        );
    }
    let dump = dump(&app.db).await;
    for row in &dump["responses"] {
        let id = row
            .iter()
            .find(|(c, _)| c == "id")
            .and_then(|(_, v)| v.clone())
            .expect("id");
        let uuid = uuid::Uuid::parse_str(&id).expect("a UUID");
        assert_eq!(uuid.get_version_num(), 4, "random, not time-based: {id}");
    }
}

async fn no_client_address_agent_or_referrer_is_stored(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let client = reqwest::Client::builder()
        .user_agent("CanaryAgent/9.9 (agent-canary-4711)")
        .build()
        .expect("client");
    let response = client
        .post(app.url("/api/v1/waves/trygg-2026/responses"))
        .header("Referer", "https://referrer-canary.example/page")
        .header("X-Forwarded-For", "203.0.113.77")
        .header("X-Real-IP", "203.0.113.78")
        .json(&body(minimal_resident_answers()))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 201);
    let dump = dump(&app.db).await;
    for canary in [
        "agent-canary-4711",
        "CanaryAgent",
        "referrer-canary",
        "203.0.113.77",
        "203.0.113.78",
        "127.0.0.1",
    ] {
        assert!(
            places(&dump, canary).is_empty(),
            "{canary} is stored in {:?}",
            places(&dump, canary)
        );
    }
}

/// On PostgreSQL every row a transaction writes carries its id (`xmin`): storing a response must
/// not write (update) any row that stays readable and names the person — their invitation, its
/// tokens, or a pupil code. (SQLite keeps no such id; the check is for PostgreSQL.)
async fn no_row_written_with_a_response_names_its_code_or_invitation(app: TestApp) {
    let wave = create_wave(&app, "staff-safety", "personal-2026", Access::Invite).await;
    let mut tokens = Vec::new();
    for name in ["anna", "bo"] {
        tokens.push(invite(&app, &wave, &format!("{name}@kommun.example")).await);
    }
    let catalog = trygg::survey::load_dir(&surveys_dir()).expect("surveys");
    let staff = catalog.get("staff-safety").expect("survey").survey.clone();
    let mut submission = trygg::survey::synth(&staff, 1, 5).next().expect("body");
    submission["access_code"] = json!(tokens[0]);
    assert_eq!(post(&app, "personal-2026", &submission).await.0, 201);

    let class_wave = create_wave(&app, "school-drug-habits", "skola-2026", Access::Class).await;
    let pupil_codes = class_codes(&app, &class_wave, "skola-1", "9A", 2).await;
    let school = catalog
        .get("school-drug-habits")
        .expect("survey")
        .survey
        .clone();
    let mut submission = trygg::survey::synth(&school, 1, 6).next().expect("body");
    submission["access_code"] = json!(pupil_codes[0]);
    assert_eq!(post(&app, "skola-2026", &submission).await.0, 201);

    // The used token and code are gone; the unused ones are still there.
    let dump = dump(&app.db).await;
    assert!(places(&dump, &codes::hash(&tokens[0])).is_empty());
    assert!(!places(&dump, &codes::hash(&tokens[1])).is_empty());
    assert!(places(&dump, &codes::hash(&pupil_codes[0])).is_empty());
    assert!(!places(&dump, &codes::hash(&pupil_codes[1])).is_empty());

    if app.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let xmins = |table: &str| {
        let sql = format!("SELECT xmin::text AS x FROM \"{table}\"");
        let db = app.db.clone();
        async move {
            db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
                .await
                .expect("xmin")
                .iter()
                .map(|r| r.try_get::<String>("", "x").expect("text"))
                .collect::<Vec<String>>()
        }
    };
    let responses = xmins("responses").await;
    assert_eq!(responses.len(), 2);
    for table in ["invitations", "invitation_tokens", "pupil_codes"] {
        let written = xmins(table).await;
        assert!(
            !written.iter().any(|x| responses.contains(x)),
            "a row of {table} was written in a response's transaction"
        );
    }
}

/// The log a real `trygg serve` writes while people answer, at the most talkative level, holds no
/// client address, user agent, referrer or access code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_written_while_answering_names_no_client() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("log.db").display());
    crate::server::create_open_wave(&url, "resident-safety", "trygg-2026");
    let server = crate::server::Server::start_logging(&url, dir.path(), "trace").await;
    let before = server.log_text().len();

    let client = reqwest::Client::builder()
        .user_agent("CanaryAgent/9.9 (agent-canary-4711)")
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let canaries = [
        ("Referer", "https://referrer-canary.example/page"),
        ("X-Forwarded-For", "203.0.113.77"),
        ("X-Real-IP", "203.0.113.78"),
        ("Forwarded", "for=203.0.113.79"),
    ];
    let with_canaries = |request: reqwest::RequestBuilder| {
        canaries
            .iter()
            .fold(request, |r, (name, value)| r.header(*name, *value))
    };
    // Through the API …
    let response = with_canaries(client.post(server.responses_url("trygg-2026")))
        .json(&body(minimal_resident_answers()))
        .send()
        .await
        .expect("POST");
    assert_eq!(response.status(), 201);
    // … and through the form's pages.
    let start = with_canaries(client.get(format!("{}/s/trygg-2026", server.base)))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let csrf = crate::helpers::csrf_in(&start).expect("csrf");
    let r = with_canaries(client.post(format!("{}/s/trygg-2026/start", server.base)))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 303);
    let page = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let r = with_canaries(client.get(format!("{}{page}", server.base)))
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), 200);
    let code_page = with_canaries(client.get(format!("{}/k", server.base)))
        .send()
        .await
        .expect("GET /k")
        .text()
        .await
        .expect("body");
    let csrf = crate::helpers::csrf_in(&code_page).expect("csrf");
    let r = with_canaries(client.post(format!("{}/k", server.base)))
        .form(&[("_csrf", csrf.as_str()), ("code", "QRST-UVWX")])
        .send()
        .await
        .expect("POST /k");
    assert_eq!(r.status(), 422);

    let log = server.log_text();
    let written = &log[before..];
    assert!(
        written.contains("handled"),
        "the requests were logged: {written}"
    );
    for canary in [
        "agent-canary",
        "CanaryAgent",
        "referrer-canary",
        "203.0.113.",
        "127.0.0.1",
        "QRST",
        "UVWX",
    ] {
        assert!(
            !written.contains(canary),
            "`{canary}` is in the log:\n{written}"
        );
    }
}
