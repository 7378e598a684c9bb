//! The action plan (`/evaluate/plan`) over HTTP: evaluators create and change interventions,
//! output measures, indicator links and follow-up notes through the forms; a refused form
//! changes nothing; every change is in the audit log and the intervention's history; every
//! staff role reads, only evaluators and admins write; the CSV and JSON exports.

use trygg::accounts::Role;
use trygg::collect::Access;
use trygg::store::audit::AuditEvent;

use crate::db_tests;
use crate::form::location;
use crate::helpers::{PASSWORD, TestApp, browser, csrf_in};
use crate::responses::create_wave;

/// Another browser on the same app, signed in with its own role.
struct Other<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
}

impl<'a> Other<'a> {
    /// Signed in as a new user with `role`; `None` stays signed out.
    async fn new(app: &'a TestApp, role: Option<Role>) -> Other<'a> {
        let client = browser();
        if let Some(role) = role {
            let email = format!("other-{}@kommun.example", role.as_str());
            let school = (role == Role::School).then_some("skola-1");
            app.add_user(&email, role, school).await;
            let response = app.log_in(&client, &email, PASSWORD, None).await;
            assert_eq!(response.status(), 303, "login as {role}");
        }
        Other { app, client }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.app.url(path))
            .send()
            .await
            .expect("GET")
    }

    async fn post_form(
        &self,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let body = self.get(form_page).await.text().await.expect("body");
        let token = csrf_in(&body).unwrap_or_default();
        let mut all = fields.to_vec();
        all.push(("_csrf", &token));
        self.client
            .post(self.app.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        response.text().await.expect("body")
    }
}

/// A complete intervention form; `changes` replace fields.
pub fn intervention_fields<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("priority_area", "outdoor-insecurity"),
        ("title", "Trygghetsvandringar i centrum"),
        ("problem", "Många känner sig otrygga i centrum på kvällen."),
        ("mechanism", "Boende pekar ut platser som åtgärdas."),
        ("responsible", "both"),
        ("responsible_other", ""),
        ("planned_by", "BRÅ-samordnaren"),
        ("carried_out_by", "Kommunpolisen"),
        ("followed_up_by", "Styrgruppen"),
        ("partners", "Bostadsbolaget"),
        ("start_year", "2024"),
        ("end_year", "2025"),
        ("status", "ongoing"),
        ("status_reason", ""),
        ("version", ""),
    ];
    for (key, value) in changes {
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = value,
            None => fields.push((key, value)),
        }
    }
    fields
}

/// Creates an intervention through the form; its id.
pub async fn create_intervention(app: &TestApp, changes: &[(&str, &str)]) -> i64 {
    let response = app
        .post_form(
            "/evaluate/plan/new",
            "/evaluate/plan",
            &intervention_fields(changes),
        )
        .await;
    assert_eq!(response.status(), 303, "created");
    let location = location(&response);
    location
        .trim_start_matches("/evaluate/plan/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id in {location}"))
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

async fn plan_audit_entries(app: &TestApp) -> Vec<(String, String)> {
    trygg::store::audit::recent(&app.db, 1000)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action.starts_with("plan."))
        .map(|e| (e.action, e.detail))
        .collect()
}

