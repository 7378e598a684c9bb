//! What a change to the plan did, field by field (`status: ongoing → delayed`): written with the
//! change's audit-log entry, and shown as the intervention's history in the reader's language.

use serde::{Deserialize, Serialize};

use super::{Responsible, Status};
use crate::i18n::Lang;
use crate::survey::PriorityArea;

/// What kind of change an audit entry of the plan records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    OutputCreate,
    OutputUpdate,
    OutputDelete,
    IndicatorLink,
    IndicatorUpdate,
    IndicatorUnlink,
    FollowUp,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Create,
        Action::Update,
        Action::OutputCreate,
        Action::OutputUpdate,
        Action::OutputDelete,
        Action::IndicatorLink,
        Action::IndicatorUpdate,
        Action::IndicatorUnlink,
        Action::FollowUp,
    ];

    /// The audit log's action.
    pub fn id(self) -> &'static str {
        match self {
            Action::Create => "plan.create",
            Action::Update => "plan.update",
            Action::OutputCreate => "plan.output.create",
            Action::OutputUpdate => "plan.output.update",
            Action::OutputDelete => "plan.output.delete",
            Action::IndicatorLink => "plan.indicator.link",
            Action::IndicatorUpdate => "plan.indicator.update",
            Action::IndicatorUnlink => "plan.indicator.unlink",
            Action::FollowUp => "plan.follow_up",
        }
    }

    pub fn parse(id: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (sv, en) = match self {
            Action::Create => ("Insatsen skapades", "Intervention created"),
            Action::Update => ("Insatsen ändrades", "Intervention changed"),
            Action::OutputCreate => ("Prestationsmått lades till", "Output measure added"),
            Action::OutputUpdate => ("Prestationsmått ändrades", "Output measure changed"),
            Action::OutputDelete => ("Prestationsmått togs bort", "Output measure removed"),
            Action::IndicatorLink => ("Indikator kopplades", "Indicator linked"),
            Action::IndicatorUpdate => ("Indikator ändrades", "Indicator link changed"),
            Action::IndicatorUnlink => ("Indikator togs bort", "Indicator unlinked"),
            Action::FollowUp => ("Uppföljning skrevs", "Follow-up written"),
        };
        lang.pick(sv, en)
    }
}

/// One field's change; `old` is `None` for something new, `new` for something removed. Values
/// are stored as codes and canonical numbers (`12.5`), and put into words when shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    /// What the field belongs to when it is not the intervention itself: an output measure's
    /// name, an indicator (`survey/indicator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Change {
    pub fn new(field: &str, old: Option<String>, new: Option<String>) -> Change {
        Change {
            field: field.to_owned(),
            subject: None,
            year: None,
            old,
            new,
        }
    }

    pub fn about(mut self, subject: &str) -> Change {
        self.subject = Some(subject.to_owned());
        self
    }

    pub fn in_year(mut self, year: i32) -> Change {
        self.year = Some(year);
        self
    }
}

/// The changes between two lists of `(field, value)` in the same order; only those that differ.
pub fn diff(old: &[(&'static str, String)], new: &[(&'static str, String)]) -> Vec<Change> {
    old.iter()
        .zip(new)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| Change::new(field, non_empty(a.clone()), non_empty(b.clone())))
        .collect()
}

/// Every non-empty field of something new.
pub fn created(fields: &[(&'static str, String)]) -> Vec<Change> {
    fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(field, v)| Change::new(field, None, Some(v.clone())))
        .collect()
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// A field's name in the history.
pub fn field_label(lang: Lang, field: &str) -> String {
    let (sv, en) = match field {
        "priority_area" => ("Prioriterat område", "Priority area"),
        "title" => ("Rubrik", "Title"),
        "problem" => ("Problem", "Problem"),
        "mechanism" => ("Så ska insatsen verka", "How it is meant to work"),
        "responsible" => ("Ansvarig organisation", "Responsible organisation"),
        "responsible_other" => ("Annan ansvarig", "Other responsible"),
        "planned_by" => ("Planerar", "Plans"),
        "carried_out_by" => ("Genomför", "Carries out"),
        "followed_up_by" => ("Följer upp", "Follows up"),
        "partners" => ("Samverkanspartner", "Partners"),
        "start_year" => ("Startår", "Start year"),
        "end_year" => ("Slutår", "End year"),
        "status" => ("Status", "Status"),
        "status_reason" => ("Orsak", "Reason"),
        "public_text" => ("Text för invånarna", "Text for residents"),
        "citizen_promise" => ("Medborgarlöfte", "Citizen promise"),
        "name" => ("Namn", "Name"),
        "unit" => ("Enhet", "Unit"),
        "planned" => ("Planerat", "Planned"),
        "actual" => ("Utfall", "Actual"),
        "indicator" => ("Indikator", "Indicator"),
        "baseline_wave" => ("Utgångsläge (omgång)", "Baseline wave"),
        "target" => ("Mål", "Target"),
        "note" => ("Uppföljning", "Follow-up"),
        other => return other.to_owned(),
    };
    lang.pick(sv, en).to_owned()
}

/// A stored value in words: codes by their names, numbers as the language writes them.
pub fn value_text(lang: Lang, field: &str, value: &str) -> String {
    let named = match field {
        "status" => Status::parse(value).map(|s| s.label(lang)),
        "responsible" => Responsible::parse(value).map(|r| r.label(lang)),
        "priority_area" => PriorityArea::parse(value).map(|a| a.title(lang)),
        "citizen_promise" => match value {
            "yes" => Some(lang.pick("ja", "yes")),
            "no" => Some(lang.pick("nej", "no")),
            _ => None,
        },
        _ => None,
    };
    if let Some(named) = named {
        return named.to_owned();
    }
    match (field, lang) {
        ("planned" | "actual" | "target", Lang::Sv) => value.replace('.', ","),
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fields_that_differ_are_changes() {
        let old = [("title", "A".to_owned()), ("status", "ongoing".to_owned())];
        let new = [("title", "A".to_owned()), ("status", "delayed".to_owned())];
        let changes = diff(&old, &new);
        assert_eq!(
            changes,
            [Change::new(
                "status",
                Some("ongoing".into()),
                Some("delayed".into())
            )]
        );
        assert_eq!(
            created(&[("title", "A".into()), ("partners", String::new())]).len(),
            1
        );
    }

    #[test]
    fn values_are_shown_in_words() {
        assert_eq!(value_text(Lang::Sv, "status", "delayed"), "Försenad");
        assert_eq!(
            value_text(Lang::En, "responsible", "both"),
            "Municipality and police"
        );
        assert_eq!(value_text(Lang::Sv, "planned", "12.5"), "12,5");
        assert_eq!(value_text(Lang::Sv, "title", "A.B"), "A.B");
        assert_eq!(field_label(Lang::En, "end_year"), "End year");
        for action in Action::ALL {
            assert_eq!(Action::parse(action.id()), Some(action));
        }
    }

    #[test]
    fn a_change_reads_back_from_its_json() {
        let change = Change::new("planned", None, Some("4".into()))
            .about("Trygghetsvandringar")
            .in_year(2024);
        let json = serde_json::to_string(&[&change]).expect("json");
        let back: Vec<Change> = serde_json::from_str(&json).expect("read");
        assert_eq!(back.len(), 1);
        assert_eq!(back[0], change);
        assert!(
            json.contains(r#""subject":"Trygghetsvandringar","year":2024"#),
            "{json}"
        );
    }
}
