//! What coordinators and pupils read (issue 18, part 10): the school by its name, grades as
//! schools name them ("gymnasiet år 2", never "årskurs 11"), counts in the right number, and no
//! grade question for a pupil whose class session gave the grade.

use sea_orm::EntityTrait;
use trygg::accounts::Role;
use trygg::collect::Access;

use crate::db_tests;
use crate::form::{answer_to_the_end, begin_after_code, enter_code, get_text, location, shown};
use crate::helpers::TestApp;
use crate::responses::create_wave;

db_tests!(
    a_coordinator_sees_the_school_by_name_and_grades_by_their_names,
    the_end_confirmation_counts_pupils_in_the_right_number,
    a_pupil_is_not_asked_the_grade_the_class_session_gave,
);

/// Opens a class session as the signed-in coordinator: the codes page's address and codes.
async fn open(app: &TestApp, class: &str, grade: &str, pupils: &str) -> (String, Vec<String>) {
    let response = app
        .post_form(
            "/school",
            "/school/sessions",
            &[
                ("wave", "drogvanor-2026"),
                ("class_label", class),
                ("grade", grade),
                ("pupils", pupils),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "opened");
    let to = location(&response);
    let page = app.get(&to).await.text().await.expect("body");
    let marker = "class=\"pupil-code\">";
    let codes = page
        .match_indices(marker)
        .filter_map(|(at, _)| {
            let start = at + marker.len();
            page[start..]
                .find('<')
                .map(|end| page[start..start + end].to_owned())
        })
        .collect();
    (to.trim_end_matches("/codes").to_owned(), codes)
}

async fn a_coordinator_sees_the_school_by_name_and_grades_by_their_names(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    // Without a name in any list of schools, the id is what there is.
    let page = app.get("/school").await.text().await.expect("body");
    assert!(
        page.contains("Din skola: <strong>skola-1</strong>"),
        "{page}"
    );

    // An admin names the school in the wave's list of schools, on the wave page.
    let admin = app.other_browser();
    app.add_user("admin@kommun.example", Role::Admin, None)
        .await;
    assert_eq!(
        app.log_in(
            &admin,
            "admin@kommun.example",
            crate::helpers::PASSWORD,
            None
        )
        .await
        .status(),
        303
    );
    let wave_page = admin
        .get(app.url("/admin/waves/drogvanor-2026"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let csrf = crate::helpers::csrf_in(&wave_page).expect("csrf");
    let saved = admin
        .post(app.url("/admin/waves/drogvanor-2026/schools"))
        .form(&[
            ("_csrf", csrf.as_str()),
            (
                "csv",
                "school;classes;name\nskola-1;4;Ekdalsskolan\nskola-2;3;\n",
            ),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(saved.status(), 303);
    let stored = trygg::store::population::school_classes(&app.db, &wave.id)
        .await
        .expect("schools");
    assert_eq!(
        stored,
        vec![("skola-1".to_owned(), 4), ("skola-2".to_owned(), 3)]
    );
    assert_eq!(
        trygg::store::population::school_name(&app.db, "skola-2")
            .await
            .expect("name"),
        None
    );
    let page = app.get("/school").await.text().await.expect("body");
    assert!(
        page.contains("Din skola: <strong>Ekdalsskolan</strong>"),
        "{page}"
    );
    // The grade is chosen among the survey's, by name.
    assert!(
        page.contains("<option value=\"9\">Årskurs 9</option>"),
        "{page}"
    );
    assert!(
        page.contains("<option value=\"11\">Gymnasiet år 2</option>"),
        "{page}"
    );
    let english = app.get("/school?lang=en").await.text().await.expect("body");
    assert!(english.contains("Your school: <strong>Ekdalsskolan</strong>"));
    assert!(
        english.contains(">Upper secondary year 2</option>"),
        "{english}"
    );
    // The language chosen sticks: back to Swedish.
    app.get("/school?lang=sv").await;

    // A grade the survey is not for is refused with names, not numbers.
    let refused = app
        .post_form(
            "/school",
            "/school/sessions",
            &[
                ("wave", "drogvanor-2026"),
                ("class_label", "NA1"),
                ("grade", "10"),
                ("pupils", "20"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.expect("body");
    assert!(
        refused.contains(
            "Undersökningen är inte för gymnasiet år 1. Den är för årskurs 9 och gymnasiet år 2."
        ),
        "{refused}"
    );
    // No grade chosen: asked to choose.
    let blank = app
        .post_form(
            "/school",
            "/school/sessions",
            &[
                ("wave", "drogvanor-2026"),
                ("class_label", "NA1"),
                ("grade", ""),
                ("pupils", "20"),
            ],
        )
        .await;
    assert!(
        blank
            .text()
            .await
            .expect("body")
            .contains("Välj klassens årskurs.")
    );

    let (session, _) = open(&app, "NA24b", "11", "1").await;
    let page = app.get(&session).await.text().await.expect("body");
    assert!(page.contains("<dd>Gymnasiet år 2</dd>"), "{page}");
    let overview = app.get("/school").await.text().await.expect("body");
    assert!(overview.contains("<td>Gymnasiet år 2</td>"), "{overview}");
    for shown in [&page, &overview] {
        assert!(!shown.contains("årskurs 11") && !shown.contains("Årskurs 11"));
        assert!(!shown.contains("<dd>11</dd>") && !shown.contains("<td>11</td>"));
    }
}

async fn the_end_confirmation_counts_pupils_in_the_right_number(app: TestApp) {
    create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    let (one, codes) = open(&app, "9A", "9", "1").await;
    assert_eq!(codes.len(), 1);
    let printed = app
        .get(&format!("{one}/codes"))
        .await
        .text()
        .await
        .expect("body");
    assert!(printed.contains("1 kod. "), "{printed}");
    let asked = app
        .get(&format!("{one}/end"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        asked.contains("Den enda kod som ingen har börjat svara med slutar fungera direkt."),
        "{asked}"
    );

    let (session, codes) = open(&app, "9B", "9", "3").await;
    let printed = app
        .get(&format!("{session}/codes"))
        .await
        .text()
        .await
        .expect("body");
    assert!(printed.contains("3 koder. "), "{printed}");
    // One pupil starts.
    let pupil = app.other_browser();
    let accepted = enter_code(&app, &pupil, &codes[0]).await;
    assert_eq!(accepted.status(), 303);
    let asked = app
        .get(&format!("{session}/end"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        asked.contains("<strong>1 elev svarar just nu</strong> och kan skicka in sina svar i 2 timmar efter att du avslutat."),
        "{asked}"
    );
    assert!(!asked.contains("de kan"), "{asked}");
    assert!(asked.contains("De 2 koder som ingen har börjat svara med slutar fungera direkt."));
    let english = app
        .get(&format!("{session}/end?lang=en"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        english.contains("<strong>1 pupil is answering right now</strong> and can submit their answers for 2 hours after you end the session."),
        "{english}"
    );
    app.get(&format!("{session}?lang=sv")).await;
    // A second pupil starts.
    let other = app.other_browser();
    assert_eq!(enter_code(&app, &other, &codes[1]).await.status(), 303);
    let asked = app
        .get(&format!("{session}/end"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        asked.contains("<strong>2 elever svarar just nu</strong> och kan"),
        "{asked}"
    );
    assert!(asked.contains("Den enda kod som ingen"), "{asked}");
    let english = app
        .get(&format!("{session}/end?lang=en"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        english.contains("<strong>2 pupils are answering right now</strong>"),
        "{english}"
    );
    assert!(
        english.contains("The one code nobody has started answering with stops working at once.")
    );
}

async fn a_pupil_is_not_asked_the_grade_the_class_session_gave(app: TestApp) {
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    app.sign_in_as(Role::School).await;
    let (_, codes) = open(&app, "NA24b", "11", "2").await;

    let pupil = app.other_browser();
    let accepted = enter_code(&app, &pupil, &codes[0]).await;
    let first = begin_after_code(&app, &pupil, &accepted).await;
    let (status, html) = get_text(&app, &pupil, &first).await;
    assert_eq!(status, 200);
    let asked = shown(&html);
    assert!(!asked.contains(&"grade".to_owned()), "{asked:?}");
    assert!(asked.contains(&"gender".to_owned()), "{asked:?}");
    assert!(!html.contains("Vilken årskurs går du i?"), "{html}");
    // A hand-made post of another grade changes nothing: the session knows the grade.
    let csrf = crate::helpers::csrf_in(&html).expect("csrf");
    let sent = pupil
        .post(app.url(&first))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("_shown", "grade,gender"),
            ("grade", "y9"),
            ("gender", "girl"),
            ("_action", "next"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(sent.status(), 303);
    answer_to_the_end(&app, &pupil, location(&sent)).await;

    let stored = trygg::entities::response::Entity::find()
        .all(&app.db)
        .await
        .expect("responses");
    assert_eq!(stored.len(), 1);
    let answers: serde_json::Value =
        serde_json::from_str(&stored[0].answers).expect("answers JSON");
    assert_eq!(answers["grade"], "g2", "{answers}");
    assert_eq!(answers["gender"], "girl", "{answers}");
    assert_eq!(stored[0].wave_id, wave.id);
}
