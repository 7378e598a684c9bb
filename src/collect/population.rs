//! Population figures for a wave, uploaded as CSV: totals per cell of background variables (for
//! calibration later) and, for school waves, the number of classes per school (the population
//! count of clusters in each stratum, i.e. the fpc).
//!
//! Every problem is reported with its line, and a file with any problem changes nothing.

use std::collections::{BTreeMap, HashSet};

use crate::survey::Survey;

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

/// Splits one CSV line; quotes may enclose commas, `""` is a quote.
fn split_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (',', false) => fields.push(std::mem::take(&mut field).trim().to_owned()),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_owned());
    }
    fields.push(field.trim().to_owned());
    Ok(fields)
}

/// Non-empty lines with their 1-based line numbers; a byte-order mark and `\r` are ignored.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
}

fn parse_count(text: &str, what: &str) -> Result<i64, String> {
    match text.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{what} `{text}` is not a whole number above 0")),
    }
}

/// Parses population totals: a header of background question ids and `total`, then one row
/// per cell with choice codes. Problems are `line N: message`.
pub fn parse_totals(survey: &Survey, text: &str) -> Result<Vec<PopulationCell>, Vec<String>> {
    let mut problems = Vec::new();
    let mut rows = lines(text);
    let Some((_, header)) = rows.next() else {
        return Err(vec![
            "the file is empty; the first line must name the columns, e.g. `age_band,gender,total`"
                .to_owned(),
        ]);
    };
    let header = split_line(header).map_err(|e| vec![format!("line 1: {e}")])?;
    let Some(total_at) = header.iter().position(|h| h == "total") else {
        return Err(vec!["line 1: there is no `total` column".to_owned()]);
    };
    let mut variables = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if i == total_at {
            continue;
        }
        match survey.question(name) {
            Some(q) if q.background => variables.push((i, q)),
            Some(_) => problems.push(format!(
                "line 1: question `{name}` is not a background variable of survey `{}`",
                survey.id
            )),
            None => problems.push(format!(
                "line 1: `{name}` is not a question of survey `{}`",
                survey.id
            )),
        }
    }
    if variables.is_empty() && problems.is_empty() {
        problems.push("line 1: name at least one background variable besides `total`".to_owned());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut cells = Vec::new();
    let mut seen = HashSet::new();
    for (line_no, line) in rows {
        let fields = match split_line(line) {
            Ok(f) if f.len() == header.len() => f,
            Ok(f) => {
                problems.push(format!(
                    "line {line_no}: {} fields, the header has {}",
                    f.len(),
                    header.len()
                ));
                continue;
            }
            Err(e) => {
                problems.push(format!("line {line_no}: {e}"));
                continue;
            }
        };
        let mut cell = BTreeMap::new();
        for (i, q) in &variables {
            let code = &fields[*i];
            match q.choice(code) {
                Some(choice) if !choice.missing => {
                    cell.insert(q.id.clone(), code.clone());
                }
                Some(_) => problems.push(format!(
                    "line {line_no}: `{code}` of `{}` is a missing-value code, which has no population",
                    q.id
                )),
                None => problems.push(format!(
                    "line {line_no}: `{code}` is not a choice of question `{}`",
                    q.id
                )),
            }
        }
        match parse_count(&fields[total_at], "total") {
            Ok(total) if cell.len() == variables.len() => {
                let row = PopulationCell { cell, total };
                if !seen.insert(row.key()) {
                    problems.push(format!("line {line_no}: the same cell appears twice"));
                }
                cells.push(row);
            }
            Ok(_) => {}
            Err(e) => problems.push(format!("line {line_no}: {e}")),
        }
    }
    if cells.is_empty() && problems.is_empty() {
        problems.push("the file has a header but no rows".to_owned());
    }
    if problems.is_empty() {
        Ok(cells)
    } else {
        Err(problems)
    }
}

