//! A pupil of an upper-secondary class in headless Chromium: the class session gave the grade,
//! so the form never asks it, the page passes axe, and the stored response has the session's
//! grade code (issue 18, part 10).

use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use trygg::collect::{Access, codes};

use crate::axe::assert_no_violations;
use crate::browser::app_and_browser;
use crate::respondent_browser::answer_page_with_clicks;
use crate::responses::create_wave;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pupil_whose_session_gave_the_grade_is_not_asked_it() {
    let Some((app, browser)) = app_and_browser().await else {
        return;
    };
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    // A session of upper-secondary year 2 (grade 11), with one code.
    let session = uuid::Uuid::new_v4().to_string();
    trygg::entities::class_session::ActiveModel {
        id: Set(session.clone()),
        wave_id: Set(wave.id.clone()),
        school_id: Set("skola-1".into()),
        class_label: Set("NA24b".into()),
        grade: Set(11),
        pupils: Set(1),
        opened_at: Set(0),
        ended_at: Set(None),
        stopped_codes: Set(None),
        sealed_codes: Set(None),
        opened_with: Set(None),
    }
    .insert(&app.db)
    .await
    .expect("session");
    let code = codes::new_pupil_code();
    trygg::entities::pupil_code::ActiveModel {
        code_hash: Set(codes::hash(&code)),
        class_session_id: Set(session),
        started: Set(false),
    }
    .insert(&app.db)
    .await
    .expect("code");

    browser.goto(&app.url("/k")).await;
    browser.find("#code").await.send_keys(&code).await;
    let enter = browser.find("main button[type=submit]").await;
    browser.navigate_by(enter.click()).await;
    let begin = browser.find("main a.button").await;
    browser.navigate_by(begin.click()).await;
    assert!(browser.current_url().await.contains("/sida/"));
    let main = browser.find("main").await.text().await;
    assert!(!main.contains("Vilken årskurs går du i?"), "{main}");
    assert!(main.contains("Är du tjej eller kille?"), "{main}");
    assert!(browser.try_find("input[name=grade]").await.is_none());
    assert_no_violations(&browser, "the pupil's first page without the grade").await;

    for _ in 0..40 {
        if browser.current_url().await.ends_with("/tack") {
            break;
        }
        answer_page_with_clicks(&browser).await;
    }
    assert!(browser.current_url().await.ends_with("/tack"));
    let stored = trygg::entities::response::Entity::find()
        .all(&app.db)
        .await
        .expect("responses");
    assert_eq!(stored.len(), 1);
    let answers: serde_json::Value = serde_json::from_str(&stored[0].answers).expect("JSON");
    assert_eq!(answers["grade"], "g2", "the session's grade: {answers}");
}
