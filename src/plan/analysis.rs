//! The problem picture and cause analysis (orsaksanalys) that come before the action plan: the
//! prioritised problems of the lägesbild (area, districts, the figures that show them), their
//! causes — risk and protective factors, each placed in the problem-analysis triangle (place,
//! offender, victim or target, and time) — and the interventions of the plan that meet each
//! cause. The chain problem → cause → intervention → output → outcome indicator is read from
//! these and from the plan.

use super::{FormProblems, MAX_LINE, MAX_TEXT, clean_line, clean_text};
use crate::i18n::Lang;

/// Most problems a picture holds, and their rank's range.
pub const MAX_RANK: i32 = 99;

/// Whether a cause raises or lowers the problem.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CauseKind {
    Risk,
    Protective,
}

impl CauseKind {
    pub const ALL: [CauseKind; 2] = [CauseKind::Risk, CauseKind::Protective];

    pub fn id(self) -> &'static str {
        match self {
            CauseKind::Risk => "risk",
            CauseKind::Protective => "protective",
        }
    }

    pub fn parse(id: &str) -> Option<CauseKind> {
        CauseKind::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CauseKind::Risk => lang.pick("Riskfaktor", "Risk factor"),
            CauseKind::Protective => lang.pick("Skyddsfaktor", "Protective factor"),
        }
    }
}

/// Where in the problem-analysis triangle a cause lies.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    Place,
    Time,
    Offender,
    Victim,
    Other,
}

impl Aspect {
    pub const ALL: [Aspect; 5] = [
        Aspect::Place,
        Aspect::Time,
        Aspect::Offender,
        Aspect::Victim,
        Aspect::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Aspect::Place => "place",
            Aspect::Time => "time",
            Aspect::Offender => "offender",
            Aspect::Victim => "victim",
            Aspect::Other => "other",
        }
    }

    pub fn parse(id: &str) -> Option<Aspect> {
        Aspect::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Aspect::Place => lang.pick("Plats", "Place"),
            Aspect::Time => lang.pick("Tid", "Time"),
            Aspect::Offender => lang.pick("Gärningsperson", "Offender"),
            Aspect::Victim => lang.pick("Offer eller mål", "Victim or target"),
            Aspect::Other => lang.pick("Annat", "Other"),
        }
    }
}

/// A checked problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub rank: i32,
    pub title: String,
    pub description: String,
    pub priority_area: String,
    /// Districts of the resident survey; empty: the whole municipality.
    pub districts: Vec<String>,
    /// The figures that show it: `survey/indicator` or a source measure id.
    pub evidence: Vec<String>,
}

/// What may be chosen in the problem form.
#[derive(Debug, Clone, Default)]
pub struct ProblemChoices {
    pub areas: Vec<String>,
    pub districts: Vec<String>,
    /// `survey/indicator` keys and source measure ids.
    pub evidence: Vec<String>,
}

/// The problem form as posted: repeated `district` and `evidence` fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProblemForm {
    pub rank: String,
    pub title: String,
    pub description: String,
    pub priority_area: String,
    pub districts: Vec<String>,
    pub evidence: Vec<String>,
    pub version: String,
}

