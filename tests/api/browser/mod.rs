//! Real-browser tests: headless Chromium driven by chromedriver over W3C WebDriver, which is plain
//! HTTP and JSON, so a small client of our own is enough. Every [`Browser`] has its own
//! chromedriver on its own port and its own empty profile, so browser tests run in parallel.
//!
//! Commands that must work panic with the WebDriver error and the page the browser was on, so a
//! failing test explains itself; searches that may fail ([`Browser::try_find`], [`tab_until`])
//! return what they found.

mod element;
mod keyboard;
mod tests;
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};

pub use element::Element;
pub use keyboard::{keys, tab_until};
use webdriver::{Driver, Session};

use crate::helpers::{Backend, TestApp, spawn_app};

/// Chromium's switches: headless, and nothing that reaches for the network on its own (the
/// machine has none) or depends on the machine's profile.
const CHROMIUM_ARGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // Containers often have a tiny /dev/shm; Chromium crashes when it runs out.
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
];

// One definition of "running in CI" for every skip-or-fail decision in the tests.
pub use crate::helpers::in_ci;

/// A fresh headless Chromium, or `None` (after a loud SKIP line) when chromedriver is not
/// installed and `CI` is not set. In CI a missing chromedriver fails the test.
pub async fn browser() -> Option<Browser> {
    let Some(driver) = chromedriver() else {
        assert!(
            !in_ci(),
            "CI is set but chromedriver is not installed: install the Debian packages chromium and \
             chromium-driver (.ci/run does) or point TRYGG_CHROMEDRIVER at it"
        );
        eprintln!(
            "SKIP browser test: chromedriver not found (apt-get install chromium chromium-driver); \
             with CI set this is a failure"
        );
        return None;
    };
    match Browser::start(&driver).await {
        Ok(browser) => Some(browser),
        Err(e) => panic!("cannot start the browser: {e}"),
    }
}

/// The application on SQLite and a browser for it; `None` when browser tests are skipped.
pub async fn app_and_browser() -> Option<(TestApp, Browser)> {
    let browser = browser().await?;
    let app = spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    Some((app, browser))
}

/// Creates a user with `role` and the test password and signs the browser in through the login
/// form, which then goes to `path`.
pub async fn sign_in_as(
    browser: &Browser,
    app: &TestApp,
    email: &str,
    role: trygg::accounts::Role,
    path: &str,
) {
    app.add_user(email, role, None).await;
    browser.goto(&app.url(&format!("/login?next={path}"))).await;
    browser.find("#email").await.send_keys(email).await;
    browser
        .find("#password")
        .await
        .send_keys(crate::helpers::PASSWORD)
        .await;
    let sign_in = browser.find("main button[type=submit]").await;
    browser.navigate_by(sign_in.click()).await;
}

/// `TRYGG_CHROMEDRIVER`, else `chromedriver` on the `PATH` or in /usr/bin.
fn chromedriver() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TRYGG_CHROMEDRIVER") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

/// One headless Chromium session. Dropping it quits the browser and stops its chromedriver.
pub struct Browser {
    session: Session,
    session_id: String,
    browser_pid: Option<u64>,
    driver: Driver,
    /// The profile and the temporary files of chromedriver and Chromium.
    _dir: tempfile::TempDir,
}

