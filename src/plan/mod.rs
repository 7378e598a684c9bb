//! The action plan (åtgärdsplan) of the municipality and the police: interventions (insatser)
//! per priority area with who is responsible, their period and status, output measures with
//! planned and actual values per year, outcome indicators with a baseline wave and a target,
//! yearly follow-up notes, and citizen promises (medborgarlöften).
//!
//! This module is the plan's pure core: what a form may hold and what it means ("parse, don't
//! validate"), in both languages, with no HTTP or SQL. `store::plan` keeps it,
//! `web::evaluate::plan` shows it.

pub mod analysis;
pub mod history;
pub mod links;
pub mod number;
pub mod outputs;
pub mod promises;

use serde::Deserialize;

use crate::agreement::{AreaName, PromiseName};
use crate::entities::plan_intervention;
use crate::i18n::{Lang, capitalised};
use crate::survey::Text;

pub use history::{Action, Change};

/// Longest title, and longest one-line field (a name, an organisation).
pub const MAX_LINE: usize = 200;
/// Longest free text (problem, how it works, partners, a reason, a follow-up note).
pub const MAX_TEXT: usize = 10_000;
/// The longest text for residents on the public page.
pub const MAX_PUBLIC_TEXT: usize = 600;
/// Longest period of an intervention, in years (start and end year included).
pub const MAX_YEARS: i32 = 10;

/// Where an intervention stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NotStarted,
    Ongoing,
    Done,
    Delayed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::NotStarted,
        Status::Ongoing,
        Status::Done,
        Status::Delayed,
        Status::Cancelled,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Status::NotStarted => "not-started",
            Status::Ongoing => "ongoing",
            Status::Done => "done",
            Status::Delayed => "delayed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(id: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (sv, en) = match self {
            Status::NotStarted => ("Inte påbörjad", "Not started"),
            Status::Ongoing => ("Pågår", "Ongoing"),
            Status::Done => ("Genomförd", "Done"),
            Status::Delayed => ("Försenad", "Delayed"),
            Status::Cancelled => ("Avbruten", "Cancelled"),
        };
        lang.pick(sv, en)
    }

    /// A delayed or cancelled intervention says why.
    pub fn needs_reason(self) -> bool {
        matches!(self, Status::Delayed | Status::Cancelled)
    }
}

/// Who is responsible for an intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Responsible {
    Municipality,
    Police,
    Both,
    Other,
}

impl Responsible {
    pub const ALL: [Responsible; 4] = [
        Responsible::Municipality,
        Responsible::Police,
        Responsible::Both,
        Responsible::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Responsible::Municipality => "municipality",
            Responsible::Police => "police",
            Responsible::Both => "both",
            Responsible::Other => "other",
        }
    }

    pub fn parse(id: &str) -> Option<Responsible> {
        Responsible::ALL.into_iter().find(|r| r.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (sv, en) = match self {
            Responsible::Municipality => ("Kommunen", "Municipality"),
            Responsible::Police => ("Polisen", "Police"),
            Responsible::Both => ("Kommunen och polisen", "Municipality and police"),
            Responsible::Other => ("Annan organisation", "Another organisation"),
        };
        lang.pick(sv, en)
    }
}

/// Problems of a submitted form: the id of the input each concerns, and the message in both
/// languages. Empty when the form was good.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormProblems(pub Vec<(String, Text)>);

impl FormProblems {
    pub fn add(&mut self, field: &str, sv: impl Into<String>, en: impl Into<String>) {
        self.0.push((
            field.to_owned(),
            Text {
                sv: sv.into(),
                en: en.into(),
            },
        ));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }

    /// `Ok(value)` when there are no problems.
    pub fn or<T>(self, value: T) -> Result<T, FormProblems> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// One line of text as typed: trimmed, control characters (which PostgreSQL may refuse, and
/// which nobody means to type) as spaces.
pub fn clean_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Free text as typed: trimmed, `\r\n` as `\n`, control characters other than line breaks and
/// tabs left out.
pub fn clean_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A required or optional text field, cleaned and checked for length.
fn text_field(
    problems: &mut FormProblems,
    field: &str,
    value: &str,
    (sv_name, en_name): (&str, &str),
    required: bool,
    multiline: bool,
) -> String {
    let (value, max) = if multiline {
        (clean_text(value), MAX_TEXT)
    } else {
        (clean_line(value), MAX_LINE)
    };
    if required && value.is_empty() {
        problems.add(
            field,
            format!("Fyll i {sv_name}."),
            format!("Enter {en_name}."),
        );
    } else if value.chars().count() > max {
        problems.add(
            field,
            format!("{} får vara högst {max} tecken.", capitalised(sv_name)),
            format!("{} must be at most {max} characters.", capitalised(en_name)),
        );
    }
    value
}

/// A checked intervention, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intervention {
    /// The id of a priority area of an agreement (`agreements/*.toml`) that covers its years.
    pub priority_area: String,
    pub title: String,
    pub problem: String,
    pub mechanism: String,
    pub responsible: Responsible,
    /// The organisation when `responsible` is `Other`; empty otherwise.
    pub responsible_other: String,
    pub planned_by: String,
    pub carried_out_by: String,
    pub followed_up_by: String,
    pub partners: String,
    pub start_year: i32,
    pub end_year: i32,
    pub status: Status,
    pub status_reason: String,
    pub citizen_promise: bool,
    /// The id of the agreement's citizen promise it carries out; empty: none (or, with
    /// `citizen_promise`, a promise from before promises were kept in agreement files).
    pub promise: String,
    /// What the public page `/trygghet` says about it, in words for residents; empty: the
    /// intervention is not shown there.
    pub public_text: String,
}

/// What an intervention may be filed under: the agreements' priority areas and citizen promises.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub areas: Vec<AreaName>,
    pub promises: Vec<PromiseName>,
}

impl Choices {
    pub fn of(agreements: &crate::agreement::AgreementCatalog) -> Choices {
        Choices {
            areas: agreements.area_names(),
            promises: agreements.promise_names(),
        }
    }
}

impl Intervention {
    /// The stored row as the domain knows it; `None` for codes this version does not know.
    pub fn from_model(m: &plan_intervention::Model) -> Option<Intervention> {
        Some(Intervention {
            priority_area: m.priority_area.clone(),
            title: m.title.clone(),
            problem: m.problem.clone(),
            mechanism: m.mechanism.clone(),
            responsible: Responsible::parse(&m.responsible)?,
            responsible_other: m.responsible_other.clone(),
            planned_by: m.planned_by.clone(),
            carried_out_by: m.carried_out_by.clone(),
            followed_up_by: m.followed_up_by.clone(),
            partners: m.partners.clone(),
            start_year: m.start_year,
            end_year: m.end_year,
            status: Status::parse(&m.status)?,
            status_reason: m.status_reason.clone(),
            citizen_promise: m.citizen_promise,
            promise: m.promise_id.clone(),
            public_text: m.public_text.clone(),
        })
    }

    /// Every field with its stored value, in the form's order (for the history).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("priority_area", self.priority_area.clone()),
            ("title", self.title.clone()),
            ("citizen_promise", yes_no(self.citizen_promise).to_owned()),
            ("promise", self.promise.clone()),
            ("problem", self.problem.clone()),
            ("mechanism", self.mechanism.clone()),
            ("responsible", self.responsible.id().to_owned()),
            ("responsible_other", self.responsible_other.clone()),
            ("planned_by", self.planned_by.clone()),
            ("carried_out_by", self.carried_out_by.clone()),
            ("followed_up_by", self.followed_up_by.clone()),
            ("partners", self.partners.clone()),
            ("start_year", self.start_year.to_string()),
            ("end_year", self.end_year.to_string()),
            ("status", self.status.id().to_owned()),
            ("status_reason", self.status_reason.clone()),
            ("public_text", self.public_text.clone()),
        ]
    }

    /// The years of its period, in order.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.start_year..=self.end_year
    }
}

