//! What each command of the `trygg` binary does, once its arguments are parsed.
//! Results go to stdout. A command that fails returns its error, which `main` prints once to
//! stderr ([`error_report`]) before exiting with status 1; lists of problems (questionnaire
//! files, CSV lines) are printed as they are found, one per line, and the error sums them up.

pub mod demo;
pub mod demo_plan;
pub mod demo_sources;
pub mod import;
pub mod progress;
pub mod report;
pub mod sources;
pub mod tokens;
pub mod waves;

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, anyhow, bail};

use crate::accounts::{self, NewUser, Role};
use crate::config::Settings;
use crate::survey;
use crate::{db, startup, store};

/// What a command gives back: its error is printed by `main`, with the errors that caused it.
pub type Result<T = ()> = anyhow::Result<T>;

/// An error as `main` prints it: `error: …`, then a `caused by: …` line for each underlying
/// error (continuation lines of a message that has several are printed as they are). Many
/// errors (the database's among them) repeat their source in their own message; a cause the
/// line before already said is not said again.
pub fn error_report(error: &anyhow::Error) -> String {
    let mut out = format!("error: {error}\n");
    let mut said = error.to_string();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !said.contains(&text) {
            out.push_str(&format!("caused by: {text}\n"));
        }
        said = text;
    }
    out
}

/// `error` under a message made from it (`--email: {error}`): the line reads as it would with
/// the error's text alone, and the error stays its cause, which [`error_report`] does not say
/// twice.
pub(crate) fn with_message<E>(error: E, message: impl FnOnce(&E) -> String) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    let message = message(&error);
    anyhow::Error::new(error).context(message)
}

/// Log targets that would write clients' addresses.
const CLIENT_REVEALING_TARGETS: [&str; 3] = ["axum::serve", "hyper", "hyper_util"];

