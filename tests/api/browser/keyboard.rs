//! The keyboard: key codes, key presses as WebDriver actions, and moving the focus with Tab.

use std::fmt;

use serde_json::{Value, json};

use super::{Browser, Element};

/// WebDriver's codes for keys without a character, for [`Browser::press_keys`] and
/// [`Element::send_keys`]. Modifiers stay pressed until the end of the string or [`NULL`].
#[allow(dead_code, reason = "the whole keyboard, for the tests that need it")]
pub mod keys {
    /// Releases the modifiers held so far.
    pub const NULL: &str = "\u{E000}";
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ALT: &str = "\u{E00A}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const SPACE: &str = "\u{E00D}";
    pub const ARROW_LEFT: &str = "\u{E012}";
    pub const ARROW_UP: &str = "\u{E013}";
    pub const ARROW_RIGHT: &str = "\u{E014}";
    pub const ARROW_DOWN: &str = "\u{E015}";
    pub const META: &str = "\u{E03D}";

    pub(super) const MODIFIERS: [&str; 4] = [SHIFT, CONTROL, ALT, META];
}

/// Presses Tab until the focused element matches `css`, at most `max_tabs` times (checking first,
/// so an element that has the focus already counts). The error tells where the focus went.
pub async fn tab_until(
    browser: &Browser,
    css: &str,
    max_tabs: usize,
) -> Result<Element, NotReached> {
    // Whether the focus matches, and a short description of it for the error.
    const FOCUS: &str = "const a = document.activeElement;
        if (!a) return [false, '(nothing)'];
        let d = a.tagName.toLowerCase() + (a.id ? '#' + a.id : '');
        for (const c of a.classList) d += '.' + c;
        const t = a === document.body ? '' : a.matches('input, select, textarea')
            ? a.name : (a.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 30);
        return [a.matches(arguments[0]), t ? d + ' \"' + t + '\"' : d];";
    let mut path = Vec::new();
    for presses in 0..=max_tabs {
        if presses > 0 {
            browser.press_keys(keys::TAB).await;
        }
        let focus = browser.execute(FOCUS, &[json!(css)]).await;
        if focus[0] == true {
            return Ok(browser.active_element().await);
        }
        path.push(focus[1].as_str().unwrap_or("?").to_owned());
    }
    Err(NotReached {
        css: css.to_owned(),
        max_tabs,
        url: browser.current_url().await,
        path,
    })
}

/// Why [`tab_until`] gave up: where the focus went instead.
pub struct NotReached {
    pub css: String,
    pub max_tabs: usize,
    pub url: String,
    /// The focused element before the first Tab and after each.
    pub path: Vec<String>,
}

impl fmt::Display for NotReached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` not reached with {} Tab presses on {}; the focus went: {}",
            self.css,
            self.max_tabs,
            self.url,
            self.path.join(" → ")
        )
    }
}

// `expect` prints the Debug form: as readable as the Display form.
impl fmt::Debug for NotReached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Key-down and key-up actions for `keys`; modifiers are held until the end or a NULL key.
pub(super) fn key_actions(keys: &str) -> Vec<Value> {
    let down = |key: &str| json!({"type": "keyDown", "value": key});
    let up = |key: &str| json!({"type": "keyUp", "value": key});
    let mut actions = Vec::new();
    let mut held: Vec<String> = Vec::new();
    for c in keys.chars() {
        let key = c.to_string();
        if key == keys::NULL {
            actions.extend(held.drain(..).rev().map(|m| up(&m)));
        } else if keys::MODIFIERS.contains(&key.as_str()) {
            actions.push(down(&key));
            held.push(key);
        } else {
            actions.extend([down(&key), up(&key)]);
        }
    }
    actions.extend(held.iter().rev().map(|m| up(m)));
    actions
}

#[test]
fn modifiers_are_held_until_the_end_of_the_keys_or_a_null_key() {
    let steps = |keys: &str| -> Vec<String> {
        key_actions(keys)
            .iter()
            .map(|a| {
                let key = a["value"].as_str().unwrap_or("?");
                format!(
                    "{} {}",
                    a["type"].as_str().unwrap_or("?"),
                    key.escape_unicode()
                )
            })
            .collect()
    };
    let shift_tab_a = format!("{}{}a", keys::SHIFT, keys::TAB);
    assert_eq!(
        steps(&shift_tab_a),
        [
            "keyDown \\u{e008}",
            "keyDown \\u{e004}",
            "keyUp \\u{e004}",
            "keyDown \\u{61}",
            "keyUp \\u{61}",
            "keyUp \\u{e008}",
        ]
    );
    let released = format!("{}{}b", keys::SHIFT, keys::NULL);
    assert_eq!(
        steps(&released),
        [
            "keyDown \\u{e008}",
            "keyUp \\u{e008}",
            "keyDown \\u{62}",
            "keyUp \\u{62}",
        ]
    );
}