async fn an_evaluator_creates_and_edits_an_intervention_with_its_history(app: TestApp) {
    let email = app.sign_in_as(Role::Evaluator).await;
    let id = create_intervention(&app, &[]).await;
    let shown = page(&app, &format!("/evaluate/plan/{id}?done=created")).await;
    assert!(shown.contains("Insatsen är skapad."), "{shown}");
    assert!(shown.contains("<h1>Trygghetsvandringar i centrum</h1>"));
    assert!(shown.contains("Pågår") && shown.contains("Kommunen och polisen"));
    assert!(shown.contains("Insatsen skapades") && shown.contains(&email));

    // Delayed, with a reason: one audit entry naming the old and new values.
    let edit = format!("/evaluate/plan/{id}/edit");
    let fields = intervention_fields(&[
        ("status", "delayed"),
        ("status_reason", "Personalbrist under våren"),
        ("version", "1"),
    ]);
    let response = app
        .post_form(&edit, &format!("/evaluate/plan/{id}"), &fields)
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        location(&response),
        format!("/evaluate/plan/{id}?done=saved")
    );
    let shown = page(&app, &format!("/evaluate/plan/{id}")).await;
    assert!(shown.contains("Status: Pågår → Försenad"), "{shown}");
    assert!(
        shown.contains("Orsak: – → Personalbrist under våren"),
        "{shown}"
    );
    assert!(shown.contains("Försenad – Personalbrist under våren"));
    let english = page(&app, &format!("/evaluate/plan/{id}?lang=en")).await;
    assert!(english.contains("Status: Ongoing → Delayed"), "{english}");
    page(&app, "/evaluate/plan?lang=sv").await;
    let audit = plan_audit_entries(&app).await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[0].0, "plan.update");
    let Some(AuditEvent::Plan { changes, .. }) = AuditEvent::from_detail(&audit[0].1) else {
        panic!("a change to the plan: {audit:?}");
    };
    assert!(
        changes.iter().any(|c| c.field == "status"
            && c.old.as_deref() == Some("ongoing")
            && c.new.as_deref() == Some("delayed")),
        "{audit:?}"
    );
    assert!(
        !changes.iter().any(|c| c.field == "title"),
        "only what changed: {audit:?}"
    );

    // The same form again (version 1) was overtaken by the change: refused, nothing changes.
    let stale = intervention_fields(&[("title", "Ett annat namn"), ("version", "1")]);
    let response = app
        .post_form(&edit, &format!("/evaluate/plan/{id}"), &stale)
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(body.contains("Någon annan har ändrat insatsen"), "{body}");
    assert!(body.contains("name=\"version\" value=\"2\""), "{body}");
    let row = trygg::store::plan::find(&app.db, id)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(row.intervention.title, "Trygghetsvandringar i centrum");
    assert_eq!(row.version, 2);

    // Saving without a change writes nothing.
    let same = intervention_fields(&[
        ("status", "delayed"),
        ("status_reason", "Personalbrist under våren"),
        ("version", "2"),
    ]);
    let response = app
        .post_form(&edit, &format!("/evaluate/plan/{id}"), &same)
        .await;
    assert_eq!(
        location(&response),
        format!("/evaluate/plan/{id}?done=unchanged")
    );
    assert_eq!(plan_audit_entries(&app).await.len(), 2);
}

