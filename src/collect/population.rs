//! Population figures for a wave, uploaded as CSV: totals per cell of background variables (for
//! calibration later) and, for school waves, the number of classes per school (the population
//! count of clusters in each stratum, i.e. the fpc).
//!
//! Every problem is reported with its line (the first hundred of them, and a count of the rest),
//! and a file with any problem changes nothing. The CSV is read by `csv_text`: `,` or `;`.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::csv_text::{self, at, quoted};
use crate::accounts::SchoolIdProblem;
use crate::i18n::Lang;
use crate::problems::Problems;
use crate::survey::{Question, Survey, Text};

/// One population cell: background variable → choice code, and how many people it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationCell {
    pub cell: BTreeMap<String, String>,
    pub total: i64,
}

impl PopulationCell {
    /// The stored key: canonical JSON of the cell (sorted keys).
    pub fn key(&self) -> String {
        serde_json::to_string(&self.cell).unwrap_or_default()
    }
}

/// The most people one population cell may hold. Sweden has about 10.5 million inhabitants, so
/// a larger figure is a typing or export mistake; it also keeps every sum far from overflowing.
pub const MAX_CELL_TOTAL: i64 = 100_000_000;
/// The most classes one school may have in the surveyed year group (a large upper-secondary
/// school has a few dozen).
pub const MAX_SCHOOL_CLASSES: i64 = 1_000;

/// Headers that name the column of totals (any case): SCB's tables say "antal" or
/// "folkmängd".
pub const TOTAL_HEADERS: [&str; 6] = [
    "total",
    "antal",
    "folkmängd",
    "befolkning",
    "population",
    "count",
];

/// Parses population totals: a header of background question ids and a total column, then one
/// row per cell naming each choice by its code or its label in either language (see
/// [`ChoiceNames`]). Every problem of the file is reported at once, each with its line (the
/// first hundred, and a count of the rest): the header's, each row's, and cells missing from
/// the cross of the categories the file names.
pub fn parse_totals(survey: &Survey, text: &str) -> Result<Vec<PopulationCell>, Problems<Text>> {
    let example = survey
        .background_questions()
        .take(2)
        .map(|q| q.id.as_str())
        .chain(["total"])
        .collect::<Vec<_>>()
        .join(",");
    let table = csv_text::read(text, &example).map_err(one)?;
    let mut problems = Problems::new();
    let header = TotalsHeader::read(survey, &table, &example, &mut problems);
    let header_ok = problems.is_empty();
    if header.variables.is_empty() && header_ok {
        problems.push(at(
            table.header_line,
            "ange minst en bakgrundsvariabel utöver \"total\"",
            "name at least one background variable besides \"total\"",
        ));
    }
    // The rows are checked whatever the header's problems, in the columns that can be read, so
    // that one upload shows everything to fix.
    let rows = header.rows(&table, &mut problems);
    if header_ok && rows.incomplete == 0 && !header.variables.is_empty() {
        let questions: Vec<&Question> = header.variables.iter().map(|(_, q, _)| *q).collect();
        for missing in missing_cells(&questions, &rows.present) {
            problems.push(missing);
        }
    }
    if rows.cells.is_empty() && problems.is_empty() {
        problems.push(no_rows());
    }
    problems.or_ok(rows.cells)
}

/// The columns of a file of totals: the total's, and each background question's.
struct TotalsHeader<'s> {
    total_at: Option<usize>,
    /// (column, question, how its answers may be written).
    variables: Vec<(usize, &'s Question, ChoiceNames<'s>)>,
}

/// The cells of a file of totals, read.
struct TotalsRows {
    cells: Vec<PopulationCell>,
    /// The codes of each variable, in the variables' order, of every complete cell.
    present: HashSet<Vec<String>>,
    /// Rows that give no complete cell (of the wrong width, or with a value that names no
    /// answer).
    incomplete: usize,
}

