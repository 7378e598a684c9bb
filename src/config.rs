//! Typed settings: defaults → `trygg.toml` (optional) → `TRYGG_*` environment → command-line flags.
//!
//! Every bad setting is reported as one line naming where it came from and what is wrong, so an
//! operator can fix it without reading code.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings the service runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://FILE?mode=rwc` or `postgres://…`.
    pub database_url: String,
    /// Folder with the questionnaire files.
    pub surveys_dir: PathBuf,
    pub bind: SocketAddr,
    /// Mark the session cookie `Secure` (set when the service is reached over https).
    pub cookie_secure: bool,
    /// How long a login lasts.
    pub session_hours: u32,
    /// Log filter in `tracing` syntax, e.g. `info` or `trygg=debug,info`.
    pub log: String,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://trygg.db?mode=rwc";
pub const DEFAULT_SURVEYS_DIR: &str = "surveys";
pub const DEFAULT_BIND: &str = "127.0.0.1:3000";
pub const DEFAULT_CONFIG_FILE: &str = "trygg.toml";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            surveys_dir: PathBuf::from(DEFAULT_SURVEYS_DIR),
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            cookie_secure: false,
            session_hours: 8,
            log: "info".to_owned(),
        }
    }
}

/// Values given on the command line; they win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub database_url: Option<String>,
    pub surveys_dir: Option<PathBuf>,
    pub bind: Option<String>,
}

/// A setting that cannot be used: `origin` names the file (and line), variable or flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct ConfigError {
    pub origin: String,
    pub message: String,
}

impl ConfigError {
    fn new(origin: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            origin: origin.into(),
            message: message.into(),
        }
    }
}

/// The keys a `trygg.toml` may contain; every one is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database: Option<String>,
    surveys: Option<PathBuf>,
    bind: Option<String>,
    cookie_secure: Option<bool>,
    session_hours: Option<i64>,
    log: Option<String>,
}

impl Settings {
    /// Loads settings from the process environment and the optional config file.
    pub fn load(overrides: &Overrides) -> Result<Settings, ConfigError> {
        Settings::load_with(overrides, |key| std::env::var(key).ok())
    }

    /// Same as [`Settings::load`] with the environment given as a lookup (tests pass a map).
    pub fn load_with(
        overrides: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let mut settings = Settings::default();

        // The config file: named by flag or TRYGG_CONFIG (must exist), else ./trygg.toml if present.
        let named = overrides
            .config
            .clone()
            .map(|p| (p, "--config".to_owned()))
            .or_else(|| env("TRYGG_CONFIG").map(|p| (PathBuf::from(p), "TRYGG_CONFIG".to_owned())));
        let file = match named {
            Some((path, origin)) => {
                if !path.is_file() {
                    return Err(ConfigError::new(
                        origin,
                        format!("config file `{}` does not exist", path.display()),
                    ));
                }
                Some(path)
            }
            None => Some(PathBuf::from(DEFAULT_CONFIG_FILE)).filter(|p| p.is_file()),
        };
        let mut log_in_file = false;
        if let Some(path) = file {
            log_in_file = settings.apply_file(&path)?;
        }

        settings.apply_env(&env)?;
        // RUST_LOG, the ecosystem's convention, is used only when trygg's own settings say nothing.
        if !log_in_file
            && env("TRYGG_LOG").is_none()
            && let Some(rust_log) = env("RUST_LOG")
        {
            settings.log = check_log_filter("RUST_LOG", &rust_log)?;
        }

        if let Some(url) = &overrides.database_url {
            settings.database_url = check_database_url("--database", url)?;
        }
        if let Some(dir) = &overrides.surveys_dir {
            settings.surveys_dir = dir.clone();
        }
        if let Some(bind) = &overrides.bind {
            settings.bind = parse_bind("--bind", bind)?;
        }
        Ok(settings)
    }