/// Parses classes per school: header `school,classes`, one row per school.
pub fn parse_school_classes(text: &str) -> Result<Vec<(String, i32)>, Vec<String>> {
    let mut problems = Vec::new();
    let mut rows = lines(text);
    match rows.next().map(|(_, h)| split_line(h)) {
        Some(Ok(h)) if h == ["school", "classes"] => {}
        Some(_) => {
            return Err(vec![
                "line 1: the header must be `school,classes`".to_owned(),
            ]);
        }
        None => {
            return Err(vec![
                "the file is empty; the first line must be `school,classes`".to_owned(),
            ]);
        }
    }
    let mut schools = Vec::new();
    let mut seen = HashSet::new();
    for (line_no, line) in rows {
        let fields = match split_line(line) {
            Ok(f) if f.len() == 2 => f,
            Ok(f) => {
                problems.push(format!("line {line_no}: {} fields, expected 2", f.len()));
                continue;
            }
            Err(e) => {
                problems.push(format!("line {line_no}: {e}"));
                continue;
            }
        };
        let school = fields[0].clone();
        if school.is_empty() || school.len() > 100 {
            problems.push(format!(
                "line {line_no}: the school id must be 1–100 characters"
            ));
            continue;
        }
        match parse_count(&fields[1], "classes").map(i32::try_from) {
            Ok(Ok(n)) => {
                if !seen.insert(school.clone()) {
                    problems.push(format!("line {line_no}: school `{school}` appears twice"));
                }
                schools.push((school, n));
            }
            Ok(Err(_)) => problems.push(format!("line {line_no}: too many classes")),
            Err(e) => problems.push(format!("line {line_no}: {e}")),
        }
    }
    if schools.is_empty() && problems.is_empty() {
        problems.push("the file has a header but no rows".to_owned());
    }
    if problems.is_empty() {
        Ok(schools)
    } else {
        Err(problems)
    }
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

    #[test]
    fn totals_are_read_per_cell_of_background_codes() {
        let survey = resident_survey();
        let q = survey
            .background_questions()
            .next()
            .expect("a background question");
        let codes: Vec<&str> = q
            .choices()
            .iter()
            .filter(|c| !c.missing)
            .map(|c| c.code.as_str())
            .collect();
        let text = format!(
            "{id},total\n{a},120\n\"{b}\",80\n",
            id = q.id,
            a = codes[0],
            b = codes[1]
        );
        let cells = parse_totals(&survey, &text).expect("valid");
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[1].total, 80);
        assert_eq!(cells[0].key(), format!("{{\"{}\":\"{}\"}}", q.id, codes[0]));
    }

    #[test]
    fn every_bad_line_is_named() {
        let survey = resident_survey();
        let q = survey
            .background_questions()
            .next()
            .expect("a background question");
        let good = &q.choices()[0].code;
        let text = format!(
            "{id},total\n{good},12\nnope,3\n{good},-1\n{good}\n{good},5\n",
            id = q.id
        );
        let problems = parse_totals(&survey, &text).expect_err("invalid");
        let all = problems.join("\n");
        assert!(all.contains("line 3: `nope` is not a choice"), "{all}");
        assert!(all.contains("line 4: total `-1`"), "{all}");
        assert!(all.contains("line 5: 1 fields"), "{all}");
        assert!(all.contains("line 6: the same cell appears twice"), "{all}");
        let header = parse_totals(&survey, "safe_night,total\nx,1\n").expect_err("not background");
        assert!(header[0].starts_with("line 1:"), "{header:?}");
    }

    #[test]
    fn classes_per_school_are_read_and_checked() {
        let rows = parse_school_classes("school,classes\r\nS1,4\nS2,2\n").expect("valid");
        assert_eq!(rows, vec![("S1".to_owned(), 4), ("S2".to_owned(), 2)]);
        let problems = parse_school_classes("school,classes\nS1,0\nS1,2\nS1,2\n").expect_err("bad");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(parse_school_classes("skola,klasser\n").is_err());
    }
}