impl<'s> TotalsHeader<'s> {
    /// The header's columns; a missing total column, a column twice, and a column that is no
    /// background question are problems.
    fn read(
        survey: &'s Survey,
        table: &csv_text::Table,
        example: &str,
        problems: &mut Problems<Text>,
    ) -> TotalsHeader<'s> {
        let line = table.header_line;
        let total_at = table
            .header
            .iter()
            .position(|h| TOTAL_HEADERS.contains(&h.to_lowercase().as_str()));
        if total_at.is_none() {
            problems.push(at(
                line,
                format!("det finns ingen kolumn \"total\" (eller \"antal\"), t.ex. \"{example}\""),
                format!("there is no \"total\" (or \"antal\") column, e.g. \"{example}\""),
            ));
        }
        let mut variables: Vec<(usize, &Question, ChoiceNames)> = Vec::new();
        let mut named = HashSet::new();
        for (i, name) in table.header.iter().enumerate() {
            if Some(i) == total_at {
                continue;
            }
            let shown = quoted(name);
            let question = survey.questions().find(|q| q.id.eq_ignore_ascii_case(name));
            match question {
                _ if !named.insert(name.to_lowercase()) => problems.push(at(
                    line,
                    format!("kolumnen {shown} finns två gånger"),
                    format!("column {shown} appears twice"),
                )),
                Some(q) if q.background => variables.push((i, q, ChoiceNames::of(q))),
                Some(_) => problems.push(at(
                    line,
                    format!(
                        "kolumnen {shown} är inte en bakgrundsfråga i enkäten ”{}”; bakgrundsfrågorna är {}",
                        survey.title.sv,
                        background_names(survey)
                    ),
                    format!(
                        "column {shown} is not a background question of the survey “{}”; the background questions are {}",
                        survey.title.en,
                        background_names(survey)
                    ),
                )),
                None => problems.push(at(
                    line,
                    format!(
                        "kolumnen {shown} är ingen fråga i enkäten ”{}”; bakgrundsfrågorna är {}",
                        survey.title.sv,
                        background_names(survey)
                    ),
                    format!(
                        "column {shown} is no question of the survey “{}”; the background questions are {}",
                        survey.title.en,
                        background_names(survey)
                    ),
                )),
            }
        }
        TotalsHeader {
            total_at,
            variables,
        }
    }

    /// Every row's cell and total, in the columns that can be read; a value that names no
    /// answer, a total that is no count, and a cell given twice are problems.
    fn rows(&self, table: &csv_text::Table, problems: &mut Problems<Text>) -> TotalsRows {
        let mut rows = TotalsRows {
            cells: Vec::new(),
            present: HashSet::new(),
            incomplete: 0,
        };
        let mut first_line_of = HashMap::new();
        for row in &table.rows {
            if let Some(problem) = table.width_problem(row) {
                problems.push(problem);
                rows.incomplete += 1;
                continue;
            }
            let line = row.line;
            let mut cell = BTreeMap::new();
            for (i, q, names) in &self.variables {
                let value = &row.fields[*i];
                match names.find(value) {
                    Ok(choice) if !choice.missing => {
                        cell.insert(q.id.clone(), choice.code.clone());
                    }
                    found => problems.push(value_problem(line, value, q, found.err())),
                }
            }
            let total = match self.total_at {
                Some(t) => match csv_text::count(&row.fields[t], "total", MAX_CELL_TOTAL, line) {
                    Ok(total) => Some(total),
                    Err(problem) => {
                        problems.push(problem);
                        None
                    }
                },
                None => None,
            };
            if cell.len() != self.variables.len() {
                rows.incomplete += 1;
                continue;
            }
            rows.present.insert(
                (self.variables.iter())
                    .map(|(_, q, _)| cell.get(&q.id).cloned().unwrap_or_default())
                    .collect(),
            );
            let key = serde_json::to_string(&cell).unwrap_or_default();
            let first = *first_line_of.entry(key).or_insert(line);
            if first != line {
                problems.push(at(
                    line,
                    format!("samma cell finns redan på rad {first}"),
                    format!("the same cell is already on line {first}"),
                ));
            }
            if let Some(total) = total {
                rows.cells.push(PopulationCell { cell, total });
            }
        }
        rows
    }
}

