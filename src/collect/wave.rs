//! Waves: one round of a survey, its period, its state and how respondents get in.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::entities::wave;
use crate::survey::{Audience, SurveyCatalog};

/// How respondents reach a wave's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Anyone with the link `/s/{slug}`.
    Open,
    /// A personal one-time link sent by e-mail.
    Invite,
    /// One-time pupil codes handed out in class, entered at `/k`.
    Class,
}

impl Access {
    pub const ALL: [Access; 3] = [Access::Open, Access::Invite, Access::Class];

    pub fn id(&self) -> &'static str {
        match self {
            Access::Open => "open",
            Access::Invite => "invite",
            Access::Class => "class",
        }
    }

    pub fn parse(id: &str) -> Option<Access> {
        Access::ALL.into_iter().find(|a| a.id() == id.trim())
    }

    /// Whether a submission must carry an access code.
    pub fn needs_code(&self) -> bool {
        !matches!(self, Access::Open)
    }
}

/// Where a wave is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaveState {
    /// Its period has not begun.
    Scheduled,
    Open,
    /// Closed by hand or past its closing time.
    Closed,
}

impl WaveState {
    pub fn id(&self) -> &'static str {
        match self {
            WaveState::Scheduled => "scheduled",
            WaveState::Open => "open",
            WaveState::Closed => "closed",
        }
    }
}

/// A stored wave with its access mode parsed.
#[derive(Debug, Clone)]
pub struct Wave {
    pub id: String,
    pub slug: String,
    pub survey_id: String,
    pub survey_version: u32,
    pub access: Access,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub created_at: i64,
    /// The year the wave belongs to.
    pub period: i32,
}

impl Wave {
    /// `None` when the row holds an access mode this version does not know (a newer release
    /// wrote it); such a wave is treated as unknown rather than guessed at.
    pub fn from_model(m: wave::Model) -> Option<Wave> {
        Some(Wave {
            access: Access::parse(&m.access)?,
            survey_version: u32::try_from(m.survey_version).ok()?,
            id: m.id,
            slug: m.slug,
            survey_id: m.survey_id,
            opens_at: m.opens_at,
            closes_at: m.closes_at,
            closed_at: m.closed_at,
            created_at: m.created_at,
            period: m
                .period
                .unwrap_or_else(|| year_of(m.opens_at.unwrap_or(m.created_at))),
        })
    }

    pub fn state_at(&self, now: i64) -> WaveState {
        state_at(self.opens_at, self.closes_at, self.closed_at, now)
    }

    pub fn state(&self) -> WaveState {
        self.state_at(crate::util::now())
    }
}

/// A wave to create, checked against the loaded questionnaires.
#[derive(Debug, Clone)]
pub struct NewWave {
    pub survey_id: String,
    pub survey_version: u32,
    pub slug: String,
    pub access: Access,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    /// The year the wave belongs to: the year it opens unless [`NewWave::with_period`] says.
    pub period: i32,
}

/// Years a wave may belong to.
pub const PERIODS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// The calendar year (UTC) of a time in Unix seconds.
pub fn year_of(seconds: i64) -> i32 {
    use chrono::Datelike;
    chrono::DateTime::from_timestamp(seconds, 0).map_or(1970, |t| t.year())
}

