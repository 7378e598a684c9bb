//! Typed settings: defaults → `trygg.toml` (optional) → `TRYGG_*` environment → command-line flags.
//!
//! Every bad setting is reported as one line naming where it came from and what is wrong, so an
//! operator can fix it without reading code.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use serde::Deserialize;

use crate::util::Cause;

/// The settings the service runs with. `Debug` hides the passwords (database and mail).
#[derive(Clone)]
pub struct Settings {
    /// `sqlite://FILE?mode=rwc` or `postgres://…`.
    pub database_url: String,
    /// Folder with the questionnaire files.
    pub surveys_dir: PathBuf,
    /// Folder with the agreement files (`agreements/*.toml`).
    pub agreements_dir: PathBuf,
    pub bind: SocketAddr,
    /// Mark the session cookie `Secure` (set when the service is reached over https).
    pub cookie_secure: bool,
    /// How long a login lasts.
    pub session_hours: u32,
    /// Log filter in `tracing` syntax, e.g. `info` or `trygg=debug,info`.
    pub log: String,
    /// The service's address as respondents reach it, put in invitation links: `http(s)://host[/path]`
    /// without a trailing slash.
    pub public_url: String,
    /// Outgoing mail (invitations and reminders).
    pub mail: MailSettings,
    /// The municipality's name as the printed report carries it on its cover and in its
    /// footer ("Exempelby kommun"); `None` (the default) leaves it out.
    pub municipality_name: Option<String>,
    /// The municipality's code (four digits, e.g. `1481`): its own figures in Kolada and SCB
    /// beside the country's (`0000`) on the lägesbild; `None` takes the one code other than
    /// the country's that the stored figures have.
    pub municipality: Option<String>,
}

/// How trygg reaches its SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// Host name or IP address of the SMTP server.
    pub host: String,
    pub port: u16,
    pub tls: MailTls,
    /// SMTP login; a user name always comes with a password.
    pub credentials: Option<MailCredentials>,
    /// The sender of every message, e.g. `trygg <noreply@kommun.se>`.
    pub from: Mailbox,
}

/// Encryption of the connection to the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTls {
    /// Plain SMTP: for a relay on this machine or on a trusted network.
    None,
    /// Connects in plain text and upgrades with STARTTLS; refuses to go on if the server cannot.
    StartTls,
    /// TLS from the first byte (implicit TLS, "SMTPS").
    Tls,
}

impl MailTls {
    /// The port that goes with the mode when none is configured.
    pub fn default_port(self) -> u16 {
        match self {
            MailTls::None => 25,
            MailTls::StartTls => 587,
            MailTls::Tls => 465,
        }
    }
}

/// SMTP user name and password. `Debug` shows the user name only.
#[derive(Clone, PartialEq, Eq)]
pub struct MailCredentials {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for MailCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailCredentials")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written out so that a settings dump in a log never carries the database password.
        f.debug_struct("Settings")
            .field("database_url", &redact(&self.database_url))
            .field("surveys_dir", &self.surveys_dir)
            .field("agreements_dir", &self.agreements_dir)
            .field("bind", &self.bind)
            .field("cookie_secure", &self.cookie_secure)
            .field("session_hours", &self.session_hours)
            .field("log", &self.log)
            .field("public_url", &self.public_url)
            .field("mail", &self.mail)
            .field("municipality_name", &self.municipality_name)
            .field("municipality", &self.municipality)
            .finish()
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://trygg.db?mode=rwc";
pub const DEFAULT_SURVEYS_DIR: &str = "surveys";
pub const DEFAULT_AGREEMENTS_DIR: &str = "agreements";
pub const DEFAULT_BIND: &str = "127.0.0.1:3000";
pub const DEFAULT_CONFIG_FILE: &str = "trygg.toml";
pub const DEFAULT_MAIL_HOST: &str = "127.0.0.1";
pub const DEFAULT_MAIL_FROM: &str = "trygg <noreply@localhost>";

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            host: DEFAULT_MAIL_HOST.to_owned(),
            port: MailTls::None.default_port(),
            tls: MailTls::None,
            credentials: None,
            from: DEFAULT_MAIL_FROM
                .parse()
                .expect("the default sender is a valid mailbox"),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            surveys_dir: PathBuf::from(DEFAULT_SURVEYS_DIR),
            agreements_dir: PathBuf::from(DEFAULT_AGREEMENTS_DIR),
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            cookie_secure: false,
            session_hours: 8,
            log: "info".to_owned(),
            public_url: format!("http://{DEFAULT_BIND}"),
            mail: MailSettings::default(),
            municipality_name: None,
            municipality: None,
        }
    }
}