impl ProblemForm {
    /// From the posted pairs (checkboxes repeat their name).
    pub fn from_pairs(pairs: &[(String, String)]) -> ProblemForm {
        let mut form = ProblemForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "rank" => form.rank = v.clone(),
                "title" => form.title = v.clone(),
                "description" => form.description = v.clone(),
                "priority_area" => form.priority_area = v.clone(),
                "district" => form.districts.push(v.clone()),
                "evidence" => form.evidence.push(v.clone()),
                "version" => form.version = v.clone(),
                _ => {}
            }
        }
        form
    }

    pub fn of(problem: &Problem) -> ProblemForm {
        ProblemForm {
            rank: problem.rank.to_string(),
            title: problem.title.clone(),
            description: problem.description.clone(),
            priority_area: problem.priority_area.clone(),
            districts: problem.districts.clone(),
            evidence: problem.evidence.clone(),
            version: String::new(),
        }
    }

    pub fn parse(&self, choices: &ProblemChoices) -> Result<Problem, FormProblems> {
        let mut p = FormProblems::default();
        let rank = self.rank.trim().parse::<i32>().ok();
        if !rank.is_some_and(|r| (1..=MAX_RANK).contains(&r)) {
            p.add(
                "rank",
                format!("Ange prioritet som ett heltal från 1 (mest angeläget) till {MAX_RANK}."),
                format!(
                    "Give the priority as a whole number from 1 (most pressing) to {MAX_RANK}."
                ),
            );
        }
        let title = clean_line(&self.title);
        if title.is_empty() {
            p.add(
                "title",
                "Skriv vad problemet är, kort.",
                "Write what the problem is, briefly.",
            );
        } else if title.chars().count() > MAX_LINE {
            p.add(
                "title",
                format!("Rubriken får vara högst {MAX_LINE} tecken."),
                format!("The title must be at most {MAX_LINE} characters."),
            );
        }
        let description = clean_text(&self.description);
        if description.chars().count() > MAX_TEXT {
            p.add(
                "description",
                format!("Texten får vara högst {MAX_TEXT} tecken."),
                format!("The text must be at most {MAX_TEXT} characters."),
            );
        }
        let priority_area = self.priority_area.trim().to_owned();
        if !choices.areas.contains(&priority_area) {
            p.add(
                "priority_area",
                "Välj det prioriterade område problemet hör till.",
                "Choose the priority area the problem belongs to.",
            );
        }
        let mut districts = Vec::new();
        for d in &self.districts {
            let d = d.trim();
            if !choices.districts.iter().any(|c| c == d) {
                p.add(
                    "districts",
                    format!("Okänd stadsdel: {d}."),
                    format!("Unknown district: {d}."),
                );
            } else if !districts.iter().any(|x: &String| x == d) {
                districts.push(d.to_owned());
            }
        }
        let mut evidence = Vec::new();
        for e in &self.evidence {
            let e = e.trim();
            if !choices.evidence.iter().any(|c| c == e) {
                p.add(
                    "evidence",
                    format!("Okänd siffra: {e}."),
                    format!("Unknown figure: {e}."),
                );
            } else if !evidence.iter().any(|x: &String| x == e) {
                evidence.push(e.to_owned());
            }
        }
        match rank {
            Some(rank) => p.or(Problem {
                rank,
                title,
                description,
                priority_area,
                districts,
                evidence,
            }),
            None => Err(p),
        }
    }
}

/// A checked cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub kind: CauseKind,
    pub aspect: Aspect,
    pub description: String,
    /// Interventions of the plan that meet it.
    pub interventions: Vec<i64>,
}

/// The cause form as posted: repeated `intervention` fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CauseForm {
    pub kind: String,
    pub aspect: String,
    pub description: String,
    pub interventions: Vec<String>,
}

