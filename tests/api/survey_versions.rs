//! A questionnaire file changed in place is accepted until responses exist, then refused.

use std::path::Path;

use trygg::startup::{StartupError, build_state};

use crate::db_tests;
use crate::helpers::{TestApp, test_settings};

db_tests!(a_changed_questionnaire_with_the_same_version_is_refused_once_locked);

fn copy_surveys(to: &Path) {
    for entry in std::fs::read_dir(crate::helpers::surveys_dir()).expect("surveys") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}

async fn a_changed_questionnaire_with_the_same_version_is_refused_once_locked(app: TestApp) {
    let dir = tempfile::tempdir().expect("dir");
    copy_surveys(dir.path());
    let mut settings = test_settings(&app.database_url);
    settings.surveys_dir = dir.path().to_path_buf();
    build_state(settings.clone())
        .await
        .expect("same files start");

    // An edit before any response is accepted.
    let file = dir.path().join("staff-safety.toml");
    let original = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, format!("{original}\n# a comment changes the hash\n")).expect("write");
    build_state(settings.clone())
        .await
        .expect("changed before responses");

    // Once a response exists, the same version may not change again.
    trygg::store::survey_versions::lock(&app.db, "staff-safety", 1)
        .await
        .expect("lock");
    std::fs::write(&file, format!("{original}\n# another edit\n")).expect("write");
    let err = match build_state(settings.clone()).await {
        Err(e) => e,
        Ok(_) => panic!("a locked survey changed in place was accepted"),
    };
    assert!(matches!(err, StartupError::SurveyChanged(_)), "{err}");
    let text = err.to_string();
    assert!(text.contains("staff-safety.toml"), "{text}");
    assert!(text.contains("raise `version`"), "{text}");

    // Raising the version publishes the change.
    let bumped = original.replacen("version = 1", "version = 2", 1);
    assert_ne!(
        bumped, original,
        "the test expects `version = 1` in staff-safety.toml"
    );
    std::fs::write(&file, bumped).expect("write");
    build_state(settings).await.expect("new version accepted");
}

/// Several nodes starting at once on one fresh PostgreSQL database all come up (migrations and
/// version records are serialised by an advisory lock).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_nodes_start_together_on_one_postgresql_database() {
    let dir = tempfile::tempdir().expect("dir");
    let Some((url, _drop)) =
        crate::helpers::fresh_database(crate::helpers::Backend::Postgres, dir.path()).await
    else {
        eprintln!("TEST_DATABASE_URL is not set: not run");
        return;
    };
    let starts: Vec<_> = (0..4)
        .map(|_| tokio::spawn(build_state(test_settings(&url))))
        .collect();
    for start in starts {
        if let Err(e) = start.await.expect("task") {
            panic!("a node failed to start: {e}");
        }
    }
}
