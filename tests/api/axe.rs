//! Accessibility checks: axe-core, injected into the page the browser shows, runs the WCAG 2.1
//! level A and AA rules. axe-core is an npm package installed outside the repository's files
//! (`.ci/run` does it; see [`AXE_DEFAULT`]).

use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::json;

use crate::browser::{Browser, in_ci};

/// Where `.ci/run` installs axe-core (`npm install --prefix .ci/axe`); `TRYGG_AXE_JS` overrides it.
pub const AXE_DEFAULT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/.ci/axe/node_modules/axe-core/axe.min.js"
);

/// The axe rule tags for WCAG 2.0 and 2.1, levels A and AA.
pub const WCAG_21_AA: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// One failed rule and the elements that fail it.
#[derive(Debug, Deserialize)]
pub struct Violation {
    /// The rule, such as `color-contrast`.
    pub id: String,
    /// minor, moderate, serious or critical.
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    pub nodes: Vec<ViolatingNode>,
}

#[derive(Debug, Deserialize)]
pub struct ViolatingNode {
    /// A CSS selector for the element (` >>> ` between frames or shadow roots).
    pub target: String,
    /// What to fix, in axe's words.
    pub summary: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let impact = self.impact.as_deref().unwrap_or("unknown impact");
        writeln!(f, "- {} ({impact}): {}", self.id, self.help)?;
        writeln!(f, "  {}", self.help_url)?;
        for node in &self.nodes {
            writeln!(f, "  at `{}`", node.target)?;
            for line in node.summary.lines() {
                writeln!(f, "      {line}")?;
            }
        }
        Ok(())
    }
}

/// Runs axe over the page the browser shows. Empty, after a loud SKIP line, when axe-core is not
/// installed and `CI` is not set; in CI a missing axe-core fails the test.
pub async fn axe_violations(browser: &Browser) -> Vec<Violation> {
    let Some(source) = axe_source() else {
        return Vec::new();
    };
    // Loaded once per page: the script defines `window.axe`, which lives until the next page.
    if browser.execute("return typeof window.axe;", &[]).await != "object" {
        browser.execute(source, &[]).await;
    }
    const RUN: &str = "const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
              nodes: v.nodes.map(n => ({
                  target: n.target.flat(Infinity).join(' >>> '),
                  summary: n.failureSummary || ''}))}))))
          .catch(e => done({error: String(e)}));";
    let result = browser.execute_async(RUN, &[json!(WCAG_21_AA)]).await;
    if let Some(error) = result.get("error") {
        panic!("axe-core failed: {error}");
    }
    serde_json::from_value(result.clone())
        .unwrap_or_else(|e| panic!("unexpected axe-core result ({e}): {result}"))
}

/// Panics, listing every violation with the failing elements, unless axe finds none on the page
/// the browser shows. `page` names it in the message.
pub async fn assert_no_violations(browser: &Browser, page: &str) {
    let violations = axe_violations(browser).await;
    if violations.is_empty() {
        return;
    }
    let url = browser.current_url().await;
    let list: String = violations.iter().map(ToString::to_string).collect();
    panic!(
        "{page} ({url}) breaks {} WCAG 2.1 A/AA rule(s):\n{list}",
        violations.len()
    );
}

/// Whether axe-core is there to run (after a loud SKIP line when it is not; in CI it must be).
pub fn installed() -> bool {
    axe_source().is_some()
}

/// The axe-core script, read once; `None` (after a SKIP line) when it is not installed.
fn axe_source() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        let path = std::env::var("TRYGG_AXE_JS").unwrap_or_else(|_| AXE_DEFAULT.to_owned());
        match std::fs::read_to_string(&path) {
            Ok(source) => Some(source),
            Err(e) => {
                assert!(
                    !in_ci(),
                    "CI is set but axe-core cannot be read from {path} ({e}): install it as .ci/run \
                     does (npm install --no-save --prefix .ci/axe axe-core@VERSION) or set \
                     TRYGG_AXE_JS"
                );
                None
            }
        }
    });
    if source.is_none() {
        eprintln!(
            "SKIP accessibility check: axe-core is not installed (see .ci/run: npm install \
             --no-save --prefix .ci/axe axe-core@VERSION); with CI set this is a failure"
        );
    }
    source.as_deref()
}