/// Why a value of a file of totals names no answer of `q` that has a population: `why`, or
/// (`None`) because the answer it names means that the answer is missing.
fn value_problem(line: usize, value: &str, q: &Question, why: Option<NameProblem>) -> Text {
    match why {
        None => at(
            line,
            format!(
                "{} i kolumnen {} betyder att svaret saknas och har ingen befolkning; använd {}",
                quoted(value),
                q.id,
                codes_hint(q, Lang::Sv)
            ),
            format!(
                "{} in column {} means a missing answer, which has no population; use {}",
                quoted(value),
                q.id,
                codes_hint(q, Lang::En)
            ),
        ),
        Some(NameProblem::Empty) => at(
            line,
            format!(
                "kolumnen {} är tom; använd {}",
                q.id,
                codes_hint(q, Lang::Sv)
            ),
            format!("column {} is empty; use {}", q.id, codes_hint(q, Lang::En)),
        ),
        Some(NameProblem::Ambiguous(choices)) => at(
            line,
            format!(
                "{} i kolumnen {} kan vara flera svar ({}); skriv koden",
                quoted(value),
                q.id,
                choices.join(", ")
            ),
            format!(
                "{} in column {} could be several answers ({}); write the code",
                quoted(value),
                q.id,
                choices.join(", ")
            ),
        ),
        Some(NameProblem::Unknown) => at(
            line,
            format!(
                "{} i kolumnen {} är varken en kod eller ett svar på frågan ”{}”; använd {}",
                quoted(value),
                q.id,
                q.text.sv,
                codes_hint(q, Lang::Sv)
            ),
            format!(
                "{} in column {} is neither a code nor an answer of the question “{}”; use {}",
                quoted(value),
                q.id,
                q.text.en,
                codes_hint(q, Lang::En)
            ),
        ),
    }
}

