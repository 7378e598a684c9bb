//! `spawn_app()`: a migrated fresh database and the application on a random loopback port.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use trygg::accounts::{self, NewUser, Role};
use trygg::config::Settings;

/// Runs a test body on SQLite and, when `TEST_DATABASE_URL` is set, on PostgreSQL: for
/// `async fn name(app: TestApp)` it makes the tests `name::sqlite` and `name::postgres`. Without
/// `TEST_DATABASE_URL` the PostgreSQL variant is skipped with a message, except under CI where
/// it fails (see `postgres_admin_url`).
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

/// The repository's agreement folder.
pub fn agreements_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("agreements")
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
            let admin_url = postgres_admin_url()?;
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

/// True when running in CI (`CI` set, not empty, not `0` or `false`), where a missing test tool
/// or database is an error rather than a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Whether `strace` runs here; `false` means skip the check it is for (a failure under CI).
pub fn strace_available(check: &str) -> bool {
    if std::process::Command::new("strace")
        .arg("-V")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(!in_ci(), "CI is set but strace is not installed");
    eprintln!("SKIP {check}: strace not found (apt-get install strace)");
    false
}

/// `TEST_DATABASE_URL`, or `None` to skip the PostgreSQL variant locally. Under CI ([`in_ci`]) a
/// missing URL fails the test: a green run there must mean both databases were tested, not that
/// every PostgreSQL variant quietly skipped itself.
fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty());
    if url.is_none() && in_ci() {
        panic!(
            "CI is set but TEST_DATABASE_URL is not: the PostgreSQL variants must run under CI \
             (set TEST_DATABASE_URL=postgres://USER@HOST:PORT/DB)"
        );
    }
    url
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
        agreements_dir: agreements_dir(),
        bind: "127.0.0.1:0".parse().expect("address"),
        ..Settings::default()
    }
}

/// The application on a random port with a fresh migrated database; `None` for PostgreSQL when
/// `TEST_DATABASE_URL` is not set (a panic instead under CI).
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

/// A real SMTP server — Python's aiosmtpd with its Maildir handler — on a free loopback port,
/// storing what it accepts in a fresh temporary Maildir; stopped when dropped. Like real servers,
/// it refuses recipients at `rejected.example` for good (550) and at `busy.example` for now (451),
/// quoting the address in its reply.
pub struct SmtpServer {
    pub port: u16,
    maildir: PathBuf,
    python: String,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

/// One message as the server stored it, decoded by Python's `email` package: a parser
/// independent of lettre, so encoding mistakes show.
#[derive(Debug, serde::Deserialize)]
pub struct ReceivedMail {
    /// The `To` header, decoded.
    pub to: String,
    /// The recipients the server accepted (`RCPT TO`).
    pub envelope_to: String,
    pub from: String,
    pub subject: String,
    /// The text/plain body, decoded, with `\n` line ends.
    pub body: String,
    /// E.g. `text/plain; charset=utf-8`.
    pub content_type: String,
}

/// aiosmtpd's Maildir handler, plus the refusals described at [`SmtpServer`].
const SMTP_HANDLER: &str = r#"
from aiosmtpd.handlers import Mailbox


class Handler(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "rejected.example":
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if domain == "busy.example":
            return f"451 4.3.0 <{address}>: Temporary lookup failure"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"
"#;

/// Prints the Maildir's messages (new/ and cur/, oldest first) as a JSON list.
const READ_MAILDIR: &str = r#"
import email, email.policy, json, os, sys

paths = []
for sub in ("new", "cur"):
    folder = os.path.join(sys.argv[1], sub)
    if os.path.isdir(folder):
        paths += [os.path.join(folder, name) for name in os.listdir(folder)]
paths.sort(key=lambda p: (os.stat(p).st_mtime_ns, p))
out = []
for path in paths:
    with open(path, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    part = m.get_body(preferencelist=("plain",))
    out.append({
        "to": str(m.get("To", "")),
        "envelope_to": str(m.get("X-RcptTo", "")),
        "from": str(m.get("From", "")),
        "subject": str(m.get("Subject", "")),
        "body": part.get_content().replace("\r\n", "\n") if part is not None else "",
        "content_type": f"{m.get_content_type()}; charset={m.get_content_charset()}",
    })
json.dump(out, sys.stdout)
"#;

/// Starts a [`SmtpServer`]. `None` (with a SKIP line on the terminal) only when aiosmtpd is not
/// installed and `CI` is unset; in CI a missing or broken aiosmtpd fails the test.
pub async fn smtp_server() -> Option<SmtpServer> {
    let Some(python) = python_with_aiosmtpd() else {
        if in_ci() {
            panic!(
                "CI is set but aiosmtpd is not installed: apt-get install python3-aiosmtpd \
                 (.ci/run does this)"
            );
        }
        // Straight to stderr: the test harness captures eprintln!, and a skip must be seen.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"\n*** SKIP: aiosmtpd is not installed (apt-get install python3-aiosmtpd): \
              SMTP test not run ***\n",
        );
        return None;
    };
    // Another process may take the free port between our probe and aiosmtpd's bind: try again.
    let mut last_error = String::new();
    for _ in 0..3 {
        match start_aiosmtpd(&python).await {
            Ok(server) => return Some(server),
            Err(e) => last_error = e,
        }
    }
    panic!("aiosmtpd did not start: {last_error}");
}

/// Debian's package installs for the system Python, which need not be the first `python3` on
/// PATH (pyenv, venvs).
fn python_with_aiosmtpd() -> Option<String> {
    ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|python| {
            std::process::Command::new(python)
                .args(["-c", "import aiosmtpd"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        })
        .map(str::to_owned)
}

async fn start_aiosmtpd(python: &str) -> Result<SmtpServer, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    std::fs::write(dir.path().join("trygg_test_smtp.py"), SMTP_HANDLER)
        .map_err(|e| format!("handler file: {e}"))?;
    let log_path = dir.path().join("aiosmtpd.log");
    let log = std::fs::File::create(&log_path).map_err(|e| format!("log file: {e}"))?;
    let log_err = log.try_clone().map_err(|e| format!("log file: {e}"))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|probe| probe.local_addr())
        .map_err(|e| format!("free port: {e}"))?
        .port();
    let maildir = dir.path().join("maildir");
    let child = std::process::Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "trygg_test_smtp.Handler"])
        .arg(&maildir)
        .env("PYTHONPATH", dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|e| format!("{python} -m aiosmtpd: {e}"))?;
    let mut server = SmtpServer {
        port,
        maildir,
        python: python.to_owned(),
        child,
        _dir: dir,
    };
    let log_text = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return Err(format!("aiosmtpd exited ({status}): {}", log_text()));
        }
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(server);
        }
        if std::time::Instant::now() > deadline {
            return Err(format!(
                "aiosmtpd accepts no connection on port {port} after 15 s: {}",
                log_text()
            ));
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

impl SmtpServer {
    /// Mail settings that send to this server (plain SMTP, no login).
    pub fn mail_settings(&self) -> trygg::config::MailSettings {
        trygg::config::MailSettings {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            tls: trygg::config::MailTls::None,
            ..trygg::config::MailSettings::default()
        }
    }

    /// Every message the server has stored, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let output = std::process::Command::new(&self.python)
            .args(["-c", READ_MAILDIR])
            .arg(&self.maildir)
            .output()
            .expect("run the Maildir reader");
        assert!(
            output.status.success(),
            "reading the Maildir failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("the reader's JSON")
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
