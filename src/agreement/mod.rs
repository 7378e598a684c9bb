//! Agreements (samverkansöverenskommelser) between the municipality and the police, as files:
//! `agreements/*.toml`, checked like questionnaires (`FILE:LINE: message`). An agreement has an
//! id, its parties, a period (first and last day), its priority areas — each with titles and
//! descriptions in Swedish and English, the indicators (`survey/indicator`) and the lägesbild
//! measures that follow it — and its citizen promises (medborgarlöften), each with its own
//! period inside the agreement's, a text for the public and the activities with who does them.
//!
//! The agreement in force for a year gives that year's areas to the dashboard, the plan, the
//! report, the API and the public page: a new agreement with other areas is a new file, not a
//! change of code.

mod load;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

pub use load::{load_dir, load_str};

use crate::survey::Text;

/// One agreement, as read from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// E.g. `2023-2026`.
    pub id: String,
    pub title: Text,
    /// Who signed it: the municipality, the local police area, partners.
    pub parties: Vec<Text>,
    /// The first and the last day the agreement is in force.
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub areas: Vec<Area>,
    pub promises: Vec<Promise>,
}

/// A priority area of an agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// E.g. `youth-at-risk`; the id the plan and the report file things under.
    pub id: String,
    pub title: Text,
    pub description: Text,
    /// The indicators that follow the area: (survey id, indicator id).
    pub indicators: Vec<(String, String)>,
    /// The lägesbild measures that follow the area (`source/measure`, e.g. `kolada/N07540`).
    pub measures: Vec<String>,
    /// The indicators residents see first on the public page, in order (some of `indicators`);
    /// the others are one click away. Empty: the first three.
    pub residents: Vec<(String, String)>,
}

/// A citizen promise (medborgarlöfte): what the municipality and the police promise residents
/// for a period, usually two years.
#[derive(Debug, Clone, PartialEq)]
pub struct Promise {
    pub id: String,
    pub title: Text,
    /// The promise as residents read it.
    pub text: Text,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    /// The priority area it serves, if one.
    pub area: Option<String>,
    pub activities: Vec<Activity>,
}

/// What is done for a promise, and by whom.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    pub text: Text,
    pub by: Vec<Actor>,
}

/// Who does an activity.
#[derive(Debug, Clone, PartialEq)]
pub enum Actor {
    Municipality,
    Police,
    /// A partner by name (a housing company, an association).
    Partner(String),
}

impl Actor {
    pub fn name(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Actor::Municipality => lang.pick("kommunen", "the municipality").to_owned(),
            Actor::Police => lang.pick("polisen", "the police").to_owned(),
            Actor::Partner(name) => name.clone(),
        }
    }
}

impl Agreement {
    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// Whether the agreement is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.starts <= day && day <= self.ends
    }

    /// Whether any day of `year` lies in the agreement's period.
    pub fn covers_year(&self, year: i32) -> bool {
        self.starts.year() <= year && year <= self.ends.year()
    }

    /// The area an indicator follows, if any.
    pub fn area_of(&self, survey: &str, indicator: &str) -> Option<&Area> {
        self.areas.iter().find(|a| {
            a.indicators
                .iter()
                .any(|(s, i)| s == survey && i == indicator)
        })
    }

    /// The citizen promises in force on `day`.
    pub fn promises_on(&self, day: NaiveDate) -> impl Iterator<Item = &Promise> {
        self.promises
            .iter()
            .filter(move |p| p.starts <= day && day <= p.ends)
    }
}

/// Every agreement, in period order, with the files they came from.
#[derive(Debug, Clone, Default)]
pub struct AgreementCatalog {
    agreements: Vec<(Agreement, PathBuf)>,
}

impl AgreementCatalog {
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Agreement> {
        self.agreements.iter().map(|(a, _)| a)
    }

    pub fn files(&self) -> impl Iterator<Item = (&Agreement, &Path)> {
        self.agreements.iter().map(|(a, p)| (a, p.as_path()))
    }

    pub fn get(&self, id: &str) -> Option<&Agreement> {
        self.iter().find(|a| a.id == id)
    }