    /// Applies the file's settings; true when it set the log filter.
    fn apply_file(&mut self, path: &Path) -> Result<bool, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(&name, format!("cannot read: {e}")))?;
        let file: FileSettings = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|span| line_of(&text, span.start)).unwrap_or(1);
            ConfigError::new(
                format!("{name}:{line}"),
                e.message().trim().replace('\n', " "),
            )
        })?;
        let at = |key: &str| format!("{name}: `{key}`");
        if let Some(url) = file.database {
            self.database_url = check_database_url(&at("database"), &url)?;
        }
        if let Some(dir) = file.surveys {
            self.surveys_dir = dir;
        }
        if let Some(bind) = file.bind {
            self.bind = parse_bind(&at("bind"), &bind)?;
        }
        if let Some(secure) = file.cookie_secure {
            self.cookie_secure = secure;
        }
        if let Some(hours) = file.session_hours {
            self.session_hours = check_session_hours(&at("session_hours"), hours)?;
        }
        let log_given = file.log.is_some();
        if let Some(log) = file.log {
            self.log = check_log_filter(&at("log"), &log)?;
        }
        Ok(log_given)
    }

    fn apply_env(&mut self, env: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(url) = env("TRYGG_DATABASE_URL") {
            self.database_url = check_database_url("TRYGG_DATABASE_URL", &url)?;
        }
        if let Some(dir) = env("TRYGG_SURVEYS") {
            self.surveys_dir = PathBuf::from(dir);
        }
        if let Some(bind) = env("TRYGG_BIND") {
            self.bind = parse_bind("TRYGG_BIND", &bind)?;
        }
        if let Some(secure) = env("TRYGG_COOKIE_SECURE") {
            self.cookie_secure = match secure.trim() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                other => {
                    return Err(ConfigError::new(
                        "TRYGG_COOKIE_SECURE",
                        format!("`{other}` is not true or false"),
                    ));
                }
            };
        }
        if let Some(hours) = env("TRYGG_SESSION_HOURS") {
            let parsed = hours.trim().parse::<i64>().map_err(|_| {
                ConfigError::new(
                    "TRYGG_SESSION_HOURS",
                    format!("`{hours}` is not a whole number"),
                )
            })?;
            self.session_hours = check_session_hours("TRYGG_SESSION_HOURS", parsed)?;
        }
        if let Some(log) = env("TRYGG_LOG") {
            self.log = check_log_filter("TRYGG_LOG", &log)?;
        }
        Ok(())
    }

    /// True when the database is PostgreSQL rather than SQLite.
    pub fn is_postgres(&self) -> bool {
        is_postgres_url(&self.database_url)
    }
}

pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
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

fn check_database_url(origin: &str, url: &str) -> Result<String, ConfigError> {
    let url = url.trim();
    if url.starts_with("sqlite:") || is_postgres_url(url) {
        Ok(url.to_owned())
    } else {
        Err(ConfigError::new(
            origin,
            format!(
                "`{}` is not a supported database; use sqlite://FILE?mode=rwc or postgres://USER@HOST/DB",
                redact(url)
            ),
        ))
    }
}

fn check_log_filter(origin: &str, filter: &str) -> Result<String, ConfigError> {
    match tracing_subscriber::EnvFilter::try_new(filter) {
        Ok(_) => Ok(filter.to_owned()),
        Err(e) => Err(ConfigError::new(
            origin,
            format!("`{filter}` is not a log filter like `info` or `trygg=debug,info`: {e}"),
        )),
    }
}

fn parse_bind(origin: &str, value: &str) -> Result<SocketAddr, ConfigError> {
    value.trim().parse().map_err(|_| {
        ConfigError::new(
            origin,
            format!("`{value}` is not an address with a port, like 127.0.0.1:3000"),
        )
    })
}

