//! Settings: defaults, file, environment and flags, and the errors for bad values.

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

    let with_env = Settings::load_with(&with_file(&file), env(&[("TRYGG_BIND", "127.0.0.1:5000")]))
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
    let s = Settings::load_with(&Overrides::default(), env(&[("RUST_LOG", "debug")])).expect("ok");
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
fn mail_defaults_to_plain_smtp_on_this_machine() {
    let s = Settings::load_with(&Overrides::default(), env(&[])).expect("defaults");
    assert_eq!(s.mail.host, "127.0.0.1");
    assert_eq!(s.mail.port, 25);
    assert_eq!(s.mail.tls, MailTls::None);
    assert_eq!(s.mail.credentials, None);
    assert_eq!(s.mail.from.to_string(), "trygg <noreply@localhost>");
    assert_eq!(s.public_url, "http://127.0.0.1:3000");
    assert_eq!(Settings::default().mail, s.mail);
}

#[test]
fn mail_settings_come_from_the_file_and_the_environment_wins() {
    let file = config_file(
        "public_url = \"https://trygg.example.se/\"\n\
         [mail]\nhost = \"smtp.kommun.example\"\nport = 2525\ntls = \"starttls\"\n\
         username = \"trygg\"\npassword = \"from-file\"\nfrom = \"Trygg i Exempelby <trygg@kommun.example>\"\n",
    );
    let s = Settings::load_with(&with_file(&file), env(&[])).expect("file");
    assert_eq!(s.public_url, "https://trygg.example.se");
    assert_eq!(s.mail.host, "smtp.kommun.example");
    assert_eq!(s.mail.port, 2525);
    assert_eq!(s.mail.tls, MailTls::StartTls);
    assert_eq!(
        s.mail.credentials,
        Some(MailCredentials {
            username: "trygg".into(),
            password: "from-file".into()
        })
    );
    assert_eq!(s.mail.from.email.to_string(), "trygg@kommun.example");

    let s = Settings::load_with(
        &with_file(&file),
        env(&[
            ("TRYGG_MAIL_HOST", "relay.example"),
            ("TRYGG_MAIL_PORT", "465"),
            ("TRYGG_MAIL_TLS", "tls"),
            ("TRYGG_MAIL_PASSWORD", "from-env"),
            ("TRYGG_MAIL_FROM", "noreply@relay.example"),
            ("TRYGG_PUBLIC_URL", "https://enkat.kommun.example/trygg"),
        ]),
    )
    .expect("env");
    assert_eq!(s.mail.host, "relay.example");
    assert_eq!(s.mail.port, 465);
    assert_eq!(s.mail.tls, MailTls::Tls);
    let credentials = s.mail.credentials.expect("credentials");
    assert_eq!(credentials.username, "trygg");
    assert_eq!(credentials.password, "from-env");
    assert_eq!(s.mail.from.to_string(), "noreply@relay.example");
    assert_eq!(s.public_url, "https://enkat.kommun.example/trygg");
}

#[test]
fn the_mail_port_follows_the_tls_mode_unless_given() {
    for (tls, port) in [("none", 25), ("starttls", 587), ("tls", 465)] {
        let s = Settings::load_with(
            &Overrides::default(),
            env(&[("TRYGG_MAIL_TLS", tls), ("TRYGG_MAIL_HOST", "smtp.example")]),
        )
        .expect(tls);
        assert_eq!(s.mail.port, port, "{tls}");
    }
    let file = config_file("[mail]\nport = 2525\n");
    let s = Settings::load_with(&with_file(&file), env(&[("TRYGG_MAIL_TLS", "tls")]))
        .expect("port from file");
    assert_eq!(s.mail.port, 2525);
}

#[test]
fn the_public_url_follows_the_bind_address_unless_given() {
    let flags = Overrides {
        bind: Some("0.0.0.0:8080".into()),
        ..Overrides::default()
    };
    let s = Settings::load_with(&flags, env(&[])).expect("bind flag");
    assert_eq!(s.public_url, "http://0.0.0.0:8080");
    let s = Settings::load_with(&flags, env(&[("TRYGG_PUBLIC_URL", "HTTPS://x.example//")]))
        .expect("given");
    assert_eq!(s.public_url, "https://x.example");
    // Read as a browser reads the link: host in lower case, the default port left out.
    let s = Settings::load_with(
        &flags,
        env(&[(
            "TRYGG_PUBLIC_URL",
            "https://Enkat.Kommun.Example:443/trygg/",
        )]),
    )
    .expect("given");
    assert_eq!(s.public_url, "https://enkat.kommun.example/trygg");
}

