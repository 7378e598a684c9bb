//! A wave's population totals from SCB's population statistics as the lägesbild stores them
//! (`trygg sources import` of a PxWeb answer in JSON-stat 2: measures
//! `scb/{content}/{dimension}={code}/…` per area and year, see `sources::jsonstat`).
//!
//! The mapping is explicit and checked; nothing is guessed silently:
//!
//! - **Which figures.** The population content: SCB's code `BE0101N1` (Folkmängd), or a content
//!   whose title is "Folkmängd…", "Befolkning" or "Population…". One area (the municipality's
//!   code, or any area the figures are stored under) and one year (the latest stored unless
//!   asked for).
//! - **Which questions.** SCB's `Alder` fills the survey's background question about age (its id
//!   `age`, `age_band`, `alder`… or its short name "Ålder"/"Age"); `Kon` fills the one about
//!   gender (id `gender`, `sex`, `kon`, or short name "Kön"/"Gender") when the figures are by
//!   sex. The age question is required: only it limits the register's population to the people
//!   the survey asks (a survey without one, such as the staff or the pupils' survey, cannot take
//!   SCB's figures, nor can figures that are not by age). Other background questions (the
//!   district: SCB's figures are for the whole area) get no totals, as a CSV that leaves out a
//!   column.
//! - **Ages.** Each answer of the age question is read as a range from its label (or, when no
//!   label is a range, its code): `16–24 år`, `65+`, `85 år och äldre`, `under 25`. It is
//!   filled by SCB's categories lying wholly inside it that together are exactly the range —
//!   single years (`16`, `100+`) or SCB's own groups (`15-19`) — summed. A category that crosses
//!   a limit of the range, or an age no category has, is refused naming the answer and the age;
//!   an answer that is no range is refused naming it. Ages outside every answer are not used.
//! - **Gender.** SCB's `Kon` 1 is the answer the question names "män"/"man" (or "pojkar",
//!   "killar", "men", "boys"…), 2 the one it names "kvinnor"/"kvinna" ("flickor", "tjejer",
//!   "women", "girls"…), found as a pasted file's labels are
//!   ([`super::population::ChoiceNames`]); none or two such answers are refused naming the
//!   question. An answer SCB has no figure for (gender "Annat") gets no cell: its respondents
//!   are weighted by collapsing cells within their age group, as for a pasted register file.
//!   "Vill inte svara" and "Vet inte" (missing codes) never have a population.
//! - **Other SCB dimensions** (e.g. `Civilstand`, or `Kon` when the survey asks no gender) are
//!   summed over: their total category (`tot`, `totalt`, `1+2`) when the figures have one,
//!   else all their categories.
//! - **The cells** are the full cross of the filled answers, each with at least one person and
//!   at most [`MAX_CELL_TOTAL`] (the checks of a pasted file): what `parse_totals` would accept
//!   for the same figures written as CSV.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::population::{ChoiceNames, MAX_CELL_TOTAL, PopulationCell, fold};
use crate::i18n::Lang;
use crate::problems::Problems;
use crate::survey::{Choice, Question, Survey, Text};

/// One stored SCB value of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct ScbFigure {
    /// `scb/{content}/{dimension}={code}/…`, e.g. `scb/BE0101N1/Alder=20/Kon=2`.
    pub measure: String,
    /// The measure's title as stored (`Folkmängd, 20 år, kvinnor`); may be empty.
    pub title: String,
    /// `2024` (a month, `2024-07`, is never used).
    pub period: String,
    pub value: f64,
}

/// Population totals built from SCB's figures, and what they were built from.
#[derive(Debug, Clone, PartialEq)]
pub struct ScbTotals {
    pub cells: Vec<PopulationCell>,
    pub area: String,
    pub year: String,
    /// The content code the figures are of, e.g. `BE0101N1`.
    pub content: String,
    /// The background questions the cells are by, in the questionnaire's order.
    pub questions: Vec<String>,
}

/// SCB's content code of the population (Folkmängd) in its BE0101 tables.
pub const POPULATION_CONTENT: &str = "BE0101N1";

