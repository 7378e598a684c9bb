//! The yearly follow-up of a citizen promise (medborgarlöfte): whether it was kept that year and
//! what was done, as the promise's form holds it. The promise itself is part of its agreement
//! file (`crate::agreement::Promise`).

use serde::Deserialize;

use super::{FormProblems, MAX_TEXT, clean_text};
use crate::i18n::Lang;

/// How a promise stood in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseState {
    Kept,
    Partly,
    NotKept,
    /// The year is not over yet.
    Ongoing,
}

impl PromiseState {
    pub const ALL: [PromiseState; 4] = [
        PromiseState::Kept,
        PromiseState::Partly,
        PromiseState::NotKept,
        PromiseState::Ongoing,
    ];

    pub fn id(self) -> &'static str {
        match self {
            PromiseState::Kept => "kept",
            PromiseState::Partly => "partly",
            PromiseState::NotKept => "not_kept",
            PromiseState::Ongoing => "ongoing",
        }
    }

    pub fn parse(id: &str) -> Option<PromiseState> {
        PromiseState::ALL.into_iter().find(|s| s.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (sv, en) = match self {
            PromiseState::Kept => ("Hållet", "Kept"),
            PromiseState::Partly => ("Delvis hållet", "Partly kept"),
            PromiseState::NotKept => ("Inte hållet", "Not kept"),
            PromiseState::Ongoing => ("Pågår", "Ongoing"),
        };
        lang.pick(sv, en)
    }

    /// The promise's verdict over its years: kept only when every year with a follow-up was
    /// kept; not kept when any year was not; partly otherwise. `None` without follow-ups; a
    /// year still going makes it ongoing unless a year already broke it.
    pub fn overall(years: impl IntoIterator<Item = PromiseState>) -> Option<PromiseState> {
        let states: Vec<PromiseState> = years.into_iter().collect();
        if states.is_empty() {
            return None;
        }
        let any = |s: PromiseState| states.contains(&s);
        Some(if any(PromiseState::NotKept) {
            PromiseState::NotKept
        } else if any(PromiseState::Ongoing) {
            PromiseState::Ongoing
        } else if states.iter().all(|s| *s == PromiseState::Kept) {
            PromiseState::Kept
        } else {
            PromiseState::Partly
        })
    }
}

/// The follow-up form of a promise's year, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PromiseFollowUpForm {
    pub state: String,
    pub note: String,
}

/// A checked follow-up of a promise's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseFollowUp {
    pub state: PromiseState,
    pub note: String,
}

impl PromiseFollowUpForm {
    pub fn parse(&self) -> Result<PromiseFollowUp, FormProblems> {
        let mut p = FormProblems::default();
        let state = PromiseState::parse(self.state.trim());
        if state.is_none() {
            p.add(
                "state-kept",
                "Välj hur löftet höll det här året.",
                "Choose how the promise held this year.",
            );
        }
        let note = clean_text(&self.note);
        if note.is_empty() {
            p.add(
                "note",
                "Skriv vad som gjordes för löftet det här året.",
                "Write what was done for the promise this year.",
            );
        } else if note.chars().count() > MAX_TEXT {
            p.add(
                "note",
                format!("Texten får vara högst {MAX_TEXT} tecken."),
                format!("The text must be at most {MAX_TEXT} characters."),
            );
        }
        match state {
            Some(state) => p.or(PromiseFollowUp { state, note }),
            None => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_promise_is_kept_only_when_every_year_was() {
        use PromiseState::*;
        assert_eq!(PromiseState::overall([]), None);
        assert_eq!(PromiseState::overall([Kept, Kept]), Some(Kept));
        assert_eq!(PromiseState::overall([Kept, Partly]), Some(Partly));
        assert_eq!(PromiseState::overall([Kept, Ongoing]), Some(Ongoing));
        assert_eq!(PromiseState::overall([NotKept, Ongoing]), Some(NotKept));
        for s in PromiseState::ALL {
            assert_eq!(PromiseState::parse(s.id()), Some(s));
        }
    }

    #[test]
    fn a_follow_up_needs_a_state_and_words() {
        let problems = PromiseFollowUpForm::default().parse().expect_err("empty");
        let fields: Vec<&str> = problems.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["state-kept", "note"]);
        let ok = PromiseFollowUpForm {
            state: "partly".into(),
            note: "  Två av tre aktiviteter.\r\n ".into(),
        }
        .parse()
        .expect("valid");
        assert_eq!(ok.state, PromiseState::Partly);
        assert_eq!(ok.note, "Två av tre aktiviteter.");
    }
}