/// The cells of the cross of the categories the file names that it does not have: a file of
/// women and men by age band must give both for every age band. A category it never names (no
/// register publishes "Annat") is not missing: its respondents are weighted by the collapse of
/// [`crate::evaluate`]'s calibration instead.
fn missing_cells(questions: &[&Question], present: &HashSet<Vec<String>>) -> Vec<Text> {
    // The categories of each variable that some cell names, in the questionnaire's order.
    let named: Vec<Vec<&crate::survey::Choice>> = questions
        .iter()
        .enumerate()
        .map(|(v, q)| {
            let codes: HashSet<&str> = present.iter().map(|cell| cell[v].as_str()).collect();
            q.choices()
                .iter()
                .filter(|c| codes.contains(c.code.as_str()))
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    let mut combination = vec![0usize; questions.len()];
    if named.iter().any(Vec::is_empty) {
        return out;
    }
    loop {
        let cell: Vec<String> = combination
            .iter()
            .enumerate()
            .map(|(v, &c)| named[v][c].code.clone())
            .collect();
        if !present.contains(&cell) {
            let label = |lang: Lang| {
                combination
                    .iter()
                    .enumerate()
                    .map(|(v, &c)| named[v][c].label.get(lang).to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push(Text {
                sv: format!(
                    "cellen {} saknas: filen ska ge ett tal för varje kombination av de svar den nämner",
                    label(Lang::Sv)
                ),
                en: format!(
                    "cell {} is missing: the file must give a figure for every combination of the answers it names",
                    label(Lang::En)
                ),
            });
            if out.len() >= crate::problems::SHOWN {
                return out;
            }
        }
        // The next combination, the last variable fastest.
        let mut v = questions.len();
        loop {
            if v == 0 {
                return out;
            }
            v -= 1;
            combination[v] += 1;
            if combination[v] < named[v].len() {
                break;
            }
            combination[v] = 0;
        }
    }
}

/// How the answers of a background question may be written in a population file, so that a
/// table from SCB can be pasted as it is: the code (`16-24`, `f`), or the label in Swedish or
/// English (`16–24 år`, `Kvinna`, `Woman`), compared after [`fold`]ing both; and for labels of
/// women, men, girls and boys, also their plural (`kvinnor`, `män`, `women`, `men`, `flickor`,
/// `pojkar`, `tjejer`, `killar`, `girls`, `boys`), as register tables head their columns. A
/// written form that would name two different answers names neither.
pub struct ChoiceNames<'q> {
    names: HashMap<String, Vec<&'q crate::survey::Choice>>,
}

/// Why a value names no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    Unknown,
    /// The labels of the answers it could be.
    Ambiguous(Vec<String>),
}

/// Plurals of the labels register tables use for their categories (singular → plural).
const PLURALS: [(&str, &str); 11] = [
    ("kvinna", "kvinnor"),
    ("man", "män"),
    ("flicka", "flickor"),
    ("pojke", "pojkar"),
    ("tjej", "tjejer"),
    ("kille", "killar"),
    ("woman", "women"),
    ("man", "men"),
    ("girl", "girls"),
    ("boy", "boys"),
    ("female", "females"),
];

impl<'q> ChoiceNames<'q> {
    pub fn of(q: &'q Question) -> ChoiceNames<'q> {
        let mut names: HashMap<String, Vec<&'q crate::survey::Choice>> = HashMap::new();
        for choice in q.choices() {
            let mut forms = vec![
                fold(&choice.code),
                fold(&choice.label.sv),
                fold(&choice.label.en),
            ];
            let plurals: Vec<String> = forms
                .iter()
                .flat_map(|f| {
                    PLURALS
                        .iter()
                        .filter(move |(one, _)| one == f)
                        .map(|(_, many)| (*many).to_owned())
                })
                .collect();
            forms.extend(plurals);
            forms.sort();
            forms.dedup();
            for form in forms {
                let entry = names.entry(form).or_default();
                if !entry.iter().any(|c| c.code == choice.code) {
                    entry.push(choice);
                }
            }
        }
        ChoiceNames { names }
    }

    /// The answer `value` names.
    pub fn find(&self, value: &str) -> Result<&'q crate::survey::Choice, NameProblem> {
        let folded = fold(value);
        if folded.is_empty() {
            return Err(NameProblem::Empty);
        }
        match self.names.get(&folded).map(Vec::as_slice) {
            None | Some([]) => Err(NameProblem::Unknown),
            Some([one]) => Ok(one),
            Some(many) => Err(NameProblem::Ambiguous(
                many.iter().map(|c| c.label.sv.clone()).collect(),
            )),
        }
    }
}

/// A value as it is compared with codes and labels: lower case; en dash, em dash, minus sign
/// and non-breaking hyphens as `-`, with no space around them; runs of spaces as one; and an
/// age's unit after a number dropped (`16–24 år`, `16 - 24 years`, `16-24` are all `16-24`).
pub fn fold(value: &str) -> String {
    let lower = value.trim().to_lowercase();
    let dashed: String = lower
        .chars()
        .map(|c| match c {
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '\u{a0}' | '\u{202f}' | '\t' => ' ',
            c => c,
        })
        .collect();
    let words: Vec<&str> = dashed.split_whitespace().collect();
    let mut out = words.join(" ").replace(" -", "-").replace("- ", "-");
    for unit in ["år", "years", "year"] {
        if let Some(rest) = out.strip_suffix(unit) {
            let rest = rest.trim_end();
            if rest.ends_with(|c: char| c.is_ascii_digit() || c == '+') {
                out = rest.to_owned();
                break;
            }
        }
    }
    out
}

/// The answers of each variable of the cells that no cell names (gender "o" in a register
/// file of women and men): their respondents are calibrated by collapsing cells.
pub fn unnamed_categories<'s>(
    survey: &'s Survey,
    cells: &[PopulationCell],
) -> Vec<(&'s Question, Vec<&'s crate::survey::Choice>)> {
    let mut variables: Vec<&String> = cells.iter().flat_map(|c| c.cell.keys()).collect();
    variables.sort();
    variables.dedup();
    survey
        .background_questions()
        .filter(|q| variables.contains(&&q.id))
        .filter_map(|q| {
            let unnamed: Vec<_> = q
                .choices()
                .iter()
                .filter(|c| !c.missing)
                .filter(|c| {
                    !cells
                        .iter()
                        .any(|cell| cell.cell.get(&q.id) == Some(&c.code))
                })
                .collect();
            (!unnamed.is_empty()).then_some((q, unnamed))
        })
        .collect()
}

/// The background questions of a survey, as the columns they are named by.
fn background_names(survey: &Survey) -> String {
    let names: Vec<&str> = survey
        .background_questions()
        .map(|q| q.id.as_str())
        .collect();
    names.join(", ")
}

/// The codes a column takes, each with its label: `f (Kvinna), m (Man) eller o (Annat)`.
fn codes_hint(q: &Question, lang: Lang) -> String {
    let codes: Vec<String> = q
        .choices()
        .iter()
        .filter(|c| !c.missing)
        .map(|c| format!("{} ({})", c.code, c.label.get(lang)))
        .collect();
    match codes.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), lang.pick("eller", "or")),
        None => String::new(),
    }
}

/// One school of a class wave's list: its id (as on the coordinator's account), the number of
/// classes in the surveyed year group (the fpc), and its name when the list gives one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolRow {
    pub school: String,
    pub classes: i32,
    pub name: Option<String>,
}

/// The most characters of a school's name.
pub const MAX_SCHOOL_NAME_CHARS: usize = 200;