const AGE_IDS: [&str; 9] = [
    "age",
    "age_band",
    "ageband",
    "age_group",
    "agegroup",
    "alder",
    "ålder",
    "aldersgrupp",
    "åldersgrupp",
];
const AGE_SHORTS: [&str; 5] = ["ålder", "åldersgrupp", "age", "age group", "age band"];
const GENDER_IDS: [&str; 4] = ["gender", "sex", "kon", "kön"];
const GENDER_SHORTS: [&str; 3] = ["kön", "gender", "sex"];
/// How a question's answers may name SCB's `Kon` 1 and 2 (compared after folding).
const MEN: [&str; 11] = [
    "män", "man", "men", "male", "males", "pojkar", "pojke", "boys", "boy", "killar", "kille",
];
const WOMEN: [&str; 12] = [
    "kvinnor", "kvinna", "women", "woman", "female", "females", "flickor", "flicka", "girls",
    "girl", "tjejer", "tjej",
];

/// Whether a category code is a dimension's total (`tot`, `totalt`, `1+2`).
fn is_total(code: &str) -> bool {
    matches!(
        fold(code).as_str(),
        "tot" | "tot." | "totalt" | "total" | "samtliga" | "1+2"
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Age,
    Sex,
    Other,
}

fn kind(dimension: &str) -> Kind {
    match fold(dimension).as_str() {
        "alder" | "ålder" | "age" => Kind::Age,
        "kon" | "kön" | "sex" | "gender" => Kind::Sex,
        _ => Kind::Other,
    }
}

fn is_year(period: &str) -> bool {
    period.len() == 4 && period.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a content is the population: SCB's code, or its title.
fn is_population(content: &str, title: &str) -> bool {
    let name = fold(title.split(',').next().unwrap_or_default());
    content == POPULATION_CONTENT
        || name.starts_with("folkmängd")
        || name.starts_with("population")
        || name == "befolkning"
}

/// The code a figure has in a dimension.
fn code_of<'f>(f: &Figure<'f>, dimension: &str) -> Option<&'f str> {
    f.dimensions
        .iter()
        .find(|(d, _)| *d == dimension)
        .map(|(_, c)| *c)
}

/// A stored population figure, read.
struct Figure<'f> {
    content: &'f str,
    /// (dimension, code), in the measure's order.
    dimensions: Vec<(&'f str, &'f str)>,
    year: &'f str,
    value: f64,
}

fn read_figure(f: &ScbFigure) -> Option<Figure<'_>> {
    let rest = f.measure.strip_prefix("scb/")?;
    let mut parts = rest.split('/');
    let content = parts.next().filter(|c| !c.is_empty())?;
    let mut dimensions = Vec::new();
    for part in parts {
        dimensions.push(part.split_once('=')?);
    }
    (is_population(content, &f.title) && is_year(&f.period) && f.value.is_finite()).then_some(
        Figure {
            content,
            dimensions,
            year: &f.period,
            value: f.value,
        },
    )
}

fn text(sv: String, en: String) -> Text {
    Text { sv, en }
}