/// Logs to stderr with the configured filter (`log` in trygg.toml, `TRYGG_LOG`, else `RUST_LOG`).
pub fn init_tracing(settings: &Settings) {
    // The filter was checked when the settings were loaded.
    let mut filter = tracing_subscriber::EnvFilter::try_new(&settings.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Whatever the filter asks for, these never log: axum's server names each client's address
    // when it accepts a connection (at trace level), and respondents' addresses must not be kept.
    for silent in CLIENT_REVEALING_TARGETS {
        if let Ok(directive) = format!("{silent}=off").parse() {
            filter = filter.add_directive(directive);
        }
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// `trygg serve`: check questionnaires, migrate, listen.
pub async fn serve(settings: Settings) -> Result {
    init_tracing(&settings);
    let bind = settings.bind;
    let state = startup::build_state(settings)
        .await
        .context("trygg did not start.")?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let address = listener.local_addr().map_or(bind, |a| a);
    tracing::info!(
        surveys = state.surveys.len(),
        postgres = state.settings.is_postgres(),
        "trygg listening on http://{address}"
    );
    startup::serve(listener, state, startup::shutdown_signal())
        .await
        .context("server error")
}

/// The questionnaires of `--surveys`. When a file has problems, each is printed to stderr as
/// `FILE:LINE: message` (the contract of `trygg check-surveys`) and the error counts them.
pub(crate) fn load_catalog(settings: &Settings) -> Result<survey::SurveyCatalog> {
    survey::load_dir(&settings.surveys_dir).map_err(|errors| {
        for e in &errors {
            eprintln!("{e}");
        }
        anyhow!(
            "{} problem{} found.",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )
    })
}

/// `trygg check-surveys`: every problem of every questionnaire and agreement file,
/// `FILE:LINE: message`.
pub fn check_surveys(settings: &Settings) -> Result {
    let catalog = load_catalog(settings)?;
    for loaded in catalog.iter() {
        println!(
            "ok {} (version {}, {} questions, {} indicators)",
            loaded.path.display(),
            loaded.survey.version,
            loaded.survey.questions().count(),
            loaded.survey.indicators.len()
        );
    }
    let agreements = load_agreements(settings, &catalog)?;
    for (agreement, path) in agreements.files() {
        println!(
            "ok {} (agreement {}, {} – {}, {} priority areas, {} citizen promises)",
            path.display(),
            agreement.id,
            agreement.starts,
            agreement.ends,
            agreement.areas.len(),
            agreement.promises.len()
        );
    }
    Ok(())
}

/// The agreements of `--agreements`, checked against the questionnaires; problems printed as
/// `FILE:LINE: message` like the questionnaires'.
pub(crate) fn load_agreements(
    settings: &Settings,
    catalog: &survey::SurveyCatalog,
) -> Result<crate::agreement::AgreementCatalog> {
    crate::agreement::load_dir(&settings.agreements_dir, catalog).map_err(|errors| {
        for e in &errors {
            eprintln!("{e}");
        }
        anyhow!(
            "{} problem{} found.",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )
    })
}

/// `trygg synth`: N valid random submissions as JSON lines.
/// Largest `--count` of one `trygg synth` run (about 5 GB of JSON lines).
pub const MAX_SYNTH_COUNT: usize = 10_000_000;

pub fn synth(settings: &Settings, survey_id: &str, count: usize, seed: Option<u64>) -> Result {
    if count > MAX_SYNTH_COUNT {
        bail!("--count: {count} is more than {MAX_SYNTH_COUNT} submissions at a time");
    }
    let catalog = load_catalog(settings)?;
    let Some(loaded) = catalog.get(survey_id) else {
        let known: Vec<&str> = catalog.iter().map(|l| l.survey.id.as_str()).collect();
        bail!(
            "no questionnaire `{survey_id}`; known: {}",
            known.join(", ")
        );
    };
    let seed = seed.unwrap_or_else(rand::random);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for submission in survey::synth(&loaded.survey, count, seed) {
        writeln!(out, "{submission}").context("cannot write the submissions")?;
    }
    out.flush().context("cannot write the submissions")
}

/// A command's whole result on stdout at once. A closed stdout (`trygg … | head`) is an error to
/// report, not a panic as `print!` would make it.
pub(crate) fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush())
}

/// Connects and migrates.
pub(crate) async fn open_database(settings: &Settings) -> Result<sea_orm::DatabaseConnection> {
    db::connect_and_migrate(&settings.database_url)
        .await
        .with_context(|| format!("database {}", crate::config::redact(&settings.database_url)))
}

/// `trygg user add`: the password is read from stdin (one line).
pub async fn user_add(
    settings: &Settings,
    email: &str,
    role: Role,
    school: Option<&str>,
) -> Result {
    let new = NewUser::parse(email, role, school)?;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "Password for {} (input is shown; pipe it in to hide it): ",
            new.email
        );
        let _ = std::io::stderr().flush();
    }
    let mut password = String::new();
    stdin
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from stdin")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if let Err(problem) = accounts::check_password(password, &new.email) {
        bail!("{}", problem.message(crate::i18n::Lang::En));
    }
    let hash =
        accounts::hash_password(password).map_err(|e| anyhow!("cannot hash the password: {e}"))?;
    let db = open_database(settings).await?;
    let user = store::users::add(&db, &new, hash, "cli").await?;
    println!("created {} {} ({})", new.role, user.email, user.id);
    Ok(())
}

/// `trygg stats`: estimates for a CSV file and a request, as JSON on stdout.
pub fn stats(data: &std::path::Path, request: &std::path::Path) -> Result {
    // The message names the file and, where it can, the line.
    let response = run_stats(data, request)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    serde_json::to_writer_pretty(&mut out, &response)
        .map_err(std::io::Error::other)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .context("cannot write the estimates")
}

