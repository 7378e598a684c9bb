//! The survey folder: every `*.toml` in it, loaded and checked together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::check::SurveyError;
use super::load::parse;
use super::model::Survey;

/// One survey file that passed every check.
#[derive(Debug, Clone)]
pub struct LoadedSurvey {
    pub survey: Arc<Survey>,
    pub path: PathBuf,
    /// sha256 of the file bytes, lowercase hex: tells whether a file changed under the same
    /// version (which is refused once a wave of it has responses).
    pub content_hash: String,
}

/// All surveys of a folder by id. Cheap to clone (surveys are shared).
#[derive(Debug, Clone, Default)]
pub struct SurveyCatalog {
    surveys: BTreeMap<String, LoadedSurvey>,
}

impl SurveyCatalog {
    pub fn get(&self, id: &str) -> Option<&LoadedSurvey> {
        self.surveys.get(id)
    }

    /// The survey when its loaded file has exactly this version: a wave answers the version it
    /// was created with, never a later edit of the file.
    pub fn version(&self, id: &str, version: u32) -> Option<Arc<Survey>> {
        self.get(id)
            .filter(|l| l.survey.version == version)
            .map(|l| l.survey.clone())
    }

    /// In id order.
    pub fn iter(&self) -> impl Iterator<Item = &LoadedSurvey> {
        self.surveys.values()
    }

    pub fn len(&self) -> usize {
        self.surveys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.surveys.is_empty()
    }
}

/// Loads every `*.toml` file of `dir` (in name order) and returns every problem of every file,
/// so `trygg check-surveys` can list them all at once.
pub fn load_dir(dir: &Path) -> Result<SurveyCatalog, Vec<SurveyError>> {
    let folder_error = |message: String| SurveyError {
        file: dir.to_path_buf(),
        line: 0,
        message,
    };
    let entries = std::fs::read_dir(dir)
        .map_err(|e| vec![folder_error(format!("cannot read the survey folder: {e}"))])?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
                    files.push(path);
                }
            }
            Err(e) => errors.push(folder_error(format!("cannot list the survey folder: {e}"))),
        }
    }
    files.sort();
    if files.is_empty() && errors.is_empty() {
        errors.push(folder_error(
            "no survey files (*.toml) in this folder".to_string(),
        ));
    }

    let mut catalog = SurveyCatalog::default();
    for path in files {
        match load_file(&path) {
            Ok((loaded, id_line)) => add(&mut catalog, loaded, id_line, &mut errors),
            Err(mut file_errors) => errors.append(&mut file_errors),
        }
    }
    if errors.is_empty() {
        Ok(catalog)
    } else {
        Err(errors)
    }
}

fn load_file(path: &Path) -> Result<(LoadedSurvey, usize), Vec<SurveyError>> {
    let file_error = |message: String| {
        vec![SurveyError {
            file: path.to_path_buf(),
            line: 0,
            message,
        }]
    };
    let bytes =
        std::fs::read(path).map_err(|e| file_error(format!("cannot read the file: {e}")))?;
    let source = std::str::from_utf8(&bytes)
        .map_err(|e| file_error(format!("the file is not valid UTF-8: {e}")))?;
    let (survey, id_line) = parse(path, source)?;
    let content_hash = hex::encode(Sha256::digest(without_presentation(source).as_bytes()));
    let loaded = LoadedSurvey {
        survey: Arc::new(survey),
        path: path.to_path_buf(),
        content_hash,
    };
    Ok((loaded, id_line))
}

/// The file without the lines that say how figures are shown or who may answer, not what an
/// answer means, for the content hash: the top-level `grades = …` (which class sessions may be
/// opened), `grade_question = …` (which answer a class session gives for its pupils) and
/// `headline_by = …` (which rows the overview leads with), `public = …` (whether residents see
/// the figures on `/trygghet`), and a question's
/// `short = …` label (breakdown headings). Adding or changing them does not make a version with
/// responses count as changed, and a file without them hashes as before.
fn without_presentation(source: &str) -> std::borrow::Cow<'_, str> {
    let top_level_end = source
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .find(|at| {
            source[*at..]
                .trim_start_matches([' ', '\t'])
                .starts_with('[')
        })
        .unwrap_or(source.len());
    let is_key = |line: &str, key: &str| {
        line.trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    let dropped = |at: usize, line: &str| {
        if at < top_level_end {
            ["grades", "grade_question", "headline_by", "public"]
                .iter()
                .any(|key| is_key(line, key))
        } else {
            is_key(line, "short")
        }
    };
    let mut at = 0;
    let mut kept = String::new();
    let mut any = false;
    for line in source.split_inclusive('\n') {
        if dropped(at, line) {
            any = true;
        } else {
            kept.push_str(line);
        }
        at += line.len();
    }
    if any {
        std::borrow::Cow::Owned(kept)
    } else {
        std::borrow::Cow::Borrowed(source)
    }
}

/// Adds a survey, or reports that its id is taken by an earlier file.
fn add(
    catalog: &mut SurveyCatalog,
    loaded: LoadedSurvey,
    id_line: usize,
    errors: &mut Vec<SurveyError>,
) {
    let id = loaded.survey.id.clone();
    if let Some(first) = catalog.surveys.get(&id) {
        errors.push(SurveyError {
            file: loaded.path.clone(),
            line: id_line,
            message: format!(
                "survey id `{id}` is already used by {}",
                first.path.display()
            ),
        });
    } else {
        catalog.surveys.insert(id, loaded);
    }
}

#[cfg(test)]
mod tests {
    use super::without_presentation;

    #[test]
    fn the_grades_line_is_left_out_of_the_hash_and_nothing_else() {
        let with = "id = \"s\"\nversion = 1\ngrades = [9, 11]\ngrade_question = { question = \"g\", codes = { 9 = \"y9\" } }\n\n[[pages]]\nid = \"p\"\n";
        let without = "id = \"s\"\nversion = 1\n\n[[pages]]\nid = \"p\"\n";
        assert_eq!(without_presentation(with), without);
        assert_eq!(without_presentation(without), without);
        // A question's `grades` text inside a page is not the survey's key.
        let in_page = "id = \"s\"\n[[pages]]\ngrades = 1\n";
        assert_eq!(without_presentation(in_page), in_page);
    }

    #[test]
    fn headline_and_short_labels_are_left_out_of_the_hash() {
        let with = "id = \"s\"\nheadline_by = \"grade\"\n[[pages]]\nid = \"p\"\n[[pages.questions]]\nid = \"grade\"\nshort = { sv = \"Årskurs\", en = \"Year\" }\ntext = 1\n";
        let without =
            "id = \"s\"\n[[pages]]\nid = \"p\"\n[[pages.questions]]\nid = \"grade\"\ntext = 1\n";
        assert_eq!(without_presentation(with), without);
        // `headline_by` inside a table is not the survey's key; `short` at the top is not a label.
        let odd = "short = 1\n[[pages]]\nheadline_by = 2\n";
        assert_eq!(without_presentation(odd), odd);
    }
}
