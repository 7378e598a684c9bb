//! Outgoing e-mail (invitations, reminders): SMTP in production, an in-memory stub in unit tests.
//!
//! Addresses are personal data: no error or `Debug` output of this module contains a recipient's
//! address, so errors can be logged and shown as they are. Use [`redact`] for the rare log line
//! that must say whom a message was for.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use lettre::address::AddressError;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransportBuilder, PoolConfig};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{ConfigError, MailSettings, MailTls};

/// The longest one message may take, connecting included, before it counts as a temporary failure.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// One plain-text message to one recipient.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The recipient's address (`anna@kommun.se` or `Anna <anna@kommun.se>`).
    pub to: String,
    pub subject: String,
    /// UTF-8 plain text; line breaks as `\n`.
    pub body: String,
}

impl fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("to", &redact(&self.to))
            .field("subject", &self.subject)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

/// Why a message was not sent. Never contains the recipient's address: safe to log and to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The address cannot be used; sending again cannot help.
    #[error("invalid e-mail address: {0}")]
    InvalidAddress(String),
    /// The server refused the message for good (a 5xx reply); sending again cannot help.
    #[error("the mail server rejected the message ({code}): {message}")]
    Rejected { code: u16, message: String },
    /// The server could not be reached or answered "try later" (4xx), timed out, failed TLS or
    /// authentication: worth trying again later.
    #[error("the mail server is unavailable: {0}")]
    Unavailable(String),
}

/// The kinds of failure as they are kept with an invitation (`kind<TAB>server's text`), so that
/// a page can say them in its language; the server's own words follow as they came.
const STORED_KINDS: [(&str, &str, &str); 4] = [
    (
        "invalid",
        "Adressen går inte att använda",
        "The address cannot be used",
    ),
    (
        "rejected",
        "E-postservern tog inte emot meddelandet",
        "The mail server refused the message",
    ),
    (
        "unavailable",
        "E-postservern gick inte att nå eller bad om att få vänta; det försöks igen",
        "The mail server could not be reached or asked to wait; it is tried again",
    ),
    (
        "survey_missing",
        "Omgångens enkätfil finns inte på servern",
        "The wave's questionnaire file is not on the server",
    ),
];

impl MailError {
    /// The failure as it is kept with the invitation; [`describe_failure`] puts it into words.
    pub fn stored(&self) -> String {
        match self {
            MailError::InvalidAddress(detail) => format!("invalid\t{detail}"),
            MailError::Rejected { code, message } => format!("rejected\t{code} {message}"),
            MailError::Unavailable(detail) => format!("unavailable\t{detail}"),
        }
    }

    /// True when retrying the same message cannot succeed.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            MailError::InvalidAddress(_) | MailError::Rejected { .. }
        )
    }
}

/// A kept sending failure in `lang`: the kind in words, then the mail server's own text (which
/// is the server's, in its language). Failures kept before kinds were (plain English) are shown
/// as they are.
pub fn describe_failure(stored: &str, lang: crate::i18n::Lang) -> String {
    let Some((kind, detail)) = stored.split_once('\t') else {
        return stored.to_owned();
    };
    match STORED_KINDS.iter().find(|(k, _, _)| *k == kind) {
        Some((_, sv, en)) if detail.trim().is_empty() => lang.pick(sv, en).to_owned(),
        Some((_, sv, en)) => format!(
            "{} ({}: {})",
            lang.pick(sv, en),
            lang.pick("serverns svar", "the server said"),
            detail.trim()
        ),
        None => stored.to_owned(),
    }
}

/// What is kept when a wave's questionnaire is not loaded as its invitations are sent.
pub const SURVEY_MISSING: &str = "survey_missing\t";

/// Sends mail; cheap to clone (clones share the connection set-up).
#[derive(Clone)]
pub enum Mailer {
    Smtp(Arc<SmtpMailer>),
    Stub(MailStub),
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // lettre's own `Debug` would print the SMTP credentials.
        match self {
            Mailer::Smtp(smtp) => f
                .debug_struct("Mailer::Smtp")
                .field("server", &smtp.server)
                .field("timeout", &smtp.timeout)
                .finish(),
            Mailer::Stub(_) => f.write_str("Mailer::Stub"),
        }
    }
}

