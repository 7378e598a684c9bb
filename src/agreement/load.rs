//! Reading agreement files: TOML → checked [`Agreement`], every problem tied to its line, all
//! problems of a file (and of the directory: ids used twice, periods that overlap) at once.

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use super::{Activity, Actor, Agreement, AgreementCatalog, Area, Promise};
use crate::survey::{SurveyCatalog, SurveyError, Text};

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgreement {
    id: S<String>,
    title: S<RawText>,
    parties: S<Vec<S<RawText>>>,
    period: S<RawPeriod>,
    #[serde(default)]
    areas: Vec<S<RawArea>>,
    #[serde(default)]
    promises: Vec<S<RawPromise>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a text in both languages, { sv = \"…\", en = \"…\" }"
)]
struct RawText {
    sv: Option<S<String>>,
    en: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a period, { from = \"YYYY-MM-DD\", to = \"YYYY-MM-DD\" }"
)]
struct RawPeriod {
    from: S<String>,
    to: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: S<String>,
    title: S<RawText>,
    description: S<RawText>,
    #[serde(default)]
    indicators: Vec<S<String>>,
    #[serde(default)]
    measures: Vec<S<String>>,
    /// The indicators residents see first on the public page (each one of `indicators`).
    #[serde(default)]
    residents: Vec<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPromise {
    id: S<String>,
    title: S<RawText>,
    text: S<RawText>,
    period: S<RawPeriod>,
    area: Option<S<String>>,
    #[serde(default)]
    activities: Vec<S<RawActivity>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActivity {
    text: S<RawText>,
    by: S<Vec<S<String>>>,
}

struct Ctx<'a> {
    path: &'a Path,
    source: &'a str,
    errors: Vec<SurveyError>,
}

impl Ctx<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.source.len());
        self.source.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.errors.push(SurveyError {
            file: self.path.to_path_buf(),
            line,
            message: message.into(),
        });
    }

    fn text(&mut self, raw: &S<RawText>, what: &str) -> Text {
        let mut get = |value: &Option<S<String>>, lang: &str| match value {
            Some(v) if !v.get_ref().trim().is_empty() => v.get_ref().trim().to_owned(),
            Some(v) => {
                self.error(v.span(), format!("{what}: the {lang} text is empty"));
                String::new()
            }
            None => {
                self.error(
                    raw.span(),
                    format!("{what}: the {lang} text (`{lang} = \"…\"`) is missing"),
                );
                String::new()
            }
        };
        let sv = get(&raw.get_ref().sv, "sv");
        let en = get(&raw.get_ref().en, "en");
        Text { sv, en }
    }

    fn date(&mut self, raw: &S<String>, what: &str) -> Option<NaiveDate> {
        let parsed = NaiveDate::parse_from_str(raw.get_ref().trim(), "%Y-%m-%d").ok();
        if parsed.is_none() {
            self.error(
                raw.span(),
                format!("{what}: `{}` is not a date as YYYY-MM-DD", raw.get_ref()),
            );
        }
        parsed
    }

    fn period(&mut self, raw: &S<RawPeriod>, what: &str) -> Option<(NaiveDate, NaiveDate)> {
        let from = self.date(&raw.get_ref().from, &format!("{what} `from`"));
        let to = self.date(&raw.get_ref().to, &format!("{what} `to`"));
        let (from, to) = (from?, to?);
        if from > to {
            self.error(
                raw.span(),
                format!("{what}: it ends ({to}) before it starts ({from})"),
            );
            return None;
        }
        Some((from, to))
    }

    /// An id of lowercase letters, digits and '-', starting with a letter or digit.
    fn id(&mut self, raw: &S<String>, what: &str) -> String {
        let id = raw.get_ref();
        if !valid_id(id) {
            self.error(
                raw.span(),
                format!(
                    "{what} `{id}`: use lowercase letters, digits and '-' (at most 60), e.g. `youth-at-risk`"
                ),
            );
        }
        id.clone()
    }
}