#[test]
fn a_mail_user_name_and_password_come_together() {
    let cases: [(&[(&str, &str)], &str); 3] = [
        (
            &[("TRYGG_MAIL_USERNAME", "trygg"), ("TRYGG_MAIL_TLS", "tls")],
            "TRYGG_MAIL_USERNAME: a mail user name needs a password too",
        ),
        (
            &[
                ("TRYGG_MAIL_PASSWORD", "hunter2"),
                ("TRYGG_MAIL_TLS", "tls"),
            ],
            "TRYGG_MAIL_PASSWORD: a mail password needs a user name too",
        ),
        (
            &[
                ("TRYGG_MAIL_USERNAME", "trygg"),
                ("TRYGG_MAIL_PASSWORD", "hunter2"),
                ("TRYGG_MAIL_HOST", "smtp.example"),
            ],
            "TRYGG_MAIL_PASSWORD: the mail password would travel unencrypted",
        ),
    ];
    for (vars, expected) in cases {
        let err = Settings::load_with(&Overrides::default(), env(vars)).expect_err(expected);
        let text = err.to_string();
        assert!(
            text.starts_with(expected),
            "{text:?} should start with {expected:?}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }
    // An empty variable takes away what the file gave.
    let file = config_file("[mail]\ntls = \"tls\"\nusername = \"trygg\"\npassword = \"hunter2\"\n");
    let err = Settings::load_with(&with_file(&file), env(&[("TRYGG_MAIL_USERNAME", "")]))
        .expect_err("user name taken away");
    assert!(
        err.to_string()
            .contains("`mail.password`: a mail password needs a user name too"),
        "{err}"
    );
    let s = Settings::load_with(
        &with_file(&file),
        env(&[("TRYGG_MAIL_USERNAME", ""), ("TRYGG_MAIL_PASSWORD", "")]),
    )
    .expect("both taken away");
    assert_eq!(s.mail.credentials, None);
    // A relay on this machine may take a password over plain SMTP.
    let s = Settings::load_with(
        &Overrides::default(),
        env(&[
            ("TRYGG_MAIL_USERNAME", "trygg"),
            ("TRYGG_MAIL_PASSWORD", "hunter2"),
            ("TRYGG_MAIL_HOST", "localhost"),
        ]),
    )
    .expect("loopback");
    assert!(s.mail.credentials.is_some());
}

#[test]
fn a_bad_mail_setting_is_one_line_naming_it() {
    let cases = [
        (
            "TRYGG_MAIL_PORT",
            "smtp",
            "TRYGG_MAIL_PORT: `smtp` is not a whole number",
        ),
        ("TRYGG_MAIL_PORT", "0", "TRYGG_MAIL_PORT: 0 is not a port"),
        (
            "TRYGG_MAIL_PORT",
            "70000",
            "TRYGG_MAIL_PORT: 70000 is not a port",
        ),
        (
            "TRYGG_MAIL_TLS",
            "ssl",
            "TRYGG_MAIL_TLS: `ssl` is not one of none, starttls, tls",
        ),
        (
            "TRYGG_MAIL_HOST",
            "smtp server",
            "TRYGG_MAIL_HOST: `smtp server` is not a host name",
        ),
        (
            "TRYGG_MAIL_HOST",
            "",
            "TRYGG_MAIL_HOST: `` is not a host name",
        ),
        (
            "TRYGG_MAIL_FROM",
            "trygg",
            "TRYGG_MAIL_FROM: `trygg` is not a sender",
        ),
        (
            "TRYGG_PUBLIC_URL",
            "trygg.example.se",
            "TRYGG_PUBLIC_URL: `trygg.example.se` is not a base URL",
        ),
        (
            "TRYGG_PUBLIC_URL",
            "ftp://x.example",
            "TRYGG_PUBLIC_URL: `ftp://x.example` is not a base URL",
        ),
        (
            "TRYGG_PUBLIC_URL",
            "https://x.example/?a=1",
            "TRYGG_PUBLIC_URL: `https://x.example/?a=1` is not a base URL",
        ),
        (
            "TRYGG_PUBLIC_URL",
            "https://",
            "TRYGG_PUBLIC_URL: `https://` is not a base URL",
        ),
        (
            "TRYGG_PUBLIC_URL",
            "https://admin:hunter2@x.example",
            "TRYGG_PUBLIC_URL: a base URL must not hold a user name or password",
        ),
        (
            "TRYGG_PUBLIC_URL",
            "https://x.example/#top",
            "TRYGG_PUBLIC_URL: `https://x.example/#top` is not a base URL",
        ),
        (
            "TRYGG_PUBLIC_URL",
            "https://x.exa\tmple",
            "TRYGG_PUBLIC_URL: `https://x.exa\tmple` is not a base URL",
        ),
        (
            "TRYGG_PUBLIC_URL",
            "https://x .example",
            "TRYGG_PUBLIC_URL: `https://x .example` is not a base URL",
        ),
    ];
    for (key, value, expected) in cases {
        let err =
            Settings::load_with(&Overrides::default(), env(&[(key, value)])).expect_err(expected);
        let text = err.to_string();
        assert!(
            text.starts_with(expected),
            "{text:?} should start with {expected:?}"
        );
        assert!(!text.contains('\n'), "{text:?} is more than one line");
    }

    let file = config_file("[mail]\nhost = \"smtp.example\"\ntls = \"ssl\"\n");
    let err = Settings::load_with(&with_file(&file), env(&[])).expect_err("bad tls");
    assert!(
        err.to_string()
            .contains(": `mail.tls`: `ssl` is not one of"),
        "{err}"
    );

    let file = config_file("[mail]\nhost = \"smtp.example\"\nprot = 25\n");
    let err = Settings::load_with(&with_file(&file), env(&[])).expect_err("unknown key");
    let text = err.to_string();
    assert!(text.contains(":3: ") && text.contains("prot"), "{text}");
}

#[test]
fn passwords_are_hidden_when_settings_are_printed() {
    let file = config_file(
        "database = \"postgres://trygg:db-secret@db/trygg\"\n\
         [mail]\ntls = \"tls\"\nusername = \"u\"\npassword = \"mail-secret\"\n",
    );
    let s = Settings::load_with(&with_file(&file), env(&[])).expect("file");
    let printed = format!("{s:?}");
    assert!(!printed.contains("db-secret"), "{printed}");
    assert!(!printed.contains("mail-secret"), "{printed}");
    assert!(printed.contains("username: \"u\""), "{printed}");
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

#[test]
fn a_public_url_respondents_cannot_reach_is_noticed() {
    let mut s = Settings::default();
    assert!(
        s.public_url_is_local(),
        "the default follows the bind address"
    );
    for local in [
        "http://127.0.0.1:3111",
        "http://localhost:8080/trygg",
        "http://0.0.0.0:3000",
        "http://[::1]:3000",
    ] {
        s.public_url = local.to_owned();
        assert!(s.public_url_is_local(), "{local}");
    }
    for public in ["https://trygg.kommun.example", "https://10.1.2.3/trygg"] {
        s.public_url = public.to_owned();
        assert!(!s.public_url_is_local(), "{public}");
    }
}

#[test]
fn a_local_public_url_is_told_by_its_host_however_it_is_written() {
    let mut s = Settings::default();
    for local in [
        "http://[::1]/trygg",
        "http://[::]:3000",
        "https://LOCALHOST:8443",
        "http://trygg.localhost",
        "http://a.b.localhost:3000/x",
        "http://127.0.0.2",
        // No scheme: the host as a browser would read it.
        "localhost:3000",
        "127.0.0.1:3000/trygg",
        "[::1]:3000",
    ] {
        s.public_url = local.to_owned();
        assert!(s.public_url_is_local(), "{local}");
    }
    for public in [
        "https://localhost.kommun.example",
        "https://mylocalhost",
        "http://[2001:db8::1]:3000",
        "trygg.kommun.example/enkat",
        "",
    ] {
        s.public_url = public.to_owned();
        assert!(!s.public_url_is_local(), "{public}");
    }
}

#[test]
fn only_the_password_of_a_database_url_is_hidden() {
    // Credentials without a password, and URLs without credentials, are shown as they are.
    assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    assert_eq!(
        redact("postgres://postgres@127.0.0.1:5432/test"),
        "postgres://postgres@127.0.0.1:5432/test"
    );
    assert_eq!(redact("sqlite::memory:"), "sqlite::memory:");
    assert_eq!(redact("trygg.db"), "trygg.db");
    assert_eq!(
        redact("postgresql://trygg:s3cret@db.example:5432/trygg?sslmode=require"),
        "postgresql://trygg:***@db.example:5432/trygg?sslmode=require"
    );
    // An `@` in the password (written as it is) does not end the host early.
    assert_eq!(redact("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
    assert_eq!(
        redact("postgres://u:pw@[::1]:5432/db"),
        "postgres://u:***@[::1]:5432/db"
    );
    // Unreadable as a URL, with something that may be a password: nothing of it is shown.
    assert_eq!(redact("postgres://u:pw@h:port/db"), "***");
    assert_eq!(redact("postgres://u:pw@/db"), "***");
}

#[test]
fn the_municipality_name_comes_from_the_file_or_the_environment_and_is_one_short_line() {
    let none = Settings::load_with(&Overrides::default(), env(&[])).expect("defaults");
    assert_eq!(none.municipality_name, None);

    let file = config_file("municipality_name = \" Exempelby kommun \"\n");
    let from_file = Settings::load_with(&with_file(&file), env(&[])).expect("file");
    assert_eq!(
        from_file.municipality_name.as_deref(),
        Some("Exempelby kommun")
    );
    let from_env = Settings::load_with(
        &with_file(&file),
        env(&[("TRYGG_MUNICIPALITY_NAME", "Åby kommun")]),
    )
    .expect("env");
    assert_eq!(from_env.municipality_name.as_deref(), Some("Åby kommun"));
    // An empty value takes the file's name away.
    let emptied = Settings::load_with(&with_file(&file), env(&[("TRYGG_MUNICIPALITY_NAME", " ")]))
        .expect("empty");
    assert_eq!(emptied.municipality_name, None);

    let two_lines = Settings::load_with(
        &Overrides::default(),
        env(&[("TRYGG_MUNICIPALITY_NAME", "Åby\nkommun")]),
    )
    .expect_err("two lines");
    assert_eq!(
        two_lines.to_string(),
        "TRYGG_MUNICIPALITY_NAME: the municipality's name must be one line without control characters"
    );
    let long = "x".repeat(81);
    let too_long = Settings::load_with(
        &Overrides::default(),
        env(&[("TRYGG_MUNICIPALITY_NAME", long.as_str())]),
    )
    .expect_err("too long");
    assert_eq!(
        too_long.to_string(),
        "TRYGG_MUNICIPALITY_NAME: the municipality's name has 81 characters; at most 80 are taken"
    );
    let bad_file = config_file("municipality_name = \"a\\tb\"\n");
    let in_file = Settings::load_with(&with_file(&bad_file), env(&[])).expect_err("tab");
    assert!(
        in_file
            .to_string()
            .contains("`municipality_name`: the municipality's name must be one line"),
        "{in_file}"
    );
}

#[test]
fn the_municipality_code_is_four_digits_from_the_file_or_the_environment() {
    let file = config_file("municipality = \"1481\"\n");
    let from_file = Settings::load_with(&with_file(&file), env(&[])).expect("file");
    assert_eq!(from_file.municipality.as_deref(), Some("1481"));
    let from_env = Settings::load_with(&with_file(&file), env(&[("TRYGG_MUNICIPALITY", "0180")]))
        .expect("env");
    assert_eq!(from_env.municipality.as_deref(), Some("0180"));
    for bad in ["0000", "148", "Mölndal"] {
        let e = Settings::load_with(&Overrides::default(), env(&[("TRYGG_MUNICIPALITY", bad)]))
            .expect_err(bad);
        assert!(
            e.to_string().starts_with(&format!(
                "TRYGG_MUNICIPALITY: `{bad}` is not a municipality's code"
            )),
            "{e}"
        );
    }
}

#[test]
fn a_refused_setting_keeps_what_caused_it_as_its_source() {
    let err = Settings::load_with(&Overrides::default(), env(&[("TRYGG_LOG", "trygg=[")]))
        .expect_err("bad filter");
    assert!(
        err.to_string()
            .starts_with("TRYGG_LOG: `trygg=[` is not a log filter"),
        "{err}"
    );
    let cause = std::error::Error::source(&err).expect("the filter's parse error");
    assert!(
        err.to_string().contains(&cause.to_string()),
        "{err} / {cause}"
    );
    // Two errors that say the same are equal, whatever their causes.
    assert_eq!(
        err,
        ConfigError::new(err.origin.clone(), err.message.clone())
    );
}
