//! School coordinators' class sessions: codes printed (and printed again until the session ends),
//! used by pupils through the API, stopped by ending the session, replaced when a printout is
//! lost, and kept within one school.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use trygg::accounts::Role;
use trygg::collect::{Access, codes};
use trygg::entities::class_session;

use crate::db_tests;
use crate::form::{answer_to_the_end, begin_after_code, enter_code, get_text, location};
use crate::helpers::{PASSWORD, TestApp, csrf_in};
use crate::responses::{create_wave, post, stored_responses, synth_bodies};

db_tests!(
    a_coordinator_prints_codes_and_a_pupil_answers_with_one,
    ending_a_session_stops_its_unused_codes,
    new_codes_replace_the_unused_ones,
    a_coordinator_of_another_school_does_not_find_the_session,
    sessions_open_only_in_running_class_waves,
    a_pupil_who_started_before_the_end_can_still_submit,
    a_pupil_whose_time_to_finish_ran_out_is_told_at_once,
    a_pupil_is_shown_the_survey_close_when_it_comes_first,
    codes_are_shown_again_until_the_session_ends_and_one_form_opens_one_session,
);

/// Pupil codes on a printable page.
fn codes_on(page: &str) -> Vec<String> {
    let marker = "class=\"pupil-code\">";
    page.match_indices(marker)
        .filter_map(|(at, _)| {
            let start = at + marker.len();
            page[start..]
                .find('<')
                .map(|end| page[start..start + end].to_owned())
        })
        .collect()
}

/// The session id a printable page links back to.
fn session_id_on(page: &str) -> String {
    let marker = "href=\"/school/sessions/";
    let start = page.find(marker).expect("link to the session") + marker.len();
    let end = page[start..].find('"').expect("end of link") + start;
    page[start..end].to_owned()
}

async fn open_session(app: &TestApp, wave: &str, class: &str, pupils: &str) -> reqwest::Response {
    app.post_form(
        "/school",
        "/school/sessions",
        &[
            ("wave", wave),
            ("class_label", class),
            ("grade", "9"),
            ("pupils", pupils),
        ],
    )
    .await
}

/// A pupil's submission with a code, through the public API.
async fn answer(app: &TestApp, seed: u64, code: &str) -> u16 {
    let mut body = synth_bodies("school-drug-habits", 1, seed).remove(0);
    body["access_code"] = json!(code);
    post(app, "drogvanor-2026", &body).await.0
}

/// The page a redirect leads to (the codes page after a session is opened).
async fn followed(app: &TestApp, response: reqwest::Response) -> String {
    assert_eq!(response.status(), 303, "a redirect");
    let to = location(&response);
    app.get(&to).await.text().await.expect("body")
}

/// Opens a class 9B of `pupils` in drogvanor-2026 as the signed-in coordinator and follows the
/// redirect to its codes page: (the page's address, its HTML, the codes on it).
pub async fn open_and_print(app: &TestApp, pupils: usize) -> (String, String, Vec<String>) {
    let response = open_session(app, "drogvanor-2026", "9B", &pupils.to_string()).await;
    assert_eq!(response.status(), 303, "a redirect");
    let to = location(&response);
    let page = app.get(&to).await.text().await.expect("body");
    let codes = codes_on(&page);
    (to, page, codes)
}