/// Reads and checks one agreement against the questionnaires; `path` is for messages only.
pub fn load_str(
    path: &Path,
    source: &str,
    surveys: &SurveyCatalog,
) -> Result<Agreement, Vec<SurveyError>> {
    let mut ctx = Ctx {
        path,
        source,
        errors: Vec::new(),
    };
    let raw: RawAgreement = match toml::from_str(source) {
        Ok(raw) => raw,
        Err(e) => {
            ctx.error(e.span().unwrap_or(0..0), e.message().trim_end().to_owned());
            return Err(ctx.errors);
        }
    };
    let agreement = convert(&mut ctx, &raw, surveys);
    if ctx.errors.is_empty() {
        Ok(agreement)
    } else {
        ctx.errors.sort_by_key(|e| e.line);
        Err(ctx.errors)
    }
}

fn convert(ctx: &mut Ctx, raw: &RawAgreement, surveys: &SurveyCatalog) -> Agreement {
    let id = ctx.id(&raw.id, "agreement id");
    let title = ctx.text(&raw.title, "`title`");
    let parties: Vec<Text> = raw
        .parties
        .get_ref()
        .iter()
        .map(|p| ctx.text(p, "a party"))
        .collect();
    if parties.is_empty() {
        ctx.error(
            raw.parties.span(),
            "`parties` is empty: name who signed the agreement",
        );
    }
    let period = ctx.period(&raw.period, "`period`");
    let (starts, ends) = period.unwrap_or_default();
    if raw.areas.is_empty() {
        ctx.error(
            raw.id.span(),
            "the agreement has no priority areas ([[areas]])",
        );
    }
    let mut areas: Vec<Area> = Vec::new();
    // (survey, indicator, area) of every indicator an area follows.
    let mut followed: Vec<(String, String, String)> = Vec::new();
    for ra in &raw.areas {
        let area = convert_area(ctx, ra.get_ref(), surveys, &areas, &mut followed);
        areas.push(area);
    }
    let mut promises: Vec<Promise> = Vec::new();
    for rp in &raw.promises {
        let promise = convert_promise(ctx, rp.get_ref(), &raw.areas, &areas, &promises, period);
        promises.push(promise);
    }
    Agreement {
        id,
        title,
        parties,
        starts,
        ends,
        areas,
        promises,
    }
}

/// One priority area; `areas` are the ones before it, `followed` the indicators they follow.
fn convert_area(
    ctx: &mut Ctx,
    ra: &RawArea,
    surveys: &SurveyCatalog,
    areas: &[Area],
    followed: &mut Vec<(String, String, String)>,
) -> Area {
    let area_id = ctx.id(&ra.id, "area id");
    if areas.iter().any(|a| a.id == area_id) {
        ctx.error(ra.id.span(), format!("area `{area_id}` is listed twice"));
    }
    let title = ctx.text(&ra.title, &format!("area `{area_id}` `title`"));
    let description = ctx.text(&ra.description, &format!("area `{area_id}` `description`"));
    let indicators = area_indicators(ctx, ra, &area_id, surveys, followed);
    let mut measures = Vec::new();
    for m in &ra.measures {
        let text = m.get_ref().trim();
        let ok = text
            .split_once('/')
            .is_some_and(|(s, id)| !s.is_empty() && !id.is_empty() && !id.contains('/'));
        if ok {
            measures.push(text.to_owned());
        } else {
            ctx.error(
                m.span(),
                format!(
                    "area `{area_id}`: measure `{text}` is not `source/measure`, e.g. `kolada/N07540`"
                ),
            );
        }
    }
    let residents = area_residents(ctx, ra, &area_id, &indicators);
    Area {
        id: area_id,
        title,
        description,
        indicators,
        measures,
        residents,
    }
}