/// The survey's one background question of a kind (by id or short name); an error when two
/// are.
fn role_question<'s>(
    survey: &'s Survey,
    ids: &[&str],
    shorts: &[&str],
    what: (&str, &str),
) -> Result<Option<&'s Question>, Text> {
    let found: Vec<&Question> = survey
        .background_questions()
        .filter(|q| !q.choices().is_empty())
        .filter(|q| {
            ids.contains(&fold(&q.id).as_str())
                || q.short.as_ref().is_some_and(|s| {
                    shorts.contains(&fold(&s.sv).as_str()) || shorts.contains(&fold(&s.en).as_str())
                })
        })
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => {
            let ids: Vec<&str> = many.iter().map(|q| q.id.as_str()).collect();
            Err(text(
                format!(
                    "enkäten har flera bakgrundsfrågor om {} ({}); SCB:s siffror kan bara fylla en",
                    what.0,
                    ids.join(", ")
                ),
                format!(
                    "the survey has several background questions about {} ({}); SCB's figures can fill only one",
                    what.1,
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// An age range: the first year of age and the last (`None`: and older).
type Ages = (u32, Option<u32>);

/// A number of years: `16`, `16 år`, `16 years`.
fn years(text: &str) -> Option<u32> {
    let t = text.trim();
    let t = ["år", "years", "year"]
        .iter()
        .find_map(|unit| t.strip_suffix(unit))
        .unwrap_or(t)
        .trim();
    (!t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// The range of ages a label or code names: `16-24`, `16–24 år`, `65+`, `85 år och äldre`,
/// `under 25`, `-4`, `7` (one year).
pub fn age_range(written: &str) -> Option<Ages> {
    let t = fold(written);
    for older in [
        " och äldre",
        " eller äldre",
        " och över",
        " or older",
        " and older",
        " and over",
        " or over",
    ] {
        if let Some(n) = t.strip_suffix(older) {
            return Some((years(n)?, None));
        }
    }
    for younger in ["under ", "yngre än ", "younger than "] {
        if let Some(n) = t.strip_prefix(younger) {
            return Some((0, Some(years(n)?.checked_sub(1)?)));
        }
    }
    for over in ["över ", "over ", "äldre än ", "older than "] {
        if let Some(n) = t.strip_prefix(over) {
            return Some((years(n)?.checked_add(1)?, None));
        }
    }
    if let Some(n) = t.strip_suffix('+') {
        return Some((years(n)?, None));
    }
    if let Some((from, to)) = t.split_once('-') {
        return match (from.trim().is_empty(), to.trim().is_empty()) {
            (true, false) => Some((0, Some(years(to)?))),
            (false, true) => Some((years(from)?, None)),
            (false, false) => {
                let (a, b) = (years(from)?, years(to)?);
                (a <= b).then_some((a, Some(b)))
            }
            (true, true) => None,
        };
    }
    years(&t).map(|n| (n, Some(n)))
}

/// The range an answer of the age question names: by its labels (Swedish, then English; they
/// must agree), else by its code.
fn choice_ages(choice: &Choice) -> Option<Ages> {
    let sv = age_range(&choice.label.sv);
    let en = age_range(&choice.label.en);
    match (sv, en) {
        (Some(a), Some(b)) if a != b => None,
        (Some(a), _) | (None, Some(a)) => Some(a),
        (None, None) => age_range(&choice.code),
    }
}

fn within(end: Option<u32>, band_end: Option<u32>) -> bool {
    match (end, band_end) {
        (_, None) => true,
        (Some(e), Some(b)) => e <= b,
        (None, Some(_)) => false,
    }
}

/// The sum of the categories that together are exactly the ages `start..=band_end` (wider
/// categories tried first); `None` when no such categories are there.
fn cover(
    start: u32,
    band_end: Option<u32>,
    categories: &[(Ages, f64, &str)],
    failed: &mut HashSet<u32>,
) -> Option<f64> {
    if failed.contains(&start) {
        return None;
    }
    let mut fitting: Vec<&(Ages, f64, &str)> = categories
        .iter()
        .filter(|((from, to), _, _)| *from == start && within(*to, band_end))
        .collect();
    // Widest first: an open category, then the latest end.
    fitting.sort_by_key(|((_, to), _, _)| std::cmp::Reverse(to.map_or(u64::MAX, u64::from)));
    for ((_, to), value, _) in fitting {
        match (to, band_end) {
            (None, None) => return Some(*value),
            (Some(t), Some(b)) if *t == b => return Some(*value),
            (Some(t), _) => {
                if let Some(rest) = cover(t + 1, band_end, categories, failed) {
                    return Some(value + rest);
                }
            }
            (None, Some(_)) => {}
        }
    }
    failed.insert(start);
    None
}

/// Why `band` has no cover: the first age no chain of fitting categories reaches, and a
/// category holding that age that crosses a limit of the band (if one does).
fn gap<'c>(band: Ages, categories: &[(Ages, f64, &'c str)]) -> (u32, Option<&'c str>) {
    let mut reached = BTreeSet::from([band.0]);
    let mut todo = vec![band.0];
    while let Some(at) = todo.pop() {
        for ((from, to), _, _) in categories {
            if *from == at
                && within(*to, band.1)
                && let Some(t) = to
                && reached.insert(t + 1)
            {
                todo.push(t + 1);
            }
        }
    }
    let furthest = reached.last().copied().unwrap_or(band.0);
    let crossing = categories
        .iter()
        .find(|((from, to), _, _)| {
            *from <= furthest
                && to.is_none_or(|t| t >= furthest)
                && (*from < band.0 || !within(*to, band.1))
        })
        .map(|(_, _, code)| *code);
    (furthest, crossing)
}

/// The answer of the gender question that the names name.
fn sex_choice<'q>(q: &'q Question, names: &[&str], scb: (&str, &str)) -> Result<&'q Choice, Text> {
    let choices = ChoiceNames::of(q);
    let mut found: Vec<&Choice> = Vec::new();
    for name in names {
        if let Ok(choice) = choices.find(name)
            && !choice.missing
            && !found.iter().any(|c| c.code == choice.code)
        {
            found.push(choice);
        }
    }
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(text(
            format!(
                "frågan ”{}” ({}) har inget svar för SCB:s kön ”{}” (kod {}); svaren är {}",
                q.text.sv,
                q.id,
                scb.0,
                scb.1,
                answers(q, Lang::Sv)
            ),
            format!(
                "the question “{}” ({}) has no answer for SCB's sex “{}” (code {}); its answers are {}",
                q.text.en,
                q.id,
                scb.0,
                scb.1,
                answers(q, Lang::En)
            ),
        )),
        many => {
            let labels: Vec<&str> = many.iter().map(|c| c.label.sv.as_str()).collect();
            let labels_en: Vec<&str> = many.iter().map(|c| c.label.en.as_str()).collect();
            Err(text(
                format!(
                    "frågan ”{}” ({}) har flera svar för SCB:s kön ”{}” (kod {}): {}",
                    q.text.sv,
                    q.id,
                    scb.0,
                    scb.1,
                    labels.join(", ")
                ),
                format!(
                    "the question “{}” ({}) has several answers for SCB's sex “{}” (code {}): {}",
                    q.text.en,
                    q.id,
                    scb.0,
                    scb.1,
                    labels_en.join(", ")
                ),
            ))
        }
    }
}