impl Settings {
    /// Whether `public_url` is one respondents cannot reach: not set (it then follows the bind
    /// address) or a loopback or unspecified host. Addresses printed on code slips, sent in
    /// invitations or put in QR codes are then wrong, and staff pages say so.
    pub fn public_url_is_local(&self) -> bool {
        if self.public_url == format!("http://{}", self.bind) {
            return true;
        }
        // An address without a scheme (`localhost:3000`) is read as a browser given it would.
        let url = url::Url::parse(&self.public_url)
            .ok()
            .filter(url::Url::has_host)
            .or_else(|| url::Url::parse(&format!("http://{}", self.public_url)).ok());
        match url.as_ref().and_then(url::Url::host) {
            Some(url::Host::Domain(name)) => {
                let name = name.to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
            Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
            None => false,
        }
    }
}

/// Values given on the command line; they win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub database_url: Option<String>,
    pub surveys_dir: Option<PathBuf>,
    pub agreements_dir: Option<PathBuf>,
    pub bind: Option<String>,
}

/// A setting that cannot be used: `origin` names the file (and line), variable or flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub origin: String,
    pub message: String,
    /// The error underneath that the message tells of (a file that cannot be read).
    cause: Cause,
}

impl ConfigError {
    pub(crate) fn new(origin: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            origin: origin.into(),
            message: message.into(),
            cause: Cause::default(),
        }
    }

    /// A setting refused because of `cause`, which `message` tells of in words.
    pub(crate) fn caused_by(
        origin: impl Into<String>,
        message: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        ConfigError {
            cause: Cause::of(cause),
            ..ConfigError::new(origin, message)
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.get()
    }
}

/// The keys a `trygg.toml` may contain; every one is optional. (No `Debug`: it holds passwords.)
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database: Option<String>,
    surveys: Option<PathBuf>,
    agreements: Option<PathBuf>,
    bind: Option<String>,
    cookie_secure: Option<bool>,
    session_hours: Option<i64>,
    log: Option<String>,
    public_url: Option<String>,
    municipality_name: Option<String>,
    municipality: Option<String>,
    mail: Option<FileMail>,
}

/// Each key of `trygg.toml` and its environment variable.
const ENV_KEYS: [(&str, &str); 16] = [
    ("database", "TRYGG_DATABASE_URL"),
    ("surveys", "TRYGG_SURVEYS"),
    ("agreements", "TRYGG_AGREEMENTS"),
    ("bind", "TRYGG_BIND"),
    ("cookie_secure", "TRYGG_COOKIE_SECURE"),
    ("session_hours", "TRYGG_SESSION_HOURS"),
    ("log", "TRYGG_LOG"),
    ("public_url", "TRYGG_PUBLIC_URL"),
    ("municipality_name", "TRYGG_MUNICIPALITY_NAME"),
    ("municipality", "TRYGG_MUNICIPALITY"),
    ("mail.host", "TRYGG_MAIL_HOST"),
    ("mail.port", "TRYGG_MAIL_PORT"),
    ("mail.tls", "TRYGG_MAIL_TLS"),
    ("mail.username", "TRYGG_MAIL_USERNAME"),
    ("mail.password", "TRYGG_MAIL_PASSWORD"),
    ("mail.from", "TRYGG_MAIL_FROM"),
];

/// The `[mail]` table of `trygg.toml`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMail {
    host: Option<String>,
    port: Option<i64>,
    tls: Option<String>,
    username: Option<String>,
    password: Option<String>,
    from: Option<String>,
}