impl Mailer {
    /// An SMTP mailer as configured, with the default [`SMTP_TIMEOUT`].
    pub fn from_settings(settings: &MailSettings) -> Result<Mailer, ConfigError> {
        Mailer::smtp(settings, SMTP_TIMEOUT)
    }

    /// An SMTP mailer whose every message must be through within `timeout`. Nothing is connected
    /// until the first message, so this may be called outside the async runtime.
    pub fn smtp(settings: &MailSettings, timeout: Duration) -> Result<Mailer, ConfigError> {
        let tls = match settings.tls {
            MailTls::None => Tls::None,
            MailTls::StartTls => Tls::Required(tls_parameters(settings)?),
            MailTls::Tls => Tls::Wrapper(tls_parameters(settings)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(timeout))
            // No connection is kept for the next message: a send cut off by the timeout (or by a
            // dropped caller) can leave a connection in mid-dialogue, and the next message on it
            // would read the previous reply. A new connection per message is cheap at survey volumes.
            .pool_config(PoolConfig::new().max_size(0));
        if let Some(login) = &settings.credentials {
            builder = builder.credentials(Credentials::new(
                login.username.clone(),
                login.password.clone(),
            ));
        }
        Ok(Mailer::Smtp(Arc::new(SmtpMailer {
            builder,
            transport: OnceLock::new(),
            from: settings.from.clone(),
            server: format!("{}:{}", settings.host, settings.port),
            timeout,
        })))
    }

    /// A mailer that keeps messages in memory, and the handle to read them.
    pub fn stub() -> (Mailer, MailStub) {
        let stub = MailStub::default();
        (Mailer::Stub(stub.clone()), stub)
    }

    /// Sends one message.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let to = parse_recipient(&mail.to)?;
        match self {
            Mailer::Smtp(smtp) => smtp.send(to, mail).await,
            Mailer::Stub(stub) => stub.send(mail),
        }
    }
}

/// The SMTP side of [`Mailer`].
pub struct SmtpMailer {
    builder: AsyncSmtpTransportBuilder,
    /// Built on first use: lettre starts a background task with the transport, which needs the
    /// runtime.
    transport: OnceLock<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    server: String,
    timeout: Duration,
}

impl SmtpMailer {
    async fn send(&self, to: Mailbox, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(one_line(&mail.subject))
            .header(ContentType::TEXT_PLAIN)
            .body(without_final_line_break(&mail.body).to_owned())
            // Both addresses are parsed already; what is left to fail here concerns addresses too.
            .map_err(|e| MailError::InvalidAddress(scrub(&e.to_string())))?;
        let transport = self.transport.get_or_init(|| self.builder.clone().build());
        // lettre's timeout covers connecting only; this one also covers a server that stops
        // answering in mid-dialogue.
        match tokio::time::timeout(self.timeout, transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(classify(&e)),
            Err(_) => Err(MailError::Unavailable(format!(
                "no answer within {} s",
                self.timeout.as_secs_f32()
            ))),
        }
    }
}

impl Drop for SmtpMailer {
    fn drop(&mut self) {
        // lettre's transport spawns a clean-up task when dropped, which panics outside the runtime
        // (state dropped after its runtime, as tests may do). It keeps no connections (see
        // `max_size(0)`), so leaking it there loses nothing.
        if tokio::runtime::Handle::try_current().is_err()
            && let Some(transport) = self.transport.take()
        {
            std::mem::forget(transport);
        }
    }
}

fn tls_parameters(settings: &MailSettings) -> Result<TlsParameters, ConfigError> {
    TlsParameters::new(settings.host.clone()).map_err(|e| {
        ConfigError::new(
            "mail",
            format!(
                "cannot use TLS with `{}`: {}",
                settings.host,
                scrub(&e.to_string())
            ),
        )
    })
}

fn parse_recipient(to: &str) -> Result<Mailbox, MailError> {
    let to = to.trim();
    // A bare address parsed as such gets a more telling error than as a mailbox.
    let parsed = if to.contains('<') {
        to.parse::<Mailbox>()
    } else {
        to.parse::<Address>()
            .map(|address| Mailbox::new(None, address))
    };
    parsed.map_err(|e| {
        // Words of our own: the message must not quote the address, nor need an '@' itself.
        let why = match e {
            AddressError::MissingParts => "an address needs a local part and a domain",
            AddressError::Unbalanced => "unbalanced angle brackets",
            AddressError::InvalidUser => "the local part is not valid",
            AddressError::InvalidDomain => "the domain is not valid",
            _ => "not an e-mail address",
        };
        MailError::InvalidAddress(why.to_owned())
    })
}

