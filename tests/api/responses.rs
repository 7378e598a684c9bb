//! `POST /api/v1/waves/{slug}/responses`: the status codes of the contract, idempotency, answer
//! checks naming the question, and access codes.

use serde_json::{Value, json};
use trygg::collect::wave::NewWave;
use trygg::collect::{Access, Wave, codes};

use crate::db_tests;
use crate::helpers::TestApp;

/// Creates a wave directly in the database.
pub async fn create_wave(app: &TestApp, survey: &str, slug: &str, access: Access) -> Wave {
    create_wave_opening(app, survey, slug, access, None).await
}

/// [`create_wave`] opening on the day `opens` (e.g. `2099-01-01`), or now.
pub async fn create_wave_opening(
    app: &TestApp,
    survey: &str,
    slug: &str,
    access: Access,
    opens: Option<&str>,
) -> Wave {
    let catalog = trygg::survey::load_dir(&crate::helpers::surveys_dir()).expect("surveys");
    let new = NewWave::parse(&catalog, survey, slug, access.id(), opens, None).expect("valid wave");
    trygg::store::waves::create(&app.db, &new, "test")
        .await
        .expect("create wave")
}

/// A closed resident wave `trygg-2025` and one that opens on 5 January 2099, `trygg-2099`: the
/// two ways a wave does not take answers.
pub async fn closed_and_future_waves(app: &TestApp) {
    create_wave(app, "resident-safety", "trygg-2025", Access::Open).await;
    trygg::store::waves::close(&app.db, "trygg-2025", "test")
        .await
        .expect("close");
    create_wave_opening(
        app,
        "resident-safety",
        "trygg-2099",
        Access::Open,
        Some("2099-01-05"),
    )
    .await;
}

/// The fewest answers the resident survey accepts.
pub fn minimal_resident_answers() -> Value {
    json!({"age_band": "25-34", "gender": "f", "district": "centrum", "out_evening": "1"})
}

pub fn body(answers: Value) -> Value {
    json!({"submission_id": uuid::Uuid::new_v4().to_string(), "language": "sv", "answers": answers})
}

pub async fn post(app: &TestApp, slug: &str, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/waves/{slug}/responses")))
        .json(body)
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    let json = response.json().await.unwrap_or(Value::Null);
    (status, json)
}

pub async fn stored_responses(app: &TestApp) -> usize {
    use sea_orm::{EntityTrait, PaginatorTrait};
    trygg::entities::response::Entity::find()
        .count(&app.db)
        .await
        .expect("count") as usize
}

db_tests!(
    a_submission_is_stored_once_and_its_id_cannot_be_reused,
    every_answer_that_does_not_fit_is_refused_naming_its_question,
    unknown_closed_and_unopened_waves_are_told_apart,
    a_pupil_code_admits_one_response,
    the_first_response_locks_the_survey_version,
);

async fn a_submission_is_stored_once_and_its_id_cannot_be_reused(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let first = body(minimal_resident_answers());
    let (status, reply) = post(&app, "trygg-2026", &first).await;
    assert_eq!(status, 201, "{reply}");

    // A retry (lost acknowledgement) is answered 200 and stores nothing new, even with the keys
    // in another order and the id in capitals.
    let retry: Value = serde_json::from_str(&format!(
        r#"{{"answers": {}, "language": "sv", "submission_id": "{}"}}"#,
        first["answers"],
        first["submission_id"].as_str().expect("id").to_uppercase()
    ))
    .expect("json");
    assert_eq!(post(&app, "trygg-2026", &first).await.0, 200);
    assert_eq!(post(&app, "trygg-2026", &retry).await.0, 200);

    let mut other = first.clone();
    other["answers"]["gender"] = json!("m");
    let (status, reply) = post(&app, "trygg-2026", &other).await;
    assert_eq!(status, 409, "{reply}");
    assert_eq!(stored_responses(&app).await, 1);
}

async fn every_answer_that_does_not_fit_is_refused_naming_its_question(app: TestApp) {
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let with = |key: &str, value: Value| {
        let mut answers = minimal_resident_answers();
        answers[key] = value;
        answers
    };
    let without = |key: &str| {
        let mut answers = minimal_resident_answers();
        answers.as_object_mut().expect("object").remove(key);
        answers
    };
    let cases = [
        (
            "unknown question",
            with("favourite_colour", json!("blue")),
            "favourite_colour",
        ),
        (
            "unknown choice code",
            with("district", json!("atlantis")),
            "district",
        ),
        (
            "number out of range",
            with("years_in_area", json!(200)),
            "years_in_area",
        ),
        (
            "text over its limit",
            with("comments", json!("x".repeat(1001))),
            "comments",
        ),
        (
            "required question missing",
            without("out_evening"),
            "out_evening",
        ),
        // out_evening = 1 hides seldom_why (shown only for 3).
        (
            "answer to a hidden question",
            with("seldom_why", json!("1")),
            "seldom_why",
        ),
        ("wrong type", with("age_band", json!(["25-34"])), "age_band"),
    ];
    for (case, answers, question) in cases {
        let (status, reply) = post(&app, "trygg-2026", &body(answers)).await;
        assert_eq!(status, 422, "{case}: {reply}");
        let details = reply["details"].as_array().expect("details");
        assert!(
            details.iter().any(|d| d["question"] == question
                && d["message"].as_str().is_some_and(|m| !m.is_empty())),
            "{case}: {reply}"
        );
    }
    // Malformed bodies: 422 (or 400 for broken JSON) with a message, no details about questions.
    let (status, reply) = post(
        &app,
        "trygg-2026",
        &json!({"submission_id": "42", "answers": {}}),
    )
    .await;
    assert_eq!(status, 422, "{reply}");
    assert!(
        reply["error"].as_str().is_some_and(|e| e.contains("UUID")),
        "{reply}"
    );
    assert_eq!(
        stored_responses(&app).await,
        0,
        "nothing is stored from a refused body"
    );
}