fn check_session_hours(origin: &str, hours: i64) -> Result<u32, ConfigError> {
    if (1..=24 * 30).contains(&hours) {
        Ok(hours as u32)
    } else {
        Err(ConfigError::new(
            origin,
            format!("{hours} is not between 1 and 720 hours"),
        ))
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn config_file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut file, text.as_bytes()).expect("write");
        file
    }

    fn with_file(file: &tempfile::NamedTempFile) -> Overrides {
        Overrides {
            config: Some(file.path().to_path_buf()),
            ..Overrides::default()
        }
    }

    #[test]
    fn defaults_apply_without_file_environment_or_flags() {
        let s = Settings::load_with(&Overrides::default(), env(&[])).expect("defaults");
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.bind.to_string(), DEFAULT_BIND);
        assert_eq!(s.surveys_dir, PathBuf::from("surveys"));
        assert!(!s.cookie_secure);
    }

    #[test]
    fn file_then_environment_then_flags_each_win_over_the_one_before() {
        let file =
            config_file("bind = \"127.0.0.1:4000\"\nsurveys = \"from-file\"\nsession_hours = 2\n");
        let only_file = Settings::load_with(&with_file(&file), env(&[])).expect("file");
        assert_eq!(only_file.bind.port(), 4000);
        assert_eq!(only_file.surveys_dir, PathBuf::from("from-file"));
        assert_eq!(only_file.session_hours, 2);

        let with_env =
            Settings::load_with(&with_file(&file), env(&[("TRYGG_BIND", "127.0.0.1:5000")]))
                .expect("env");
        assert_eq!(with_env.bind.port(), 5000);
        assert_eq!(with_env.surveys_dir, PathBuf::from("from-file"));

        let mut flags = with_file(&file);
        flags.bind = Some("127.0.0.1:6000".into());
        let with_flag =
            Settings::load_with(&flags, env(&[("TRYGG_BIND", "127.0.0.1:5000")])).expect("flag");
        assert_eq!(with_flag.bind.port(), 6000);
    }

    #[test]
    fn a_bad_setting_is_one_line_naming_it() {
        type Case<'a> = (Overrides, Vec<(&'a str, &'a str)>, &'a str);
        let cases: Vec<Case> = vec![
            (
                Overrides::default(),
                vec![("TRYGG_BIND", "nowhere")],
                "TRYGG_BIND: `nowhere`",
            ),
            (
                Overrides::default(),
                vec![("TRYGG_DATABASE_URL", "mysql://x")],
                "TRYGG_DATABASE_URL: `mysql://x` is not a supported database",
            ),
            (
                Overrides::default(),
                vec![("TRYGG_SESSION_HOURS", "many")],
                "TRYGG_SESSION_HOURS: `many` is not a whole number",
            ),
            (
                Overrides::default(),
                vec![("TRYGG_LOG", "trygg=loud")],
                "TRYGG_LOG: `trygg=loud` is not a log filter",
            ),
            (
                Overrides::default(),
                vec![("TRYGG_COOKIE_SECURE", "perhaps")],
                "TRYGG_COOKIE_SECURE: `perhaps`",
            ),
            (
                Overrides {
                    bind: Some("3000".into()),
                    ..Overrides::default()
                },
                vec![],
                "--bind: `3000`",
            ),
            (
                Overrides {
                    config: Some("/nonexistent/trygg.toml".into()),
                    ..Overrides::default()
                },
                vec![],
                "--config: config file `/nonexistent/trygg.toml` does not exist",
            ),
        ];
        for (overrides, vars, expected) in cases {
            let err = Settings::load_with(&overrides, env(&vars)).expect_err(expected);
            let text = err.to_string();
            assert!(
                text.starts_with(expected),
                "{text:?} should start with {expected:?}"
            );
            assert!(!text.contains('\n'), "{text:?} is more than one line");
        }
    }

    #[test]
    fn rust_log_is_used_only_when_trygg_sets_no_log_filter() {
        let s =
            Settings::load_with(&Overrides::default(), env(&[("RUST_LOG", "debug")])).expect("ok");
        assert_eq!(s.log, "debug");
        let s = Settings::load_with(
            &Overrides::default(),
            env(&[("RUST_LOG", "debug"), ("TRYGG_LOG", "warn")]),
        )
        .expect("ok");
        assert_eq!(s.log, "warn");
    }

    #[test]
    fn passwords_are_hidden_in_database_urls() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact("sqlite://trygg.db?mode=rwc"),
            "sqlite://trygg.db?mode=rwc"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        let err = Settings::load_with(
            &Overrides::default(),
            env(&[("TRYGG_DATABASE_URL", "mysql://root:hunter2@db/x")]),
        )
        .expect_err("mysql");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_reported_with_its_line() {
        let file = config_file("bind = \"127.0.0.1:4000\"\ndatabse = \"sqlite://x.db\"\n");
        let err = Settings::load_with(&with_file(&file), env(&[])).expect_err("unknown key");
        let text = err.to_string();
        assert!(text.contains(":2: "), "{text}");
        assert!(text.contains("databse"), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }

    #[test]
    fn a_bad_value_in_the_file_names_the_key() {
        let file = config_file("session_hours = 0\n");
        let err = Settings::load_with(&with_file(&file), env(&[])).expect_err("bad hours");
        assert!(
            err.to_string()
                .contains("`session_hours`: 0 is not between 1 and 720"),
            "{err}"
        );
    }
}