/// Parses classes per school: header `school,classes`, one row per school.
pub fn parse_school_classes(text: &str) -> Result<Vec<(String, i32)>, Problems<Text>> {
    parse_schools(text).map(|rows| rows.into_iter().map(|r| (r.school, r.classes)).collect())
}

/// Parses classes per school with their names: header `school,classes` or
/// `school,classes,name`, one row per school; an empty name is no name.
pub fn parse_schools(text: &str) -> Result<Vec<SchoolRow>, Problems<Text>> {
    const HEADER: &str = "school,classes";
    let table = csv_text::read(text, HEADER).map_err(one)?;
    let header: Vec<String> = table.header.iter().map(|h| h.to_lowercase()).collect();
    let named = header.len() == 3;
    if header[..header.len().min(2)] != ["school", "classes"]
        || !(header.len() == 2 || (named && header[2] == "name"))
    {
        let sep = table.delimiter.to_string();
        return Err(one(at(
            table.header_line,
            format!(
                "rubrikraden ska vara \"{HEADER}\" eller \"{HEADER},name\", inte {}",
                quoted(&table.header.join(&sep))
            ),
            format!(
                "the header must be \"{HEADER}\" or \"{HEADER},name\", not {}",
                quoted(&table.header.join(&sep))
            ),
        )));
    }
    let mut problems = Problems::new();
    let mut schools = Vec::new();
    let mut first_line_of = HashMap::new();
    for row in &table.rows {
        if let Some(problem) = table.width_problem(row) {
            problems.push(problem);
            continue;
        }
        let line = row.line;
        // The same check as the coordinator's account, so every school here can have one.
        let school = match crate::accounts::parse_school_id(&row.fields[0]) {
            Ok(school) => school,
            Err(SchoolIdProblem::TooLong) => {
                problems.push(at(
                    line,
                    "skolans id får ha högst 100 tecken",
                    "the school id may have at most 100 characters",
                ));
                continue;
            }
            Err(SchoolIdProblem::Missing) => {
                problems.push(at(line, "skolans id saknas", "the school id is missing"));
                continue;
            }
            Err(SchoolIdProblem::ControlCharacter) => {
                problems.push(at(
                    line,
                    "skolans id får inte innehålla styrtecken",
                    "the school id may not contain control characters",
                ));
                continue;
            }
        };
        let name = match row
            .fields
            .get(2)
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
        {
            None => None,
            Some(n) if n.chars().count() > MAX_SCHOOL_NAME_CHARS => {
                problems.push(at(
                    line,
                    format!("skolans namn får ha högst {MAX_SCHOOL_NAME_CHARS} tecken"),
                    format!(
                        "the school's name may have at most {MAX_SCHOOL_NAME_CHARS} characters"
                    ),
                ));
                None
            }
            Some(n) if n.chars().any(char::is_control) => {
                problems.push(at(
                    line,
                    "skolans namn får inte innehålla styrtecken",
                    "the school's name may not contain control characters",
                ));
                None
            }
            Some(n) => Some(n.to_owned()),
        };
        let school = &school;
        match csv_text::count(&row.fields[1], "classes", MAX_SCHOOL_CLASSES, line) {
            Ok(n) => {
                if let Some(first) = first_line_of.insert(school.clone(), line) {
                    problems.push(at(
                        line,
                        format!("skolan {} finns redan på rad {first}", quoted(school)),
                        format!("school {} is already on line {first}", quoted(school)),
                    ));
                }
                schools.push(SchoolRow {
                    school: school.clone(),
                    // MAX_SCHOOL_CLASSES fits an i32.
                    classes: i32::try_from(n).unwrap_or(i32::MAX),
                    name: if named { name } else { None },
                });
            }
            Err(problem) => problems.push(problem),
        }
    }
    if schools.is_empty() && problems.is_empty() {
        problems.push(no_rows());
    }
    problems.or_ok(schools)
}

fn one(problem: Text) -> Problems<Text> {
    let mut problems = Problems::new();
    problems.push(problem);
    problems
}

fn no_rows() -> Text {
    Text {
        sv: "filen har en rubrikrad men inga rader".to_owned(),
        en: "the file has a header but no rows".to_owned(),
    }
}