/// What can only be settled once every source has been read: defaults that follow other settings,
/// and the user name and password, which may come from different sources (the password often from
/// the environment) but must come together.
#[derive(Default)]
struct Deferred {
    log_given: bool,
    public_url_given: bool,
    mail_port_given: bool,
    mail_username: Option<Given>,
    mail_password: Option<Given>,
}

/// A value and where it came from.
struct Given {
    value: String,
    origin: String,
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
        let mut deferred = Deferred::default();
        if let Some(path) = file {
            settings.apply_file(&path, &mut deferred)?;
        }

        settings.apply_env(&env, &mut deferred)?;
        // RUST_LOG, the ecosystem's convention, is used only when trygg's own settings say nothing.
        if !deferred.log_given
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
        if let Some(dir) = &overrides.agreements_dir {
            settings.agreements_dir = dir.clone();
        }
        if let Some(bind) = &overrides.bind {
            settings.bind = parse_bind("--bind", bind)?;
        }
        settings.settle(deferred)?;
        Ok(settings)
    }

    /// Fills in the defaults that depend on other settings and checks the values given in pairs.
    fn settle(&mut self, deferred: Deferred) -> Result<(), ConfigError> {
        if !deferred.public_url_given {
            self.public_url = format!("http://{}", self.bind);
        }
        if !deferred.mail_port_given {
            self.mail.port = self.mail.tls.default_port();
        }
        // An empty value (e.g. `TRYGG_MAIL_PASSWORD=`) takes away one given by an earlier source.
        let username = deferred.mail_username.filter(|u| !u.value.is_empty());
        let password = deferred.mail_password.filter(|p| !p.value.is_empty());
        self.mail.credentials = match (username, password) {
            (None, None) => None,
            (Some(username), None) => {
                return Err(ConfigError::new(
                    username.origin,
                    "a mail user name needs a password too (`mail.password` or TRYGG_MAIL_PASSWORD)",
                ));
            }
            (None, Some(password)) => {
                return Err(ConfigError::new(
                    password.origin,
                    "a mail password needs a user name too (`mail.username` or TRYGG_MAIL_USERNAME)",
                ));
            }
            (Some(username), Some(password)) => {
                if self.mail.tls == MailTls::None && !is_loopback_host(&self.mail.host) {
                    return Err(ConfigError::new(
                        password.origin,
                        format!(
                            "the mail password would travel unencrypted to `{}`; set tls to \"starttls\" or \"tls\"",
                            self.mail.host
                        ),
                    ));
                }
                Some(MailCredentials {
                    username: username.value,
                    password: password.value,
                })
            }
        };
        Ok(())
    }

    /// Applies the file's settings.
    fn apply_file(&mut self, path: &Path, deferred: &mut Deferred) -> Result<(), ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::caused_by(&name, format!("cannot read: {e}"), e))?;
        let file: FileSettings = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|span| line_of(&text, span.start)).unwrap_or(1);
            // The parser's message on one line, without the snippet of the file its own text
            // (the error's Display) adds.
            ConfigError::new(
                format!("{name}:{line}"),
                e.message().trim().replace('\n', " "),
            )
        })?;
        let at = |key: &str| format!("{name}: `{key}`");
        self.apply(file, &at, deferred)
    }

    /// Applies one source's settings (the file's, or the environment's read into the same
    /// shape); `origin(key)` names where a key came from in an error (`trygg.toml: `bind``,
    /// `TRYGG_BIND`).
    fn apply(
        &mut self,
        given: FileSettings,
        origin: &dyn Fn(&str) -> String,
        deferred: &mut Deferred,
    ) -> Result<(), ConfigError> {
        let at = origin;
        if let Some(url) = given.database {
            self.database_url = check_database_url(&at("database"), &url)?;
        }
        if let Some(dir) = given.surveys {
            self.surveys_dir = dir;
        }
        if let Some(dir) = given.agreements {
            self.agreements_dir = dir;
        }
        if let Some(bind) = given.bind {
            self.bind = parse_bind(&at("bind"), &bind)?;
        }
        if let Some(secure) = given.cookie_secure {
            self.cookie_secure = secure;
        }
        if let Some(hours) = given.session_hours {
            self.session_hours = check_session_hours(&at("session_hours"), hours)?;
        }
        if let Some(log) = given.log {
            self.log = check_log_filter(&at("log"), &log)?;
            deferred.log_given = true;
        }
        if let Some(url) = given.public_url {
            self.public_url = check_public_url(&at("public_url"), &url)?;
            deferred.public_url_given = true;
        }
        if let Some(name) = given.municipality_name {
            self.municipality_name = check_municipality_name(&at("municipality_name"), &name)?;
        }
        if let Some(code) = given.municipality {
            self.municipality = check_municipality_code(&at("municipality"), &code)?;
        }
        if let Some(mail) = given.mail {
            if let Some(host) = mail.host {
                self.mail.host = check_mail_host(&at("mail.host"), &host)?;
            }
            if let Some(port) = mail.port {
                self.mail.port = check_port(&at("mail.port"), port)?;
                deferred.mail_port_given = true;
            }
            if let Some(tls) = mail.tls {
                self.mail.tls = parse_mail_tls(&at("mail.tls"), &tls)?;
            }
            if let Some(username) = mail.username {
                deferred.mail_username = Some(Given {
                    value: username.trim().to_owned(),
                    origin: at("mail.username"),
                });
            }
            if let Some(password) = mail.password {
                deferred.mail_password = Some(Given {
                    value: password,
                    origin: at("mail.password"),
                });
            }
            if let Some(from) = mail.from {
                self.mail.from = parse_mail_from(&at("mail.from"), &from)?;
            }
        }
        Ok(())
    }

    /// Applies the `TRYGG_*` environment: read into the file's shape ([`ENV_KEYS`] names each
    /// key's variable), then applied as the file is.
    fn apply_env(
        &mut self,
        env: &impl Fn(&str) -> Option<String>,
        deferred: &mut Deferred,
    ) -> Result<(), ConfigError> {
        let var = |key: &str| -> &'static str {
            ENV_KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or("TRYGG_?", |(_, v)| v)
        };
        let get = |key: &str| env(var(key));
        let whole = |key: &str| -> Result<Option<i64>, ConfigError> {
            get(key)
                .map(|text| {
                    text.trim().parse::<i64>().map_err(|_| {
                        ConfigError::new(var(key), format!("`{text}` is not a whole number"))
                    })
                })
                .transpose()
        };
        let cookie_secure = match get("cookie_secure") {
            None => None,
            Some(text) => Some(match text.trim() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                other => {
                    return Err(ConfigError::new(
                        var("cookie_secure"),
                        format!("`{other}` is not true or false"),
                    ));
                }
            }),
        };
        let mail = FileMail {
            host: get("mail.host"),
            port: whole("mail.port")?,
            tls: get("mail.tls"),
            username: get("mail.username"),
            password: get("mail.password"),
            from: get("mail.from"),
        };
        let given = FileSettings {
            database: get("database"),
            surveys: get("surveys").map(PathBuf::from),
            agreements: get("agreements").map(PathBuf::from),
            bind: get("bind"),
            cookie_secure,
            session_hours: whole("session_hours")?,
            log: get("log"),
            public_url: get("public_url"),
            municipality_name: get("municipality_name"),
            municipality: get("municipality"),
            mail: Some(mail),
        };
        self.apply(given, &|key| var(key).to_owned(), deferred)
    }

    /// True when the database is PostgreSQL rather than SQLite.
    pub fn is_postgres(&self) -> bool {
        is_postgres_url(&self.database_url)
    }
}

pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A database URL without its password, for messages: `postgres://u:***@h/db`.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // A URL with a password has a host, so it can take another password.
            if parsed.set_password(Some("***")).is_ok() {
                parsed.to_string()
            } else {
                "***".to_owned()
            }
        }
        Ok(_) => url.to_owned(),
        // Unreadable as a URL (so by any database too): what stands before an `@` may be a
        // password, so nothing of such a text is shown.
        Err(_) if url.contains('@') => "***".to_owned(),
        Err(_) => url.to_owned(),
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
        Err(e) => Err(ConfigError::caused_by(
            origin,
            format!("`{filter}` is not a log filter like `info` or `trygg=debug,info`: {e}"),
            e,
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

/// The base of invitation links: http(s), a host, maybe a path; no query, no trailing slash.
/// Parsed by `url` (WHATWG rules, as a browser reads the link), written back normalised
/// (scheme and host in lower case, a default port left out).
fn check_public_url(origin: &str, value: &str) -> Result<String, ConfigError> {
    let text = value.trim();
    let refused = || {
        ConfigError::new(
            origin,
            format!(
                "`{value}` is not a base URL like https://trygg.example.se (http or https, no query)"
            ),
        )
    };
    // The parser would quietly drop a tab or a line break inside: a typing mistake here.
    if text.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(refused());
    }
    let url = url::Url::parse(text).map_err(|_| refused())?;
    // Credentials in a link sent to thousands of people would be a leak; not repeated here either.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::new(
            origin,
            "a base URL must not hold a user name or password",
        ));
    }
    let fine = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.query().is_none()
        && url.fragment().is_none();
    if fine {
        Ok(url.as_str().trim_end_matches('/').to_owned())
    } else {
        Err(refused())
    }
}