async fn unknown_closed_and_unopened_waves_are_told_apart(app: TestApp) {
    let answers = body(minimal_resident_answers());
    assert_eq!(post(&app, "no-such-wave", &answers).await.0, 404);

    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    trygg::store::waves::close(&app.db, "trygg-2026", "test")
        .await
        .expect("close");
    assert_eq!(post(&app, "trygg-2026", &answers).await.0, 410);

    create_wave_opening(
        &app,
        "resident-safety",
        "trygg-2099",
        Access::Open,
        Some("2099-01-01"),
    )
    .await;
    assert_eq!(post(&app, "trygg-2099", &answers).await.0, 410);
    assert_eq!(stored_responses(&app).await, 0);
}

/// Invites `email` to a wave directly in the database, as if the first message had gone out;
/// returns the personal token.
pub async fn invite(app: &TestApp, wave: &Wave, email: &str) -> String {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let id = uuid::Uuid::new_v4().to_string();
    trygg::entities::invitation::ActiveModel {
        id: Set(id.clone()),
        wave_id: Set(wave.id.clone()),
        email: Set(Some(email.to_owned())),
        answered: Set(false),
        delivered: Set(true),
        status: Set("sent".to_owned()),
        attempts: Set(1),
        next_attempt_at: Set(None),
        last_error: Set(None),
        reminders: Set(0),
    }
    .insert(&app.db)
    .await
    .expect("invitation");
    let token = codes::new_token();
    let added = trygg::store::invitations::add_token(&app.db, &id, &codes::hash(&token))
        .await
        .expect("token");
    assert!(added, "the token is stored");
    token
}

/// Opens a class session directly in the database and returns its pupil codes.
pub async fn class_codes(
    app: &TestApp,
    wave: &Wave,
    school: &str,
    class: &str,
    n: usize,
) -> Vec<String> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let session_id = uuid::Uuid::new_v4().to_string();
    trygg::entities::class_session::ActiveModel {
        id: Set(session_id.clone()),
        wave_id: Set(wave.id.clone()),
        school_id: Set(school.to_owned()),
        class_label: Set(class.to_owned()),
        grade: Set(9),
        pupils: Set(n as i32),
        opened_at: Set(0),
        ended_at: Set(None),
        stopped_codes: Set(None),
        sealed_codes: Set(None),
        opened_with: Set(None),
    }
    .insert(&app.db)
    .await
    .expect("session");
    let mut codes_out = Vec::new();
    for _ in 0..n {
        let code = codes::new_pupil_code();
        trygg::entities::pupil_code::ActiveModel {
            code_hash: Set(codes::hash(&code)),
            class_session_id: Set(session_id.clone()),
            started: Set(false),
        }
        .insert(&app.db)
        .await
        .expect("code");
        codes_out.push(code);
    }
    codes_out
}

/// `n` valid random submissions of a questionnaire (the same for the same seed), as the API
/// takes them.
pub fn synth_bodies(survey: &str, n: usize, seed: u64) -> Vec<Value> {
    let catalog = trygg::survey::load_dir(&crate::helpers::surveys_dir()).expect("surveys");
    let survey = &catalog.get(survey).expect("survey").survey;
    trygg::survey::synth(survey, n, seed).collect()
}

async fn a_pupil_code_admits_one_response(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let mut bodies = synth_bodies("school-drug-habits", 3, 7).into_iter();
    let codes = class_codes(&app, &wave, "skola-1", "9A", 2).await;

    let mut first = bodies.next().expect("body");
    assert_eq!(post(&app, "drogvanor-2026", &first).await.0, 403, "no code");
    first["access_code"] = json!("ABCD-EFGH");
    assert_eq!(
        post(&app, "drogvanor-2026", &first).await.0,
        403,
        "a code that was never issued"
    );
    first["access_code"] = json!(codes[0].to_lowercase());
    assert_eq!(post(&app, "drogvanor-2026", &first).await.0, 201);
    assert_eq!(
        post(&app, "drogvanor-2026", &first).await.0,
        200,
        "the same submission again"
    );

    let mut second = bodies.next().expect("body");
    second["access_code"] = json!(codes[0]);
    assert_eq!(
        post(&app, "drogvanor-2026", &second).await.0,
        403,
        "a used code"
    );
    second["access_code"] = json!(codes[1]);
    assert_eq!(post(&app, "drogvanor-2026", &second).await.0, 201);
    assert_eq!(stored_responses(&app).await, 2);

    // The response carries the school and class as design variables.
    let rows = trygg::store::responses::export_rows(&app.db, &wave.id)
        .await
        .expect("rows");
    assert!(
        rows.iter()
            .all(|r| r.school.as_deref() == Some("skola-1") && r.class.is_some())
    );
}

async fn the_first_response_locks_the_survey_version(app: TestApp) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use trygg::entities::survey_version;
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let locked = || async {
        survey_version::Entity::find()
            .filter(survey_version::Column::SurveyId.eq("resident-safety"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("row")
            .locked
    };
    assert!(!locked().await);
    assert_eq!(
        post(&app, "trygg-2026", &body(minimal_resident_answers()))
            .await
            .0,
        201
    );
    assert!(locked().await);
}