/// The population per variable: for each background variable of the cells (in order of first
/// appearance), each code's total summed over the other variables, in the order codes first
/// appear. Every variable's totals add up to the same grand total.
pub fn margins(cells: &[PopulationCell]) -> Vec<(String, Vec<(String, i128)>)> {
    let mut out: Vec<(String, Vec<(String, i128)>)> = Vec::new();
    for cell in cells {
        for (variable, code) in &cell.cell {
            let at = match out.iter().position(|(v, _)| v == variable) {
                Some(at) => at,
                None => {
                    out.push((variable.clone(), Vec::new()));
                    out.len() - 1
                }
            };
            let codes = &mut out[at].1;
            match codes.iter_mut().find(|(c, _)| c == code) {
                Some((_, total)) => *total += i128::from(cell.total),
                None => codes.push((code.clone(), i128::from(cell.total))),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resident_survey() -> Survey {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/resident-safety.toml");
        let text = std::fs::read_to_string(&path).expect("survey file");
        crate::survey::load_str(&path, &text).expect("valid survey")
    }

    /// The first background question's id and its codes that are not missing-value codes.
    fn background(survey: &Survey) -> (&str, Vec<&str>) {
        let q = survey
            .background_questions()
            .next()
            .expect("a background question");
        let codes = q.choices().iter().filter(|c| !c.missing);
        (&q.id, codes.map(|c| c.code.as_str()).collect())
    }

    #[test]
    fn totals_are_read_per_cell_of_background_codes() {
        let survey = resident_survey();
        let (id, codes) = background(&survey);
        let text = format!(
            "{id},total\n{a},120\n\"{b}\",80\n",
            a = codes[0],
            b = codes[1]
        );
        let cells = parse_totals(&survey, &text).expect("valid");
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[1].total, 80);
        assert_eq!(cells[0].key(), format!("{{\"{id}\":\"{}\"}}", codes[0]));
    }

    /// The English texts of the shown problems, one per line.
    fn english(problems: &Problems<Text>) -> String {
        problems
            .iter()
            .map(|p| p.en.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn every_bad_line_is_named() {
        let survey = resident_survey();
        let (id, codes) = background(&survey);
        let good = codes[0];
        let text = format!(
            "{id},total\n{good},12\nnope,3\n{good},-1\n{good}\n{good},5\n{good},9223372036854775807\n"
        );
        let problems = parse_totals(&survey, &text).expect_err("invalid");
        let all = english(&problems);
        // The value, the column and the question in words, and the codes to use instead; no
        // backticks or survey ids.
        assert!(
            all.contains(&format!(
                "line 3: \"nope\" in column {id} is neither a code nor an answer of the question “How old are you?”; use 16-24 (16–24), "
            )),
            "{all}"
        );
        assert!(!all.contains('`'), "{all}");
        assert!(all.contains("line 4: total \"-1\""), "{all}");
        assert!(
            all.contains("line 5: 1 fields, but the header has 2"),
            "{all}"
        );
        assert!(
            all.contains("line 6: the same cell is already on line 2"),
            "{all}"
        );
        assert!(
            all.contains("line 7: total \"9223372036854775807\" is more than 100,000,000"),
            "{all}"
        );
        assert!(
            problems[0]
                .sv
                .starts_with(&format!("rad 3: \"nope\" i kolumnen {id} är varken en kod eller ett svar på frågan ”Hur gammal är du?”; använd 16-24 (16–24 år), ")),
            "{:?}",
            problems[0]
        );
        let header = parse_totals(&survey, "safe_night,total\nx,1\n").expect_err("not background");
        assert!(header[0].en.starts_with("line 1:"), "{header:?}");
        assert!(
            header[0].sv.contains("i enkäten ”Trygghetsundersökning”"),
            "the survey by its title: {header:?}"
        );
    }

    #[test]
    fn labels_are_folded_to_one_written_form() {
        let cases = [
            ("16–24 år", "16-24"),
            (" 16 - 24 years ", "16-24"),
            ("16\u{2212}24år", "16-24"),
            ("85+ år", "85+"),
            ("Kvinnor", "kvinnor"),
            ("Vill  inte\u{a0}svara", "vill inte svara"),
            // "år" is a unit only after a number.
            ("Gymnasiet, år", "gymnasiet, år"),
        ];
        for (value, folded) in cases {
            assert_eq!(fold(value), folded, "{value:?}");
        }
    }

    #[test]
    fn an_scb_table_with_labels_is_read_as_codes() {
        let survey = resident_survey();
        // As SCB's table is pasted from Excel: "ålder" by "kön" with plural labels and en
        // dashes, Swedish and English, any case, a tab between the columns.
        let mut text = String::from("age_band\tgender\tAntal\n");
        let bands = [
            "16–24 år",
            "25-34",
            "35–44 ÅR",
            "45 - 54 years",
            "55–64",
            "65–74 år",
            "75–84 år",
        ];
        for (i, band) in bands.iter().enumerate() {
            text.push_str(&format!("{band}\tkvinnor\t{}\n", 1000 + i));
            text.push_str(&format!(
                "{band}\t{}\t{}\n",
                if i % 2 == 0 { "Män" } else { "men" },
                2000 + i
            ));
        }
        let cells = parse_totals(&survey, &text).expect("an SCB-shaped file");
        assert_eq!(cells.len(), 14);
        assert_eq!(cells[0].key(), r#"{"age_band":"16-24","gender":"f"}"#);
        assert_eq!(cells[0].total, 1000);
        assert_eq!(cells[3].key(), r#"{"age_band":"25-34","gender":"m"}"#);
        assert_eq!(cells[13].key(), r#"{"age_band":"75-84","gender":"m"}"#);
        // "Annat" has no register total, and is named as such.
        let unnamed = unnamed_categories(&survey, &cells);
        assert_eq!(unnamed.len(), 1);
        assert_eq!(unnamed[0].0.id, "gender");
        let codes: Vec<&str> = unnamed[0].1.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["o"]);
    }

    #[test]
    fn every_problem_of_a_file_is_reported_at_once() {
        let survey = resident_survey();
        // A header with an unknown column and no total; rows with an unknown label, a missing
        // code, an empty value, a bad number, a duplicate and a short row.
        let text = "age_band,gender,kommun,people\n\
                    16–24 år,Kvinna,x,12\n\
                    16–24 år,okänd,x,12\n\
                    25-34,Vill inte svara,x,5\n\
                    ,Man,x,5\n\
                    16-24,kvinnor,x,7\n\
                    25-34,Man\n";
        let problems = parse_totals(&survey, text).expect_err("many problems");
        let all = english(&problems);
        for expected in [
            "line 1: there is no \"total\" (or \"antal\") column",
            "line 1: column \"kommun\" is no question",
            "line 1: column \"people\" is no question",
            "line 3: \"okänd\" in column gender is neither a code nor an answer of the question",
            "line 4: \"Vill inte svara\" in column gender means a missing answer",
            "line 5: column age_band is empty",
            "line 6: the same cell is already on line 2",
            "line 7: 2 fields, but the header has 4",
        ] {
            assert!(all.contains(expected), "{expected}\n{all}");
        }
        // A good header: numbers and missing cells are found too.
        let text = "age_band;gender;total\n16-24;f;10\n16-24;m;ten\n25-34;f;10\n";
        let all = english(&parse_totals(&survey, text).expect_err("bad"));
        assert!(all.contains("line 3: total \"ten\""), "{all}");
        let text = "age_band;gender;total\n16-24;f;10\n16-24;m;9\n25-34;f;10\n";
        let problems = parse_totals(&survey, text).expect_err("a missing cell");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].en,
            "cell 25–34, Man is missing: the file must give a figure for every combination of the answers it names"
        );
        assert!(
            problems[0].sv.starts_with("cellen 25–34 år, Man saknas"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_form_that_names_two_answers_names_neither() {
        let path = std::path::Path::new("t.toml");
        let source = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys/resident-safety.toml"),
        )
        .expect("survey");
        // Give "Annat" the code "m": "m" is then the code of one answer and the label of none,
        // but "Man" and the code "man"… are made to clash by relabelling.
        let clash = source.replacen(
            r#"{ code = "o", label = { sv = "Annat", en = "Other" } }"#,
            r#"{ code = "o", label = { sv = "Man", en = "Other" } }"#,
            1,
        );
        let survey = crate::survey::load_str(path, &clash).expect("valid");
        let q = survey.question("gender").expect("gender");
        let names = ChoiceNames::of(q);
        assert!(matches!(names.find("man"), Err(NameProblem::Ambiguous(_))));
        assert!(matches!(names.find("män"), Err(NameProblem::Ambiguous(_))));
        assert_eq!(names.find("M").map(|c| c.code.as_str()), Ok("m"));
        assert_eq!(names.find("other").map(|c| c.code.as_str()), Ok("o"));
    }

    #[test]
    fn swedish_excel_files_with_semicolons_and_quotes_are_read() {
        let survey = resident_survey();
        let (id, codes) = background(&survey);
        let text = format!(
            "\u{feff}\"{id}\";\"total\"\r\n\"{a}\";\"1 200\"\r\n{b};80\r\n",
            a = codes[0],
            b = codes[1]
        );
        let cells = parse_totals(&survey, &text).expect("valid");
        assert_eq!(
            cells.iter().map(|c| c.total).collect::<Vec<_>>(),
            [1200, 80]
        );
        let one_column = parse_totals(&survey, &format!("{id} total\n")).expect_err("bad");
        assert!(
            english(&one_column).contains("commas (,) or semicolons (;)"),
            "{one_column:?}"
        );
    }

    #[test]
    fn a_file_of_duplicates_gives_a_hundred_problems_and_a_count() {
        let survey = resident_survey();
        let (id, codes) = background(&survey);
        let mut text = format!("{id},total\n");
        for _ in 0..100_001 {
            text.push_str(&format!("{},5\n", codes[0]));
        }
        let problems = parse_totals(&survey, &text).expect_err("duplicates");
        assert_eq!(problems.len(), crate::problems::SHOWN);
        assert_eq!(problems.total(), 100_000);
        assert_eq!(
            problems.more_line(crate::i18n::Lang::Sv).as_deref(),
            Some("… och 99\u{a0}900 fel till")
        );
    }

    #[test]
    fn population_totals_are_summed_per_variable() {
        let cell = |sex: &str, age: &str, total| PopulationCell {
            cell: [
                ("sex".to_owned(), sex.to_owned()),
                ("age".to_owned(), age.to_owned()),
            ]
            .into_iter()
            .collect(),
            total,
        };
        let cells = [
            cell("f", "16-29", 100),
            cell("m", "16-29", 90),
            cell("f", "30-", 1000),
        ];
        let m = margins(&cells);
        assert_eq!(m.len(), 2);
        let age = &m.iter().find(|(v, _)| v == "age").expect("age").1;
        assert_eq!(
            age,
            &vec![("16-29".to_owned(), 190), ("30-".to_owned(), 1000)]
        );
        let sex = &m.iter().find(|(v, _)| v == "sex").expect("sex").1;
        assert_eq!(sex, &vec![("f".to_owned(), 1100), ("m".to_owned(), 90)]);
    }

    #[test]
    fn classes_per_school_are_read_and_checked() {
        let rows = parse_school_classes("school,classes\r\nS1,4\nS2,2\n").expect("valid");
        assert_eq!(rows, vec![("S1".to_owned(), 4), ("S2".to_owned(), 2)]);
        let rows = parse_school_classes("School;Classes\n\"S;1\";4\n").expect("semicolons");
        assert_eq!(rows, vec![("S;1".to_owned(), 4)]);
        let problems =
            parse_school_classes("school,classes\nS1,0\nS1,2\nS1,2\nS2,5000\n").expect_err("bad");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(english(&problems).contains("line 5: classes \"5000\" is more than 1,000"));
        let header = parse_school_classes("skola,klasser\n").expect_err("header");
        assert!(
            header[0].en.contains("must be \"school,classes\""),
            "{header:?}"
        );
    }

    #[test]
    fn a_school_list_may_name_its_schools() {
        let rows =
            parse_schools("school;classes;name\nekdal;4;Ekdalsskolan\nnorr;3;\n").expect("valid");
        assert_eq!(
            rows,
            vec![
                SchoolRow {
                    school: "ekdal".into(),
                    classes: 4,
                    name: Some("Ekdalsskolan".into())
                },
                SchoolRow {
                    school: "norr".into(),
                    classes: 3,
                    name: None
                },
            ]
        );
        let long = "x".repeat(MAX_SCHOOL_NAME_CHARS + 1);
        let problems = parse_schools(&format!(
            "school,classes,name\na,1,{long}\nb,1,\"x\u{7}\"\n"
        ))
        .expect_err("bad names");
        let all = english(&problems);
        assert!(
            all.contains("line 2: the school's name may have at most 200"),
            "{all}"
        );
        assert!(
            all.contains("line 3: the school's name may not contain control"),
            "{all}"
        );
        let header = parse_schools("school,classes,namn\na,1,A\n").expect_err("header");
        assert!(
            header[0].en.contains("or \"school,classes,name\""),
            "{header:?}"
        );
    }
}