/// `f (Kvinna), m (Man), o (Annat)`.
fn answers(q: &Question, lang: Lang) -> String {
    q.choices()
        .iter()
        .filter(|c| !c.missing)
        .map(|c| format!("{} ({})", c.code, c.label.get(lang)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The roles of the survey's background questions: (age, gender).
type Roles<'s> = (Option<&'s Question>, Option<&'s Question>);

fn roles(survey: &Survey) -> Result<Roles<'_>, Problems<Text>> {
    let age = role_question(survey, &AGE_IDS, &AGE_SHORTS, ("ålder", "age"));
    let gender = role_question(survey, &GENDER_IDS, &GENDER_SHORTS, ("kön", "gender"));
    match (age, gender) {
        (Ok(a), Ok(g)) => Ok((a, g)),
        (a, g) => Err(a.err().into_iter().chain(g.err()).collect()),
    }
}

/// Whether a figure is by age, and the survey has an age question to fill.
fn fills(figure: &Figure, (age, _): Roles) -> bool {
    age.is_some() && figure.dimensions.iter().any(|(d, _)| kind(d) == Kind::Age)
}

/// Whether the survey can take SCB's population figures at all: it has one background question
/// about age (and at most one about gender).
pub fn takes_scb(survey: &Survey) -> bool {
    matches!(roles(survey), Ok((Some(_), _)))
}

/// The latest year of the SCB population figures (of one area) by age, when the survey has an
/// age question for them to fill; `None` when there are none (or the survey cannot take them).
pub fn latest_year(survey: &Survey, figures: &[ScbFigure]) -> Option<String> {
    let roles = roles(survey).ok()?;
    figures
        .iter()
        .filter_map(read_figure)
        .filter(|f| fills(f, roles))
        .map(|f| f.year)
        .max()
        .map(str::to_owned)
}

/// The population totals of the survey's age question (and gender question, when the figures
/// are by sex) from the SCB figures of `area` (all stored for it); `year`, or else the latest
/// year of figures by age. Every problem is reported at once, and then there are no totals.
pub fn build(
    survey: &Survey,
    area: &str,
    figures: &[ScbFigure],
    year: Option<&str>,
) -> Result<ScbTotals, Problems<Text>> {
    let (age_q, gender_q) = roles(survey)?;
    let Some(age_q) = age_q else {
        return Err(Problems::from_iter([no_age_question(survey)]));
    };
    let read: Vec<Figure> = figures.iter().filter_map(read_figure).collect();
    let year = chosen_year(&read, area, year, (Some(age_q), gender_q))?;
    let Some(table) = Table::choose(&read, year, gender_q.is_some()) else {
        return Err(Problems::from_iter([text(
            format!(
                "SCB:s befolkningstal för området {area} {year} är inte efter ålder (Alder), så de kan inte fylla enkätens fråga om ålder ({}); läs in en tabell efter ålder och kön",
                age_q.id
            ),
            format!(
                "SCB's population figures for the area {area} in {year} are not by age (Alder), so they cannot fill the survey's question about age ({}); import a table by age and sex",
                age_q.id
            ),
        )]));
    };
    // The gender question is filled only when the table is by sex.
    let gender_q = table.sex_dim.and(gender_q);
    let mut problems: Problems<Text> = Problems::new();
    let place = (area, year);
    let bands = age_bands(age_q, &mut problems);
    let categories = age_categories(&table.summed, &mut problems);
    let sexes = match gender_q {
        Some(q) => sex_answers(q, &table.summed, place, &mut problems),
        None => vec![(None, None)],
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let fill = Fill {
        age_q,
        gender_q,
        bands,
        sexes,
        categories,
        place,
    };
    let cells = fill.cells(survey, &mut problems);
    let questions: Vec<String> = survey
        .background_questions()
        .filter(|q| q.id == age_q.id || gender_q.is_some_and(|g| g.id == q.id))
        .map(|q| q.id.clone())
        .collect();
    problems.or_ok(ScbTotals {
        cells,
        area: area.to_owned(),
        year: year.to_owned(),
        content: table.content.to_owned(),
        questions,
    })
}

/// Why a survey without an age question cannot take SCB's figures.
fn no_age_question(survey: &Survey) -> Text {
    let names: Vec<&str> = survey
        .background_questions()
        .map(|q| q.id.as_str())
        .collect();
    text(
        format!(
            "enkäten ”{}” har ingen bakgrundsfråga om ålder, så SCB:s befolkningstal kan inte avgränsas till de åldrar den frågar (bakgrundsfrågorna är {})",
            survey.title.sv,
            names.join(", ")
        ),
        format!(
            "the survey “{}” has no background question about age, so SCB's population figures cannot be limited to the ages it asks (its background questions are {})",
            survey.title.en,
            names.join(", ")
        ),
    )
}

/// The year asked for, or else the latest year of figures by age, or else the latest year
/// (which [`Table::choose`] then finds no table by age in); refused when there are no figures,
/// or none of the year asked for.
fn chosen_year<'a>(
    read: &[Figure<'a>],
    area: &str,
    asked: Option<&'a str>,
    roles: Roles,
) -> Result<&'a str, Problems<Text>> {
    let years: BTreeSet<&str> = read.iter().map(|f| f.year).collect();
    let by_age = read
        .iter()
        .filter(|f| fills(f, roles))
        .map(|f| f.year)
        .max();
    let Some(year) = asked.or(by_age).or_else(|| years.last().copied()) else {
        return Err(Problems::from_iter([text(
            format!(
                "det finns inga befolkningstal från SCB för området {area}; läs in SCB:s tabell över folkmängden efter region, ålder och kön (BE0101N1) med trygg sources import"
            ),
            format!(
                "there are no population figures from SCB for the area {area}; import SCB's table of the population by region, age and sex (BE0101N1) with trygg sources import"
            ),
        )]));
    };
    if !years.contains(year) {
        let list: Vec<&str> = years.iter().copied().collect();
        return Err(Problems::from_iter([text(
            format!(
                "SCB:s befolkningstal för området {area} finns inte för {year}, bara för {}",
                list.join(", ")
            ),
            format!(
                "SCB's population figures for the area {area} are not there for {year}, only for {}",
                list.join(", ")
            ),
        )]));
    }
    Ok(year)
}

/// The figures of one table of a year (one content with one set of dimensions, by age), summed
/// over the dimensions that are neither age nor sex.
struct Table<'f> {
    content: &'f str,
    /// The table's sex dimension, when the survey asks gender and the table is by sex.
    sex_dim: Option<&'f str>,
    /// (age code, sex code) → people.
    summed: BTreeMap<(&'f str, Option<&'f str>), f64>,
}

impl<'f> Table<'f> {
    /// The table by age of `year`: the one also by sex when the survey asks gender (`by_sex`),
    /// then the one with the fewest dimensions to sum over, then SCB's population code; `None`
    /// when no table is by age.
    fn choose(read: &[Figure<'f>], year: &str, by_sex: bool) -> Option<Table<'f>> {
        let mut tables: BTreeMap<(&str, Vec<&str>), Vec<&Figure>> = BTreeMap::new();
        for f in read.iter().filter(|f| f.year == year) {
            let mut dims: Vec<&str> = f.dimensions.iter().map(|(d, _)| *d).collect();
            dims.sort_unstable();
            tables.entry((f.content, dims)).or_default().push(f);
        }
        let has = |dims: &[&str], k: Kind| dims.iter().any(|d| kind(d) == k);
        let ((content, dims), table) = tables
            .iter()
            .filter(|((_, dims), _)| has(dims, Kind::Age))
            .max_by_key(|((content, dims), _)| {
                (
                    by_sex && has(dims, Kind::Sex),
                    std::cmp::Reverse(dims.len()),
                    *content == POPULATION_CONTENT,
                    std::cmp::Reverse(*content),
                    std::cmp::Reverse(dims.clone()),
                )
            })?;
        // The table is by age, so the dimension is there.
        let age_dim = dims
            .iter()
            .copied()
            .find(|d| kind(d) == Kind::Age)
            .unwrap_or_default();
        let sex_dim = if by_sex {
            dims.iter().copied().find(|d| kind(d) == Kind::Sex)
        } else {
            None
        };
        Some(Table {
            content,
            sex_dim,
            summed: sum_others(table, dims, age_dim, sex_dim),
        })
    }
}

/// A table's figures as (age code, sex code) → people, summed over the other dimensions: their
/// total category when there is one, else all.
fn sum_others<'f>(
    table: &[&Figure<'f>],
    dims: &[&str],
    age_dim: &str,
    sex_dim: Option<&str>,
) -> BTreeMap<(&'f str, Option<&'f str>), f64> {
    let others: Vec<&str> = dims
        .iter()
        .copied()
        .filter(|d| *d != age_dim && Some(*d) != sex_dim)
        .collect();
    let totals_of: Vec<bool> = others
        .iter()
        .map(|dim| table.iter().any(|f| code_of(f, dim).is_some_and(is_total)))
        .collect();
    let mut summed = BTreeMap::new();
    for f in table {
        let kept = others
            .iter()
            .zip(&totals_of)
            .all(|(dim, has_total)| !has_total || code_of(f, dim).is_some_and(is_total));
        if kept && let Some(age) = code_of(f, age_dim) {
            let sex = sex_dim.and_then(|d| code_of(f, d));
            *summed.entry((age, sex)).or_default() += f.value;
        }
    }
    summed
}

/// The answers of the age question as ranges of ages; an answer that is no range, and two
/// answers that share ages, are problems.
fn age_bands<'q>(age_q: &'q Question, problems: &mut Problems<Text>) -> Vec<(&'q Choice, Ages)> {
    let mut bands: Vec<(&Choice, Ages)> = Vec::new();
    for choice in age_q.choices().iter().filter(|c| !c.missing) {
        match choice_ages(choice) {
            Some(ages) => bands.push((choice, ages)),
            None => problems.push(text(
                format!(
                    "svaret ”{}” ({}) på frågan ”{}” ({}) är inget åldersintervall som SCB:s åldrar kan summeras till; skriv det som ”16–24 år” eller ”65+”",
                    choice.label.sv, choice.code, age_q.text.sv, age_q.id
                ),
                format!(
                    "the answer “{}” ({}) of the question “{}” ({}) is no range of ages SCB's ages can be summed into; write it as “16–24” or “65+”",
                    choice.label.en, choice.code, age_q.text.en, age_q.id
                ),
            )),
        }
    }
    for (i, (a, ra)) in bands.iter().enumerate() {
        for (b, rb) in &bands[i + 1..] {
            if ra.0 <= rb.1.unwrap_or(u32::MAX) && rb.0 <= ra.1.unwrap_or(u32::MAX) {
                problems.push(text(
                    format!(
                        "svaren ”{}” och ”{}” på frågan ”{}” ({}) har gemensamma åldrar",
                        a.label.sv, b.label.sv, age_q.text.sv, age_q.id
                    ),
                    format!(
                        "the answers “{}” and “{}” of the question “{}” ({}) share ages",
                        a.label.en, b.label.en, age_q.text.en, age_q.id
                    ),
                ));
            }
        }
    }
    bands
}

/// SCB's age categories per sex code: each as a range, with its people and its code.
type Categories<'f> = HashMap<Option<&'f str>, Vec<(Ages, f64, &'f str)>>;

/// SCB's age categories of the summed figures (their totals left out); a code that is no age
/// or range of ages is a problem.
fn age_categories<'f>(
    summed: &BTreeMap<(&'f str, Option<&'f str>), f64>,
    problems: &mut Problems<Text>,
) -> Categories<'f> {
    let mut categories: Categories = HashMap::new();
    let mut unreadable = BTreeSet::new();
    for ((age, sex), value) in summed {
        if is_total(age) {
            continue;
        }
        match age_range(age) {
            Some(ages) => categories
                .entry(*sex)
                .or_default()
                .push((ages, *value, *age)),
            None => {
                unreadable.insert(*age);
            }
        }
    }
    for code in unreadable {
        problems.push(text(
            format!(
                "SCB:s ålder ”{code}” går inte att läsa som en ålder eller ett åldersintervall"
            ),
            format!("SCB's age “{code}” cannot be read as an age or a range of ages"),
        ));
    }
    categories
}

/// SCB's sex code and the answer of the gender question it fills, in the questionnaire's order.
type Sexes<'q> = Vec<(Option<&'q str>, Option<&'q Choice>)>;

/// SCB's sex codes 1 and 2 matched to the answers of the gender question `q`; a code that is
/// neither, a code the figures lack, and an answer that cannot be told are problems.
fn sex_answers<'q>(
    q: &'q Question,
    summed: &BTreeMap<(&str, Option<&str>), f64>,
    (area, year): (&str, &str),
    problems: &mut Problems<Text>,
) -> Sexes<'q> {
    let codes: BTreeSet<&str> = summed
        .keys()
        .filter_map(|(_, s)| *s)
        .filter(|s| !is_total(s))
        .collect();
    for code in &codes {
        if !matches!(*code, "1" | "2") {
            problems.push(text(
                format!("SCB:s kön har koden ”{code}”, som inte är 1 (män) eller 2 (kvinnor)"),
                format!("SCB's sex has the code “{code}”, which is neither 1 (men) nor 2 (women)"),
            ));
        }
    }
    let mut sexes: Sexes = Vec::new();
    for (code, names, label) in [("1", &MEN[..], "män"), ("2", &WOMEN[..], "kvinnor")] {
        if !codes.contains(code) {
            problems.push(text(
                format!("SCB:s befolkningstal för {area} {year} saknar kön {code} ({label})"),
                format!(
                    "SCB's population figures for {area} in {year} have no sex {code} ({label})"
                ),
            ));
        }
        match sex_choice(q, names, (label, code)) {
            Ok(choice) => sexes.push((Some(code), Some(choice))),
            Err(problem) => problems.push(problem),
        }
    }
    sexes.sort_by_key(|(_, c)| c.and_then(|c| q.choices().iter().position(|x| x.code == c.code)));
    if let [(_, Some(a)), (_, Some(b))] = sexes.as_slice()
        && a.code == b.code
    {
        problems.push(text(
            format!(
                "frågan ”{}” ({}) har samma svar för män och kvinnor",
                q.text.sv, q.id
            ),
            format!(
                "the question “{}” ({}) has the same answer for men and women",
                q.text.en, q.id
            ),
        ));
    }
    sexes
}