/// A problem when no agreement that has area `id` covers any of the intervention's years.
fn area_covers(p: &mut FormProblems, areas: &[AreaName], id: &str, (first, last): (i32, i32)) {
    if areas.iter().any(|a| a.id == id && a.covers(first, last)) {
        return;
    }
    let spans: Vec<String> = areas
        .iter()
        .filter(|a| a.id == id)
        .filter_map(|a| a.agreement.as_ref())
        .map(|a| format!("{}–{}", a.first_year, a.last_year))
        .collect();
    let spans = spans.join(", ");
    p.add(
        "priority_area",
        format!("Området hör till överenskommelsen för {spans}, men insatsen pågår {first}–{last}. Välj ett område ur överenskommelsen för insatsens år."),
        format!("The area belongs to the agreement for {spans}, but the intervention runs {first}–{last}. Choose an area of the agreement for its years."),
    );
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// What the intervention form holds, as typed; shown again when it is refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InterventionForm {
    pub priority_area: String,
    pub title: String,
    pub problem: String,
    pub mechanism: String,
    pub responsible: String,
    pub responsible_other: String,
    pub planned_by: String,
    pub carried_out_by: String,
    pub followed_up_by: String,
    pub partners: String,
    pub start_year: String,
    pub end_year: String,
    pub status: String,
    pub status_reason: String,
    /// A checkbox: present (any value) when ticked.
    pub citizen_promise: Option<String>,
    /// The id of the citizen promise it carries out; empty: none.
    pub promise: String,
    /// The text for residents on the public page (optional).
    pub public_text: String,
    /// The version of the intervention the form was opened on (editing only).
    pub version: String,
}

/// The id of the first radio button of the responsible organisation, which a problem links to.
pub const RESPONSIBLE_FIELD: &str = "responsible-municipality";

/// The people of an intervention as the form gives them, checked.
struct Who {
    responsible: Option<Responsible>,
    responsible_other: String,
    planned_by: String,
    carried_out_by: String,
    followed_up_by: String,
    partners: String,
}

impl InterventionForm {
    /// The form filled in with a stored intervention, to edit it.
    pub fn of(intervention: &Intervention, version: i64) -> InterventionForm {
        InterventionForm {
            priority_area: intervention.priority_area.clone(),
            title: intervention.title.clone(),
            problem: intervention.problem.clone(),
            mechanism: intervention.mechanism.clone(),
            responsible: intervention.responsible.id().to_owned(),
            responsible_other: intervention.responsible_other.clone(),
            planned_by: intervention.planned_by.clone(),
            carried_out_by: intervention.carried_out_by.clone(),
            followed_up_by: intervention.followed_up_by.clone(),
            partners: intervention.partners.clone(),
            start_year: intervention.start_year.to_string(),
            end_year: intervention.end_year.to_string(),
            status: intervention.status.id().to_owned(),
            status_reason: intervention.status_reason.clone(),
            citizen_promise: (intervention.citizen_promise && intervention.promise.is_empty())
                .then(|| "yes".to_owned()),
            promise: intervention.promise.clone(),
            public_text: intervention.public_text.clone(),
            version: version.to_string(),
        }
    }

