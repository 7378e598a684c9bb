//! Guessing codes: wrong codes are never limited in a way that could lock others out (a whole
//! class shares one address), and a valid code always works, on `/k` and through the API.

use serde_json::json;
use trygg::collect::{Access, codes};

use crate::db_tests;
use crate::form::{enter_code, get_text};
use crate::helpers::{TestApp, csrf_in};
use crate::responses::{class_codes, create_wave, post, synth_bodies};

db_tests!(wrong_codes_from_one_client_never_stop_a_valid_code);

/// Far beyond the 200 a minute that once made the service refuse every pupil.
const GUESSES: usize = 600;

async fn wrong_codes_from_one_client_never_stop_a_valid_code(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let issued = class_codes(&app, &wave, "skola-1", "9A", 2).await;

    // One client tries many wrong codes at /k, as fast as it can.
    let guesser = app.other_browser();
    let (_, html) = get_text(&app, &guesser, "/k").await;
    let csrf = csrf_in(&html).expect("csrf");
    let mut statuses = std::collections::BTreeSet::new();
    for _ in 0..GUESSES {
        let guess = codes::new_pupil_code();
        let r = guesser
            .post(app.url("/k"))
            .form(&[("_csrf", csrf.as_str()), ("code", guess.as_str())])
            .send()
            .await
            .expect("POST /k");
        statuses.insert(r.status().as_u16());
    }
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        vec![422],
        "every guess is simply wrong"
    );
    // And through the API.
    let mut bodies = synth_bodies("school-drug-habits", GUESSES + 1, 3).into_iter();
    for _ in 0..GUESSES {
        let mut body = bodies.next().expect("body");
        body["access_code"] = json!(codes::new_pupil_code());
        assert_eq!(post(&app, "drogvanor-2026", &body).await.0, 403);
    }

    // Meanwhile a classmate behind the same address types a real code: it works, on both ways in.
    let classmate = app.other_browser();
    let r = enter_code(&app, &classmate, &issued[0]).await;
    let first = crate::form::begin_after_code(&app, &classmate, &r).await;
    assert!(first.contains("/sida/"), "the valid code opens the form");
    let mut body = bodies.next().expect("body");
    body["access_code"] = json!(issued[1]);
    assert_eq!(post(&app, "drogvanor-2026", &body).await.0, 201);
}
