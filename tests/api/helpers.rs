//! `spawn_app()`: a migrated fresh database and the application on a random loopback port.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use trygg::accounts::{self, NewUser, Role};
use trygg::config::Settings;

/// Runs a test body on SQLite and, when `TEST_DATABASE_URL` is set, on PostgreSQL: for
/// `async fn name(app: TestApp)` it makes the tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite)
                    .await
                    .expect("SQLite is always available");
                super::$name(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!("TEST_DATABASE_URL is not set: PostgreSQL variant not run"),
                }
            }
        }
    )*};
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub db: DatabaseConnection,
    pub database_url: String,
    /// A browser-like client: keeps cookies, does not follow redirects.
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
    pg: Option<PgDatabase>,
}

/// The repository's questionnaire folder.
pub fn surveys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys")
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A fresh database URL for `backend`, and what to drop afterwards.
pub async fn fresh_database(backend: Backend, dir: &Path) -> Option<(String, Option<PgDatabase>)> {
    match backend {
        Backend::Sqlite => Some((
            format!("sqlite://{}?mode=rwc", dir.join("trygg.db").display()),
            None,
        )),
        Backend::Postgres => {
            let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
            let name = format!("trygg_t_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            let _ = admin.close().await;
            let url = with_database(&admin_url, &name);
            Some((url, Some(PgDatabase { admin_url, name })))
        }
    }
}

/// Replaces the database name (the path) of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        // Dropping needs async I/O; the test's runtime may be shutting down, so use our own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(admin) = Database::connect(&url).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}

pub fn test_settings(database_url: &str) -> Settings {
    Settings {
        database_url: database_url.to_owned(),
        surveys_dir: surveys_dir(),
        bind: "127.0.0.1:0".parse().expect("address"),
        ..Settings::default()
    }
}

/// The application on a random port with a fresh migrated database; `None` for PostgreSQL when
/// `TEST_DATABASE_URL` is not set.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// [`spawn_app`] with settings changed by `configure`.
pub async fn spawn_app_with(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg) = fresh_database(backend, dir.path()).await?;
    let mut settings = test_settings(&database_url);
    configure(&mut settings);
    let state = trygg::startup::build_state(settings)
        .await
        .expect("application state");
    let db = state.db.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(trygg::startup::serve(
        listener,
        state,
        std::future::pending(),
    ));
    Some(TestApp {
        address,
        db,
        database_url,
        client: browser(),
        _dir: dir,
        pg,
    })
}

pub const PASSWORD: &str = "a long enough password";

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// Posts a form as this client, adding the CSRF token from `form_page` (a GET first).
    pub async fn post_form(
        &self,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf_token(form_page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &token));
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    /// The CSRF token shown in the forms of a page.
    pub async fn csrf_token(&self, page: &str) -> String {
        let body = self.get(page).await.text().await.expect("body");
        csrf_in(&body).unwrap_or_else(|| panic!("no CSRF token on {page}"))
    }

    /// Creates a user directly in the database.
    pub async fn add_user(&self, email: &str, role: Role, school: Option<&str>) {
        let new = NewUser::parse(email, role, school).expect("valid user");
        let hash = accounts::hash_password(PASSWORD).expect("hash");
        trygg::store::users::add(&self.db, &new, hash, "test")
            .await
            .expect("add user");
    }

    /// Signs this client in as a new user with `role`.
    pub async fn sign_in_as(&self, role: Role) -> String {
        let email = format!("{}@kommun.example", role.as_str());
        let school = (role == Role::School).then_some("skola-1");
        self.add_user(&email, role, school).await;
        let response = self
            .post_form(
                "/login",
                "/login",
                &[("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), 303, "login as {role}");
        email
    }

    /// Signs `client` in through the login form (fetching its CSRF token first).
    pub async fn log_in(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
        next: Option<&str>,
    ) -> reqwest::Response {
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .expect("GET /login")
            .text()
            .await
            .expect("body");
        let token = csrf_in(&page).expect("CSRF token on /login");
        let mut fields = vec![
            ("email", email),
            ("password", password),
            ("_csrf", token.as_str()),
        ];
        if let Some(next) = next {
            fields.push(("next", next));
        }
        client
            .post(self.url("/login"))
            .form(&fields)
            .send()
            .await
            .expect("POST /login")
    }

    /// A second client (another browser) for the same app.
    pub fn other_browser(&self) -> reqwest::Client {
        browser()
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

#[test]
fn database_names_are_replaced_in_postgres_urls() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/test?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
