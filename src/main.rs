//! The `trygg` command: parses the command line and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use trygg::accounts::Role;
use trygg::cli;
use trygg::cli::report::ReportFormat;
use trygg::cli::waves::IndicatorFormat;
use trygg::collect::Access;
use trygg::collect::export::Format;
use trygg::config::{Overrides, Settings};
use trygg::i18n::Lang;

/// mimalloc instead of the system's allocator: under load the server spent 22 % of its time
/// in glibc's malloc and free (perf, `cargo bench --bench load`), 5 % with mimalloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "trygg",
    version,
    about = "Anonymous safety surveys with design-based statistics"
)]
struct Cli {
    /// Database URL [default: sqlite://trygg.db?mode=rwc]
    #[arg(long, global = true, value_name = "URL", env = "TRYGG_DATABASE_URL")]
    database: Option<String>,
    /// Folder with the questionnaire files [default: surveys]
    #[arg(long, global = true, value_name = "DIR", env = "TRYGG_SURVEYS")]
    surveys: Option<PathBuf>,
    /// Folder with the agreement files [default: agreements]
    #[arg(long, global = true, value_name = "DIR", env = "TRYGG_AGREEMENTS")]
    agreements: Option<PathBuf>,
    /// Settings file [default: trygg.toml when present]
    #[arg(long, global = true, value_name = "FILE", env = "TRYGG_CONFIG")]
    config: Option<PathBuf>,
    /// Without a command, trygg serves.
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (migrates the database first)
    Serve {
        /// Address to listen on [default: 127.0.0.1:3000]
        #[arg(long, value_name = "ADDR", env = "TRYGG_BIND")]
        bind: Option<String>,
    },
    /// Check every questionnaire file; print each problem as FILE:LINE: message
    CheckSurveys,
    /// Estimates with confidence intervals for a CSV file, as JSON on stdout
    Stats {
        /// The data: one row per respondent, empty cells are missing values
        #[arg(long, value_name = "FILE.csv")]
        data: PathBuf,
        /// The estimation request (design, calibration, estimates)
        #[arg(long, value_name = "FILE.json")]
        request: PathBuf,
    },
    /// Print a synthetic national school survey (CSV) for benchmarks of `trygg stats`
    SynthData {
        /// About this many pupils (7 schools and 40 classes per 1,000)
        #[arg(long, value_name = "N", default_value_t = 1_000_000)]
        pupils: usize,
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Also write the benchmark's estimation request to this file
        #[arg(long, value_name = "FILE.json")]
        request: Option<PathBuf>,
    },
    /// Print N valid random submissions of a questionnaire as JSON lines
    Synth {
        #[arg(long, value_name = "ID")]
        survey: String,
        #[arg(long, value_name = "N")]
        count: usize,
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
    },
    /// Create and close waves (rounds of a survey)
    Wave {
        #[command(subcommand)]
        command: WaveCommand,
    },
    /// Print a wave's responses (CSV or JSON lines) on stdout
    Export {
        /// The wave's slug
        #[arg(long, value_name = "SLUG")]
        wave: String,
        #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Print a wave's published indicators (estimates with intervals) on stdout
    Indicators {
        /// The wave's slug
        #[arg(long, value_name = "SLUG")]
        wave: String,
        #[arg(long, value_name = "FORMAT", value_enum, default_value_t = IndicatorFormat::Json)]
        format: IndicatorFormat,
        /// Estimate afresh from the stored responses (and store the result)
        #[arg(long)]
        recompute: bool,
    },
    /// Print the annual evaluation report of a year, or the final follow-up of an agreement
    /// period (HTML or a tagged PDF), on stdout
    #[command(group(clap::ArgGroup::new("which").required(true).args(["year", "agreement"])))]
    Report {
        /// The year (the annual report)
        #[arg(long, value_name = "YEAR")]
        year: Option<i32>,
        /// An agreement's id, e.g. 2023-2026 (its final follow-up)
        #[arg(long, value_name = "ID")]
        agreement: Option<String>,
        /// pdf needs Chromium: apt-get install chromium
        #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ReportFormat::Html)]
        format: ReportFormat,
        #[arg(long, value_name = "LANG", value_enum, default_value_t = LangArg::Sv)]
        lang: LangArg,
    },
    /// Import responses from JSON lines (API bodies) or an export's CSV; all or nothing
    Import {
        /// The wave's slug
        #[arg(long, value_name = "SLUG")]
        wave: String,
        /// JSON lines (class waves: with "school" and "class") or the CSV of `trygg export`
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// Fill an empty database with four years (2022–2025) of demonstration waves and staff logins
    Demo {
        /// The same seed gives the same answers [default: 2022]
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
    },
    /// Manage staff accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Personal API tokens of evaluators and admins (for scripts and CI)
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The lägesbild's sources: reported crime, population, fault reports, other series
    Sources {
        #[command(subcommand)]
        command: SourcesCommand,
    },
}

#[derive(Subcommand)]
enum SourcesCommand {
    /// Store a file's figures (Kolada v3 JSON, SCB JSON-stat 2, a fault-report CSV export, or
    /// the long format measure;area;period;value); the format is recognised from the content
    Import {
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// Fetch from a public API and store as an import would (needs the setting `municipality`)
    Fetch {
        #[command(subcommand)]
        source: FetchSource,
    },
}

#[derive(Subcommand)]
enum FetchSource {
    /// Kolada v3: the municipality's and the country's values of KPIs over years
    Kolada {
        /// KPI ids, comma-separated, e.g. N07540,N07403,U07452
        #[arg(long, value_name = "IDS")]
        kpi: String,
        /// A year or a span, e.g. 2019-2025
        #[arg(long, value_name = "YEARS")]
        years: String,
        /// Another address of the API (a mirror, a test server)
        #[arg(long, value_name = "URL")]
        api: Option<String>,
    },
    /// SCB's PxWeb: a table for the municipality over years, as JSON-stat 2
    Scb {
        /// The table's path, e.g. BE/BE0101/BE0101A/BefolkningNy
        #[arg(long, value_name = "PATH")]
        table: String,
        #[arg(long, value_name = "YEARS")]
        years: String,
        #[arg(long, value_name = "URL")]
        api: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token and print it on stdout (only this once; only its hash is stored)
    Create {
        /// The evaluator's or admin's e-mail address
        #[arg(long)]
        email: String,
        /// What or who uses the token
        #[arg(long)]
        name: String,
        /// Days until it expires, 1 to 365 [default: 90]
        #[arg(long, value_name = "D")]
        days: Option<String>,
    },
    /// Revoke the user's tokens with this name
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum WaveCommand {
    /// Create a wave of a survey
    Create {
        /// The survey's id (see `trygg check-surveys`)
        #[arg(long, value_name = "ID")]
        survey: String,
        /// Short name used in links, e.g. trygghet-2026
        #[arg(long, value_name = "SLUG")]
        slug: String,
        /// How respondents get in
        #[arg(long, value_name = "MODE", value_enum)]
        access: AccessArg,
        /// First day answers are taken (YYYY-MM-DD, UTC) [default: now]
        #[arg(long, value_name = "DATE")]
        opens: Option<String>,
        /// Last day answers are taken (YYYY-MM-DD, UTC) [default: until closed]
        #[arg(long, value_name = "DATE")]
        closes: Option<String>,
        /// The year the wave belongs to, for series over the years [default: the year it opens]
        #[arg(long, value_name = "YEAR")]
        period: Option<String>,
    },
    /// Close a wave now: answers get 410 from then on; e-mail addresses are deleted
    Close {
        /// The wave's slug
        slug: String,
    },
    /// Store a wave's population totals (CSV: background questions…,total), replacing earlier ones
    Population {
        /// The wave's slug
        slug: String,
        /// CSV file, `,` or `;` separated, as on the wave page
        #[arg(
            long,
            value_name = "FILE",
            required_unless_present = "from_scb",
            conflicts_with = "from_scb"
        )]
        file: Option<std::path::PathBuf>,
        /// Build them from the SCB population by age and sex stored by `trygg sources import`
        #[arg(long)]
        from_scb: bool,
        /// With --from-scb: the year of SCB's figures [default: the latest stored]
        #[arg(long, value_name = "YEAR", conflicts_with = "file", value_parser = clap::value_parser!(u16).range(1900..=2200))]
        year: Option<u16>,
        /// With --from-scb: the area's code in SCB's figures [default: the setting `municipality`]
        #[arg(long, value_name = "CODE", conflicts_with = "file")]
        area: Option<String>,
    },
    /// Store the number of classes per school of a class wave (CSV: school,classes)
    Schools {
        /// The wave's slug
        slug: String,
        /// CSV file, `,` or `;` separated, as on the wave page
        #[arg(long, value_name = "FILE")]
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from stdin
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The school a school coordinator belongs to
        #[arg(long, value_name = "ID")]
        school: Option<String>,
    },
}

// The options with a fixed set of values. The library's own types (Access, Role, …) stay free
// of clap; each maps one to one, with the same words as before.

#[derive(Clone, Copy, ValueEnum)]
enum AccessArg {
    /// A public link
    Open,
    /// Personal e-mail links
    Invite,
    /// Pupil codes handed out in class
    Class,
}

impl From<AccessArg> for Access {
    fn from(arg: AccessArg) -> Access {
        match arg {
            AccessArg::Open => Access::Open,
            AccessArg::Invite => Access::Invite,
            AccessArg::Class => Access::Class,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Csv,
    Jsonl,
}

impl From<ExportFormat> for Format {
    fn from(arg: ExportFormat) -> Format {
        match arg {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Jsonl => Format::Jsonl,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Evaluator,
    School,
}

impl From<RoleArg> for Role {
    fn from(arg: RoleArg) -> Role {
        match arg {
            RoleArg::Admin => Role::Admin,
            RoleArg::Evaluator => Role::Evaluator,
            RoleArg::School => Role::School,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Sv,
    En,
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Lang {
        match arg {
            LangArg::Sv => Lang::Sv,
            LangArg::En => Lang::En,
        }
    }
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match run(cli, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("{}", cli::error_report(&e));
            ExitCode::FAILURE
        }
    }
}

/// A value given on the command line itself: one clap took from the environment is left to
/// `Settings`, which layers the environment over `trygg.toml` and names the variable in its
/// messages (`TRYGG_BIND: …`).
fn from_command_line<T>(matches: &ArgMatches, id: &str, value: Option<T>) -> Option<T> {
    value.filter(|_| matches.value_source(id) == Some(ValueSource::CommandLine))
}

fn run(cli: Cli, matches: &ArgMatches) -> cli::Result {
    let command = cli.command.unwrap_or(Command::Serve { bind: None });
    // Estimation needs no settings: it reads two files and writes to stdout.
    match &command {
        Command::Stats { data, request } => return cli::stats(data, request),
        Command::SynthData {
            pupils,
            seed,
            request,
        } => return cli::synth_data(*pupils, *seed, request.as_deref()),
        _ => {}
    }
    let bind = match (&command, matches.subcommand_matches("serve")) {
        (Command::Serve { bind }, Some(serve)) => from_command_line(serve, "bind", bind.clone()),
        _ => None,
    };
    let overrides = Overrides {
        config: from_command_line(matches, "config", cli.config),
        database_url: from_command_line(matches, "database", cli.database),
        surveys_dir: from_command_line(matches, "surveys", cli.surveys),
        agreements_dir: from_command_line(matches, "agreements", cli.agreements),
        bind,
    };
    let settings = Settings::load(&overrides)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    match command {
        Command::Serve { .. } => runtime.block_on(cli::serve(settings)),
        Command::CheckSurveys => cli::check_surveys(&settings),
        // Handled above, before any settings are read.
        Command::Stats { .. } | Command::SynthData { .. } => Ok(()),
        Command::Synth {
            survey,
            count,
            seed,
        } => cli::synth(&settings, &survey, count, seed),
        Command::Wave { command } => wave(&runtime, &settings, command),
        Command::Export { wave, format } => {
            runtime.block_on(cli::waves::export(&settings, &wave, format.into()))
        }
        Command::Indicators {
            wave,
            format,
            recompute,
        } => indicators(&runtime, &settings, &wave, format, recompute),
        Command::Report {
            year,
            agreement,
            format,
            lang,
        } => {
            let which = (year, agreement);
            runtime.block_on(cli::report::report(&settings, which, format, lang.into()))
        }
        Command::Import { wave, file } => {
            runtime.block_on(cli::import::import(&settings, &wave, &file))
        }
        Command::Demo { seed } => runtime.block_on(cli::demo::demo(&settings, seed)),
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    school,
                },
        } => runtime.block_on(cli::user_add(
            &settings,
            &email,
            role.into(),
            school.as_deref(),
        )),
        Command::Token { command } => token(&runtime, &settings, command),
        Command::Sources { command } => sources(&runtime, &settings, command),
    }
}

/// `trygg wave …`.
fn wave(
    runtime: &tokio::runtime::Runtime,
    settings: &Settings,
    command: WaveCommand,
) -> cli::Result {
    match command {
        WaveCommand::Create {
            survey,
            slug,
            access,
            opens,
            closes,
            period,
        } => runtime.block_on(cli::waves::create(
            settings,
            &survey,
            &slug,
            access.into(),
            cli::waves::When {
                opens: opens.as_deref(),
                closes: closes.as_deref(),
                period: period.as_deref(),
            },
        )),
        WaveCommand::Close { slug } => runtime.block_on(cli::waves::close(settings, &slug)),
        WaveCommand::Population {
            slug,
            file,
            from_scb: _,
            year,
            area,
        } => match file {
            Some(file) => runtime.block_on(cli::waves::population(settings, &slug, &file)),
            None => runtime.block_on(cli::waves::population_from_scb(
                settings,
                &slug,
                year,
                area.as_deref(),
            )),
        },
        WaveCommand::Schools { slug, file } => {
            runtime.block_on(cli::waves::schools(settings, &slug, &file))
        }
    }
}

/// `trygg indicators`: estimating a large wave afresh takes a while, so the step is shown on
/// stderr.
fn indicators(
    runtime: &tokio::runtime::Runtime,
    settings: &Settings,
    wave: &str,
    format: IndicatorFormat,
    recompute: bool,
) -> cli::Result {
    let progress = if recompute {
        cli::progress::Progress::steps("indicators", 1)
    } else {
        cli::progress::Progress::hidden()
    };
    progress.step(format!("recomputing the indicators of wave {wave}"));
    let done = runtime.block_on(cli::waves::indicators(settings, wave, format, recompute));
    if done.is_ok() {
        progress.finish();
    }
    done
}

/// `trygg token …`.
fn token(
    runtime: &tokio::runtime::Runtime,
    settings: &Settings,
    command: TokenCommand,
) -> cli::Result {
    match command {
        TokenCommand::Create { email, name, days } => runtime.block_on(cli::tokens::create(
            settings,
            &email,
            &name,
            days.as_deref(),
        )),
        TokenCommand::Revoke { email, name } => {
            runtime.block_on(cli::tokens::revoke(settings, &email, &name))
        }
    }
}

/// `trygg sources …`.
fn sources(
    runtime: &tokio::runtime::Runtime,
    settings: &Settings,
    command: SourcesCommand,
) -> cli::Result {
    match command {
        SourcesCommand::Import { file } => runtime.block_on(cli::sources::import(settings, &file)),
        SourcesCommand::Fetch { source } => {
            let (what, api) = match source {
                FetchSource::Kolada { kpi, years, api } => {
                    (cli::sources::Fetch::Kolada { kpis: kpi, years }, api)
                }
                FetchSource::Scb { table, years, api } => {
                    (cli::sources::Fetch::Scb { table, years }, api)
                }
            };
            runtime.block_on(cli::sources::fetch(settings, what, api.as_deref()))
        }
    }
}