    /// The agreement in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> Option<&Agreement> {
        self.iter().find(|a| a.in_force_on(day))
    }

    /// The agreement whose areas a year's figures are filed under: the one in force on the
    /// year's last day, else the latest that covers any day of the year.
    pub fn for_year(&self, year: i32) -> Option<&Agreement> {
        NaiveDate::from_ymd_opt(year, 12, 31)
            .and_then(|d| self.in_force_on(d))
            .or_else(|| self.iter().rev().find(|a| a.covers_year(year)))
    }

    pub(crate) fn from_parts(mut agreements: Vec<(Agreement, PathBuf)>) -> AgreementCatalog {
        agreements.sort_by_key(|(a, _)| a.starts);
        AgreementCatalog { agreements }
    }
}

/// A priority area as lists and forms name it: its id, its titles and the agreement it belongs
/// to (`None` for the seed's three areas, used when no agreement file is loaded).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaName {
    pub id: String,
    pub title: Text,
    pub agreement: Option<AgreementSpan>,
}

/// The id, title and years of the agreement an area belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementSpan {
    pub id: String,
    pub title: Text,
    pub first_year: i32,
    pub last_year: i32,
}

impl AreaName {
    /// Whether the area's agreement covers any of the years `first..=last`.
    pub fn covers(&self, first: i32, last: i32) -> bool {
        self.agreement
            .as_ref()
            .is_none_or(|a| a.first_year <= last && first <= a.last_year)
    }
}

/// The seed's three areas, for a service run without agreement files.
fn seed_areas() -> Vec<AreaName> {
    use crate::i18n::Lang;
    crate::survey::PriorityArea::ALL
        .iter()
        .map(|a| AreaName {
            id: a.id().to_owned(),
            title: Text {
                sv: a.title(Lang::Sv).to_owned(),
                en: a.title(Lang::En).to_owned(),
            },
            agreement: None,
        })
        .collect()
}

impl Agreement {
    fn span(&self) -> AgreementSpan {
        AgreementSpan {
            id: self.id.clone(),
            title: self.title.clone(),
            first_year: self.starts.year(),
            last_year: self.ends.year(),
        }
    }

    /// Its areas as lists name them.
    pub fn area_names(&self) -> Vec<AreaName> {
        self.areas
            .iter()
            .map(|a| AreaName {
                id: a.id.clone(),
                title: a.title.clone(),
                agreement: Some(self.span()),
            })
            .collect()
    }
}

impl AgreementCatalog {
    /// Every area of every agreement, agreement by agreement in period order (an id that two
    /// agreements share appears under each); the seed's three when no agreement is loaded.
    pub fn area_names(&self) -> Vec<AreaName> {
        if self.agreements.is_empty() {
            return seed_areas();
        }
        self.iter().flat_map(Agreement::area_names).collect()
    }

    /// The areas of the agreement for `year` (see [`AgreementCatalog::for_year`]); the seed's
    /// three when no agreement covers it.
    pub fn year_areas(&self, year: i32) -> Vec<AreaName> {
        self.for_year(year)
            .map_or_else(seed_areas, Agreement::area_names)
    }

    /// The area's title: from the latest agreement that has it, else the seed's, else its id.
    pub fn area_title(&self, id: &str, lang: crate::i18n::Lang) -> String {
        self.iter()
            .rev()
            .find_map(|a| a.area(id).map(|area| area.title.get(lang).to_owned()))
            .or_else(|| crate::survey::PriorityArea::parse(id).map(|a| a.title(lang).to_owned()))
            .unwrap_or_else(|| id.to_owned())
    }
}

/// A citizen promise as the plan's form names it.
#[derive(Debug, Clone, PartialEq)]
pub struct PromiseName {
    pub id: String,
    pub title: Text,
    pub first_year: i32,
    pub last_year: i32,
}

impl PromiseName {
    /// E.g. "Tryggare centrum (2023–2024)".
    pub fn label(&self, lang: crate::i18n::Lang) -> String {
        format!(
            "{} ({}–{})",
            self.title.get(lang),
            self.first_year,
            self.last_year
        )
    }
}

impl AgreementCatalog {
    /// Every citizen promise of every agreement, in period order.
    pub fn promise_names(&self) -> Vec<PromiseName> {
        self.iter()
            .flat_map(|a| a.promises.iter())
            .map(|p| PromiseName {
                id: p.id.clone(),
                title: p.title.clone(),
                first_year: p.starts.year(),
                last_year: p.ends.year(),
            })
            .collect()
    }

    /// A promise and the agreement it belongs to.
    pub fn promise(&self, id: &str) -> Option<(&Agreement, &Promise)> {
        self.iter()
            .find_map(|a| a.promises.iter().find(|p| p.id == id).map(|p| (a, p)))
    }
}