/// An area's `survey/indicator` entries: each of a questionnaire that has it, and followed by
/// no other area.
fn area_indicators(
    ctx: &mut Ctx,
    ra: &RawArea,
    area_id: &str,
    surveys: &SurveyCatalog,
    followed: &mut Vec<(String, String, String)>,
) -> Vec<(String, String)> {
    let mut indicators = Vec::new();
    for entry in &ra.indicators {
        let Some((survey_id, indicator_id)) = entry.get_ref().split_once('/') else {
            ctx.error(
                entry.span(),
                format!(
                    "area `{area_id}`: `{}` is not `survey/indicator`, e.g. `resident-safety/unsafe_night`",
                    entry.get_ref()
                ),
            );
            continue;
        };
        match surveys.get(survey_id) {
            None => ctx.error(
                entry.span(),
                format!("area `{area_id}`: there is no questionnaire `{survey_id}`"),
            ),
            Some(l) if l.survey.indicator(indicator_id).is_none() => ctx.error(
                entry.span(),
                format!(
                    "area `{area_id}`: questionnaire `{survey_id}` has no indicator `{indicator_id}`"
                ),
            ),
            Some(_) => {
                if let Some((_, _, other)) = followed
                    .iter()
                    .find(|(s, i, _)| s == survey_id && i == indicator_id)
                {
                    ctx.error(
                        entry.span(),
                        format!(
                            "`{survey_id}/{indicator_id}` already follows area `{other}`: an indicator follows one area"
                        ),
                    );
                } else {
                    followed.push((
                        survey_id.to_owned(),
                        indicator_id.to_owned(),
                        area_id.to_owned(),
                    ));
                    indicators.push((survey_id.to_owned(), indicator_id.to_owned()));
                }
            }
        }
    }
    indicators
}

/// The indicators an area shows residents first: each one of its `indicators`, once.
fn area_residents(
    ctx: &mut Ctx,
    ra: &RawArea,
    area_id: &str,
    indicators: &[(String, String)],
) -> Vec<(String, String)> {
    let mut residents = Vec::new();
    for r in &ra.residents {
        // An entry of `indicators` refused above is not refused twice.
        let listed = ra.indicators.iter().any(|i| i.get_ref() == r.get_ref());
        let named = r.get_ref().split_once('/').and_then(|(s, i)| {
            indicators
                .iter()
                .find(|(survey, indicator)| survey == s && indicator == i)
        });
        match named {
            Some(pair) if !residents.contains(pair) => residents.push(pair.clone()),
            Some(_) => ctx.error(
                r.span(),
                format!(
                    "area `{area_id}`: `{}` is named twice in `residents`",
                    r.get_ref()
                ),
            ),
            None if listed => {}
            None => ctx.error(
                r.span(),
                format!(
                    "area `{area_id}`: `{}` in `residents` is not one of the area's `indicators`",
                    r.get_ref()
                ),
            ),
        }
    }
    residents
}

/// One citizen promise; `areas` are the agreement's (as written and as read), `promises` the
/// ones before it, `period` the agreement's when it could be read.
fn convert_promise(
    ctx: &mut Ctx,
    rp: &RawPromise,
    raw_areas: &[S<RawArea>],
    areas: &[Area],
    promises: &[Promise],
    period: Option<(NaiveDate, NaiveDate)>,
) -> Promise {
    let promise_id = ctx.id(&rp.id, "promise id");
    if promises.iter().any(|p| p.id == promise_id) {
        ctx.error(
            rp.id.span(),
            format!("promise `{promise_id}` is listed twice"),
        );
    }
    let what = format!("promise `{promise_id}`");
    let title = ctx.text(&rp.title, &format!("{what} `title`"));
    let text = ctx.text(&rp.text, &format!("{what} `text`"));
    let (starts, ends) = match ctx.period(&rp.period, &format!("{what} `period`")) {
        Some((from, to)) => {
            if let Some((a_starts, a_ends)) = period
                && (from < a_starts || to > a_ends)
            {
                ctx.error(
                    rp.period.span(),
                    format!(
                        "{what}: its period {from} – {to} is not inside the agreement's ({a_starts} – {a_ends})"
                    ),
                );
            }
            (from, to)
        }
        None => Default::default(),
    };
    let area = rp.area.as_ref().map(|a| {
        // An area whose own id is wrong has been reported already: no second message.
        let all_areas_sound = raw_areas.iter().all(|r| valid_id(r.get_ref().id.get_ref()));
        if all_areas_sound && !areas.iter().any(|x| &x.id == a.get_ref()) {
            ctx.error(
                a.span(),
                format!(
                    "{what}: there is no area `{}` in this agreement",
                    a.get_ref()
                ),
            );
        }
        a.get_ref().clone()
    });
    if rp.activities.is_empty() {
        ctx.error(
            rp.id.span(),
            format!(
                "{what} has no activities ([[promises.activities]]): say what is done and by whom"
            ),
        );
    }
    let activities = rp
        .activities
        .iter()
        .map(|ra| convert_activity(ctx, ra.get_ref(), &what))
        .collect();
    Promise {
        id: promise_id,
        title,
        text,
        starts,
        ends,
        area,
        activities,
    }
}