/// What the cells are made of: the answers to fill, and SCB's categories to fill them with.
struct Fill<'a> {
    age_q: &'a Question,
    /// The gender question, when the cells are by gender.
    gender_q: Option<&'a Question>,
    bands: Vec<(&'a Choice, Ages)>,
    /// One `(None, None)` when the cells are not by gender.
    sexes: Sexes<'a>,
    categories: Categories<'a>,
    /// The area and the year, for messages.
    place: (&'a str, &'a str),
}

impl Fill<'_> {
    /// The cross of the answers, in the questionnaire's order of questions; an answer SCB's
    /// categories do not cover, and a cell out of range, are problems.
    fn cells(&self, survey: &Survey, problems: &mut Problems<Text>) -> Vec<PopulationCell> {
        let position = |id: &str| survey.background_questions().position(|q| q.id == id);
        let gender_first = self
            .gender_q
            .is_some_and(|g| position(&g.id) < position(&self.age_q.id));
        let mut cells = Vec::new();
        for (choice, band) in &self.bands {
            let mut uncovered = false;
            for (sex_code, sex_choice) in &self.sexes {
                let none = Vec::new();
                let cats = self.categories.get(sex_code).unwrap_or(&none);
                let Some(value) = cover(band.0, band.1, cats, &mut HashSet::new()) else {
                    // Each answer once, not once per sex.
                    if !uncovered {
                        uncovered = true;
                        problems.push(uncovered_band(self.age_q, choice, *band, cats, self.place));
                    }
                    continue;
                };
                let mut cell = BTreeMap::new();
                let mut answers = vec![*choice];
                cell.insert(self.age_q.id.clone(), choice.code.clone());
                if let (Some(q), Some(sex)) = (self.gender_q, sex_choice) {
                    cell.insert(q.id.clone(), sex.code.clone());
                    if gender_first {
                        answers.insert(0, sex);
                    } else {
                        answers.push(sex);
                    }
                }
                let rounded = value.round();
                if (1.0..=MAX_CELL_TOTAL as f64).contains(&rounded) {
                    // In range, so the cast is exact.
                    cells.push(PopulationCell {
                        cell,
                        total: rounded as i64,
                    });
                } else {
                    problems.push(out_of_range(&answers, value, self.place));
                }
            }
        }
        cells
    }
}

