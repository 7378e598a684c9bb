//! Anonymous at rest: what someone who copies the database files finds. On SQLite the main file
//! and its write-ahead log are read as bytes, not through SQL; on PostgreSQL the tables' pages are
//! read raw (`pageinspect`), dead tuples included.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use trygg::collect::{Access, codes};

use crate::db_tests;
use crate::form::{
    answer_to_the_end, enter_code, first_choice, get_text, location, post_page, shown, token_field,
};
use crate::helpers::{TestApp, csrf_in};
use crate::responses::{class_codes, create_wave, invite, stored_responses};

const ADDRESS: &str = "stina.svensson@kommun.example";
/// Typed into the free-text question, then replaced before submitting: it lived only in a draft.
const DRAFT_TEXT: &str = "utkast om chefen Bertil 4711";
const FINAL_TEXT: &str = "inskickat svar 0815";

db_tests!(
    a_copy_of_the_files_holds_no_draft_answers_and_after_close_no_address_or_token,
    a_used_pupil_code_leaves_no_trace_in_the_files,
);

/// Every byte of the database as it would be copied: the SQLite file and its log, or the raw
/// pages of the PostgreSQL tables that hold responses, drafts, addresses, tokens and codes.
async fn database_bytes(app: &TestApp) -> Vec<u8> {
    if app.is_postgres() {
        let mut bytes = Vec::new();
        app.db
            .execute_unprepared("CREATE EXTENSION IF NOT EXISTS pageinspect")
            .await
            .expect("pageinspect (PostgreSQL contrib)");
        for table in [
            "responses",
            "drafts",
            "invitations",
            "invitation_tokens",
            "pupil_codes",
            "submissions",
            "audit_log",
        ] {
            let rows = app
                .db
                .query_all_raw(Statement::from_string(
                    sea_orm::DatabaseBackend::Postgres,
                    format!(
                        "SELECT get_raw_page('{table}', 'main', n::int) FROM \
                         generate_series(0, pg_relation_size('{table}') / 8192 - 1) AS n"
                    ),
                ))
                .await
                .expect("raw pages");
            for row in rows {
                let page: Vec<u8> = row.try_get_by_index(0).expect("bytea");
                bytes.extend(page);
            }
        }
        bytes
    } else {
        let path = app
            .database_url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .expect("path")
            .to_owned();
        let mut bytes = std::fs::read(&path).expect("database file");
        for suffix in ["-wal", "-shm"] {
            if let Ok(more) = std::fs::read(format!("{path}{suffix}")) {
                bytes.extend(more);
            }
        }
        bytes
    }
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    memchr::memmem::find(bytes, needle.as_bytes()).is_some()
}

/// Waits (at most 20 s) until the files no longer hold `needle`: the log is scrubbed a moment
/// after a code or token is used, not in the same request.
async fn until_gone(app: &TestApp, needle: &str, what: &str) {
    let started = Instant::now();
    while holds(&database_bytes(app).await, needle) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what} still in the database files"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Answers page by page until the page with the free-text question, which gets `text`; the
/// choices get their first option. Returns that page's path and HTML.
async fn fill_until_comments(
    app: &TestApp,
    client: &reqwest::Client,
    mut path: String,
) -> (String, String) {
    for _ in 0..40 {
        let (status, html) = get_text(app, client, &path).await;
        assert_eq!(status, 200, "{path}");
        let questions = shown(&html);
        if questions.iter().any(|q| q == "comments") {
            return (path, html);
        }
        let values: Vec<(String, String)> = questions
            .iter()
            .map(|q| {
                let v = first_choice(&html, q).unwrap_or_else(|| "1".to_owned());
                (q.clone(), v)
            })
            .collect();
        let fields: Vec<(&str, &str)> = values
            .iter()
            .map(|(q, v)| (q.as_str(), v.as_str()))
            .collect();
        let r = post_page(app, client, &path, &html, &fields, "next").await;
        if r.status() == 303 {
            path = location(&r);
        }
    }
    panic!("no page with the free-text question");
}

