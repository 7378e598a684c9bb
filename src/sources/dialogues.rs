//! Dialogues of the lägesbild — medarbetardialoger, medborgardialoger, trygghetsvandringar — as
//! their form holds them: when, where (a district of the resident survey or the whole
//! municipality), the priority area, who took part as counts (never names) and what came up.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use crate::i18n::Lang;
use crate::plan::{FormProblems, MAX_TEXT, clean_text};

/// Most people one group of a dialogue may count (a large public meeting has a few hundred).
pub const MAX_PARTICIPANTS: i64 = 100_000;

/// What kind of dialogue it was.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DialogueKind {
    /// With the municipality's and the police's own staff.
    Staff,
    /// With residents.
    Residents,
    /// A safety walk through a district.
    SafetyWalk,
    Other,
}

impl DialogueKind {
    pub const ALL: [DialogueKind; 4] = [
        DialogueKind::Staff,
        DialogueKind::Residents,
        DialogueKind::SafetyWalk,
        DialogueKind::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            DialogueKind::Staff => "staff",
            DialogueKind::Residents => "residents",
            DialogueKind::SafetyWalk => "safety_walk",
            DialogueKind::Other => "other",
        }
    }

    pub fn parse(id: &str) -> Option<DialogueKind> {
        DialogueKind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The kind stored as `id` in words; the id itself when this version does not know it.
    pub fn label_of(id: &str, lang: Lang) -> String {
        DialogueKind::parse(id).map_or_else(|| id.to_owned(), |k| k.label(lang).to_owned())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DialogueKind::Staff => lang.pick("Medarbetardialog", "Staff dialogue"),
            DialogueKind::Residents => lang.pick("Medborgardialog", "Residents' dialogue"),
            DialogueKind::SafetyWalk => lang.pick("Trygghetsvandring", "Safety walk"),
            DialogueKind::Other => lang.pick("Annan dialog", "Other dialogue"),
        }
    }
}

/// The groups whose numbers a dialogue counts: the form's field and its name.
pub const GROUPS: [(&str, &str, &str); 4] = [
    ("residents", "Invånare", "Residents"),
    ("staff", "Kommunens medarbetare", "Municipal staff"),
    ("police", "Polisen", "Police"),
    (
        "others",
        "Andra (föreningar, företag, skolor)",
        "Others (associations, businesses, schools)",
    ),
];

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct DialogueForm {
    pub held_on: String,
    pub kind: String,
    pub district: String,
    pub priority_area: String,
    pub residents: String,
    pub staff: String,
    pub police: String,
    pub others: String,
    pub raised: String,
}

/// A checked dialogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialogue {
    pub held_on: NaiveDate,
    pub kind: DialogueKind,
    /// Empty: the whole municipality.
    pub district: String,
    /// Empty: no area in particular.
    pub priority_area: String,
    /// Residents, staff, police, others.
    pub counts: [i64; 4],
    pub raised: String,
}

impl DialogueForm {
    fn count(&self, field: &str) -> &str {
        match field {
            "residents" => &self.residents,
            "staff" => &self.staff,
            "police" => &self.police,
            _ => &self.others,
        }
    }