/// A coordinator set up with a class session of `pupils`: (session id, codes).
async fn coordinator_with_session(app: &TestApp, pupils: usize) -> (String, Vec<String>) {
    create_wave(app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    let (_, page, codes) = open_and_print(app, pupils).await;
    (session_id_on(&page), codes)
}

/// Ends the session at `session_path` as the coordinator confirms it.
async fn end_confirmed(app: &TestApp, session_path: &str) {
    let ended = app
        .post_form(
            session_path,
            &format!("{session_path}/end"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(ended.status(), 303);
}

/// The one-time value of the session form on the coordinator's page.
fn once_on(page: &str) -> String {
    let marker = "name=\"once\" value=\"";
    let start = page.find(marker).expect("the form's one-time field") + marker.len();
    let end = page[start..].find('"').expect("end of value") + start;
    page[start..end].to_owned()
}

async fn codes_are_shown_again_until_the_session_ends_and_one_form_opens_one_session(app: TestApp) {
    create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    let overview = app.get("/school").await.text().await.expect("body");
    let once = once_on(&overview);
    let token = csrf_in(&overview).expect("token");
    let fields = [
        ("wave", "drogvanor-2026"),
        ("class_label", "9C"),
        ("grade", "9"),
        ("pupils", "3"),
        ("once", once.as_str()),
        ("_csrf", token.as_str()),
    ];
    // The form sent twice (a double click, the back button and "send again"): one session.
    let mut places = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url("/school/sessions"))
            .form(&fields)
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 303);
        places.push(location(&response));
    }
    assert_eq!(places[0], places[1], "the same session both times");
    assert!(places[0].ends_with("/codes"), "{}", places[0]);
    let sessions = class_session::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(sessions, 1);

    // Reloaded, and switched to English: the same codes each time.
    let first = app.get(&places[0]).await.text().await.expect("body");
    let codes = codes_on(&first);
    assert_eq!(codes.len(), 3, "{first}");
    let again = app.get(&places[0]).await.text().await.expect("body");
    assert_eq!(codes_on(&again), codes);
    let english = app.get(&format!("{}?lang=en", places[0])).await;
    assert_eq!(english.status(), 200);
    let english = english.text().await.expect("body");
    assert_eq!(codes_on(&english), codes);
    assert!(english.contains("Pupil codes for 9C"), "{english}");
    let id = session_id_on(&first);
    let session_page = app
        .get(&format!("/school/sessions/{id}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        session_page.contains(&format!("href=\"/school/sessions/{id}/codes\"")),
        "the session page offers the codes again: {session_page}"
    );
    // A GET on the form's address (a bookmark, the language switch on a refused form) shows the
    // form instead of "method not allowed".
    let get = app.get("/school/sessions?lang=en").await;
    assert_eq!(get.status(), 303);
    assert_eq!(location(&get), "/school?lang=en");

    // Only hashes and the sealed list are stored: no code is in the session row.
    let row = class_session::Entity::find_by_id(id.clone())
        .one(&app.db)
        .await
        .expect("row")
        .expect("session");
    let sealed = row.sealed_codes.clone().expect("sealed list");
    for code in &codes {
        assert!(!sealed.contains(code.as_str()));
        assert!(!sealed.contains(&codes::normalize(code)));
    }

    // Signed in anew, the list cannot be opened (the key came from the old sign-in): the page
    // says so and offers new codes instead of failing.
    let page = app.get("/school").await.text().await.expect("body");
    let logout = app.post_form("/school", "/logout", &[]).await;
    assert_eq!(logout.status(), 303, "{page}");
    let login = app
        .post_form(
            "/login",
            "/login",
            &[("email", "school@kommun.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(login.status(), 303);
    let locked = app.get(&places[0]).await;
    assert_eq!(locked.status(), 200);
    let locked = locked.text().await.expect("body");
    assert!(codes_on(&locked).is_empty(), "{locked}");
    assert!(locked.contains(&format!("action=\"/school/sessions/{id}/codes\"")));

    // Once the session ends, the list is deleted and its address leads to the session.
    let session_path = format!("/school/sessions/{id}");
    end_confirmed(&app, &session_path).await;
    let gone = app.get(&places[0]).await;
    assert_eq!(gone.status(), 303);
    assert_eq!(location(&gone), session_path);
    let row = class_session::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("row")
        .expect("session");
    assert_eq!(row.sealed_codes, None);
}

async fn a_coordinator_prints_codes_and_a_pupil_answers_with_one(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    let overview = app.get("/school").await.text().await.expect("body");
    assert!(
        overview.contains("option value=\"drogvanor-2026\""),
        "{overview}"
    );

    let response = open_session(&app, "drogvanor-2026", "9B", "4").await;
    let page = followed(&app, response).await;
    let printed = codes_on(&page);
    assert_eq!(printed.len(), 4, "{page}");
    let distinct: std::collections::HashSet<_> = printed.iter().collect();
    assert_eq!(distinct.len(), 4);
    assert!(
        printed
            .iter()
            .all(|c| codes::looks_valid(&codes::normalize(c)))
    );
    assert!(
        page.contains("Du kan visa och skriva ut dem igen"),
        "{page}"
    );
    assert!(page.contains("/k</strong>"), "{page}");

    assert_eq!(answer(&app, 1, &printed[0]).await, 201);
    let rows = trygg::store::responses::export_rows(&app.db, &wave.id)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].school.as_deref(), Some("skola-1"));

    let overview = app.get("/school").await.text().await.expect("body");
    assert!(overview.contains("1 av 4"), "{overview}");

    // The audit log knows a session was opened, never its codes.
    let log = trygg::store::audit::recent(&app.db, 50).await.expect("log");
    assert!(log.iter().any(|e| e.action == "class_session.open"));
    for entry in &log {
        for code in &printed {
            assert!(!entry.detail.contains(code.as_str()), "{}", entry.detail);
            assert!(
                !entry.detail.contains(&codes::normalize(code)),
                "{}",
                entry.detail
            );
        }
    }
}