/// A municipality's code as SCB and Kolada write it: four digits, not the country's `0000`;
/// empty takes away a code given by an earlier source.
fn check_municipality_code(origin: &str, value: &str) -> Result<Option<String>, ConfigError> {
    let code = value.trim();
    if code.is_empty() {
        return Ok(None);
    }
    if code.len() != 4 || !code.chars().all(|c| c.is_ascii_digit()) || code == "0000" {
        return Err(ConfigError::new(
            origin,
            format!(
                "`{code}` is not a municipality's code: four digits, e.g. 1481 (0000 is the whole country)"
            ),
        ));
    }
    Ok(Some(code.to_owned()))
}

/// The longest municipality name taken (the longest Swedish one is some 30 characters).
pub const MAX_MUNICIPALITY_NAME: usize = 80;

/// A municipality's name for the printed report: one line of at most
/// [`MAX_MUNICIPALITY_NAME`] characters; empty takes away a name given by an earlier source.
fn check_municipality_name(origin: &str, value: &str) -> Result<Option<String>, ConfigError> {
    let name = value.trim();
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().any(char::is_control) {
        return Err(ConfigError::new(
            origin,
            "the municipality's name must be one line without control characters",
        ));
    }
    let length = name.chars().count();
    if length > MAX_MUNICIPALITY_NAME {
        return Err(ConfigError::new(
            origin,
            format!(
                "the municipality's name has {length} characters; at most {MAX_MUNICIPALITY_NAME} are taken"
            ),
        ));
    }
    Ok(Some(name.to_owned()))
}

fn check_mail_host(origin: &str, value: &str) -> Result<String, ConfigError> {
    let host = value.trim();
    let is_name = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if is_name || host.parse::<IpAddr>().is_ok() {
        Ok(host.to_owned())
    } else {
        Err(ConfigError::new(
            origin,
            format!("`{value}` is not a host name or IP address"),
        ))
    }
}

fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn check_port(origin: &str, port: i64) -> Result<u16, ConfigError> {
    u16::try_from(port)
        .ok()
        .filter(|&p| p > 0)
        .ok_or_else(|| ConfigError::new(origin, format!("{port} is not a port (1–65535)")))
}

fn parse_mail_tls(origin: &str, value: &str) -> Result<MailTls, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "none" => Ok(MailTls::None),
        "starttls" => Ok(MailTls::StartTls),
        "tls" => Ok(MailTls::Tls),
        _ => Err(ConfigError::new(
            origin,
            format!("`{value}` is not one of none, starttls, tls"),
        )),
    }
}

fn parse_mail_from(origin: &str, value: &str) -> Result<Mailbox, ConfigError> {
    value.trim().parse().map_err(|_| {
        ConfigError::new(
            origin,
            format!("`{value}` is not a sender like `trygg <noreply@kommun.se>`"),
        )
    })
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
mod tests;
