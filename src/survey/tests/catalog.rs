//! Loading a folder: all files, all problems, duplicate ids, content hashes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

use super::{BASE, SHIPPED};
use crate::survey::load_dir;

/// A fresh folder under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn with(files: &[(&str, &str)]) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("trygg-survey-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, content) in files {
            std::fs::write(dir.join(name), content).unwrap();
        }
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_shipped_folder_loads_into_a_catalog_in_id_order() {
    let dir = TempDir::with(&SHIPPED);
    let catalog = load_dir(&dir.0).unwrap();
    let ids: Vec<&str> = catalog.iter().map(|s| s.survey.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["resident-safety", "school-drug-habits", "staff-safety"]
    );
    assert_eq!(catalog.len(), 3);
    assert!(!catalog.is_empty());
    let loaded = catalog.get("staff-safety").unwrap();
    assert_eq!(loaded.path, dir.0.join("staff-safety.toml"));
    assert!(catalog.get("nope").is_none());
}

#[test]
fn the_content_hash_is_the_sha256_of_the_file_bytes() {
    let dir = TempDir::with(&[("base.toml", BASE)]);
    let catalog = load_dir(&dir.0).unwrap();
    let expected: String = Sha256::digest(BASE.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(catalog.get("base").unwrap().content_hash, expected);
    assert_eq!(expected.len(), 64);
}

#[test]
fn files_that_are_not_toml_are_ignored() {
    let dir = TempDir::with(&[("base.toml", BASE), ("README.md", "# notes")]);
    assert_eq!(load_dir(&dir.0).unwrap().len(), 1);
}

#[test]
fn the_same_survey_id_in_two_files_is_an_error_on_the_second_file() {
    let dir = TempDir::with(&[("a.toml", BASE), ("b.toml", BASE)]);
    let errors = load_dir(&dir.0).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].file, dir.0.join("b.toml"));
    assert_eq!(errors[0].line, 1);
    assert!(
        errors[0]
            .message
            .contains("survey id `base` is already used by")
    );
}

#[test]
fn problems_of_every_file_are_reported_together() {
    let first = BASE.replace("min_cell_size = 5", "min_cell_size = 1");
    let second = BASE
        .replace(r#"id = "base""#, r#"id = "other""#)
        .replace(r#"type = "text""#, r#"type = "essay""#);
    let dir = TempDir::with(&[("a.toml", &first), ("b.toml", &second)]);
    let errors = load_dir(&dir.0).unwrap_err();
    let files: Vec<&Path> = errors.iter().map(|e| e.file.as_path()).collect();
    assert_eq!(files, vec![dir.0.join("a.toml"), dir.0.join("b.toml")]);
}

#[test]
fn a_missing_folder_is_an_error() {
    let errors = load_dir(Path::new("/definitely/not/here")).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 0);
    assert!(errors[0].message.contains("cannot read the survey folder"));
}

#[test]
fn a_folder_without_surveys_is_an_error() {
    let dir = TempDir::with(&[("notes.txt", "nothing here")]);
    let errors = load_dir(&dir.0).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("no survey files"));
}

#[test]
fn the_school_survey_keeps_the_hash_its_responses_were_locked_with() {
    // The hash of version 1 before `grade_question` was added: the session keys are left out,
    // so a database whose school waves locked version 1 starts with the new file.
    let dir = TempDir::with(&SHIPPED);
    let catalog = load_dir(&dir.0).unwrap();
    assert_eq!(
        catalog.get("school-drug-habits").unwrap().content_hash,
        "12d03c9771f401186a4f4d609128db6b54aa537f459fb037a5bfb2c97dbd65a7"
    );
}
