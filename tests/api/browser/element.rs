//! Elements found on the page: clicking, typing, reading.

use std::fmt;

use serde_json::{Value, json};

use super::string;
use super::webdriver::{ELEMENT_KEY, Session};

/// An element found on the current page (stale once the browser leaves it).
#[derive(Clone)]
pub struct Element {
    session: Session,
    id: String,
    /// How it was found, for messages.
    css: String,
}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Element(`{}`)", self.css)
    }
}

impl Element {
    pub(super) fn new(session: Session, id: &str, css: &str) -> Element {
        Element {
            session,
            id: id.to_owned(),
            css: css.to_owned(),
        }
    }

    pub async fn click(&self) {
        self.post("click", "/click", json!({})).await;
    }

    /// Types `text` into the element (focusing it first); see [`super::keys`] for special keys.
    pub async fn send_keys(&self, text: &str) {
        self.post("type into", "/value", json!({"text": text}))
            .await;
    }

    /// Empties a text field.
    pub async fn clear(&self) {
        self.post("clear", "/clear", json!({})).await;
    }

    /// The rendered text, as a reader sees it.
    pub async fn text(&self) -> String {
        string(self.get("read the text of", "/text").await)
    }

    /// The attribute as written in the page, `None` when absent.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        let what = format!("read attribute {name} of");
        let value = self.get(&what, &format!("/attribute/{name}")).await;
        value.as_str().map(str::to_owned)
    }

    /// A DOM property: the live state, such as `value` of a field or `checked` of a box.
    pub async fn property(&self, name: &str) -> Value {
        let what = format!("read property {name} of");
        self.get(&what, &format!("/property/{name}")).await
    }

    /// Whether a checkbox or radio button is checked, or an option selected.
    pub async fn is_selected(&self) -> bool {
        let selected = self.get("check the state of", "/selected").await;
        selected.as_bool().unwrap_or(false)
    }

    /// This element as an argument for [`super::Browser::execute`].
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    async fn get(&self, what: &str, path: &str) -> Value {
        let path = format!("/element/{}{path}", self.id);
        self.session
            .get(&format!("{what} `{}`", self.css), &path)
            .await
    }

    async fn post(&self, what: &str, path: &str, body: Value) -> Value {
        let path = format!("/element/{}{path}", self.id);
        let what = format!("{what} `{}`", self.css);
        self.session.post(&what, &path, body).await
    }
}