async fn ending_a_session_stops_its_unused_codes(app: TestApp) {
    let (id, printed) = coordinator_with_session(&app, 2).await;
    let session_path = format!("/school/sessions/{id}");
    let page = app.get(&session_path).await.text().await.expect("body");
    assert!(page.contains("Pågår"), "{page}");

    // The end button leads to a question first; a POST without the answer only asks again.
    let asked = app.get(&format!("{session_path}/end")).await;
    assert_eq!(asked.status(), 200);
    assert!(asked.text().await.expect("body").contains("Ja, avsluta"));
    let unconfirmed = app
        .post_form(&session_path, &format!("{session_path}/end"), &[])
        .await;
    assert_eq!(unconfirmed.status(), 200, "asks instead of ending");
    assert_eq!(answer(&app, 1, &printed[1]).await, 201, "still running");

    end_confirmed(&app, &session_path).await;
    assert_eq!(answer(&app, 2, &printed[0]).await, 403);
    let page = app.get(&session_path).await.text().await.expect("body");
    assert!(page.contains("Avslutat"), "{page}");
    assert!(!page.contains("/end\""), "no second end button: {page}");
}

async fn new_codes_replace_the_unused_ones(app: TestApp) {
    let (id, printed) = coordinator_with_session(&app, 3).await;
    assert_eq!(answer(&app, 3, &printed[0]).await, 201);

    let session_path = format!("/school/sessions/{id}");
    let response = app
        .post_form(&session_path, &format!("{session_path}/codes"), &[])
        .await;
    let page = followed(&app, response).await;
    assert!(page.contains("Nya koder."), "{page}");
    let fresh = codes_on(&page);
    assert_eq!(fresh.len(), 2, "one for each pupil who has not answered");
    assert!(fresh.iter().all(|c| !printed.contains(c)));

    assert_eq!(
        answer(&app, 4, &printed[1]).await,
        403,
        "an old unused code"
    );
    assert_eq!(answer(&app, 5, &fresh[0]).await, 201);
    let page = app.get(&session_path).await.text().await.expect("body");
    assert!(page.contains("<dd>2 av 3</dd>"), "two answered: {page}");
}

async fn a_coordinator_of_another_school_does_not_find_the_session(app: TestApp) {
    let (id, printed) = coordinator_with_session(&app, 2).await;
    let other = app.other_browser();
    app.add_user("rektor@skola2.example", Role::School, Some("skola-2"))
        .await;
    let login = app
        .log_in(&other, "rektor@skola2.example", PASSWORD, None)
        .await;
    assert_eq!(login.status(), 303);

    let session_path = format!("/school/sessions/{id}");
    let seen = other.get(app.url(&session_path)).send().await.expect("GET");
    assert_eq!(seen.status(), 404);
    let overview = other
        .get(app.url("/school"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(!overview.contains(&id), "{overview}");
    let token = csrf_in(&overview).expect("token");
    for action in ["end", "codes"] {
        let response = other
            .post(app.url(&format!("{session_path}/{action}")))
            .form(&[("_csrf", token.as_str())])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), 404, "{action}");
    }
    // Nothing changed: the first school's codes still work.
    assert_eq!(answer(&app, 6, &printed[0]).await, 201);
}

