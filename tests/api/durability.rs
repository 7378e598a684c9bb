//! An acknowledged submission is never lost: `kill -9` of a real `trygg serve` right after its
//! answers, with more submissions in flight, loses none of those answered 201.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tokio::task::JoinSet;

use crate::db_tests;
use crate::helpers::TestApp;
use crate::server::{Server, create_open_wave, post, stored, synth_bodies};

db_tests!(acknowledged_submissions_survive_kill_9_of_the_server);

const SLUG: &str = "kill-9";
/// Submissions sent before the kill (all at once), and at most after it began.
const BURST: usize = 200;
const STREAM: usize = 1000;
/// Connections sending one after the other while the server is killed.
const SENDERS: usize = 32;
/// Acknowledgements of the stream seen before the kill.
const KILL_AFTER: usize = 100;

fn id_of(body: &Value) -> String {
    body["submission_id"].as_str().expect("id").to_owned()
}

async fn acknowledged_submissions_survive_kill_9_of_the_server(app: TestApp) {
    let dir = tempfile::tempdir().expect("dir");
    create_open_wave(&app.database_url, "resident-safety", SLUG);
    let mut server = Server::start(&app.database_url, dir.path()).await;
    let url = server.responses_url(SLUG);
    let bodies = Arc::new(synth_bodies("resident-safety", BURST + STREAM, 9));
    let client = reqwest::Client::new();

    // A burst, all at once: group commit writes them in a few transactions.
    let mut burst = JoinSet::new();
    for i in 0..BURST {
        let (client, url, bodies) = (client.clone(), url.clone(), Arc::clone(&bodies));
        burst.spawn(async move { (i, post(&client, &url, &bodies[i]).await) });
    }
    let mut acknowledged = HashSet::new();
    for (i, status) in burst.join_all().await {
        assert_eq!(
            status,
            Some(201),
            "burst submission {i}: {}",
            server.log_text()
        );
        acknowledged.insert(id_of(&bodies[i]));
    }

    // A stream over several connections; the server is killed once some of it is answered.
    let next = Arc::new(AtomicUsize::new(BURST));
    let (answers, mut answered) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..SENDERS {
        let (client, url, bodies) = (client.clone(), url.clone(), Arc::clone(&bodies));
        let (next, answers) = (Arc::clone(&next), answers.clone());
        tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= bodies.len() {
                    break;
                }
                let status = post(&client, &url, &bodies[i]).await;
                let _ = answers.send((i, status));
                if status.is_none() {
                    break;
                }
            }
        });
    }
    drop(answers);
    let mut unanswered = Vec::new();
    let mut seen_in_stream = 0;
    let mut last_before_kill = None;
    while let Some((i, status)) = answered.recv().await {
        match status {
            Some(201) => {
                acknowledged.insert(id_of(&bodies[i]));
                seen_in_stream += 1;
                if seen_in_stream == KILL_AFTER {
                    last_before_kill = Some(i);
                    server.kill_9();
                }
            }
            Some(other) => panic!("submission {i} got {other}: {}", server.log_text()),
            None => unanswered.push(i),
        }
    }
    let last_before_kill = last_before_kill.expect("the stream ended before the kill");
    assert!(
        !unanswered.is_empty(),
        "the kill cut no request in flight, so the test proves less than it should"
    );

    // Opened afresh: every acknowledged submission is there, each with its response, and
    // nothing that was not sent.
    let (ids, responses) = stored(&app.database_url, SLUG).await;
    let lost: Vec<&String> = acknowledged.difference(&ids).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged submissions lost, e.g. {:?}",
        lost.len(),
        acknowledged.len(),
        lost.first()
    );
    assert_eq!(
        responses,
        ids.len() as u64,
        "responses and submission keys are written together"
    );
    let in_flight: HashSet<String> = unanswered.iter().map(|&i| id_of(&bodies[i])).collect();
    assert!(
        ids.iter()
            .all(|id| acknowledged.contains(id) || in_flight.contains(id)),
        "stored submissions that were never sent or were refused"
    );

    // Restarted on the same database: acknowledged submissions sent again (the last one just
    // before the kill among them) were stored before; one cut off in flight is either stored
    // before or stored now, and once only.
    let server = Server::start(&app.database_url, dir.path()).await;
    let url = server.responses_url(SLUG);
    assert_eq!(post(&client, &url, &bodies[0]).await, Some(200));
    assert_eq!(
        post(&client, &url, &bodies[last_before_kill]).await,
        Some(200)
    );
    for &i in &unanswered {
        let expected = if ids.contains(&id_of(&bodies[i])) {
            200
        } else {
            201
        };
        assert_eq!(post(&client, &url, &bodies[i]).await, Some(expected));
    }
    let (after, responses) = stored(&app.database_url, SLUG).await;
    let sent_and_not_refused: HashSet<String> = acknowledged.union(&in_flight).cloned().collect();
    assert_eq!(after, sent_and_not_refused);
    assert_eq!(responses, after.len() as u64);
}