    /// The checked intervention, or every problem of the form. `areas` are the priority areas
    /// it may be filed under (every agreement's, `AgreementCatalog::area_names`).
    pub fn parse(&self, choices: &Choices) -> Result<Intervention, FormProblems> {
        let areas = &choices.areas;
        let mut p = FormProblems::default();
        let chosen = self.priority_area.trim();
        let priority_area = areas
            .iter()
            .any(|a| a.id == chosen)
            .then(|| chosen.to_owned());
        if priority_area.is_none() {
            p.add(
                "priority_area",
                "Välj ett prioriterat område.",
                "Choose a priority area.",
            );
        }
        let (title, problem, mechanism) = self.what(&mut p);
        let who = self.who(&mut p);
        let promise = self.promise(&mut p, choices);
        // A promise of the agreement brings its own period; the checkbox (promises from before
        // agreement files) keeps the two-year rule.
        let citizen_promise = promise.is_some() || self.citizen_promise.is_some();
        let public_text = self.public_text(&mut p);
        let (start_year, end_year) =
            self.period(&mut p, promise.is_none() && self.citizen_promise.is_some());
        if let Some(promise) = promise
            && start_year != 0
            && (start_year < promise.first_year || end_year > promise.last_year)
        {
            p.add(
                "promise",
                format!(
                    "Medborgarlöftet gäller {}–{}: insatsens år ska ligga inom dem.",
                    promise.first_year, promise.last_year
                ),
                format!(
                    "The citizen promise runs {}–{}: the intervention's years must lie within them.",
                    promise.first_year, promise.last_year
                ),
            );
        }
        if priority_area.is_some() && start_year != 0 && end_year >= start_year {
            area_covers(&mut p, areas, chosen, (start_year, end_year));
        }
        let (status, status_reason) = self.status(&mut p);
        let (Some(priority_area), Some(responsible), Some(status)) =
            (priority_area, who.responsible, status)
        else {
            return Err(p);
        };
        p.or(Intervention {
            priority_area,
            title,
            problem,
            mechanism,
            responsible,
            responsible_other: who.responsible_other,
            planned_by: who.planned_by,
            carried_out_by: who.carried_out_by,
            followed_up_by: who.followed_up_by,
            partners: who.partners,
            start_year,
            end_year,
            status,
            status_reason,
            citizen_promise,
            promise: promise.map(|p| p.id.clone()).unwrap_or_default(),
            public_text,
        })
    }

    /// What the intervention is: its title, the problem it targets, and how it is meant to work.
    fn what(&self, p: &mut FormProblems) -> (String, String, String) {
        let title = text_field(
            p,
            "title",
            &self.title,
            ("rubriken", "the title"),
            true,
            false,
        );
        let problem = text_field(
            p,
            "problem",
            &self.problem,
            (
                "problemet som insatsen riktar sig mot",
                "the problem the intervention targets",
            ),
            true,
            true,
        );
        let mechanism = text_field(
            p,
            "mechanism",
            &self.mechanism,
            (
                "hur insatsen ska verka",
                "how the intervention is meant to work",
            ),
            false,
            true,
        );
        (title, problem, mechanism)
    }

    /// Who is responsible for the intervention and who plans, carries out, follows up and
    /// takes part in it.
    fn who(&self, p: &mut FormProblems) -> Who {
        let responsible = Responsible::parse(self.responsible.trim());
        if responsible.is_none() {
            p.add(
                RESPONSIBLE_FIELD,
                "Välj vilken organisation som är ansvarig.",
                "Choose the responsible organisation.",
            );
        }
        let other_required = responsible == Some(Responsible::Other);
        let responsible_other = text_field(
            p,
            "responsible_other",
            if other_required {
                &self.responsible_other
            } else {
                ""
            },
            (
                "vilken organisation som är ansvarig",
                "which organisation is responsible",
            ),
            other_required,
            false,
        );
        let mut line = |field: &str, value: &str, names: (&str, &str)| {
            text_field(p, field, value, names, false, false)
        };
        let planned_by = line(
            "planned_by",
            &self.planned_by,
            ("vem som planerar", "who plans"),
        );
        let carried_out_by = line(
            "carried_out_by",
            &self.carried_out_by,
            ("vem som genomför", "who carries it out"),
        );
        let followed_up_by = line(
            "followed_up_by",
            &self.followed_up_by,
            ("vem som följer upp", "who follows it up"),
        );
        let partners = text_field(
            p,
            "partners",
            &self.partners,
            ("samverkanspartner", "the partners"),
            false,
            true,
        );
        Who {
            responsible,
            responsible_other,
            planned_by,
            carried_out_by,
            followed_up_by,
            partners,
        }
    }