impl CauseForm {
    pub fn from_pairs(pairs: &[(String, String)]) -> CauseForm {
        let mut form = CauseForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "kind" => form.kind = v.clone(),
                "aspect" => form.aspect = v.clone(),
                "description" => form.description = v.clone(),
                "intervention" => form.interventions.push(v.clone()),
                _ => {}
            }
        }
        form
    }

    /// Checked against the plan's interventions (`known`).
    pub fn parse(&self, known: &[i64]) -> Result<Cause, FormProblems> {
        let mut p = FormProblems::default();
        let kind = CauseKind::parse(self.kind.trim());
        if kind.is_none() {
            p.add(
                "kind-risk",
                "Välj om orsaken är en riskfaktor eller en skyddsfaktor.",
                "Choose whether the cause is a risk factor or a protective factor.",
            );
        }
        let aspect = Aspect::parse(self.aspect.trim());
        if aspect.is_none() {
            p.add(
                "aspect-place",
                "Välj var i problemtriangeln orsaken ligger.",
                "Choose where in the problem triangle the cause lies.",
            );
        }
        let description = clean_text(&self.description);
        if description.is_empty() {
            p.add("description", "Beskriv orsaken.", "Describe the cause.");
        } else if description.chars().count() > MAX_TEXT {
            p.add(
                "description",
                format!("Texten får vara högst {MAX_TEXT} tecken."),
                format!("The text must be at most {MAX_TEXT} characters."),
            );
        }
        let mut interventions = Vec::new();
        for i in &self.interventions {
            match i.trim().parse::<i64>().ok().filter(|id| known.contains(id)) {
                Some(id) if !interventions.contains(&id) => interventions.push(id),
                Some(_) => {}
                None => p.add(
                    "interventions",
                    format!("Okänd insats: {i}."),
                    format!("Unknown intervention: {i}."),
                ),
            }
        }
        match (kind, aspect) {
            (Some(kind), Some(aspect)) => p.or(Cause {
                kind,
                aspect,
                description,
                interventions,
            }),
            _ => Err(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn choices() -> ProblemChoices {
        ProblemChoices {
            areas: vec!["trygghet".into()],
            districts: vec!["Centrum".into(), "Norr".into()],
            evidence: vec!["kolada/U07452".into(), "resident/unsafe_night".into()],
        }
    }

    #[test]
    fn a_problem_keeps_its_districts_and_figures_once_and_in_order() {
        let form = ProblemForm::from_pairs(&pairs(&[
            ("rank", " 2 "),
            ("title", "Skadegörelse\u{7} i centrum"),
            ("priority_area", "trygghet"),
            ("district", "Norr"),
            ("district", "Centrum"),
            ("district", "Norr"),
            ("evidence", "kolada/U07452"),
            ("evidence", "resident/unsafe_night"),
        ]));
        let problem = form.parse(&choices()).expect("valid");
        assert_eq!(problem.rank, 2);
        assert_eq!(problem.title, "Skadegörelse  i centrum");
        assert_eq!(problem.districts, ["Norr", "Centrum"]);
        assert_eq!(problem.evidence, ["kolada/U07452", "resident/unsafe_night"]);
    }

    #[test]
    fn a_problem_is_refused_field_by_field() {
        let form = ProblemForm::from_pairs(&pairs(&[
            ("rank", "0"),
            ("title", "  "),
            ("priority_area", "okänt"),
            ("district", "Söder"),
            ("evidence", "kolada/X"),
        ]));
        let p = form.parse(&choices()).expect_err("invalid");
        for field in ["rank", "title", "priority_area", "districts", "evidence"] {
            assert!(p.has(field), "{field}: {p:?}");
        }
        let long = ProblemForm {
            rank: "1".into(),
            title: "x".repeat(MAX_LINE + 1),
            priority_area: "trygghet".into(),
            ..ProblemForm::default()
        };
        assert!(long.parse(&choices()).expect_err("long").has("title"));
    }

    #[test]
    fn a_cause_names_known_interventions_only() {
        let form = CauseForm::from_pairs(&pairs(&[
            ("kind", "risk"),
            ("aspect", "place"),
            ("description", "Dålig belysning i gångtunneln"),
            ("intervention", "3"),
            ("intervention", "3"),
            ("intervention", "7"),
        ]));
        let cause = form.parse(&[3, 7]).expect("valid");
        assert_eq!(cause.kind, CauseKind::Risk);
        assert_eq!(cause.aspect, Aspect::Place);
        assert_eq!(cause.interventions, [3, 7]);
        let p = form.parse(&[3]).expect_err("7 is unknown");
        assert!(p.has("interventions"));
        let empty = CauseForm::default().parse(&[]).expect_err("empty");
        for field in ["kind-risk", "aspect-place", "description"] {
            assert!(empty.has(field), "{field}");
        }
    }

    #[test]
    fn kinds_and_aspects_round_trip_their_ids() {
        for k in CauseKind::ALL {
            assert_eq!(CauseKind::parse(k.id()), Some(k));
        }
        for a in Aspect::ALL {
            assert_eq!(Aspect::parse(a.id()), Some(a));
        }
        assert_eq!(Aspect::parse("plats"), None);
    }
}
