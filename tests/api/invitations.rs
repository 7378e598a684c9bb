//! E-mail invitations end to end: a real SMTP server on loopback, personal one-time links,
//! reminders only to those who have not answered, failures reported without addresses, and
//! addresses deleted when the wave closes.

use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trygg::accounts::Role;
use trygg::collect::Access;
use trygg::entities::invitation;

use crate::helpers::{
    Backend, ReceivedMail, SmtpServer, TestApp, csrf_in, smtp_server, spawn_app_with,
};
use crate::responses::{create_wave, stored_responses};

const PUBLIC_URL: &str = "https://trygg.kommun.example";

async fn app_with_mail(backend: Backend) -> Option<(TestApp, SmtpServer)> {
    let smtp = smtp_server().await?;
    let settings = smtp.mail_settings();
    let app = spawn_app_with(backend, move |s| {
        s.mail = settings;
        s.public_url = PUBLIC_URL.to_owned();
    })
    .await?;
    Some((app, smtp))
}

/// Waits until the server holds `count` messages (sending runs in the background).
async fn wait_for_mail(smtp: &SmtpServer, count: usize) -> Vec<ReceivedMail> {
    let started = Instant::now();
    loop {
        let messages = smtp.messages();
        if messages.len() >= count || started.elapsed() > Duration::from_secs(15) {
            return messages;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The personal link of a message, as a path on the test server.
fn link_path(mail: &ReceivedMail) -> String {
    let start = mail.body.find(PUBLIC_URL).expect("a link to the service") + PUBLIC_URL.len();
    let end = mail.body[start..]
        .find(char::is_whitespace)
        .map_or(mail.body.len(), |e| start + e);
    mail.body[start..end].to_owned()
}

async fn upload(app: &TestApp, slug: &str, addresses: &str) -> reqwest::Response {
    let page = format!("/admin/waves/{slug}/invitations");
    app.post_form(&page, &page, &[("addresses", addresses)])
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_reach_each_person_once_and_reminders_only_those_who_have_not_answered_sqlite()
{
    invitations_reach_each_person(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_reach_each_person_once_and_reminders_only_those_who_have_not_answered_postgres()
 {
    invitations_reach_each_person(Backend::Postgres).await;
}

async fn invitations_reach_each_person(backend: Backend) {
    let Some((app, smtp)) = app_with_mail(backend).await else {
        return;
    };
    app.sign_in_as(Role::Admin).await;
    let wave = create_wave(&app, "staff-safety", "personal-2026", Access::Invite).await;

    // A list with a bad line is refused whole, naming the line and what is wrong.
    let r = upload(
        &app,
        "personal-2026",
        "anna@kommun.example\nanna.kommun.example\n",
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("body");
    assert!(
        html.contains("rad 2: &quot;anna.kommun.example&quot; är inte en e-postadress")
            && html.contains("error-summary"),
        "{html}"
    );
    let none = invitation::Entity::find().all(&app.db).await.expect("rows");
    assert!(none.is_empty(), "nothing is stored from a refused list");

    let list = "email\nanna@kommun.example\nbo@kommun.example\nANNA@kommun.example\nnobody@rejected.example\nlater@busy.example\n";
    let r = upload(&app, "personal-2026", list).await;
    assert_eq!(r.status(), 303);
    let mails = wait_for_mail(&smtp, 2).await;
    assert_eq!(mails.len(), 2, "one each for anna and bo");
    let to: Vec<&str> = mails.iter().map(|m| m.envelope_to.as_str()).collect();
    assert!(
        to.contains(&"anna@kommun.example") && to.contains(&"bo@kommun.example"),
        "{to:?}"
    );
    for mail in &mails {
        assert!(
            mail.subject.contains("arbetet") || mail.subject.contains("work"),
            "{}",
            mail.subject
        );
        assert!(
            link_path(mail).starts_with("/s/personal-2026?t="),
            "{}",
            mail.body
        );
    }

    // Failures are reported on the page by kind, without any address.
    let page = wait_for_summary(&app, "personal-2026", |html| html.contains("550")).await;
    for secret in [
        "nobody",
        "rejected.example",
        "later@",
        "busy.example",
        "anna@",
        "bo@",
    ] {
        assert!(!page.contains(secret), "{secret} shown on the page");
    }
    let failed = invitation::Entity::find()
        .filter(invitation::Column::Status.eq("failed"))
        .all(&app.db)
        .await
        .expect("rows");
    assert_eq!(failed.len(), 1, "the permanent refusal is given up");
    let retrying = invitation::Entity::find()
        .filter(invitation::Column::Status.eq("pending"))
        .all(&app.db)
        .await
        .expect("rows");
    assert_eq!(
        retrying.len(),
        1,
        "the temporary refusal waits for another try"
    );
    assert!(
        retrying[0]
            .next_attempt_at
            .is_some_and(|t| t > trygg::util::now())
    );
    assert!(
        retrying[0]
            .last_error
            .as_deref()
            .is_some_and(|e| !e.contains('@'))
    );
    // The admin reads both failures in Swedish, the server's own words after them.
    let page = app
        .get("/admin/waves/personal-2026/invitations?lang=sv")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("E-postservern tog inte emot meddelandet (serverns svar: 5"),
        "{page}"
    );
    assert!(
        page.contains("E-postservern gick inte att nå eller bad om att få vänta"),
        "{page}"
    );
    assert!(!page.contains("the mail server"), "{page}");

    // Anna answers through her link (twice opened: the link works until she submits).
    let anna = mails
        .iter()
        .find(|m| m.envelope_to == "anna@kommun.example")
        .expect("anna's mail");
    let link = link_path(anna);
    let browser = app.other_browser();
    let html = browser
        .get(app.url(&link))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(html.contains("/start"), "the link opens the form");
    crate::form::answer_via_start(&app, &browser, &html, "personal-2026").await;
    assert_eq!(stored_responses(&app).await, 1);
    let again = browser
        .get(app.url(&link))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let csrf = csrf_in(&again).expect("csrf");
    let t = link.split("t=").nth(1).expect("token");
    let r = browser
        .post(app.url("/s/personal-2026/start"))
        .form(&[("_csrf", csrf.as_str()), ("t", t)])
        .send()
        .await
        .expect("POST");
    assert_eq!(r.status(), 403, "the link is used up once answered");

    // A reminder goes to Bo only.
    let page = "/admin/waves/personal-2026/invitations";
    let r = app
        .post_form(page, "/admin/waves/personal-2026/reminders", &[])
        .await;
    assert_eq!(r.status(), 303);
    let mails = wait_for_mail(&smtp, 3).await;
    assert_eq!(mails.len(), 3);
    let reminder = &mails[2];
    assert_eq!(reminder.envelope_to, "bo@kommun.example");
    assert!(
        reminder.subject.starts_with("Påminnelse"),
        "{}",
        reminder.subject
    );
    // Both of Bo's links work until he answers.
    for mail in mails
        .iter()
        .filter(|m| m.envelope_to == "bo@kommun.example")
    {
        let html = app
            .other_browser()
            .get(app.url(&link_path(mail)))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert!(html.contains("name=\"t\""), "{}", link_path(mail));
    }

    // Closing the wave deletes every address.
    trygg::store::waves::close(&app.db, "personal-2026", "test")
        .await
        .expect("close");
    let rows = invitation::Entity::find()
        .filter(invitation::Column::WaveId.eq(wave.id.as_str()))
        .all(&app.db)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 4);
    assert!(
        rows.iter().all(|r| r.email.is_none()),
        "addresses deleted on close"
    );
    assert_eq!(rows.iter().filter(|r| r.answered).count(), 1);
}

async fn wait_for_summary(app: &TestApp, slug: &str, done: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let html = app
            .get(&format!("/admin/waves/{slug}/invitations"))
            .await
            .text()
            .await
            .expect("body");
        if done(&html) || started.elapsed() > Duration::from_secs(15) {
            return html;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