/// One activity of a promise: what is done, and by whom.
fn convert_activity(ctx: &mut Ctx, ra: &RawActivity, what: &str) -> Activity {
    let text = ctx.text(&ra.text, &format!("{what}: an activity's `text`"));
    let mut by = Vec::new();
    for who in ra.by.get_ref() {
        match actor(who.get_ref()) {
            Some(a) => by.push(a),
            None => ctx.error(
                who.span(),
                format!(
                    "{what}: `{}` is not kommun, polis or \"partner: NAME\"",
                    who.get_ref()
                ),
            ),
        }
    }
    if ra.by.get_ref().is_empty() {
        ctx.error(
            ra.by.span(),
            format!("{what}: an activity's `by` is empty: kommun, polis or \"partner: NAME\""),
        );
    }
    Activity { text, by }
}

/// Lowercase letters, digits and '-', starting with a letter or digit, at most 60.
fn valid_id(id: &str) -> bool {
    id.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && id.len() <= 60
}

fn actor(text: &str) -> Option<Actor> {
    let text = text.trim();
    match text.to_lowercase().as_str() {
        "kommun" | "kommunen" => Some(Actor::Municipality),
        "polis" | "polisen" => Some(Actor::Police),
        _ => {
            let (kind, name) = text.split_once(':')?;
            let name = name.trim();
            (kind.trim().eq_ignore_ascii_case("partner") && !name.is_empty())
                .then(|| Actor::Partner(name.to_owned()))
        }
    }
}

/// Every `*.toml` of `dir`, checked one by one and together (ids, overlapping periods). A
/// directory that does not exist holds no agreement.
pub fn load_dir(dir: &Path, surveys: &SurveyCatalog) -> Result<AgreementCatalog, Vec<SurveyError>> {
    let mut errors = Vec::new();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(vec![SurveyError {
                file: dir.to_path_buf(),
                line: 0,
                message: format!("cannot read the directory: {e}"),
            }]);
        }
    };
    files.sort();
    let mut loaded: Vec<(Agreement, PathBuf)> = Vec::new();
    for path in files {
        let source = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                errors.push(SurveyError {
                    file: path,
                    line: 0,
                    message: format!("the file is not valid UTF-8: {e}"),
                });
                continue;
            }
            Err(e) => {
                errors.push(SurveyError {
                    file: path,
                    line: 0,
                    message: format!("cannot read the file: {e}"),
                });
                continue;
            }
        };
        match load_str(&path, &source, surveys) {
            Ok(agreement) => {
                let line_of_id = source
                    .lines()
                    .position(|l| l.trim_start().starts_with("id"))
                    .map_or(1, |i| i + 1);
                if let Some((_, first)) = loaded.iter().find(|(a, _)| a.id == agreement.id) {
                    errors.push(SurveyError {
                        file: path.clone(),
                        line: line_of_id,
                        message: format!(
                            "agreement id `{}` is already used by {}",
                            agreement.id,
                            first.display()
                        ),
                    });
                } else if let Some((other, other_path)) = loaded
                    .iter()
                    .find(|(a, _)| a.starts <= agreement.ends && agreement.starts <= a.ends)
                {
                    errors.push(SurveyError {
                        file: path.clone(),
                        line: line_of_id,
                        message: format!(
                            "the period {} – {} overlaps agreement `{}` ({} – {}) of {}: one agreement is in force at a time",
                            agreement.starts,
                            agreement.ends,
                            other.id,
                            other.starts,
                            other.ends,
                            other_path.display()
                        ),
                    });
                } else {
                    loaded.push((agreement, path));
                }
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(AgreementCatalog::from_parts(loaded))
    } else {
        Err(errors)
    }
}
