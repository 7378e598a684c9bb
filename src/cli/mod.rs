//! What each command of the `trygg` binary does, once its arguments are parsed.
//! Each returns the process exit code; messages go to stdout (results) and stderr (problems).

pub mod demo;
pub mod demo_plan;
pub mod import;
pub mod report;
pub mod tokens;
pub mod waves;

use std::io::{BufRead, IsTerminal, Write};

use crate::accounts::{self, NewUser, Role};
use crate::config::Settings;
use crate::survey;
use crate::{db, startup, store};

pub const OK: i32 = 0;
pub const FAILED: i32 = 1;

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
pub async fn serve(settings: Settings) -> i32 {
    init_tracing(&settings);
    let bind = settings.bind;
    let state = match startup::build_state(settings).await {
        Ok(state) => state,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("trygg did not start.");
            return FAILED;
        }
    };
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {bind}: {e}");
            return FAILED;
        }
    };
    let address = listener.local_addr().map_or(bind, |a| a);
    tracing::info!(
        surveys = state.surveys.len(),
        postgres = state.settings.is_postgres(),
        "trygg listening on http://{address}"
    );
    match startup::serve(listener, state, startup::shutdown_signal()).await {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("server error: {e}");
            FAILED
        }
    }
}

/// The questionnaires of `--surveys`, or `None` after printing each problem (`FILE:LINE: …`).
pub(crate) fn load_catalog(settings: &Settings) -> Option<survey::SurveyCatalog> {
    match survey::load_dir(&settings.surveys_dir) {
        Ok(catalog) => Some(catalog),
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            None
        }
    }
}

/// `trygg check-surveys`: every problem of every file, `FILE:LINE: message`.
pub fn check_surveys(settings: &Settings) -> i32 {
    match survey::load_dir(&settings.surveys_dir) {
        Ok(catalog) => {
            for loaded in catalog.iter() {
                println!(
                    "ok {} (version {}, {} questions, {} indicators)",
                    loaded.path.display(),
                    loaded.survey.version,
                    loaded.survey.questions().count(),
                    loaded.survey.indicators.len()
                );
            }
            OK
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!(
                "{} problem{} found.",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            FAILED
        }
    }
}

/// `trygg synth`: N valid random submissions as JSON lines.
/// Largest `--count` of one `trygg synth` run (about 5 GB of JSON lines).
pub const MAX_SYNTH_COUNT: usize = 10_000_000;

pub fn synth(settings: &Settings, survey_id: &str, count: usize, seed: Option<u64>) -> i32 {
    if count > MAX_SYNTH_COUNT {
        eprintln!("--count: {count} is more than {MAX_SYNTH_COUNT} submissions at a time");
        return FAILED;
    }
    let Some(catalog) = load_catalog(settings) else {
        return FAILED;
    };
    let Some(loaded) = catalog.get(survey_id) else {
        let known: Vec<&str> = catalog.iter().map(|l| l.survey.id.as_str()).collect();
        eprintln!(
            "no questionnaire `{survey_id}`; known: {}",
            known.join(", ")
        );
        return FAILED;
    };
    let seed = seed.unwrap_or_else(rand::random);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for submission in survey::synth(&loaded.survey, count, seed) {
        if writeln!(out, "{submission}").is_err() {
            return FAILED;
        }
    }
    if out.flush().is_err() { FAILED } else { OK }
}

/// Connects and migrates, or says why not on stderr.
pub(crate) async fn open_database(settings: &Settings) -> Option<sea_orm::DatabaseConnection> {
    match db::connect_and_migrate(&settings.database_url).await {
        Ok(db) => Some(db),
        Err(e) => {
            eprintln!(
                "database {}: {e}",
                crate::config::redact(&settings.database_url)
            );
            None
        }
    }
}

/// `trygg user add`: the password is read from stdin (one line).
pub async fn user_add(settings: &Settings, email: &str, role: &str, school: Option<&str>) -> i32 {
    let Some(role) = Role::parse(role) else {
        eprintln!("`{role}` is not a role; use admin, evaluator or school");
        return FAILED;
    };
    let new = match NewUser::parse(email, role, school) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("{e}");
            return FAILED;
        }
    };
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "Password for {} (input is shown; pipe it in to hide it): ",
            new.email
        );
        let _ = std::io::stderr().flush();
    }
    let mut password = String::new();
    if let Err(e) = stdin.lock().read_line(&mut password) {
        eprintln!("cannot read the password from stdin: {e}");
        return FAILED;
    }
    let password = password.trim_end_matches(['\r', '\n']);
    if let Err(problem) = accounts::check_password(password, &new.email) {
        eprintln!("{}", problem.message(crate::i18n::Lang::En));
        return FAILED;
    }
    let hash = match accounts::hash_password(password) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("cannot hash the password: {e}");
            return FAILED;
        }
    };
    let Some(db) = open_database(settings).await else {
        return FAILED;
    };
    match store::users::add(&db, &new, hash, "cli").await {
        Ok(user) => {
            println!("created {} {} ({})", new.role, user.email, user.id);
            OK
        }
        Err(e) => {
            eprintln!("{e}");
            FAILED
        }
    }
}

/// `trygg stats`: estimates for a CSV file and a request, as JSON on stdout.
pub fn stats(data: &std::path::Path, request: &std::path::Path) -> i32 {
    match run_stats(data, request) {
        Ok(response) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let written = serde_json::to_writer_pretty(&mut out, &response)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
                .and_then(|()| out.flush());
            if written.is_ok() { OK } else { FAILED }
        }
        Err(message) => {
            eprintln!("{message}");
            FAILED
        }
    }
}

/// Reads both files and estimates; every error names the file and, where it can, the line.
pub fn run_stats(
    data: &std::path::Path,
    request: &std::path::Path,
) -> Result<crate::stats::Response, String> {
    let request_name = request.display();
    let text = std::fs::read_to_string(request)
        .map_err(|e| format!("{request_name}: cannot read: {e}"))?;
    let parsed: crate::stats::Request = serde_json::from_str(&text)
        .map_err(|e| format!("{request_name}:{}:{}: {e}", e.line(), e.column()))?;
    let data_name = data.display();
    let bytes = std::fs::read(data).map_err(|e| format!("{data_name}: cannot read: {e}"))?;
    // Only the columns the request uses are converted, while the file is read.
    let (numeric, categorical) = crate::stats::estimate::columns_used(&parsed);
    let dataset = crate::stats::data::Dataset::from_csv_columns(bytes, &numeric, &categorical)
        .map_err(|e| format!("{data_name}: {e}"))?;
    crate::stats::estimate::run(&dataset, &parsed).map_err(|e| {
        if e.0.starts_with("request") {
            format!("{request_name}: {e}")
        } else {
            format!("{data_name}: {e}")
        }
    })
}

/// `trygg synth-data`: a synthetic national school survey as CSV on stdout, for benchmarks.
pub fn synth_data(pupils: usize, seed: u64, request: Option<&std::path::Path>) -> i32 {
    if let Some(path) = request {
        let text = match serde_json::to_string_pretty(&crate::stats::synthetic::national_request())
        {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{e}");
                return FAILED;
            }
        };
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("{}: {e}", path.display());
            return FAILED;
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    match crate::stats::synthetic::write_school_sample(&mut out, pupils, seed)
        .and_then(|rows| out.flush().map(|()| rows))
    {
        Ok(rows) => {
            eprintln!("{rows} pupils written");
            OK
        }
        Err(e) => {
            eprintln!("writing the data: {e}");
            FAILED
        }
    }
}