/// Reads both files and estimates; every error names the file and, where it can, the line.
pub fn run_stats(
    data: &std::path::Path,
    request: &std::path::Path,
) -> Result<crate::stats::Response> {
    let request_name = request.display();
    let text = std::fs::read_to_string(request)
        .map_err(|e| with_message(e, |e| format!("{request_name}: cannot read: {e}")))?;
    let parsed: crate::stats::Request = serde_json::from_str(&text).map_err(|e| {
        with_message(e, |e| {
            format!("{request_name}:{}:{}: {e}", e.line(), e.column())
        })
    })?;
    let data_name = data.display();
    let bytes = std::fs::read(data)
        .map_err(|e| with_message(e, |e| format!("{data_name}: cannot read: {e}")))?;
    // Only the columns the request uses are converted, while the file is read.
    let (numeric, categorical) = crate::stats::estimate::columns_used(&parsed);
    let dataset = crate::stats::data::Dataset::from_csv_columns(bytes, &numeric, &categorical)
        .map_err(|e| with_message(e, |e| format!("{data_name}: {e}")))?;
    crate::stats::estimate::run(&dataset, &parsed).map_err(|e| {
        with_message(e, |e| {
            if e.0.starts_with("request") {
                format!("{request_name}: {e}")
            } else {
                format!("{data_name}: {e}")
            }
        })
    })
}

/// `trygg synth-data`: a synthetic national school survey as CSV on stdout, for benchmarks.
pub fn synth_data(pupils: usize, seed: u64, request: Option<&std::path::Path>) -> Result {
    if let Some(path) = request {
        let text = serde_json::to_string_pretty(&crate::stats::synthetic::national_request())?;
        std::fs::write(path, text + "\n").with_context(|| path.display().to_string())?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let rows = crate::stats::synthetic::write_school_sample(&mut out, pupils, seed)
        .and_then(|rows| out.flush().map(|()| rows))
        .context("writing the data")?;
    eprintln!("{rows} pupils written");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_reported_once_with_what_caused_it() {
        let cause = std::io::Error::other("disk full");
        let error = anyhow::Error::new(cause).context("cannot write the export");
        assert_eq!(
            error_report(&error),
            "error: cannot write the export\ncaused by: disk full\n"
        );
        #[derive(Debug, thiserror::Error)]
        #[error("Connection Error: {0}")]
        struct Repeats(#[source] std::io::Error);
        let repeating =
            anyhow::Error::new(Repeats(std::io::Error::other("timed out"))).context("database x");
        assert_eq!(
            error_report(&repeating),
            "error: database x\ncaused by: Connection Error: timed out\n"
        );
        assert_eq!(
            error_report(&anyhow!("--wave: no wave with slug `x`")),
            "error: --wave: no wave with slug `x`\n"
        );
    }

    #[test]
    fn a_message_made_from_an_error_keeps_it_as_the_cause_and_reads_as_one_line() {
        let error = with_message(std::io::Error::other("disk full"), |e| {
            format!("x.csv: {e}; nothing was stored")
        });
        assert_eq!(
            error_report(&error),
            "error: x.csv: disk full; nothing was stored\n"
        );
        assert_eq!(
            error.chain().nth(1).map(ToString::to_string).as_deref(),
            Some("disk full")
        );
    }
}

/// Why `trygg demo` stopped (shared by its parts: the waves, the plan, the sources).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already has {0} wave(s); trygg demo fills an empty database only (give it another one with --database, e.g. sqlite://demo.db?mode=rwc)"
    )]
    NotEmpty(usize),
    #[error(
        "the database already has an account {0}; trygg demo fills an empty database only (give it another one with --database)"
    )]
    UserExists(String),
    #[error("questionnaire `{0}` is not in the surveys folder; the demo needs all three")]
    MissingSurvey(&'static str),
    #[error("{0}")]
    Refused(String),
    /// A step stopped on an error of its own; `what` names the step (`wave trygghet-2024`).
    #[error("{what}: {source}")]
    Failed {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// An error that says all there is to say (an account that cannot be added).
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
}

impl DemoError {
    /// The step `what` stopped on `error`.
    pub(crate) fn failed(
        what: impl Into<String>,
        error: impl std::error::Error + Send + Sync + 'static,
    ) -> DemoError {
        DemoError::Failed {
            what: what.into(),
            source: Box::new(error),
        }
    }
}

impl From<crate::collect::import::ImportError> for DemoError {
    fn from(e: crate::collect::import::ImportError) -> Self {
        match e {
            crate::collect::import::ImportError::Database(e) => DemoError::Database(e),
            check => DemoError::Other(Box::new(check)),
        }
    }
}
