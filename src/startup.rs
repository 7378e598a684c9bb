//! Building the application state and serving it: the steps `trygg serve` takes, shared with the
//! tests' `spawn_app()`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use trygg_migrations::MigratorTrait;

use crate::collect::sender::Outbox;
use crate::config::Settings;
use crate::survey::{self, SurveyError};
use crate::web::{self, AppState};
use crate::{db, store};

/// Why the service cannot start. Each variant prints as lines an operator can act on.
#[derive(Debug)]
pub enum StartupError {
    /// Questionnaire or agreement files with problems, `FILE:LINE: message` each.
    Surveys(Vec<SurveyError>),
    /// A questionnaire changed in place after responses were collected with it.
    SurveyChanged(Vec<String>),
    /// The database cannot be opened, locked or migrated; `url` is its address without the
    /// password.
    Database { url: String, source: sea_orm::DbErr },
    /// A setting that cannot be used.
    Settings(crate::config::ConfigError),
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartupError::Surveys(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
            StartupError::SurveyChanged(lines) => f.write_str(&lines.join("\n")),
            StartupError::Database { url, source } => write!(f, "database {url}: {source}"),
            StartupError::Settings(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartupError::Database { source, .. } => Some(source),
            // The setting's error says all there is: what caused it, if anything, comes next.
            StartupError::Settings(e) => std::error::Error::source(e),
            StartupError::Surveys(_) | StartupError::SurveyChanged(_) => None,
        }
    }
}

/// Loads and checks the questionnaires and the agreements, connects to and migrates the database, and records the
/// questionnaire versions. Questionnaires are checked first: a bad file is reported without
/// touching the database.
pub async fn build_state(settings: Settings) -> Result<AppState, StartupError> {
    let surveys = survey::load_dir(&settings.surveys_dir).map_err(StartupError::Surveys)?;
    let agreements = crate::agreement::load_dir(&settings.agreements_dir, &surveys)
        .map_err(StartupError::Surveys)?;
    let db_error = |source: sea_orm::DbErr| StartupError::Database {
        url: crate::config::redact(&settings.database_url),
        source,
    };
    let db = db::connect(&settings.database_url)
        .await
        .map_err(db_error)?;
    // Migrating and recording versions happen under one lock when several nodes start together.
    let lock = db::StartupLock::acquire(&settings.database_url)
        .await
        .map_err(db_error)?;
    let prepared = async {
        trygg_migrations::Migrator::up(&db, None).await?;
        store::survey_versions::sync(&db, &surveys).await
    }
    .await;
    lock.release().await;
    let problems = prepared.map_err(db_error)?;
    if !problems.is_empty() {
        return Err(StartupError::SurveyChanged(problems));
    }
    let writer = db::connect_writer(&settings.database_url, &db)
        .await
        .map_err(db_error)?;
    let scrubber = db::Scrubber::start(&settings.database_url)
        .await
        .map_err(db_error)?;
    let checkpointer = db::Checkpointer::start(&settings.database_url)
        .await
        .map_err(db_error)?;
    let mailer =
        crate::mail::Mailer::from_settings(&settings.mail).map_err(StartupError::Settings)?;
    let surveys = Arc::new(surveys);
    let outbox = Outbox {
        db: db.clone(),
        mailer,
        surveys: surveys.clone(),
        public_url: settings.public_url.clone(),
        wake: Arc::new(tokio::sync::Notify::new()),
    };
    Ok(AppState::new(crate::web::Shared {
        collector: crate::collect::Collector::start(writer, scrubber, checkpointer),
        outbox,
        db,
        settings: Arc::new(settings),
        surveys,
        agreements: Arc::new(agreements),
    }))
}

/// Serves until `shutdown` completes, then finishes the requests under way.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purge_db = state.db.clone();
    let purger = tokio::spawn(async move {
        // Every minute: a wave whose closing time has passed keeps its addresses no longer than that.
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            match store::sessions::purge_expired(&purge_db).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "removing expired sessions failed"),
            }
            if let Err(e) = store::logins::purge_old(&purge_db).await {
                tracing::warn!(error = %e, "removing old login attempts failed");
            }
            if let Err(e) = store::login_devices::purge_expired(&purge_db).await {
                tracing::warn!(error = %e, "removing expired login devices failed");
            }
            if let Err(e) = store::drafts::purge_expired(&purge_db).await {
                tracing::warn!(error = %e, "removing expired drafts failed");
            }
            match store::waves::forget_contact_data_of_ended_waves(&purge_db).await {
                Ok(n) if n > 0 => tracing::info!(waves = n, "contact data of ended waves deleted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deleting contact data of ended waves failed"),
            }
        }
    });
    let sender = tokio::spawn(state.outbox.clone().run());
    let indicators = tokio::spawn(crate::evaluate::refresh::run(
        state.db.clone(),
        state.surveys.clone(),
    ));
    let app = web::app(state);
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    purger.abort();
    sender.abort();
    indicators.abort();
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
