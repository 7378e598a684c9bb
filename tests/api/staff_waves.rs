//! The admin's wave pages: creating a wave through the form, refusals shown at their fields,
//! opening and closing by hand, and uploading population figures.

use sea_orm::{EntityTrait, PaginatorTrait};
use trygg::accounts::Role;
use trygg::collect::{Access, WaveState};
use trygg::entities::{invitation, wave};
use trygg::store;

use crate::db_tests;
use crate::helpers::TestApp;
use crate::responses::create_wave;

db_tests!(
    an_admin_creates_a_wave_through_the_form_and_sees_it_listed,
    a_refused_wave_form_names_each_field_and_stores_nothing,
    a_scheduled_wave_is_opened_and_closing_forgets_the_addresses,
    population_totals_are_stored_and_a_bad_file_changes_nothing,
    classes_per_school_are_stored_for_class_waves,
);

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn wave_count(app: &TestApp) -> u64 {
    wave::Entity::find().count(&app.db).await.expect("count")
}

async fn an_admin_creates_a_wave_through_the_form_and_sees_it_listed(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let overview = app.get("/admin").await.text().await.expect("body");
    assert!(overview.contains("href=\"/admin/waves\""), "{overview}");

    let response = app
        .post_form(
            "/admin/waves",
            "/admin/waves",
            &[
                ("survey", "resident-safety"),
                ("slug", "trygghet-2026"),
                ("access", "open"),
                ("opens", ""),
                ("closes", "2099-12-31"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let target = location(&response);
    assert!(target.starts_with("/admin/waves/trygghet-2026"), "{target}");

    let page = app.get(&target).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("body");
    assert!(page.contains("Omgången är skapad."), "{page}");
    assert!(page.contains("href=\"/s/trygghet-2026\""), "{page}");
    assert!(page.contains("t.o.m. 2099-12-31"), "{page}");
    assert!(page.contains("Stäng nu"), "{page}");

    let list = app.get("/admin/waves").await.text().await.expect("body");
    assert!(
        list.contains("href=\"/admin/waves/trygghet-2026\""),
        "{list}"
    );
    // Named by its questionnaire and year, the short name in small print.
    assert!(list.contains(">Trygghetsundersökning "), "{list}");
    assert!(list.contains("kortnamn trygghet-2026"), "{list}");
    assert!(list.contains("<td>version 1</td>"), "{list}");
    let stored = store::waves::find_by_slug(&app.db, "trygghet-2026")
        .await
        .expect("query")
        .expect("stored");
    assert_eq!(stored.access, Access::Open);
    assert_eq!(stored.state(), WaveState::Open);
    assert_eq!(
        stored.period,
        trygg::collect::wave::year_of(trygg::util::now()),
        "the year it opens"
    );

    // A wave counted for another year than it opens in; a year out of range is refused.
    let refused = app
        .post_form(
            "/admin/waves",
            "/admin/waves",
            &[
                ("survey", ""),
                ("slug", "trygghet-2025"),
                ("access", "open"),
                ("period", "1850"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(
        page.contains("href=\"#period\"")
            && page.contains("från 1990 till 2100")
            && page.contains("href=\"#survey\""),
        "{page}"
    );
    let created = app
        .post_form(
            "/admin/waves",
            "/admin/waves",
            &[
                ("survey", "resident-safety"),
                ("slug", "trygghet-2025"),
                ("access", "open"),
                ("period", "2025"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    let page = app
        .get("/admin/waves/trygghet-2025")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("Undersökningsår</dt><dd>2025"), "{page}");
}

async fn a_refused_wave_form_names_each_field_and_stores_nothing(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    create_wave(&app, "resident-safety", "taken-2026", Access::Open).await;
    let cases = [
        ("a bad slug", "Trygg 2026", "open", "", "", "slug"),
        (
            "an unknown access mode",
            "ok-2026",
            "email",
            "",
            "",
            "access-open",
        ),
        (
            "class codes for residents",
            "ok-2026",
            "class",
            "",
            "",
            "access-open",
        ),
        (
            "closing before opening",
            "ok-2026",
            "open",
            "2026-03-10",
            "2026-03-01",
            "closes",
        ),
        ("a taken slug", "taken-2026", "open", "", "", "slug"),
    ];
    for (case, slug, access, opens, closes, field) in cases {
        let response = app
            .post_form(
                "/admin/waves",
                "/admin/waves",
                &[
                    ("survey", "resident-safety"),
                    ("slug", slug),
                    ("access", access),
                    ("opens", opens),
                    ("closes", closes),
                ],
            )
            .await;
        assert_eq!(response.status(), 422, "{case}");
        let page = response.text().await.expect("body");
        assert!(page.contains("<title>Fel: Omgångar"), "{case}: {page}");
        assert!(page.contains("class=\"error-summary\""), "{case}");
        assert!(
            page.contains(&format!("href=\"#{field}\"")),
            "{case}: {page}"
        );
        assert!(
            page.contains(&format!("id=\"{field}-error\"")),
            "{case}: {page}"
        );
        assert!(
            page.contains(&format!("value=\"{slug}\"")),
            "{case}: the slug is kept"
        );
    }
    assert_eq!(wave_count(&app).await, 1, "only the wave made beforehand");
}

async fn a_scheduled_wave_is_opened_and_closing_forgets_the_addresses(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let form = app
        .post_form(
            "/admin/waves",
            "/admin/waves",
            &[
                ("survey", "staff-safety"),
                ("slug", "personal-2099"),
                ("access", "invite"),
                ("opens", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(form.status(), 303);
    let page_path = "/admin/waves/personal-2099";
    let page = app.get(page_path).await.text().await.expect("body");
    assert!(page.contains("Planerad"), "{page}");
    assert!(page.contains("Öppna nu"), "{page}");

    let opened = app
        .post_form(page_path, "/admin/waves/personal-2099/open", &[])
        .await;
    assert_eq!(opened.status(), 303);
    let wave = store::waves::find_by_slug(&app.db, "personal-2099")
        .await
        .expect("query")
        .expect("wave");
    assert_eq!(wave.state(), WaveState::Open);
    let page = app.get(page_path).await.text().await.expect("body");
    assert!(!page.contains("Öppna nu"), "{page}");

    crate::responses::invite(&app, &wave, "anna@kommun.example").await;

    assert!(page.contains("e-postadresser raderas"), "{page}");
    let closed = app
        .post_form(page_path, "/admin/waves/personal-2099/close", &[])
        .await;
    assert_eq!(closed.status(), 303);
    let wave = store::waves::find_by_slug(&app.db, "personal-2099")
        .await
        .expect("query")
        .expect("wave");
    assert_eq!(wave.state(), WaveState::Closed);
    let invitations = invitation::Entity::find().all(&app.db).await.expect("rows");
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0].email, None, "the address is deleted");
    let page = app.get(page_path).await.text().await.expect("body");
    assert!(page.contains("Stängd"), "{page}");
    assert!(!page.contains("Stäng nu"), "{page}");

    assert_eq!(
        app.post_form(page_path, "/admin/waves/no-such-wave/close", &[])
            .await
            .status(),
        404
    );
}

/// A valid totals file for the resident survey: its first background question, two cells.
fn totals_csv() -> (String, String) {
    let catalog = trygg::survey::load_dir(&crate::helpers::surveys_dir()).expect("surveys");
    let survey = &catalog.get("resident-safety").expect("survey").survey;
    let q = survey.background_questions().next().expect("background");
    let codes: Vec<&str> = q
        .choices()
        .iter()
        .filter(|c| !c.missing)
        .map(|c| c.code.as_str())
        .collect();
    (
        format!("{},total\n{},120\n{},80\n", q.id, codes[0], codes[1]),
        format!("{},total\n{},12\nnope,3\n{},-1\n", q.id, codes[0], codes[1]),
    )
}

async fn population_totals_are_stored_and_a_bad_file_changes_nothing(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let wave = create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let page_path = "/admin/waves/trygg-2026";
    let page = app.get(page_path).await.text().await.expect("body");
    assert!(page.contains("Inga befolkningstal är sparade."), "{page}");
    assert!(page.contains("<textarea id=\"population-csv\""), "{page}");

    let (good, bad) = totals_csv();
    let saved = app
        .post_form(
            page_path,
            "/admin/waves/trygg-2026/population",
            &[("csv", &good)],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let summary = store::population::totals_summary(&app.db, &wave.id)
        .await
        .expect("summary");
    assert_eq!(summary, (2, 200));
    let page = app.get(&location(&saved)).await.text().await.expect("body");
    assert!(page.contains("Befolkningstalen är sparade."), "{page}");
    assert!(page.contains("2 celler, sammanlagt 200 personer"), "{page}");

    let refused = app
        .post_form(
            page_path,
            "/admin/waves/trygg-2026/population",
            &[("csv", &bad)],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("<title>Fel: "), "{page}");
    assert!(page.contains("href=\"#population-csv\""), "{page}");
    assert!(page.contains("id=\"population-csv-error\""), "{page}");
    assert!(
        page.contains("rad 3: &quot;nope&quot; i kolumnen age_band är varken en kod eller ett svar på frågan ”Hur gammal är du?”"),
        "{page}"
    );
    assert!(page.contains("rad 4: total &quot;-1&quot;"), "{page}");
    assert!(page.contains("nope,3"), "the pasted text is kept");
    assert_eq!(
        store::population::totals_summary(&app.db, &wave.id)
            .await
            .expect("summary"),
        (2, 200),
        "the earlier upload stays"
    );
}

async fn classes_per_school_are_stored_for_class_waves(app: TestApp) {
    app.sign_in_as(Role::Admin).await;
    let wave = create_wave(&app, "school-drug-habits", "drogvanor-2026", Access::Class).await;
    let page_path = "/admin/waves/drogvanor-2026";
    let saved = app
        .post_form(
            page_path,
            "/admin/waves/drogvanor-2026/schools",
            &[("csv", "school,classes\nskola-1,4\nskola-2,3\n")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let page = app.get(page_path).await.text().await.expect("body");
    assert!(page.contains("<td>skola-2</td><td>3</td>"), "{page}");

    let refused = app
        .post_form(
            page_path,
            "/admin/waves/drogvanor-2026/schools",
            &[("csv", "school,classes\nskola-1,0\n")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains("href=\"#schools-csv\""), "{page}");
    assert!(page.contains("rad 2: classes &quot;0&quot;"), "{page}");
    assert_eq!(
        store::population::school_classes(&app.db, &wave.id)
            .await
            .expect("rows")
            .len(),
        2
    );

    // Waves without class sessions have no classes per school.
    create_wave(&app, "resident-safety", "trygg-2026", Access::Open).await;
    let other = app
        .get("/admin/waves/trygg-2026")
        .await
        .text()
        .await
        .expect("body");
    assert!(!other.contains("schools-csv"), "{other}");
}