impl NewWave {
    /// [`NewWave::parse`]'s result with the year the wave belongs to (`--period`, the wave
    /// form's year field) applied when one is typed: a whole year within [`PERIODS`]. A wrong
    /// year is one more problem beside the others, under the field `period`.
    pub fn with_period(
        parsed: Result<NewWave, Vec<(&'static str, String)>>,
        period: Option<&str>,
    ) -> Result<NewWave, Vec<(&'static str, String)>> {
        let typed = period.map(str::trim).filter(|p| !p.is_empty());
        let year = typed.map(|text| {
            text.parse::<i32>()
                .ok()
                .filter(|y| PERIODS.contains(y))
                .ok_or_else(|| {
                    format!(
                        "\"{text}\" is not a year from {} to {}",
                        PERIODS.start(),
                        PERIODS.end()
                    )
                })
        });
        match (parsed, year) {
            (Ok(mut new), Some(Ok(year))) => {
                new.period = year;
                Ok(new)
            }
            (Ok(new), None) => Ok(new),
            (Ok(_), Some(Err(e))) => Err(vec![("period", e)]),
            (Err(mut problems), Some(Err(e))) => {
                problems.push(("period", e));
                Err(problems)
            }
            (Err(problems), _) => Err(problems),
        }
    }

    /// Checks what an admin typed (web form or CLI); every problem, each naming its field.
    pub fn parse(
        catalog: &SurveyCatalog,
        survey_id: &str,
        slug: &str,
        access: &str,
        opens: Option<&str>,
        closes: Option<&str>,
    ) -> Result<NewWave, Vec<(&'static str, String)>> {
        let mut problems = Vec::new();
        let survey = catalog.get(survey_id.trim()).map(|l| l.survey.clone());
        if survey.is_none() {
            let known: Vec<&str> = catalog.iter().map(|l| l.survey.id.as_str()).collect();
            problems.push((
                "survey",
                format!("no survey \"{survey_id}\"; loaded: {}", known.join(", ")),
            ));
        }
        let slug = slug.trim().to_owned();
        if let Err(e) = check_slug(&slug) {
            problems.push(("slug", e));
        }
        let access_mode = Access::parse(access);
        match (access_mode, &survey) {
            (None, _) => problems.push((
                "access",
                format!("access \"{access}\" is not one of open, invite, class"),
            )),
            (Some(Access::Class), Some(s)) if s.audience != Audience::Pupils => problems.push((
                "access",
                format!(
                    "class sessions are for pupils; survey \"{}\" is for {}",
                    s.id,
                    s.audience.id()
                ),
            )),
            _ => {}
        }
        let blank = |t: &Option<&str>| {
            t.map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let opens_at = match blank(&opens).map(|t| parse_time(&t, DayEnd::Start)) {
            Some(Err(e)) => {
                problems.push(("opens", e));
                None
            }
            Some(Ok(t)) => Some(t),
            None => None,
        };
        let closes_at = match blank(&closes).map(|t| parse_time(&t, DayEnd::End)) {
            Some(Err(e)) => {
                problems.push(("closes", e));
                None
            }
            Some(Ok(t)) => Some(t),
            None => None,
        };
        if let (Some(o), Some(c)) = (opens_at, closes_at)
            && c <= o
        {
            problems.push((
                "closes",
                "the closing date must come after the opening date".to_owned(),
            ));
        }
        match (survey, access_mode) {
            (Some(survey), Some(access)) if problems.is_empty() => Ok(NewWave {
                survey_id: survey.id.clone(),
                survey_version: survey.version,
                slug,
                access,
                opens_at,
                closes_at,
                period: year_of(opens_at.unwrap_or_else(crate::util::now)),
            }),
            _ => Err(problems),
        }
    }
}

/// The state rule, shared by the handlers and the writer's in-transaction check.
pub fn state_at(
    opens_at: Option<i64>,
    closes_at: Option<i64>,
    closed_at: Option<i64>,
    now: i64,
) -> WaveState {
    if closed_at.is_some() || closes_at.is_some_and(|c| now >= c) {
        WaveState::Closed
    } else if opens_at.is_some_and(|o| now < o) {
        WaveState::Scheduled
    } else {
        WaveState::Open
    }
}

/// Checks a slug: it becomes part of every link, so 3–60 lower-case letters, digits and inner
/// hyphens, which survive e-mail clients, printing and being read aloud.
pub fn check_slug(slug: &str) -> Result<(), String> {
    let ok_chars = slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !(3..=60).contains(&slug.len()) || !ok_chars || slug.starts_with('-') || slug.ends_with('-')
    {
        return Err(format!(
            "slug \"{slug}\" must be 3–60 characters of a–z, 0–9 and inner hyphens, e.g. \"trygghet-2026\""
        ));
    }
    Ok(())
}

/// Which end of a day a date stands for.
#[derive(Debug, Clone, Copy)]
pub enum DayEnd {
    /// The first second of the day (an opening date).
    Start,
    /// The first second after the day (a closing date: the day itself is included).
    End,
}

/// Parses `YYYY-MM-DD` (a whole UTC day) or an RFC 3339 time into Unix seconds.
pub fn parse_time(text: &str, end: DayEnd) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = match end {
            DayEnd::Start => date,
            DayEnd::End => date
                .succ_opt()
                .ok_or_else(|| format!("\"{text}\" is too far in the future"))?,
        };
        return day
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp())
            .ok_or_else(|| format!("\"{text}\" is not a date"));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|_| format!("\"{text}\" is not a date (YYYY-MM-DD) or a time (RFC 3339)"))
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`, for pages and the CLI.
pub fn format_time(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| seconds.to_string())
}

/// Today's date (UTC) as `YYYY-MM-DD`: the only time a response carries.
pub fn today() -> String {
    Utc::now().date_naive().format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wave_is_open_only_inside_its_period_and_until_closed() {
        assert_eq!(state_at(None, None, None, 100), WaveState::Open);
        assert_eq!(state_at(Some(200), None, None, 100), WaveState::Scheduled);
        assert_eq!(state_at(Some(100), Some(200), None, 100), WaveState::Open);
        assert_eq!(state_at(Some(100), Some(200), None, 200), WaveState::Closed);
        assert_eq!(state_at(None, None, Some(50), 100), WaveState::Closed);
        // Closed by hand before it ever opened.
        assert_eq!(state_at(Some(200), None, Some(50), 100), WaveState::Closed);
    }

    #[test]
    fn a_closing_date_includes_the_whole_day() {
        let opens = parse_time("2026-03-01", DayEnd::Start).expect("date");
        let closes = parse_time("2026-03-01", DayEnd::End).expect("date");
        assert_eq!(closes - opens, 86_400);
        assert_eq!(
            parse_time("2026-03-01T12:00:00+01:00", DayEnd::End).expect("time"),
            opens + 11 * 3600
        );
        let err = parse_time("1 mars", DayEnd::Start).expect_err("not a date");
        assert!(err.contains("1 mars"), "{err}");
    }

    #[test]
    fn slugs_are_safe_in_links() {
        for ok in ["trygg-2026", "abc", "skola-9-2026"] {
            assert!(check_slug(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "ab", "Trygg", "-abc", "abc-", "a b c", "å-2026", "a/b/c",
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn access_modes_parse_by_their_contract_names() {
        for access in Access::ALL {
            assert_eq!(Access::parse(access.id()), Some(access));
        }
        assert_eq!(Access::parse("email"), None);
    }
}