/// Maps lettre's error to retry semantics, keeping only text that cannot hold an address.
fn classify(error: &lettre::transport::smtp::Error) -> MailError {
    let text = scrub(&error.to_string());
    match error.status().map(u16::from) {
        // Authentication refused (RFC 4954): the operator must fix the settings, after which
        // the same message will go through, so it is not the message's fault.
        Some(code @ (530 | 534 | 535 | 538)) => {
            MailError::Unavailable(format!("authentication failed ({code}): {text}"))
        }
        Some(code) if error.is_permanent() => MailError::Rejected {
            code,
            message: server_text(&text),
        },
        _ => MailError::Unavailable(text),
    }
}

/// The server's words from lettre's "permanent error (550): …".
fn server_text(text: &str) -> String {
    text.split_once("): ")
        .map_or(text, |(_, rest)| rest)
        .to_owned()
}

/// One line, at most 300 characters, every word holding an `@` replaced: server replies and
/// lettre's errors may quote the recipient (`550 5.1.1 <anna@kommun.se>: unknown user`).
fn scrub(text: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|word| {
            if word.contains('@') {
                "[address]"
            } else {
                word
            }
        })
        .collect();
    let line = words.join(" ");
    match line.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// lettre ends the data with a line break of its own, so a body's final line break would arrive as
/// an extra empty line.
fn without_final_line_break(body: &str) -> &str {
    body.strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))
        .unwrap_or(body)
}

/// Mail headers are one line; a line break in a subject is a mistake, not an intent.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An address for a log line: the first character of the local part and the domain,
/// `a…@kommun.se`; `…` when it is not an address.
pub fn redact(address: &str) -> String {
    let address = address.trim();
    // `Anna Svensson <anna@kommun.se>`: only the part in brackets is the address.
    let address = match (address.rfind('<'), address.rfind('>')) {
        (Some(open), Some(close)) if open < close => &address[open + 1..close],
        _ => address,
    };
    match address.rsplit_once('@') {
        Some((local, domain)) => match local.chars().next() {
            Some(first) => format!("{first}…@{domain}"),
            None => format!("…@{domain}"),
        },
        None => "…".to_owned(),
    }
}

/// The in-memory mailer's record: what was "sent", and failures to hand out first.
#[derive(Clone, Default)]
pub struct MailStub {
    state: Arc<Mutex<StubState>>,
}

#[derive(Default)]
struct StubState {
    sent: Vec<OutgoingMail>,
    failures: VecDeque<MailError>,
}

impl MailStub {
    /// Every message sent so far, oldest first.
    pub fn sent(&self) -> Vec<OutgoingMail> {
        self.lock().sent.clone()
    }

    /// Takes the messages sent so far, leaving none.
    pub fn take(&self) -> Vec<OutgoingMail> {
        std::mem::take(&mut self.lock().sent)
    }

    /// The next `count` sends fail as if the server were down (temporary failures).
    pub fn fail_next(&self, count: usize) {
        self.fail_next_with(
            count,
            MailError::Unavailable("stub: simulated connection failure".to_owned()),
        );
    }

    /// The next `count` sends fail with `error`.
    pub fn fail_next_with(&self, count: usize, error: MailError) {
        let mut state = self.lock();
        state.failures.extend(std::iter::repeat_n(error, count));
    }

    fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let mut state = self.lock();
        match state.failures.pop_front() {
            Some(error) => Err(error),
            None => {
                state.sent.push(mail.clone());
                Ok(())
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StubState> {
        // A test that panicked while holding the lock left whole values behind; keep going.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MailCredentials;

    fn mail(to: &str) -> OutgoingMail {
        OutgoingMail {
            to: to.to_owned(),
            subject: "Enkät om trygghet".to_owned(),
            body: "Hej!\nSvara gärna på enkäten.".to_owned(),
        }
    }

    #[tokio::test]
    async fn the_stub_keeps_what_was_sent() {
        let (mailer, stub) = Mailer::stub();
        mailer
            .send(&mail("anna@kommun.example"))
            .await
            .expect("sent");
        mailer
            .send(&mail("Bo <bo@kommun.example>"))
            .await
            .expect("sent");
        let sent = stub.take();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0], mail("anna@kommun.example"));
        assert!(stub.sent().is_empty());
    }

    #[tokio::test]
    async fn the_stub_fails_the_next_sends_when_told() {
        let (mailer, stub) = Mailer::stub();
        stub.fail_next(2);
        for _ in 0..2 {
            let err = mailer
                .send(&mail("anna@kommun.example"))
                .await
                .expect_err("fails");
            assert!(!err.is_permanent(), "{err}");
        }
        mailer
            .send(&mail("anna@kommun.example"))
            .await
            .expect("third goes through");
        assert_eq!(stub.sent().len(), 1);

        let rejected = MailError::Rejected {
            code: 550,
            message: "no such user".into(),
        };
        stub.fail_next_with(1, rejected.clone());
        assert_eq!(
            mailer.send(&mail("anna@kommun.example")).await,
            Err(rejected)
        );
    }

    #[tokio::test]
    async fn an_invalid_address_is_permanent_and_not_repeated() {
        let (mailer, stub) = Mailer::stub();
        for bad in [
            "anna.svensson",
            "anna.svensson@",
            "anna svensson@kommun.example",
            "",
        ] {
            let err = mailer.send(&mail(bad)).await.expect_err(bad);
            assert!(
                matches!(err, MailError::InvalidAddress(_)),
                "{bad:?}: {err:?}"
            );
            assert!(err.is_permanent());
            if !bad.is_empty() {
                assert!(!err.to_string().contains("svensson"), "{err}");
            }
        }
        assert!(stub.sent().is_empty());
    }

    #[test]
    fn scrubbing_removes_every_word_with_an_at_sign() {
        assert_eq!(
            scrub("permanent error (550): 5.1.1 <anna@kommun.example>: Recipient\r\n unknown"),
            "permanent error (550): 5.1.1 [address] Recipient unknown"
        );
        assert_eq!(scrub(&"x".repeat(400)).chars().count(), 301);
        assert_eq!(
            server_text("permanent error (554): relay denied"),
            "relay denied"
        );
        assert_eq!(server_text("network error"), "network error");
    }

    #[test]
    fn redacted_addresses_keep_a_hint_and_the_domain() {
        assert_eq!(redact("anna.svensson@kommun.example"), "a…@kommun.example");
        assert_eq!(redact("Anna <åsa@kommun.example>"), "å…@kommun.example");
        assert_eq!(redact("@kommun.example"), "…@kommun.example");
        assert_eq!(redact("not an address"), "…");
        let printed = format!("{:?}", mail("anna.svensson@kommun.example"));
        assert!(!printed.contains("anna.svensson"), "{printed}");
    }

    #[test]
    fn smtp_mailers_are_made_outside_the_runtime_and_hide_the_password() {
        for tls in [MailTls::None, MailTls::StartTls, MailTls::Tls] {
            let settings = MailSettings {
                host: "smtp.kommun.example".into(),
                tls,
                credentials: Some(MailCredentials {
                    username: "trygg".into(),
                    password: "hunter2".into(),
                }),
                ..MailSettings::default()
            };
            let mailer = Mailer::from_settings(&settings).expect("mailer");
            let printed = format!("{mailer:?}");
            assert!(!printed.contains("hunter2"), "{printed}");
            assert!(printed.contains("smtp.kommun.example:25"), "{printed}");
        }
    }

    #[test]
    fn a_mailer_that_has_sent_may_be_dropped_after_its_runtime() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|probe| probe.local_addr())
            .expect("free port")
            .port();
        let settings = MailSettings {
            port,
            ..MailSettings::default()
        };
        let mailer = Mailer::from_settings(&settings).expect("mailer");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let sent = runtime.block_on(mailer.send(&mail("anna@kommun.example")));
        assert!(matches!(sent, Err(MailError::Unavailable(_))), "{sent:?}");
        drop(runtime);
        drop(mailer);
    }

    #[test]
    fn a_subject_is_one_line() {
        assert_eq!(one_line("Påminnelse:\r\n  enkät "), "Påminnelse: enkät");
    }
}
