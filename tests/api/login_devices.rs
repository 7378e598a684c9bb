//! Nobody locked out by someone else: OWASP's device cookies. Wrong passwords from one client
//! never stop the account's owner on a browser they signed in on before, while the guesser stays
//! throttled per address; a device cookie's own failures forget it, so a stolen one gives only a
//! few guesses. The table holds the cookie's hash and the account, nothing about the client.

use std::sync::Arc;

use sea_orm::{EntityTrait, PaginatorTrait};
use trygg::accounts::Role;
use trygg::entities::login_device;
use trygg::store::login_devices::{DEVICE_ATTEMPTS, DEVICE_DAYS};
use trygg::store::logins::FREE_ATTEMPTS;

use crate::db_tests;
use crate::helpers::{PASSWORD, TestApp, browser, csrf_in};

db_tests!(
    an_attackers_wrong_passwords_do_not_stop_the_owner_on_their_device,
    a_device_cookie_s_own_failures_lock_it,
    a_stolen_device_cookie_gives_only_a_few_guesses,
);

const EMAIL: &str = "anna@kommun.example";

/// The value of the cookie `name` that a response sets, with its attributes.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// Signs `client` in as the owner and out again, as someone does who leaves for the day; the
/// device cookie it was given.
async fn owner_signs_in_and_out(app: &TestApp, client: &reqwest::Client) -> String {
    let response = app.log_in(client, EMAIL, PASSWORD, None).await;
    let cookie = set_cookie(&response, "trygg_device").expect("a device cookie");
    sign_out(app, client, response).await;
    cookie
}

/// Signs the admin `client` out after the `login` that signed it in.
async fn sign_out(app: &TestApp, client: &reqwest::Client, login: reqwest::Response) {
    assert_eq!(login.status(), 303, "signed in");
    let page = client
        .get(app.url("/admin"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = csrf_in(&page).expect("CSRF token");
    let out = client
        .post(app.url("/logout"))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 303);
}

/// `n` wrong passwords for the owner's address from `client`, one after the other; the statuses.
async fn wrong_passwords(app: &TestApp, client: &reqwest::Client, n: usize) -> Vec<u16> {
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("GET /login")
        .text()
        .await
        .expect("body");
    let token = csrf_in(&page).expect("CSRF token");
    let mut statuses = Vec::new();
    for _ in 0..n {
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("email", EMAIL),
                ("password", "guess guess guess"),
                ("_csrf", token.as_str()),
            ])
            .send()
            .await
            .expect("POST /login");
        statuses.push(response.status().as_u16());
    }
    statuses
}

async fn an_attackers_wrong_passwords_do_not_stop_the_owner_on_their_device(app: TestApp) {
    app.add_user(EMAIL, Role::Admin, None).await;
    let owner = browser();
    let cookie = owner_signs_in_and_out(&app, &owner).await;
    for attribute in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/login",
        &format!("Max-Age={}", DEVICE_DAYS * 86_400),
    ] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    // The table holds a hash of the cookie and the account, nothing about the client.
    let value = cookie
        .trim_start_matches("trygg_device=")
        .split(';')
        .next()
        .expect("value");
    let rows = login_device::Entity::find()
        .all(&app.db)
        .await
        .expect("devices");
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].id, value);
    assert_eq!(rows[0].id, trygg::util::sha256_hex(value));
    assert_eq!(
        crate::anonymity::columns(&app.db, "login_devices").await,
        ["id", "user_id", "failures", "created_at", "expires_at"]
    );

    // Someone else guesses: 20 wrong passwords, throttled after the free ones.
    let attacker = browser();
    let statuses = wrong_passwords(&app, &attacker, 20).await;
    let free = usize::try_from(FREE_ATTEMPTS).expect("small");
    assert!(statuses[..free].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses[free..].iter().all(|s| *s == 429), "{statuses:?}");
    let response = app.log_in(&attacker, EMAIL, PASSWORD, None).await;
    assert_eq!(
        response.status(),
        429,
        "the guesser waits, right password or not"
    );

    // The owner, on the browser they signed in on before, is not stopped.
    let response = app.log_in(&owner, EMAIL, PASSWORD, None).await;
    assert_eq!(response.status(), 303, "the owner signs in");
    assert_eq!(
        set_cookie(&response, "trygg_device").as_deref(),
        Some(cookie.as_str()),
        "the same device cookie, renewed"
    );
    assert_eq!(
        owner
            .get(app.url("/admin"))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
    // …and another browser of theirs, never signed in on, waits like the guesser.
    let response = app.log_in(&browser(), EMAIL, PASSWORD, None).await;
    assert_eq!(response.status(), 429);
}

async fn a_device_cookie_s_own_failures_lock_it(app: TestApp) {
    app.add_user(EMAIL, Role::Admin, None).await;
    let owner = browser();
    owner_signs_in_and_out(&app, &owner).await;
    let attacker = browser();
    wrong_passwords(&app, &attacker, 8).await;

    // The device's own wrong passwords are checked and counted on the device, not refused
    // because of the guesser; a success starts the count again.
    for round in 0..3 {
        let statuses = wrong_passwords(&app, &owner, DEVICE_ATTEMPTS as usize - 1).await;
        assert!(
            statuses.iter().all(|s| *s == 401),
            "round {round}: {statuses:?}"
        );
        sign_out(
            &app,
            &owner,
            app.log_in(&owner, EMAIL, PASSWORD, None).await,
        )
        .await;
    }
    // A few too many, and the device is forgotten: the next attempt counts on the address,
    // which the guesser has locked.
    let statuses = wrong_passwords(&app, &owner, DEVICE_ATTEMPTS as usize).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let response = app.log_in(&owner, EMAIL, PASSWORD, None).await;
    assert_eq!(response.status(), 429);
    assert_eq!(
        login_device::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
}

async fn a_stolen_device_cookie_gives_only_a_few_guesses(app: TestApp) {
    app.add_user(EMAIL, Role::Admin, None).await;
    let owner = browser();
    let cookie = owner_signs_in_and_out(&app, &owner).await;
    let value = cookie
        .trim_start_matches("trygg_device=")
        .split(';')
        .next()
        .expect("value")
        .to_owned();

    // A thief with a copy of the cookie guesses, 20 at once.
    let url: reqwest::Url = app.url("/login").parse().expect("url");
    let jar = reqwest::cookie::Jar::default();
    jar.add_cookie_str(&format!("trygg_device={value}; Path=/login"), &url);
    let thief = reqwest::Client::builder()
        .cookie_provider(Arc::new(jar))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = thief
        .get(url.clone())
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let token = csrf_in(&page).expect("CSRF token");
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let request = thief
                .post(url.clone())
                .form(&[
                    ("email", EMAIL),
                    ("password", "guess guess guess"),
                    ("_csrf", token.as_str()),
                ])
                .send();
            tokio::spawn(async move { request.await.expect("login").status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.expect("task"));
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 20, "{statuses:?}");
    // The device's attempts, then the address's free ones: no more.
    let most = DEVICE_ATTEMPTS as usize + usize::try_from(FREE_ATTEMPTS).expect("small");
    assert!(checked <= most, "{checked} guesses checked: {statuses:?}");
    // The cookie is spent, for the thief and the owner alike.
    assert_eq!(
        login_device::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
}
