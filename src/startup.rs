//! Building the application state and serving it: the steps `trygg serve` takes, shared with the
//! tests' `spawn_app()`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::Settings;
use crate::survey::{self, SurveyError};
use crate::web::{self, AppState};
use crate::{db, store};

/// Why the service cannot start. Each variant prints as lines an operator can act on.
#[derive(Debug)]
pub enum StartupError {
    /// Questionnaire files with problems, `FILE:LINE: message` each.
    Surveys(Vec<SurveyError>),
    /// A questionnaire changed in place after responses were collected with it.
    SurveyChanged(Vec<String>),
    Database(String),
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartupError::Surveys(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
            StartupError::SurveyChanged(lines) => f.write_str(&lines.join("\n")),
            StartupError::Database(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for StartupError {}

/// Loads and checks the questionnaires, connects to and migrates the database, and records the
/// questionnaire versions. Questionnaires are checked first: a bad file is reported without
/// touching the database.
pub async fn build_state(settings: Settings) -> Result<AppState, StartupError> {
    let surveys = survey::load_dir(&settings.surveys_dir).map_err(StartupError::Surveys)?;
    let db = db::connect_and_migrate(&settings.database_url)
        .await
        .map_err(|e| {
            StartupError::Database(format!("database {}: {e}", redact(&settings.database_url)))
        })?;
    let problems = store::survey_versions::sync(&db, &surveys)
        .await
        .map_err(|e| StartupError::Database(format!("recording questionnaire versions: {e}")))?;
    if !problems.is_empty() {
        return Err(StartupError::SurveyChanged(problems));
    }
    Ok(AppState {
        db,
        settings: Arc::new(settings),
        surveys: Arc::new(surveys),
    })
}

/// Serves until `shutdown` completes, then finishes the requests under way.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purge_db = state.db.clone();
    let purger = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match store::sessions::purge_expired(&purge_db).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "removing expired sessions failed"),
            }
        }
    });
    let app = web::app(state);
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    purger.abort();
    result
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden_in_database_urls() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            super::redact("sqlite://trygg.db?mode=rwc"),
            "sqlite://trygg.db?mode=rwc"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