    /// Checked against the districts and area ids that may be chosen, and today (a dialogue
    /// is recorded after it was held).
    pub fn parse(
        &self,
        districts: &[String],
        areas: &[String],
        today: NaiveDate,
    ) -> Result<Dialogue, FormProblems> {
        let mut p = FormProblems::default();
        let held_on = NaiveDate::parse_from_str(self.held_on.trim(), "%Y-%m-%d").ok();
        match held_on {
            None => p.add(
                "held_on",
                "Ange dagen då dialogen hölls, som ÅÅÅÅ-MM-DD.",
                "Give the day the dialogue was held, as YYYY-MM-DD.",
            ),
            Some(d) if d > today => p.add(
                "held_on",
                "Dagen ligger i framtiden: en dialog förs in när den har hållits.",
                "The day is in the future: a dialogue is recorded once it has been held.",
            ),
            Some(d) if d.year() < 2000 => p.add(
                "held_on",
                "Dagen ligger före år 2000.",
                "The day is before the year 2000.",
            ),
            Some(_) => {}
        }
        let kind = DialogueKind::parse(self.kind.trim());
        if kind.is_none() {
            p.add(
                "kind-staff",
                "Välj vilket slags dialog det var.",
                "Choose what kind of dialogue it was.",
            );
        }
        let district = self.district.trim().to_owned();
        if !district.is_empty() && !districts.contains(&district) {
            p.add(
                "district",
                format!("Okänd stadsdel: {district}."),
                format!("Unknown district: {district}."),
            );
        }
        let priority_area = self.priority_area.trim().to_owned();
        if !priority_area.is_empty() && !areas.contains(&priority_area) {
            p.add(
                "priority_area",
                "Välj ett av överenskommelsens områden, eller inget.",
                "Choose one of the agreement's areas, or none.",
            );
        }
        let mut counts = [0i64; 4];
        for (slot, (field, sv, en)) in counts.iter_mut().zip(GROUPS) {
            let text = self.count(field).trim();
            if text.is_empty() {
                continue;
            }
            match text.parse::<i64>() {
                Ok(n) if (0..=MAX_PARTICIPANTS).contains(&n) => *slot = n,
                _ => p.add(
                    field,
                    format!("{sv}: ange antalet som ett heltal från 0 till {MAX_PARTICIPANTS}."),
                    format!(
                        "{en}: give the number as a whole number from 0 to {MAX_PARTICIPANTS}."
                    ),
                ),
            }
        }
        if counts.iter().all(|n| *n == 0) && !p.has("residents") {
            p.add(
                "residents",
                "Ange hur många som deltog, i minst en grupp.",
                "Give how many took part, in at least one group.",
            );
        }
        let raised = clean_text(&self.raised);
        if raised.is_empty() {
            p.add("raised", "Skriv vad som kom fram.", "Write what came up.");
        } else if raised.chars().count() > MAX_TEXT {
            p.add(
                "raised",
                format!("Texten får vara högst {MAX_TEXT} tecken."),
                format!("The text must be at most {MAX_TEXT} characters."),
            );
        }
        match (held_on, kind) {
            (Some(held_on), Some(kind)) => p.or(Dialogue {
                held_on,
                kind,
                district,
                priority_area,
                counts,
                raised,
            }),
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default()
    }

    fn form() -> DialogueForm {
        DialogueForm {
            held_on: "2026-10-14".into(),
            kind: "safety_walk".into(),
            district: "Centrum".into(),
            priority_area: "trygghet".into(),
            residents: "14".into(),
            staff: "3".into(),
            police: "2".into(),
            others: String::new(),
            raised: "Mörkt vid busstationen.\r\nKlotter vid skolan.".into(),
        }
    }

    #[test]
    fn a_dialogue_counts_who_took_part() {
        let d = form()
            .parse(&["Centrum".into()], &["trygghet".into()], today())
            .expect("valid");
        assert_eq!(d.counts, [14, 3, 2, 0]);
        assert_eq!(d.kind, DialogueKind::SafetyWalk);
        assert_eq!(d.raised, "Mörkt vid busstationen.\nKlotter vid skolan.");
    }

    #[test]
    fn a_dialogue_is_refused_field_by_field() {
        let bad = DialogueForm {
            held_on: "2027-01-01".into(),
            kind: "walk".into(),
            district: "Söder".into(),
            priority_area: "x".into(),
            residents: "-1".into(),
            staff: "tre".into(),
            raised: " ".into(),
            ..DialogueForm::default()
        };
        let p = bad
            .parse(&["Centrum".into()], &["trygghet".into()], today())
            .expect_err("invalid");
        for field in [
            "held_on",
            "kind-staff",
            "district",
            "priority_area",
            "residents",
            "staff",
            "raised",
        ] {
            assert!(p.has(field), "{field}: {p:?}");
        }
        let nobody = DialogueForm {
            residents: "0".into(),
            staff: String::new(),
            police: String::new(),
            ..form()
        };
        assert!(
            nobody
                .parse(&["Centrum".into()], &["trygghet".into()], today())
                .expect_err("nobody")
                .has("residents")
        );
    }

    #[test]
    fn the_whole_municipality_and_no_area_are_allowed() {
        let d = DialogueForm {
            district: String::new(),
            priority_area: String::new(),
            ..form()
        }
        .parse(&[], &[], today())
        .expect("valid");
        assert!(d.district.is_empty() && d.priority_area.is_empty());
    }
}