async fn a_copy_of_the_files_holds_no_draft_answers_and_after_close_no_address_or_token(
    app: TestApp,
) {
    let wave = create_wave(&app, "staff-safety", "personal-2026", Access::Invite).await;
    let token = invite(&app, &wave, ADDRESS).await;
    let token_hash = codes::hash(&token);

    // A staff member opens their personal link and writes a comment, then leaves the form.
    let (_, start) = get_text(&app, &app.client, &format!("/s/personal-2026?t={token}")).await;
    let r = app
        .client
        .post(app.url("/s/personal-2026/start"))
        .form(&[
            ("_csrf", csrf_in(&start).expect("csrf").as_str()),
            ("t", token_field(&start).as_str()),
        ])
        .send()
        .await
        .expect("start");
    let (path, html) = fill_until_comments(&app, &app.client, location(&r)).await;
    let fields = [("comments", DRAFT_TEXT)];
    let r = post_page(&app, &app.client, &path, &html, &fields, "back").await;
    assert_eq!(r.status(), 303);
    let drafts = trygg::entities::draft::Entity::find()
        .all(&app.db)
        .await
        .expect("drafts");
    assert_eq!(drafts.len(), 1, "the comment is kept in a draft");
    let row = format!("{:?}", drafts[0]);
    assert!(
        !row.contains(&token_hash) && !row.contains(&token),
        "no column of the draft ties it to the invitation: {row}"
    );
    let files = database_bytes(&app).await;
    assert!(
        holds(&files, ADDRESS),
        "the reading works: the address is there while the wave runs"
    );
    assert!(
        !holds(&files, DRAFT_TEXT),
        "a draft's answers are not readable in the files"
    );

    // Back on the page the comment is there (the draft opens with the browser's secret); it is
    // replaced, and the answers are submitted.
    let (_, html) = get_text(&app, &app.client, &path).await;
    assert!(html.contains(DRAFT_TEXT), "the respondent sees their draft");
    let fields = [("comments", FINAL_TEXT)];
    let r = post_page(&app, &app.client, &path, &html, &fields, "next").await;
    assert_eq!(r.status(), 303);
    let rest = location(&r);
    if rest.contains("/sida/") {
        answer_to_the_end(&app, &app.client, rest).await;
    }
    assert_eq!(stored_responses(&app).await, 1);
    if !app.is_postgres() {
        // The used token's row is zeroed in the file, and the log's old pages are scrubbed.
        until_gone(&app, &token_hash, "the used token's hash").await;
    }
    let files = database_bytes(&app).await;
    assert!(
        holds(&files, FINAL_TEXT),
        "the reading works: the response is there"
    );
    assert!(!holds(&files, DRAFT_TEXT), "nor after submitting");

    // The wave closes: no address, no token, no draft text anywhere in the files.
    trygg::store::waves::close(&app.db, "personal-2026", "test")
        .await
        .expect("close");
    let files = database_bytes(&app).await;
    assert!(
        !holds(&files, ADDRESS),
        "the address is gone from the files, dead rows and log included"
    );
    assert!(!holds(&files, &token_hash), "the token's hash is gone");
    assert!(!holds(&files, DRAFT_TEXT));
    assert!(holds(&files, FINAL_TEXT), "the response stays");
}

async fn a_used_pupil_code_leaves_no_trace_in_the_files(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let codes = class_codes(&app, &wave, "skola-1", "9A", 2).await;
    let hash = codes::hash(&codes[0]);
    assert!(
        holds(&database_bytes(&app).await, &hash),
        "the reading works"
    );
    let r = enter_code(&app, &app.client, &codes[0]).await;
    let first = crate::form::begin_after_code(&app, &app.client, &r).await;
    answer_to_the_end(&app, &app.client, first).await;
    assert_eq!(stored_responses(&app).await, 1);
    if app.is_postgres() {
        // PostgreSQL keeps the dead row until its table is rewritten, at the latest when the
        // wave closes (README).
        trygg::store::waves::close(&app.db, "drogvanor-2026", "test")
            .await
            .expect("close");
        assert!(!holds(&database_bytes(&app).await, &hash));
    } else {
        until_gone(&app, &hash, "the used code's hash").await;
    }
}
