//! The respondent's form over real HTTP: pages with progress, errors in the GOV.UK pattern,
//! back without losing answers, skip logic on the server, drafts, and the three ways in.

use sea_orm::{EntityTrait, PaginatorTrait};
use trygg::collect::Access;

use crate::db_tests;
use crate::helpers::{TestApp, csrf_in};
use crate::responses::{class_codes, create_wave, invite, stored_responses};

/// The value of the hidden `_shown` field: the questions on the page.
pub fn shown(html: &str) -> Vec<String> {
    let marker = "name=\"_shown\" value=\"";
    let start = html.find(marker).expect("a form page") + marker.len();
    let end = html[start..].find('"').expect("end") + start;
    html[start..end]
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The first offered value of a choice question, or None for a free-text field.
pub fn first_choice(html: &str, question: &str) -> Option<String> {
    let marker = format!("name=\"{question}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Posts one page's fields with the page's CSRF token and `_shown`.
pub async fn post_page(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    html: &str,
    fields: &[(&str, &str)],
    action: &str,
) -> reqwest::Response {
    let csrf = csrf_in(html).expect("csrf");
    let shown = shown(html).join(",");
    let mut all: Vec<(&str, &str)> =
        vec![("_csrf", &csrf), ("_shown", &shown), ("_action", action)];
    all.extend_from_slice(fields);
    client
        .post(app.url(path))
        .form(&all)
        .send()
        .await
        .expect("POST page")
}

pub async fn get_text(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.expect("GET");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// Answers every shown choice question of every page with its first choice (numbers with 1)
/// until the thank-you page; returns the number of pages passed.
pub async fn answer_to_the_end(app: &TestApp, client: &reqwest::Client, mut path: String) -> usize {
    let mut pages = 0;
    while path.contains("/sida/") {
        pages += 1;
        assert!(pages < 40, "the form does not end");
        let (status, html) = get_text(app, client, &path).await;
        assert_eq!(status, 200, "{path}");
        let questions = shown(&html);
        let values: Vec<(String, String)> = questions
            .iter()
            .map(|q| {
                (
                    q.clone(),
                    first_choice(&html, q).unwrap_or_else(|| "1".to_owned()),
                )
            })
            .filter(|(q, _)| !q.contains("comment"))
            .collect();
        let fields: Vec<(&str, &str)> = values
            .iter()
            .map(|(q, v)| (q.as_str(), v.as_str()))
            .collect();
        let response = post_page(app, client, &path, &html, &fields, "next").await;
        if response.status() == 200 {
            // Follow-up questions appeared on the same page: answer them too.
            continue;
        }
        assert_eq!(
            response.status(),
            303,
            "{path}: {}",
            response.text().await.unwrap_or_default()
        );
        path = location(&response);
    }
    assert!(path.ends_with("/tack"), "ended at {path}");
    pages
}

/// From a start page with a personal token, starts the form and answers it to the end.
pub async fn answer_via_start(
    app: &TestApp,
    client: &reqwest::Client,
    start_html: &str,
    slug: &str,
) {
    let csrf = csrf_in(start_html).expect("start form");
    let t = token_field(start_html);
    let r = client
        .post(app.url(&format!("/s/{slug}/start")))
        .form(&[("_csrf", csrf.as_str()), ("t", t.as_str())])
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 303);
    answer_to_the_end(app, client, location(&r)).await;
}

/// Starts an open wave's form in `client`; returns the first page's path.
async fn start_open(app: &TestApp, client: &reqwest::Client, slug: &str) -> String {
    let (status, html) = get_text(app, client, &format!("/s/{slug}")).await;
    assert_eq!(status, 200);
    let csrf = csrf_in(&html).expect("start form");
    let r = client
        .post(app.url(&format!("/s/{slug}/start")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("start");
    assert_eq!(r.status(), 303);
    location(&r)
}

async fn drafts(app: &TestApp) -> u64 {
    trygg::entities::draft::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

db_tests!(
    a_resident_answers_page_by_page_and_is_thanked,
    errors_are_summarised_and_shown_at_their_fields,
    going_back_keeps_the_answers,
    a_follow_up_question_appears_on_the_same_page,
    a_pupil_answers_with_a_class_code_once,
    a_pupil_code_in_use_cannot_be_taken_over,
    an_invited_person_can_leave_and_come_back_with_the_same_link,
    a_respondent_is_told_when_the_survey_closes_under_them,
);

async fn a_resident_answers_page_by_page_and_is_thanked(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let first = start_open(&app, &app.client, "trygg-2026").await;
    assert_eq!(first, "/s/trygg-2026/sida/p-about");
    let (_, html) = get_text(&app, &app.client, &first).await;
    assert!(html.contains("Sida 1 av"), "progress is shown");
    assert!(html.contains("<fieldset"), "choice groups are fieldsets");
    assert!(html.contains("<legend"), "with legends");

    let pages = answer_to_the_end(&app, &app.client, first.clone()).await;
    assert!(pages >= 5, "{pages} pages");
    assert_eq!(stored_responses(&app).await, 1);
    assert_eq!(drafts(&app).await, 0, "the draft is deleted on submit");

    let (status, html) = get_text(&app, &app.client, "/s/trygg-2026/tack").await;
    assert_eq!(status, 200);
    assert!(html.contains("Tack"));
    // The form is gone for this browser: its pages lead back to the start.
    let r = app.client.get(app.url(&first)).send().await.expect("GET");
    assert_eq!(location(&r), "/s/trygg-2026");
}

async fn errors_are_summarised_and_shown_at_their_fields(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let first = start_open(&app, &app.client, "trygg-2026").await;
    let (_, html) = get_text(&app, &app.client, &first).await;
    let r = post_page(
        &app,
        &app.client,
        &first,
        &html,
        &[("age_band", "25-34"), ("years_in_area", "tolv")],
        "next",
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("body");
    assert!(html.contains("<title>Fel: "), "the title is prefixed");
    assert!(html.contains("class=\"error-summary\""));
    let question = "years_in_area";
    assert!(
        html.contains(&format!("href=\"#q-{question}\"")),
        "summary links to {question}"
    );
    assert!(
        html.contains(&format!("id=\"q-{question}-error\"")),
        "message at {question}"
    );
    assert!(
        html.contains(&format!("id=\"q-{question}\"")),
        "link target {question}"
    );
    // The survey promises that questions about oneself may be skipped.
    for skipped in ["gender", "district"] {
        assert!(
            !html.contains(&format!("id=\"q-{skipped}-error\"")),
            "{skipped} may be left out"
        );
    }
    assert!(
        html.contains("value=\"tolv\""),
        "what was typed is shown again"
    );
    assert!(html.contains("checked"), "the valid answer is kept");
    // English errors in English.
    let (_, html) = get_text(&app, &app.client, &format!("{first}?lang=en")).await;
    let r = post_page(
        &app,
        &app.client,
        &first,
        &html,
        &[("years_in_area", "tolv")],
        "next",
    )
    .await;
    let html = r.text().await.expect("body");
    assert!(html.contains("<title>Error: "), "{html}");
    // Nothing on the first page: the form goes on; a required question on the next is named.
    let r = post_page(&app, &app.client, &first, &html, &[], "next").await;
    assert_eq!(r.status(), 303, "the questions about oneself are skipped");
    let second = location(&r);
    let (_, html) = get_text(&app, &app.client, &format!("{second}?lang=en")).await;
    let r = post_page(&app, &app.client, &second, &html, &[], "next").await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("id=\"q-out_evening-error\"") && html.contains("Select one of the options"),
        "{html}"
    );
    assert_eq!(stored_responses(&app).await, 0);
}

async fn going_back_keeps_the_answers(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let first = start_open(&app, &app.client, "trygg-2026").await;
    let (_, html) = get_text(&app, &app.client, &first).await;
    let fields = [
        ("age_band", "35-44"),
        ("gender", "m"),
        ("district", "ekdalen"),
        ("years_in_area", "7"),
    ];
    let r = post_page(&app, &app.client, &first, &html, &fields, "next").await;
    assert_eq!(r.status(), 303);
    let second = location(&r);
    let (_, html) = get_text(&app, &app.client, &second).await;
    assert!(html.contains("Sida 2 av"));
    // Back from page 2 with an answer given there: both pages keep their answers.
    let r = post_page(
        &app,
        &app.client,
        &second,
        &html,
        &[("out_evening", "2")],
        "back",
    )
    .await;
    assert_eq!(location(&r), first);
    let (_, html) = get_text(&app, &app.client, &first).await;
    assert!(
        html.contains("value=\"35-44\" checked"),
        "page 1 answers are shown again"
    );
    assert!(html.contains("value=\"7\""));
    let (_, html) = get_text(&app, &app.client, &second).await;
    assert!(
        html.contains("value=\"2\" checked"),
        "page 2 answer is kept"
    );
}

async fn a_follow_up_question_appears_on_the_same_page(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let first = start_open(&app, &app.client, "trygg-2026").await;
    let (_, html) = get_text(&app, &app.client, &first).await;
    let fields = [
        ("age_band", "35-44"),
        ("gender", "m"),
        ("district", "ekdalen"),
    ];
    let second = location(&post_page(&app, &app.client, &first, &html, &fields, "next").await);
    let (_, html) = get_text(&app, &app.client, &second).await;
    assert!(
        !shown(&html).contains(&"seldom_why".to_owned()),
        "hidden until out_evening = 3"
    );
    let r = post_page(
        &app,
        &app.client,
        &second,
        &html,
        &[("out_evening", "3")],
        "next",
    )
    .await;
    assert_eq!(
        r.status(),
        200,
        "the page is shown again with the follow-up"
    );
    let html = r.text().await.expect("body");
    assert!(shown(&html).contains(&"seldom_why".to_owned()));
    assert!(
        !shown(&html).contains(&"safe_night".to_owned()),
        "safe_night is for those who go out"
    );
    assert!(html.contains("följdfrågor"));
}

async fn a_pupil_answers_with_a_class_code_once(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let codes = class_codes(&app, &wave, "skola-1", "9A", 1).await;
    let (_, html) = get_text(&app, &app.client, "/k").await;
    let csrf = csrf_in(&html).expect("csrf");
    let r = app
        .client
        .post(app.url("/k"))
        .form(&[("_csrf", csrf.as_str()), ("code", &codes[0].to_lowercase())])
        .send()
        .await
        .expect("POST /k");
    let first = begin_after_code(&app, &app.client, &r).await;
    assert!(first.starts_with("/s/drogvanor-2026/sida/"), "{first}");
    answer_to_the_end(&app, &app.client, first).await;
    assert_eq!(stored_responses(&app).await, 1);

    // The same code again, in another browser: refused at the door.
    let other = app.other_browser();
    let (_, html) = get_text(&app, &other, "/k").await;
    let csrf = csrf_in(&html).expect("csrf");
    let r = other
        .post(app.url("/k"))
        .form(&[("_csrf", csrf.as_str()), ("code", codes[0].as_str())])
        .send()
        .await
        .expect("POST /k");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("redan använts") && html.contains("href=\"#code\""),
        "{html}"
    );
}

async fn an_invited_person_can_leave_and_come_back_with_the_same_link(app: TestApp) {
    let wave = create_wave(&app, "staff-safety", "personal-2026", Access::Invite).await;
    let token = invite(&app, &wave, "anna@kommun.example").await;

    // Without the personal link there is no way in.
    let (_, html) = get_text(&app, &app.client, "/s/personal-2026").await;
    assert!(!html.contains("/start"), "no start button without a link");

    let link = format!("/s/personal-2026?t={token}");
    let begin = |client: reqwest::Client| {
        let app = &app;
        let link = link.clone();
        async move {
            let (_, html) = get_text(app, &client, &link).await;
            let csrf = csrf_in(&html).expect("start form");
            let t = token_field(&html);
            client
                .post(app.url("/s/personal-2026/start"))
                .form(&[("_csrf", csrf.as_str()), ("t", t.as_str())])
                .send()
                .await
                .expect("start")
        }
    };
    let r = begin(app.client.clone()).await;
    assert_eq!(r.status(), 303);
    let first = location(&r);
    let (_, html) = get_text(&app, &app.client, &first).await;
    let q = shown(&html)[0].clone();
    let v = first_choice(&html, &q).expect("a choice");
    let fields: Vec<(&str, &str)> = vec![(q.as_str(), v.as_str())];
    post_page(&app, &app.client, &first, &html, &fields, "back").await;

    // Later, on another device, the same link: the answer is still there.
    let phone = app.other_browser();
    let r = begin(phone.clone()).await;
    assert_eq!(location(&r), first);
    let (_, html) = get_text(&app, &phone, &first).await;
    assert!(
        html.contains(&format!("value=\"{v}\" checked")),
        "the answer was kept"
    );
    answer_to_the_end(&app, &phone, first).await;
    assert_eq!(stored_responses(&app).await, 1);

    // After answering, the link no longer opens the form.
    let r = begin(app.other_browser()).await;
    assert_eq!(r.status(), 403);
}

pub fn token_field(html: &str) -> String {
    let marker = "name=\"t\" value=\"";
    let start = html.find(marker).expect("token field") + marker.len();
    let end = html[start..].find('"').expect("end") + start;
    html[start..end].to_owned()
}

pub async fn enter_code(app: &TestApp, client: &reqwest::Client, code: &str) -> reqwest::Response {
    let (_, html) = get_text(app, client, "/k").await;
    let csrf = csrf_in(&html).expect("csrf");
    client
        .post(app.url("/k"))
        .form(&[("_csrf", csrf.as_str()), ("code", code)])
        .send()
        .await
        .expect("POST /k")
}

/// After a code is accepted: the survey's introduction, with the promise of anonymity written
/// for pupils and a link to the first page, which is returned.
pub async fn begin_after_code(
    app: &TestApp,
    client: &reqwest::Client,
    accepted: &reqwest::Response,
) -> String {
    assert_eq!(accepted.status(), 303, "the code is accepted");
    let intro = location(accepted);
    assert!(
        intro.starts_with("/s/") && !intro.contains("/sida/"),
        "to the introduction: {intro}"
    );
    let (status, html) = get_text(app, client, &intro).await;
    assert_eq!(status, 200);
    assert!(html.contains("anonym"), "the introduction: {html}");
    assert!(
        !html.contains("Logga in"),
        "no staff link for pupils: {html}"
    );
    let marker = "class=\"button\" href=\"";
    let start = html.find(marker).expect("a link to begin") + marker.len();
    let end = html[start..].find('"').expect("end of link") + start;
    let first = html[start..end].to_owned();
    assert!(first.contains("/sida/"), "{first}");
    assert!(html.contains("Börja svara"), "{html}");
    first
}

/// A classmate who reads a slip while its pupil is answering must not get in, and must never see
/// the answers given so far; new codes for a lost printout leave the code in use working.
async fn a_pupil_code_in_use_cannot_be_taken_over(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let codes = class_codes(&app, &wave, "skola-1", "9A", 2).await;
    let r = enter_code(&app, &app.client, &codes[0]).await;
    let first = begin_after_code(&app, &app.client, &r).await;
    let (_, html) = get_text(&app, &app.client, &first).await;
    let q = shown(&html)[0].clone();
    let v = first_choice(&html, &q).expect("a choice");
    let fields: Vec<(&str, &str)> = vec![(q.as_str(), v.as_str())];
    post_page(&app, &app.client, &first, &html, &fields, "back").await;

    let classmate = app.other_browser();
    let r = enter_code(&app, &classmate, &codes[0]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("body").contains("används redan"));

    // The printout is lost; new codes replace the unused one but not the one in use.
    let replaced = trygg::store::class_sessions::replace_unused_codes(
        &app.db,
        &class_session_of(&app).await,
        "skola-1",
        &trygg::collect::seal::Key::random(),
        "test",
    )
    .await
    .expect("replace");
    assert_eq!(replaced.1.len(), 1, "only the code not in use is replaced");
    answer_to_the_end(&app, &app.client, first).await;
    assert_eq!(
        stored_responses(&app).await,
        1,
        "the pupil's answers are accepted"
    );
}

async fn class_session_of(app: &TestApp) -> String {
    trygg::entities::class_session::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("a session")
        .id
}

/// The last day the form says how long is left; once the survey has closed, a respondent in the
/// middle of it is told that the answers were not stored, not only that the survey is closed.
async fn a_respondent_is_told_when_the_survey_closes_under_them(app: TestApp) {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let closes = trygg::util::now() + 3 * 3600;
    trygg::entities::wave::Entity::update_many()
        .col_expr(trygg::entities::wave::Column::ClosesAt, Expr::value(closes))
        .filter(trygg::entities::wave::Column::Slug.eq("trygg-2026"))
        .exec(&app.db)
        .await
        .expect("closing time");
    // The collector remembers an open wave for a second.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let first = start_open(&app, &app.client, "trygg-2026").await;
    let (_, html) = get_text(&app, &app.client, &first).await;
    assert!(
        html.contains("Enkäten stänger om 3 timmar") && html.contains("sparas inte"),
        "{html}"
    );

    trygg::store::waves::close(&app.db, "trygg-2026", "test")
        .await
        .expect("close");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, html) = get_text(&app, &app.client, &first).await;
    assert_eq!(status, 410);
    assert!(
        html.contains("stängde innan dina svar skickades in") && html.contains("inte sparats"),
        "{html}"
    );
    assert_eq!(drafts(&app).await, 0, "the draft went with the wave");
    // Someone who was not answering only learns that the survey is closed.
    let (status, html) = get_text(&app, &app.other_browser(), "/s/trygg-2026").await;
    assert_eq!(status, 410);
    assert!(!html.contains("inte sparats"), "{html}");
}