async fn a_refused_form_changes_nothing_and_names_every_problem(app: TestApp) {
    app.sign_in_as(Role::Evaluator).await;
    let response = app
        .post_form("/evaluate/plan/new", "/evaluate/plan", &[("title", "")])
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(
        body.contains("<title>Fel: Ny insats – trygg</title>"),
        "{body}"
    );
    assert!(body.contains("class=\"error-summary\""));
    for anchor in [
        "#priority_area",
        "#title",
        "#problem",
        "#responsible-municipality",
        "#start_year",
        "#end_year",
    ] {
        assert!(
            body.contains(&format!("href=\"{anchor}\"")),
            "{anchor}: {body}"
        );
    }
    assert!(body.contains("aria-invalid=\"true\""));

    for (changes, message) in [
        (
            vec![("status", "cancelled")],
            "Skriv varför insatsen är avbruten.",
        ),
        (
            vec![("citizen_promise", "yes"), ("end_year", "2026")],
            "Ett medborgarlöfte gäller två år: slutåret ska vara 2025",
        ),
        (
            vec![
                ("promise", "unga-2025-2026"),
                ("start_year", "2024"),
                ("end_year", "2025"),
            ],
            "Medborgarlöftet gäller 2025–2026: insatsens år ska ligga inom dem.",
        ),
        (
            vec![("promise", "ett-annat-löfte")],
            "Välj ett medborgarlöfte ur listan.",
        ),
        (
            vec![("start_year", "2025"), ("end_year", "2023")],
            "Slutåret kan inte komma före startåret.",
        ),
        (
            vec![("start_year", "tjugo")],
            "Startåret ska vara ett årtal",
        ),
        (
            vec![("responsible", "other")],
            "Fyll i vilken organisation som är ansvarig.",
        ),
        (
            vec![("priority_area", "allt")],
            "Välj ett prioriterat område.",
        ),
    ] {
        let response = app
            .post_form(
                "/evaluate/plan/new",
                "/evaluate/plan",
                &intervention_fields(&changes),
            )
            .await;
        assert_eq!(response.status(), 422, "{changes:?}");
        let body = response.text().await.expect("body");
        assert!(body.contains(message), "{message}: {body}");
        // What was typed is shown again.
        assert!(body.contains("value=\"Trygghetsvandringar i centrum\""));
    }
    // English messages.
    let response = app
        .post_form(
            "/evaluate/plan/new?lang=en",
            "/evaluate/plan",
            &intervention_fields(&[("status", "delayed")]),
        )
        .await;
    let body = response.text().await.expect("body");
    assert!(
        body.contains("Say why the intervention is delayed."),
        "{body}"
    );
    assert!(
        trygg::store::plan::list(&app.db)
            .await
            .expect("db")
            .is_empty()
    );
    assert!(plan_audit_entries(&app).await.is_empty());

    // A refused edit leaves the intervention as it was.
    let id = create_intervention(&app, &[]).await;
    let edit = format!("/evaluate/plan/{id}/edit");
    let bad = intervention_fields(&[("title", ""), ("status", "done"), ("version", "1")]);
    let response = app
        .post_form(&edit, &format!("/evaluate/plan/{id}"), &bad)
        .await;
    assert_eq!(response.status(), 422);
    let row = trygg::store::plan::find(&app.db, id)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(row.intervention.status.id(), "ongoing");
    assert_eq!(row.version, 1);
    assert_eq!(plan_audit_entries(&app).await.len(), 1, "only the creation");
    // Unknown ids are no page.
    for path in [
        "/evaluate/plan/999",
        "/evaluate/plan/abc",
        "/evaluate/plan/-1/edit",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
}

async fn output_measures_hold_planned_and_actual_values_per_year(app: TestApp) {
    app.sign_in_as(Role::Evaluator).await;
    let id = create_intervention(&app, &[]).await;
    let new = format!("/evaluate/plan/{id}/outputs/new");
    let form = page(&app, &new).await;
    assert!(form.contains("id=\"planned-2024\"") && form.contains("id=\"actual-2025\""));
    assert!(!form.contains("planned-2023"), "only the period's years");

    // A bad value: refused, nothing stored, the field named by its year.
    let bad = [
        ("name", "Trygghetsvandringar"),
        ("unit", "antal"),
        ("planned-2024", "tolv"),
        ("actual-2024", "-2"),
    ];
    let response = app
        .post_form(&new, &format!("/evaluate/plan/{id}/outputs"), &bad)
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(body.contains("Planerat 2024 ska vara ett tal"), "{body}");
    assert!(
        body.contains("Utfallet 2024 kan inte vara negativt"),
        "{body}"
    );
    assert!(body.contains("href=\"#planned-2024\""));
    assert!(body.contains("value=\"tolv\""), "typed values stay");
    assert!(
        trygg::store::plan::outputs(&app.db, Some(id))
            .await
            .expect("db")
            .is_empty()
    );

    // A decimal comma and grouped digits.
    let good = [
        ("name", "Trygghetsvandringar"),
        ("unit", "antal"),
        ("planned-2024", "1 200"),
        ("actual-2024", "9,5"),
        ("planned-2025", "12"),
        ("actual-2025", ""),
    ];
    let response = app
        .post_form(&new, &format!("/evaluate/plan/{id}/outputs"), &good)
        .await;
    assert_eq!(response.status(), 303);
    let outputs = trygg::store::plan::outputs(&app.db, Some(id))
        .await
        .expect("db");
    assert_eq!(outputs.len(), 1);
    let values = &outputs[0].output.values;
    assert_eq!(values[&2024].planned, Some(1200.0));
    assert_eq!(values[&2024].actual, Some(9.5));
    assert_eq!(values[&2025].actual, None);
    let shown = page(&app, &format!("/evaluate/plan/{id}")).await;
    assert!(
        shown.contains("<td class=\"num\">1\u{a0}200</td>"),
        "{shown}"
    );
    assert!(shown.contains("<td class=\"num\">9,5</td>"), "{shown}");
    assert!(shown.contains("Prestationsmått lades till"));
    assert!(
        shown.contains("Prestationsmått lades till</strong> – Trygghetsvandringar")
            && shown.contains("<li>2024 · Utfall: 9,5</li>"),
        "{shown}"
    );

    // Changing a value; the history names it; then removing the measure.
    let output = outputs[0].id;
    let edit = format!("/evaluate/plan/{id}/outputs/{output}");
    let edit_page = page(&app, &edit).await;
    assert!(
        edit_page.contains("value=\"9,5\""),
        "numbers as Swedish writes them"
    );
    let changed = [
        ("name", "Trygghetsvandringar"),
        ("unit", "antal"),
        ("planned-2024", "1200"),
        ("actual-2024", "10"),
        ("planned-2025", "12"),
    ];
    assert_eq!(app.post_form(&edit, &edit, &changed).await.status(), 303);
    let shown = page(&app, &format!("/evaluate/plan/{id}")).await;
    assert!(
        shown.contains("<li>2024 · Utfall: 9,5 → 10</li>"),
        "{shown}"
    );
    let response = app.post_form(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(response.status(), 303);
    assert!(
        trygg::store::plan::outputs(&app.db, Some(id))
            .await
            .expect("db")
            .is_empty()
    );
    let shown = page(&app, &format!("/evaluate/plan/{id}")).await;
    assert!(shown.contains("Prestationsmått togs bort"));
    assert_eq!(app.get(&edit).await.status(), 404);
}

async fn indicators_are_linked_with_a_baseline_wave_of_their_survey_and_a_target(app: TestApp) {
    create_wave(&app, "resident-safety", "trygghet-2023", Access::Open).await;
    create_wave(&app, "staff-safety", "personal-2023", Access::Invite).await;
    app.sign_in_as(Role::Evaluator).await;
    let id = create_intervention(&app, &[]).await;
    let new = format!("/evaluate/plan/{id}/indicators/new");
    let form = page(&app, &new).await;
    assert!(form.contains("value=\"resident-safety/unsafe_night\""));
    assert!(form.contains("value=\"trygghet-2023\"") && form.contains("value=\"personal-2023\""));
    let post = format!("/evaluate/plan/{id}/indicators");
    for (fields, message) in [
        (
            [
                ("indicator", "resident-safety/no_such"),
                ("baseline_wave", "trygghet-2023"),
                ("target", ""),
            ],
            "Välj en indikator i listan.",
        ),
        (
            [
                ("indicator", "resident-safety/unsafe_night"),
                ("baseline_wave", "personal-2023"),
                ("target", ""),
            ],
            "Omgången personal-2023 hör till en annan enkät än indikatorn.",
        ),
        (
            [
                ("indicator", "resident-safety/unsafe_night"),
                ("baseline_wave", "no-such-wave"),
                ("target", ""),
            ],
            "Välj den omgång som ger utgångsläget.",
        ),
        (
            [
                ("indicator", "resident-safety/unsafe_night"),
                ("baseline_wave", "trygghet-2023"),
                ("target", "120"),
            ],
            "Målet för en andel anges i procent, från 0 till 100.",
        ),
    ] {
        let response = app.post_form(&new, &post, &fields).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        let body = response.text().await.expect("body");
        assert!(body.contains(message), "{message}: {body}");
    }
    let good = [
        ("indicator", "resident-safety/unsafe_night"),
        ("baseline_wave", "trygghet-2023"),
        ("target", "12,5"),
    ];
    assert_eq!(app.post_form(&new, &post, &good).await.status(), 303);
    // The same indicator twice is refused.
    let response = app.post_form(&new, &post, &good).await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.expect("body");
    assert!(body.contains("Indikatorn är redan kopplad"), "{body}");
    let links = trygg::store::plan::links(&app.db, &catalog(), Some(id))
        .await
        .expect("db");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].link.target, Some(0.125));

    let shown = page(&app, &format!("/evaluate/plan/{id}")).await;
    assert!(
        shown.contains("href=\"/evaluate/indicators/resident-safety/unsafe_night\""),
        "{shown}"
    );
    // The baseline by its questionnaire and year (this test's wave belongs to the year it was
    // made in, whatever its short name says), the short name in small print.
    let year = trygg::collect::wave::year_of(trygg::util::now());
    assert!(
        shown.contains(&format!(
            "Utgångsläge: Trygghetsundersökning {year} <span class=\"muted small\">(trygghet-2023)</span>"
        )),
        "{shown}"
    );
    assert!(shown.contains("Mål: 12,5 %"), "{shown}");
    assert!(shown.contains("Indikator kopplades"));
    assert!(
        shown.contains("Indikator kopplades</strong> – Andel som känner sig otrygga")
            && shown.contains("<li>Mål: 12,5 %</li>"),
        "{shown}"
    );

    // Unlinking is recorded too.
    let edit = format!("/evaluate/plan/{id}/indicators/{}", links[0].id);
    assert!(page(&app, &edit).await.contains("value=\"12,5\""));
    let response = app.post_form(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(response.status(), 303);
    let shown = page(&app, &format!("/evaluate/plan/{id}")).await;
    assert!(shown.contains("Indikator togs bort"));
    assert!(shown.contains("Inga indikatorer kopplade ännu."));
}

fn catalog() -> trygg::survey::SurveyCatalog {
    trygg::survey::load_dir(&crate::helpers::surveys_dir()).expect("surveys")
}

async fn follow_up_notes_are_written_per_year_of_the_period(app: TestApp) {
    app.sign_in_as(Role::Evaluator).await;
    let id = create_intervention(&app, &[]).await;
    let form = format!("/evaluate/plan/{id}/follow-up/2024");
    for outside in ["2023", "2026", "20x4", "99999"] {
        let path = format!("/evaluate/plan/{id}/follow-up/{outside}");
        assert_eq!(app.get(&path).await.status(), 404, "{outside}");
    }
    let note = "Fyra vandringar, 23 förslag.\n\nÅtta åtgärdade.";
    assert_eq!(
        app.post_form(&form, &form, &[("note", note)])
            .await
            .status(),
        303
    );
    let shown = page(&app, &format!("/evaluate/plan/{id}")).await;
    assert!(shown.contains("Fyra vandringar, 23 förslag."), "{shown}");
    assert!(shown.contains("Uppföljning skrevs"));
    let too_long = "x".repeat(10_001);
    let response = app.post_form(&form, &form, &[("note", &too_long)]).await;
    assert_eq!(response.status(), 422);
    // Empty removes it.
    assert_eq!(
        app.post_form(&form, &form, &[("note", "  ")])
            .await
            .status(),
        303
    );
    let notes = trygg::store::plan::follow_ups(&app.db, Some(id))
        .await
        .expect("db");
    assert!(notes.is_empty(), "{notes:?}");
    let audit = plan_audit_entries(&app).await;
    assert_eq!(
        audit.iter().filter(|(a, _)| a == "plan.follow_up").count(),
        2
    );
}

async fn every_staff_role_reads_the_plan_and_only_evaluators_and_admins_change_it(app: TestApp) {
    app.sign_in_as(Role::Evaluator).await;
    let id = create_intervention(&app, &[]).await;

    // A school coordinator reads, but neither sees nor reaches the forms.
    let school = Other::new(&app, Some(Role::School)).await;
    let overview = school.page("/evaluate/plan").await;
    assert!(overview.contains("Trygghetsvandringar i centrum"));
    assert!(!overview.contains("/evaluate/plan/new"));
    let shown = school.page(&format!("/evaluate/plan/{id}")).await;
    assert!(!shown.contains("/edit") && !shown.contains("/outputs/new"));
    assert_eq!(school.get("/evaluate/plan.csv").await.status(), 200);
    assert_eq!(school.get("/evaluate/plan/new").await.status(), 403);
    assert_eq!(
        school
            .get(&format!("/evaluate/plan/{id}/edit"))
            .await
            .status(),
        403
    );
    let response = school
        .post_form(
            "/evaluate/plan",
            &format!("/evaluate/plan/{id}"),
            &intervention_fields(&[("title", "Kapad"), ("version", "1")]),
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(school.get("/api/v1/plan").await.status(), 403);
    let row = trygg::store::plan::find(&app.db, id)
        .await
        .expect("db")
        .expect("row");
    assert_eq!(row.intervention.title, "Trygghetsvandringar i centrum");

    // An admin edits.
    let admin = Other::new(&app, Some(Role::Admin)).await;
    let edit = format!("/evaluate/plan/{id}/edit");
    let response = admin
        .post_form(
            &edit,
            &format!("/evaluate/plan/{id}"),
            &intervention_fields(&[("status", "done"), ("version", "1")]),
        )
        .await;
    assert_eq!(response.status(), 303);

    // Nobody signed in: sent to the login, the API answers 401.
    let anonymous = Other::new(&app, None).await;
    let response = anonymous.get("/evaluate/plan").await;
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login"));
    assert_eq!(anonymous.get("/evaluate/plan.csv").await.status(), 303);
    assert_eq!(anonymous.get("/api/v1/plan").await.status(), 401);
}

/// Parses CSV text into its header and rows.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// A file for Swedish Excel: the byte-order mark, then `;` between fields.
fn parse_excel(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows = crate::chart_downloads::excel_rows(text).into_iter();
    let header = rows.next().expect("header");
    (header, rows.collect())
}

fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    let at = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    &row[at]
}

async fn the_plan_exports_as_csv_and_json(app: TestApp) {
    create_wave(&app, "resident-safety", "trygghet-2023", Access::Open).await;
    app.sign_in_as(Role::Evaluator).await;
    let tricky = "Belysning, röjning och \"trygghet\"\nandra raden";
    let id = create_intervention(
        &app,
        &[
            ("title", "=HYPERLINK(\"http://x\")"),
            ("problem", tricky),
            ("citizen_promise", "yes"),
        ],
    )
    .await;
    let other = create_intervention(
        &app,
        &[
            ("title", "Hot mot anställda"),
            ("priority_area", "threats-violence"),
            ("status", "cancelled"),
            ("status_reason", "Ersatt av regionens program"),
        ],
    )
    .await;
    let outputs = format!("/evaluate/plan/{id}/outputs");
    app.post_form(
        &format!("{outputs}/new"),
        &outputs,
        &[
            ("name", "Vandringar"),
            ("unit", "antal"),
            ("planned-2024", "4"),
            ("actual-2024", "3,5"),
            ("planned-2025", "4"),
        ],
    )
    .await;
    let links = format!("/evaluate/plan/{id}/indicators");
    app.post_form(
        &format!("{links}/new"),
        &links,
        &[
            ("indicator", "resident-safety/unsafe_night"),
            ("baseline_wave", "trygghet-2023"),
            ("target", "15"),
        ],
    )
    .await;
    let note = format!("/evaluate/plan/{id}/follow-up/2024");
    app.post_form(&note, &note, &[("note", "Bra år; två nya stråk.")])
        .await;

    // The API's CSV for scripts: codes, as the JSON has them.
    let response = app.get("/api/v1/plan?format=csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let (header, rows) = parse_csv(&response.text().await.expect("body"));
    assert_eq!(rows.len(), 2);
    let row = rows
        .iter()
        .find(|r| r[0] == id.to_string())
        .expect("row of the first");
    assert_eq!(cell(&header, row, "title"), "'=HYPERLINK(\"http://x\")");
    assert_eq!(cell(&header, row, "problem"), tricky);
    assert_eq!(cell(&header, row, "citizen_promise"), "true");
    assert_eq!(cell(&header, row, "priority_area"), "outdoor-insecurity");
    assert_eq!(cell(&header, row, "responsible"), "both");
    assert_eq!(
        cell(&header, row, "indicators"),
        "resident-safety/unsafe_night (baseline trygghet-2023, target 15 %)"
    );
    let cancelled = rows
        .iter()
        .find(|r| r[0] == other.to_string())
        .expect("row of the second");
    assert_eq!(cell(&header, cancelled, "status"), "cancelled");
    assert_eq!(
        cell(&header, cancelled, "status_reason"),
        "Ersatt av regionens program"
    );

    // The page's files, for Swedish Excel: `;`, decimal comma, words in the reader's language.
    let response = app.get("/evaluate/plan.csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let (header, rows) = parse_excel(&response.text().await.expect("body"));
    let row = rows
        .iter()
        .find(|r| r[0] == id.to_string())
        .expect("row of the first");
    assert_eq!(cell(&header, row, "Insats"), "'=HYPERLINK(\"http://x\")");
    assert_eq!(cell(&header, row, "Problem"), tricky);
    assert_eq!(cell(&header, row, "Medborgarlöfte"), "ja");
    assert_eq!(
        cell(&header, row, "Prioriterat område"),
        "Upplevd och faktisk otrygghet i den fysiska utemiljön"
    );
    assert_eq!(cell(&header, row, "Ansvarig"), "Kommunen och polisen");
    assert_eq!(
        cell(&header, row, "Indikatorer"),
        "Andel som känner sig otrygga ute ensamma sent på kvällen (bland dem som går ut) (baslinje trygghet-2023, mål 15 %)"
    );
    let changed = cell(&header, row, "Senast ändrad (svensk tid)");
    assert!(
        changed.len() == 16 && changed.as_bytes()[10] == b' ',
        "{changed}"
    );
    let cancelled = rows
        .iter()
        .find(|r| r[0] == other.to_string())
        .expect("row of the second");
    assert_eq!(cell(&header, cancelled, "Status"), "Avbruten");
    let english = app
        .get("/evaluate/plan.csv?lang=en")
        .await
        .text()
        .await
        .expect("body");
    let (header, _) = parse_excel(&english);
    assert!(header.contains(&"Citizen promise".to_owned()), "{header:?}");
    let (header, rows) = parse_excel(&page(&app, "/evaluate/plan/outputs.csv?lang=sv").await);
    assert_eq!(
        header,
        [
            "Insatsens id",
            "Insats",
            "Prioriterat område",
            "Prestationsmåttets id",
            "Prestationsmått",
            "Enhet",
            "År",
            "Planerat",
            "Utfall"
        ]
    );
    let years: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                cell(&header, r, "År"),
                cell(&header, r, "Planerat"),
                cell(&header, r, "Utfall"),
            )
        })
        .collect();
    assert_eq!(years, [("2024", "4", "3,5"), ("2025", "4", "")]);
    let (_, notes) = parse_excel(&page(&app, "/evaluate/plan/follow-ups.csv").await);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0][3], "Bra år; två nya stråk.");

    let json: serde_json::Value = app.get("/api/v1/plan").await.json().await.expect("json");
    let first = json["interventions"]
        .as_array()
        .expect("list")
        .iter()
        .find(|i| i["id"] == id)
        .expect("first");
    assert_eq!(first["status"], "ongoing");
    assert_eq!(first["responsible"], "both");
    assert_eq!(first["outputs"][0]["values"][0]["actual"], 3.5);
    assert_eq!(first["indicators"][0]["target"], 0.15);
    assert_eq!(first["indicators"][0]["statistic"], "proportion");
    assert_eq!(first["follow_ups"][0]["year"], 2024);
    let csv = app.get("/api/v1/plan?dialect=excel-sv").await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let (header, _) = parse_excel(&csv.text().await.expect("body"));
    assert_eq!(header[2], "Insats");
    assert_eq!(app.get("/api/v1/plan?format=xml").await.status(), 400);
}