impl Browser {
    async fn start(chromedriver: &Path) -> Result<Browser, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
        let (profile, tmp) = (dir.path().join("profile"), dir.path().join("tmp"));
        std::fs::create_dir(&tmp).map_err(|e| format!("temporary directory: {e}"))?;
        let http = reqwest::Client::builder()
            // Longer than the page-load and script timeouts below, so those report first.
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let driver = Driver::start(chromedriver, &tmp, &http).await?;
        let chromium =
            std::env::var("TRYGG_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
            "timeouts": {"implicit": 0, "pageLoad": 20_000, "script": 20_000},
        }}});
        let created = driver
            .new_session(&http, capabilities)
            .await
            .map_err(|e| format!("chromedriver could not start {chromium}: {e}"))?;
        let session_id = created["sessionId"]
            .as_str()
            .ok_or_else(|| format!("no session id in {created}"))?
            .to_owned();
        Ok(Browser {
            session: Session::new(http, driver.port(), &session_id),
            session_id,
            browser_pid: created["capabilities"]["goog:processID"].as_u64(),
            driver,
            _dir: dir,
        })
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&self, url: &str) {
        let what = format!("go to {url}");
        self.session.post(&what, "/url", json!({"url": url})).await;
    }

    /// Runs `action`, which leads to another page (a click on a submit button or a link, Enter in
    /// a form), and waits until that page has loaded: a click returns before the browser has
    /// even sent the form. Not for links within the page, which load no new page.
    pub async fn navigate_by<T>(&self, action: impl Future<Output = T>) -> T {
        // A mark on this page's window; the next page's window has none.
        self.execute("window.tryggLeft = true;", &[]).await;
        let done = action.await;
        let deadline = Instant::now() + Duration::from_secs(20);
        let state =
            json!({"script": "return window.tryggLeft ? 'old' : document.readyState;", "args": []});
        // While the page changes, scripts may fail: keep asking.
        while self
            .session
            .call(Method::POST, "/execute/sync", Some(state.clone()))
            .await
            != Ok(json!("complete"))
        {
            if Instant::now() > deadline {
                let url = self.current_url().await;
                panic!("browser: no new page loaded within 20 s after the action on {url}");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        done
    }

    pub async fn title(&self) -> String {
        string(self.session.get("read the title", "/title").await)
    }

    pub async fn current_url(&self) -> String {
        string(self.session.get("read the address", "/url").await)
    }

    /// The page as the browser holds it now (after any DOM changes).
    pub async fn page_source(&self) -> String {
        string(self.session.get("read the page", "/source").await)
    }

    /// The first element matching the CSS selector; panics when there is none.
    pub async fn find(&self, css: &str) -> Element {
        let what = format!("find `{css}`");
        let found = self.session.post(&what, "/element", by_css(css)).await;
        self.session.element(&found, css)
    }

    /// The first element matching the CSS selector, if there is one.
    pub async fn try_find(&self, css: &str) -> Option<Element> {
        self.find_all(css).await.into_iter().next()
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        let what = format!("find all `{css}`");
        let found = self.session.post(&what, "/elements", by_css(css)).await;
        let all = found.as_array().map(Vec::as_slice).unwrap_or_default();
        all.iter().map(|e| self.session.element(e, css)).collect()
    }

    /// The element that has the keyboard focus (the body when nothing has).
    pub async fn active_element(&self) -> Element {
        let found = self.session.get("find the focus", "/element/active").await;
        self.session.element(&found, "(focused element)")
    }

    /// Types `keys` into whatever has the focus, as a keyboard would: characters and [`keys`]
    /// codes. Modifiers stay down until the end of `keys`, so `SHIFT` then `TAB` moves back.
    pub async fn press_keys(&self, keys: &str) {
        let actions = json!({"actions": [
            {"type": "key", "id": "keyboard", "actions": keyboard::key_actions(keys)}
        ]});
        let what = format!("press {keys:?}");
        self.session.post(&what, "/actions", actions).await;
        self.session.delete("release the keys", "/actions").await;
    }

    /// Runs `script` as the body of a function with `args` (`arguments[0]`, …) and returns what
    /// it returns. Pass elements with [`Element::as_arg`]. WebDriver scripts run even under the
    /// pages' script-free Content-Security-Policy.
    pub async fn execute(&self, script: &str, args: &[Value]) -> Value {
        let body = json!({"script": script, "args": args});
        self.session
            .post("run a script", "/execute/sync", body)
            .await
    }

    /// Like [`Browser::execute`], but the result is what the script passes to its last argument,
    /// a callback: `const done = arguments[arguments.length - 1]; … done(result);`.
    pub async fn execute_async(&self, script: &str, args: &[Value]) -> Value {
        let body = json!({"script": script, "args": args});
        let what = "run an asynchronous script";
        self.session.post(what, "/execute/async", body).await
    }

    /// Loads the page again, as the browser's reload button does.
    pub async fn refresh(&self) {
        self.session
            .post("reload the page", "/refresh", json!({}))
            .await;
    }

    /// Lays pages out for a screen `width` CSS pixels wide (a phone), as Chromium's device
    /// emulation does: it holds for every page this browser opens until it is changed.
    pub async fn emulate_width(&self, width: u32) {
        let body = json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
            "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": true,
        }});
        self.session
            .post("emulate a screen width", "/goog/cdp/execute", body)
            .await;
    }

    /// How much wider than the window the page is, in CSS pixels (0 when nothing makes it
    /// scroll sideways): WCAG 2.1 reflow, judged at 320 px.
    pub async fn sideways_overflow(&self) -> i64 {
        let wider = self
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                &[],
            )
            .await;
        wider.as_i64().unwrap_or(i64::MAX)
    }

    /// Saves a PNG of the window, for looking at a failing page.
    pub async fn screenshot(&self, path: &Path) {
        let encoded = string(self.session.get("take a screenshot", "/screenshot").await);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("WebDriver screenshots are base64");
        std::fs::write(path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium outlives a killed chromedriver, so quit it first (or kill it if that fails).
        if self.driver.end_session(&self.session_id).is_err()
            && let Some(pid) = self.browser_pid
        {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

fn by_css(css: &str) -> Value {
    json!({"using": "css selector", "value": css})
}

fn string(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}
