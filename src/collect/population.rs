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

/// Parses population totals: a header of background question ids and `total`, then one row
/// per cell with choice codes. Every problem names its line; the first hundred are kept.
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
    let line = table.header_line;
    let Some(total_at) = table.header.iter().position(|h| h == "total") else {
        return Err(one(at(
            line,
            format!("det finns ingen kolumn \"total\", t.ex. \"{example}\""),
            format!("there is no \"total\" column, e.g. \"{example}\""),
        )));
    };
    let mut variables = Vec::new();
    let mut named = HashSet::new();
    for (i, name) in table.header.iter().enumerate() {
        if i == total_at {
            continue;
        }
        let shown = quoted(name);
        match survey.question(name) {
            _ if !named.insert(name.as_str()) => problems.push(at(
                line,
                format!("kolumnen {shown} finns två gånger"),
                format!("column {shown} appears twice"),
            )),
            Some(q) if q.background => variables.push((i, q)),
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
    if variables.is_empty() && problems.is_empty() {
        problems.push(at(
            line,
            "ange minst en bakgrundsvariabel utöver \"total\"",
            "name at least one background variable besides \"total\"",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut cells = Vec::new();
    let mut first_line_of = HashMap::new();
    for row in &table.rows {
        if let Some(problem) = table.width_problem(row) {
            problems.push(problem);
            continue;
        }
        let line = row.line;
        let mut cell = BTreeMap::new();
        for (i, q) in &variables {
            let code = &row.fields[*i];
            match q.choice(code) {
                Some(choice) if !choice.missing => {
                    cell.insert(q.id.clone(), code.clone());
                }
                Some(_) => problems.push(at(
                    line,
                    format!(
                        "{} i kolumnen {} betyder att svaret saknas och har ingen befolkning; använd {}",
                        quoted(code),
                        q.id,
                        codes_hint(q, Lang::Sv)
                    ),
                    format!(
                        "{} in column {} means a missing answer, which has no population; use {}",
                        quoted(code),
                        q.id,
                        codes_hint(q, Lang::En)
                    ),
                )),
                None => problems.push(at(
                    line,
                    format!(
                        "{} i kolumnen {} är ingen kod för frågan ”{}”; använd {}",
                        quoted(code),
                        q.id,
                        q.text.sv,
                        codes_hint(q, Lang::Sv)
                    ),
                    format!(
                        "{} in column {} is not a code of the question “{}”; use {}",
                        quoted(code),
                        q.id,
                        q.text.en,
                        codes_hint(q, Lang::En)
                    ),
                )),
            }
        }
        match csv_text::count(&row.fields[total_at], "total", MAX_CELL_TOTAL, line) {
            Ok(total) if cell.len() == variables.len() => {
                let row = PopulationCell { cell, total };
                if let Some(first) = first_line_of.insert(row.key(), line) {
                    problems.push(at(
                        line,
                        format!("samma cell finns redan på rad {first}"),
                        format!("the same cell is already on line {first}"),
                    ));
                }
                cells.push(row);
            }
            Ok(_) => {}
            Err(problem) => problems.push(problem),
        }
    }
    if cells.is_empty() && problems.is_empty() {
        problems.push(no_rows());
    }
    problems.or_ok(cells)
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

/// Parses classes per school: header `school,classes`, one row per school.
pub fn parse_school_classes(text: &str) -> Result<Vec<(String, i32)>, Problems<Text>> {
    const HEADER: &str = "school,classes";
    let table = csv_text::read(text, HEADER).map_err(one)?;
    if !table
        .header
        .iter()
        .map(|h| h.to_lowercase())
        .eq(["school", "classes"])
    {
        let sep = table.delimiter.to_string();
        return Err(one(at(
            table.header_line,
            format!(
                "rubrikraden ska vara \"{HEADER}\", inte {}",
                quoted(&table.header.join(&sep))
            ),
            format!(
                "the header must be \"{HEADER}\", not {}",
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
                // MAX_SCHOOL_CLASSES fits an i32.
                schools.push((school.clone(), i32::try_from(n).unwrap_or(i32::MAX)));
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
                "line 3: \"nope\" in column {id} is not a code of the question “How old are you?”; use 16-24 (16–24), "
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
                .starts_with(&format!("rad 3: \"nope\" i kolumnen {id} är ingen kod för frågan ”Hur gammal är du?”; använd 16-24 (16–24 år), ")),
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
}