async fn sessions_open_only_in_running_class_waves(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    create_wave(&app, "school-drug-habits", "drogvanor-2025", Access::Class).await;
    trygg::store::waves::close(&app.db, "drogvanor-2025", "test")
        .await
        .expect("close");
    create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    let overview = app.get("/school").await.text().await.expect("body");
    assert!(!overview.contains("value=\"trygg-2026\""), "{overview}");
    assert!(!overview.contains("value=\"drogvanor-2025\""), "{overview}");

    for wave in ["trygg-2026", "drogvanor-2025", "no-such-wave"] {
        let response = open_session(&app, wave, "9B", "20").await;
        assert_eq!(response.status(), 422, "{wave}");
        let page = response.text().await.expect("body");
        assert!(page.contains("href=\"#wave\""), "{wave}: {page}");
        assert!(page.contains("id=\"wave-error\""), "{wave}: {page}");
    }

    let bad = app
        .post_form(
            "/school",
            "/school/sessions",
            &[
                ("wave", "drogvanor-2026"),
                ("class_label", ""),
                ("grade", "14"),
                ("pupils", "0"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.expect("body");
    assert!(page.contains("<title>Fel: "), "{page}");
    for field in ["class_label", "grade", "pupils"] {
        assert!(
            page.contains(&format!("href=\"#{field}\"")),
            "{field}: {page}"
        );
        assert!(page.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    // The grade is chosen from the survey's grades; a chosen one is kept when the form is refused.
    assert!(page.contains("<select id=\"grade\""), "{page}");
    let kept = app
        .post_form(
            "/school",
            "/school/sessions",
            &[
                ("wave", "drogvanor-2026"),
                ("class_label", "NA24b"),
                ("grade", "11"),
                ("pupils", "0"),
            ],
        )
        .await;
    assert_eq!(kept.status(), 422);
    let page = kept.text().await.expect("body");
    assert!(
        page.contains("<option value=\"11\" selected>Gymnasiet år 2</option>"),
        "the chosen grade is kept: {page}"
    );
    let sessions = class_session::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(sessions, 0);
}

/// The coordinator ends the session while one pupil is still answering: the coordinator saw that
/// pupil counted and was asked first; the pupil's answers are accepted after the end, with a
/// notice of the time left; an unused code stops at once.
async fn a_pupil_who_started_before_the_end_can_still_submit(app: TestApp) {
    let (id, printed) = coordinator_with_session(&app, 3).await;
    let session_path = format!("/school/sessions/{id}");
    let pupil = app.other_browser();
    let r = enter_code(&app, &pupil, &printed[0]).await;
    let first = begin_after_code(&app, &pupil, &r).await;

    let page = app.get(&session_path).await.text().await.expect("body");
    assert!(
        page.contains("Svarar just nu</dt><dd>1"),
        "the coordinator sees the pupil answering: {page}"
    );
    let question = app.get(&format!("{session_path}/end")).await;
    let question = question.text().await.expect("body");
    assert!(
        question.contains("1 elev svarar just nu") && question.contains("2 timmar"),
        "the question says who is answering and for how long they may go on: {question}"
    );
    let ended = app
        .post_form(
            &format!("{session_path}/end"),
            &format!("{session_path}/end"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(ended.status(), 303);

    let classmate = app.other_browser();
    let r = enter_code(&app, &classmate, &printed[1]).await;
    assert_eq!(r.status(), 422, "an unused code no longer opens the form");
    assert!(r.text().await.expect("body").contains("finns inte"));

    let (status, html) = get_text(&app, &pupil, &first).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Lektionen är avslutad") && html.contains("i 2 timmar till"),
        "the pupil is told how long they have: {html}"
    );
    answer_to_the_end(&app, &pupil, first).await;
    assert_eq!(stored_responses(&app).await, 1, "the answers are kept");

    let page = app.get(&session_path).await.text().await.expect("body");
    assert!(page.contains("Har svarat</dt><dd>1 av 3"), "{page}");
    assert!(
        page.contains("Oanvända koder som stoppades</dt><dd>2"),
        "{page}"
    );
}

async fn a_pupil_whose_time_to_finish_ran_out_is_told_at_once(app: TestApp) {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let (id, printed) = coordinator_with_session(&app, 1).await;
    let pupil = app.other_browser();
    let r = enter_code(&app, &pupil, &printed[0]).await;
    let first = begin_after_code(&app, &pupil, &r).await;
    trygg::store::class_sessions::end(&app.db, &id, "skola-1", "test")
        .await
        .expect("end");
    // The session ended longer ago than a pupil may go on for.
    let long_ago =
        trygg::util::now() - trygg::collect::class_session::FINISH_AFTER_END_SECONDS - 60;
    class_session::Entity::update_many()
        .col_expr(class_session::Column::EndedAt, Expr::value(long_ago))
        .filter(class_session::Column::Id.eq(id.as_str()))
        .exec(&app.db)
        .await
        .expect("update");
    let (status, html) = get_text(&app, &pupil, &first).await;
    assert_eq!(status, 403);
    assert!(
        html.contains("tiden för att skicka in svaren har gått ut"),
        "{html}"
    );
    assert_eq!(
        answer(&app, 9, &printed[0]).await,
        403,
        "nor through the API"
    );
}

/// A pupil after the lesson ended, in a survey that closes before their time to finish runs out:
/// the survey's close is the limit they are shown.
async fn a_pupil_is_shown_the_survey_close_when_it_comes_first(app: TestApp) {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let (id, printed) = coordinator_with_session(&app, 1).await;
    let pupil = app.other_browser();
    let r = enter_code(&app, &pupil, &printed[0]).await;
    let first = begin_after_code(&app, &pupil, &r).await;
    trygg::store::class_sessions::end(&app.db, &id, "skola-1", "test")
        .await
        .expect("end");
    trygg::entities::wave::Entity::update_many()
        .col_expr(
            trygg::entities::wave::Column::ClosesAt,
            Expr::value(trygg::util::now() + 30 * 60),
        )
        .filter(trygg::entities::wave::Column::Slug.eq("drogvanor-2026"))
        .exec(&app.db)
        .await
        .expect("closing time");
    // The collector remembers an open wave for a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, html) = get_text(&app, &pupil, &first).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Enkäten stänger om 30 minuter") && !html.contains("Lektionen är avslutad"),
        "{html}"
    );
}
