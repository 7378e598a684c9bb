//! Mail through a real SMTP server on loopback: what arrives, and the errors a sender sees.

use std::time::{Duration, Instant};

use trygg::config::{MailSettings, MailTls};
use trygg::mail::{MailError, Mailer, OutgoingMail};

use crate::helpers::smtp_server;

fn invitation(to: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: "Enkät om trygghet på arbetet".to_owned(),
        body: "Hej!\nSvara gärna på enkäten.\n".to_owned(),
    }
}

/// Settings for a port where nothing listens.
fn nobody_listening() -> MailSettings {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|probe| probe.local_addr())
        .expect("free port")
        .port();
    MailSettings {
        host: "127.0.0.1".into(),
        port,
        ..MailSettings::default()
    }
}

fn assert_no_address(error: &MailError, local_part: &str) {
    let text = error.to_string();
    assert!(!text.contains('@'), "{text}");
    assert!(!text.contains(local_part), "{text}");
    let debug = format!("{error:?}");
    assert!(!debug.contains(local_part), "{debug}");
}

#[tokio::test]
async fn a_swedish_message_arrives_with_its_subject_body_and_recipient() {
    let Some(server) = smtp_server().await else {
        return;
    };
    let mailer = Mailer::from_settings(&server.mail_settings()).expect("mailer");
    let subject = "Påminnelse: enkät om trygghet – svara senast fredag";
    // Long lines, a lone dot (ends the SMTP data unless escaped), non-Latin-1 punctuation.
    let body = "Hej!\n\n\
        Du är inbjuden att svara på kommunens och polisens enkät om trygghet och säkerhet på \
        arbetet. Svaren är anonyma: ingen kan se vad just du har svarat, och länken fungerar en gång.\n\
        .\n\
        .punkt först på raden\n\
        ÅÄÖ åäö é ü – ”citat” …\n\n\
        https://trygg.example.se/i/0123456789abcdef?lang=sv\n";
    mailer
        .send(&OutgoingMail {
            to: "Åsa Öberg <asa.oberg@kommun.example>".into(),
            subject: subject.into(),
            body: body.into(),
        })
        .await
        .expect("sent");

    let received = server.messages();
    assert_eq!(received.len(), 1, "{received:?}");
    let mail = &received[0];
    assert_eq!(mail.envelope_to, "asa.oberg@kommun.example");
    assert_eq!(mail.to, "Åsa Öberg <asa.oberg@kommun.example>");
    assert_eq!(mail.from, "trygg <noreply@localhost>");
    assert_eq!(mail.subject, subject);
    assert_eq!(mail.content_type, "text/plain; charset=utf-8");
    assert_eq!(mail.body, body);
}

#[tokio::test]
async fn messages_sent_one_after_another_all_arrive() {
    let Some(server) = smtp_server().await else {
        return;
    };
    let mailer = Mailer::from_settings(&server.mail_settings()).expect("mailer");
    for n in 1..=3 {
        mailer
            .send(&invitation(&format!("person{n}@kommun.example")))
            .await
            .expect("sent");
    }
    let recipients: Vec<String> = server
        .messages()
        .into_iter()
        .map(|m| m.envelope_to)
        .collect();
    assert_eq!(
        recipients,
        [
            "person1@kommun.example",
            "person2@kommun.example",
            "person3@kommun.example"
        ]
    );
}

#[tokio::test]
async fn a_server_that_is_down_gives_a_quick_temporary_error() {
    let mailer = Mailer::from_settings(&nobody_listening()).expect("mailer");
    let started = Instant::now();
    let error = mailer
        .send(&invitation("anna.svensson@kommun.example"))
        .await
        .expect_err("nobody listens");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(error, MailError::Unavailable(_)), "{error:?}");
    assert!(!error.is_permanent());
    assert_no_address(&error, "anna.svensson");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_a_temporary_error() {
    // Accepts connections and then says nothing, like a hung server.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let settings = MailSettings {
        host: "127.0.0.1".into(),
        port,
        ..MailSettings::default()
    };
    let mailer = Mailer::smtp(&settings, Duration::from_millis(500)).expect("mailer");
    let started = Instant::now();
    let error = mailer
        .send(&invitation("anna.svensson@kommun.example"))
        .await
        .expect_err("no greeting");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(error, MailError::Unavailable(_)), "{error:?}");
    assert_no_address(&error, "anna.svensson");
    silent.abort();
}

#[tokio::test]
async fn an_invalid_address_is_a_permanent_error_without_the_address() {
    let Some(server) = smtp_server().await else {
        return;
    };
    let mailer = Mailer::from_settings(&server.mail_settings()).expect("mailer");
    for bad in [
        "anna.svensson",
        "anna.svensson@",
        "anna.svensson@kommun example",
        "anna.svensson@@kommun.example",
    ] {
        let error = mailer.send(&invitation(bad)).await.expect_err(bad);
        assert!(
            matches!(error, MailError::InvalidAddress(_)),
            "{bad}: {error:?}"
        );
        assert!(error.is_permanent());
        assert_no_address(&error, "anna.svensson");
    }
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn a_refusal_by_the_server_is_classified_and_never_quotes_the_address() {
    let Some(server) = smtp_server().await else {
        return;
    };
    let mailer = Mailer::from_settings(&server.mail_settings()).expect("mailer");

    let error = mailer
        .send(&invitation("anna.svensson@rejected.example"))
        .await
        .expect_err("550");
    assert!(
        matches!(&error, MailError::Rejected { code: 550, message } if message.contains("User unknown")),
        "{error:?}"
    );
    assert!(error.is_permanent());
    assert_no_address(&error, "anna.svensson");

    let error = mailer
        .send(&invitation("bo.berg@busy.example"))
        .await
        .expect_err("451");
    assert!(matches!(error, MailError::Unavailable(_)), "{error:?}");
    assert!(!error.is_permanent());
    assert_no_address(&error, "bo.berg");

    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn encryption_the_server_cannot_give_fails_instead_of_falling_back_to_plain_text() {
    let Some(server) = smtp_server().await else {
        return;
    };
    // The test server offers no STARTTLS and speaks no TLS.
    for tls in [MailTls::StartTls, MailTls::Tls] {
        let settings = MailSettings {
            tls,
            ..server.mail_settings()
        };
        let mailer = Mailer::from_settings(&settings).expect("mailer");
        let started = Instant::now();
        let error = mailer
            .send(&invitation("anna.svensson@kommun.example"))
            .await
            .expect_err("no encryption to be had");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{tls:?} took {:?}",
            started.elapsed()
        );
        assert!(
            matches!(error, MailError::Unavailable(_)),
            "{tls:?}: {error:?}"
        );
        assert_no_address(&error, "anna.svensson");
    }
    assert!(server.messages().is_empty());
}