async fn the_overview_groups_by_area_and_filters_by_year_and_status(app: TestApp) {
    crate::indicators::run(&app.database_url, &["demo"]);
    app.sign_in_as(Role::Evaluator).await;
    let all = page(&app, "/evaluate/plan").await;
    assert!(all.contains("9 insatser"), "{all}");
    let youth = all.find("id=\"area-youth-at-risk\"").expect("youth");
    let outdoor = all.find("id=\"area-outdoor-insecurity\"").expect("outdoor");
    let threats = all.find("id=\"area-threats-violence\"").expect("threats");
    assert!(youth < outdoor && outdoor < threats);
    let promise = all
        .find("Medborgarlöfte 2023–2024: Tryggare centrum på kvällarna")
        .expect("the citizen promise");
    assert!(promise > outdoor && promise < threats);
    assert!(all.contains("<span class=\"promise\">Medborgarlöfte</span>"));
    for status in [
        "Pågår",
        "Genomförd",
        "Försenad",
        "Avbruten",
        "Inte påbörjad",
    ] {
        assert!(all.contains(status), "{status}");
    }
    assert!(all.contains("Upphandlingen av saneringsavtalet överprövades"));

    let later = page(&app, "/evaluate/plan?year=2026").await;
    assert!(later.contains("Visar 2 av 9 insatser"), "{later}");
    assert!(later.contains("Våld i nära relationer"));
    assert!(later.contains("Medborgarlöfte 2025–2026: Trygga mötesplatser för unga"));
    let delayed = page(&app, "/evaluate/plan?status=delayed&year=").await;
    assert!(delayed.contains("Visar 1 av 9 insatser"), "{delayed}");
    assert!(delayed.contains("Snabb sanering av klotter"));
    // Nonsense filters filter nothing.
    assert!(
        page(&app, "/evaluate/plan?year=tjugo&status=x")
            .await
            .contains("9 insatser")
    );

    // The delayed intervention's history shows its change of status; its indicators show the
    // baseline and latest figures from the demo's waves.
    let rows = trygg::store::plan::list(&app.db).await.expect("db");
    let sanering = rows
        .iter()
        .find(|r| r.intervention.title.starts_with("Snabb sanering"))
        .expect("delayed");
    let shown = page(&app, &format!("/evaluate/plan/{}", sanering.id)).await;
    assert!(shown.contains("Status: Pågår → Försenad"), "{shown}");
    let promise = rows
        .iter()
        .find(|r| r.intervention.promise == "centrum-2023-2024")
        .expect("promise");
    let shown = page(&app, &format!("/evaluate/plan/{}", promise.id)).await;
    assert!(
        shown.contains(
            "Utgångsläge: Trygghetsundersökning 2022 <span class=\"muted small\">(trygghet-2022)</span> – "
        ),
        "{shown}"
    );
    assert!(shown.contains("Senast 2025: "), "{shown}");
    // The plan's own target judged on the latest wave: unsafe_night is at 12 % (11–15)
    // against 15 %.
    assert!(shown.contains("Mål: 15 % – nått"), "{shown}");
    // The promise of the agreement, linked to its follow-up.
    assert!(
        shown.contains(
            "<a href=\"/evaluate/agreements/2023-2026#promise-centrum-2023-2024\">Ett tryggare centrum på kvällarna</a>"
        ),
        "{shown}"
    );
}

db_tests!(
    an_evaluator_creates_and_edits_an_intervention_with_its_history,
    a_refused_form_changes_nothing_and_names_every_problem,
    output_measures_hold_planned_and_actual_values_per_year,
    indicators_are_linked_with_a_baseline_wave_of_their_survey_and_a_target,
    follow_up_notes_are_written_per_year_of_the_period,
    every_staff_role_reads_the_plan_and_only_evaluators_and_admins_change_it,
    the_plan_exports_as_csv_and_json,
    the_overview_groups_by_area_and_filters_by_year_and_status,
);