/// A cell (named by its answers) whose people are fewer than 1 or more than [`MAX_CELL_TOTAL`].
fn out_of_range(answers: &[&Choice], value: f64, (area, year): (&str, &str)) -> Text {
    let names = |lang: Lang| {
        answers
            .iter()
            .map(|c| c.label.get(lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    text(
        format!(
            "cellen {} får {} personer av SCB:s befolkningstal för {area} {year}; en cell ska ha minst 1 och högst {}",
            names(Lang::Sv),
            Lang::Sv.decimal(value, 0),
            Lang::Sv.number(MAX_CELL_TOTAL.into())
        ),
        format!(
            "cell {} gets {} people from SCB's population figures for {area} in {year}; a cell must have at least 1 and at most {}",
            names(Lang::En),
            Lang::En.decimal(value, 0),
            Lang::En.number(MAX_CELL_TOTAL.into())
        ),
    )
}

/// Why an answer of the age question cannot be filled: the first age missing, or the SCB
/// category that crosses its limit.
fn uncovered_band(
    q: &Question,
    choice: &Choice,
    band: Ages,
    categories: &[(Ages, f64, &str)],
    (area, year): (&str, &str),
) -> Text {
    let (age, crossing) = gap(band, categories);
    let (why_sv, why_en) = match crossing {
        Some(code) => (
            format!(
                "SCB:s åldersgrupp ”{code}” går över gränsen; läs in en tabell med ettåriga åldrar eller grupper som passar"
            ),
            format!(
                "SCB's age group “{code}” crosses its limit; import a table by single years of age or by groups that fit"
            ),
        ),
        None => (
            format!("åldern {age} saknas"),
            format!("age {age} is missing"),
        ),
    };
    text(
        format!(
            "svaret ”{}” på frågan ”{}” ({}) kan inte fyllas med SCB:s befolkningstal för {area} {year}: {why_sv}",
            choice.label.sv, q.text.sv, q.id
        ),
        format!(
            "the answer “{}” of the question “{}” ({}) cannot be filled from SCB's population figures for {area} in {year}: {why_en}",
            choice.label.en, q.text.en, q.id
        ),
    )
}

#[cfg(test)]
mod tests;