    /// The citizen promise of the agreement chosen; `None` when none is (or one not in the
    /// list, which is a problem).
    fn promise<'c>(&self, p: &mut FormProblems, choices: &'c Choices) -> Option<&'c PromiseName> {
        let promise_id = self.promise.trim();
        let promise = choices.promises.iter().find(|p| p.id == promise_id);
        if !promise_id.is_empty() && promise.is_none() {
            p.add(
                "promise",
                "Välj ett medborgarlöfte ur listan.",
                "Choose a citizen promise from the list.",
            );
        }
        promise
    }

    /// The text for residents on the public page: short enough to read on a phone.
    fn public_text(&self, p: &mut FormProblems) -> String {
        let public_text = text_field(
            p,
            "public_text",
            &self.public_text,
            ("texten för invånarna", "the text for residents"),
            false,
            true,
        );
        if public_text.chars().count() > MAX_PUBLIC_TEXT {
            p.add(
                "public_text",
                format!("Texten för invånarna får vara högst {MAX_PUBLIC_TEXT} tecken: den ska gå att läsa på en telefon."),
                format!("The text for residents must be at most {MAX_PUBLIC_TEXT} characters: it is read on phones."),
            );
        }
        public_text
    }

    /// The status, and the reason for it (required for a status that needs one).
    fn status(&self, p: &mut FormProblems) -> (Option<Status>, String) {
        let status = Status::parse(self.status.trim());
        if status.is_none() {
            p.add("status", "Välj en status.", "Choose a status.");
        }
        let status_reason = text_field(
            p,
            "status_reason",
            &self.status_reason,
            ("orsaken", "the reason"),
            false,
            true,
        );
        if let Some(s) = status
            && s.needs_reason()
            && status_reason.is_empty()
        {
            p.add(
                "status_reason",
                format!(
                    "Skriv varför insatsen är {}.",
                    s.label(Lang::Sv).to_lowercase()
                ),
                format!(
                    "Say why the intervention is {}.",
                    s.label(Lang::En).to_lowercase()
                ),
            );
        }
        (status, status_reason)
    }

    /// Start and end year; a citizen promise runs two years.
    fn period(&self, p: &mut FormProblems, citizen_promise: bool) -> (i32, i32) {
        let range = format!("{}–{}", number::FIRST_YEAR, number::LAST_YEAR);
        let mut year = |field: &str, text: &str, (sv, en): (&str, &str), example: i32| {
            let parsed = number::parse_year(text);
            match (parsed, text.trim().is_empty()) {
                (Some(_), _) => {}
                (None, true) => p.add(
                    field,
                    format!("Fyll i {}, t.ex. {example}.", sv.to_lowercase()),
                    format!("Enter the {}, e.g. {example}.", en.to_lowercase()),
                ),
                (None, false) => p.add(
                    field,
                    format!("{sv} ska vara ett årtal från {range}, t.ex. {example}."),
                    format!(
                        "The {} must be a year from {range}, e.g. {example}.",
                        en.to_lowercase()
                    ),
                ),
            }
            parsed
        };
        let start = year(
            "start_year",
            &self.start_year,
            ("Startåret", "Start year"),
            2025,
        );
        let end = year("end_year", &self.end_year, ("Slutåret", "End year"), 2026);
        let (Some(start), Some(end)) = (start, end) else {
            return (0, 0);
        };
        if end < start {
            p.add(
                "end_year",
                "Slutåret kan inte komma före startåret.",
                "The end year cannot come before the start year.",
            );
        } else if citizen_promise && end != start + 1 {
            p.add(
                "end_year",
                format!(
                    "Ett medborgarlöfte gäller två år: slutåret ska vara {} när startåret är {start}.",
                    start + 1
                ),
                format!(
                    "A citizen promise runs for two years: the end year must be {} when the start year is {start}.",
                    start + 1
                ),
            );
        } else if end - start >= MAX_YEARS {
            p.add(
                "end_year",
                format!("En insats kan pågå högst {MAX_YEARS} år. Dela upp längre insatser."),
                format!(
                    "An intervention can run for at most {MAX_YEARS} years. Split longer ones."
                ),
            );
        }
        (start, end)
    }
}

#[cfg(test)]
mod tests;
