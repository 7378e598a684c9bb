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
    pub fn iter(&self) -> impl Iterator<Item = &Agreement> {
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
            .or_else(|| self.iter().filter(|a| a.covers_year(year)).last())
    }

    pub(crate) fn from_parts(mut agreements: Vec<(Agreement, PathBuf)>) -> AgreementCatalog {
        agreements.sort_by_key(|(a, _)| a.starts);
        AgreementCatalog { agreements }
    }
}
