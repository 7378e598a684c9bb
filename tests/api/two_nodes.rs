//! Two `trygg serve` processes on one PostgreSQL database take the same wave at once: the same
//! submission sent to both is stored once, and submissions spread over both are all stored.

use std::collections::HashSet;

use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::helpers::{Backend, fresh_database};
use crate::server::{Server, create_open_wave, post, stored, synth_bodies};

const SLUG: &str = "two-nodes";
/// Submissions each sent twice to each node at the same time.
const SHARED: usize = 50;
/// Submissions whose id is sent to both nodes at the same time, with different bodies.
const CONFLICTING: usize = 10;
/// Submissions sent once, alternately to one node or the other.
const SPREAD: usize = 100;

fn id_of(body: &Value) -> String {
    body["submission_id"].as_str().expect("id").to_owned()
}

/// Sends every (url, body) at once; the statuses in the same order.
async fn send_all(client: &reqwest::Client, requests: Vec<(String, Value)>) -> Vec<Option<u16>> {
    let mut tasks = JoinSet::new();
    for (i, (url, body)) in requests.into_iter().enumerate() {
        let client = client.clone();
        tasks.spawn(async move { (i, post(&client, &url, &body).await) });
    }
    let mut answers = tasks.join_all().await;
    answers.sort_by_key(|(i, _)| *i);
    answers.into_iter().map(|(_, status)| status).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_submission_sent_to_two_nodes_at_once_is_stored_once() {
    let dir = tempfile::tempdir().expect("dir");
    let Some((url, _drop_afterwards)) = fresh_database(Backend::Postgres, dir.path()).await else {
        eprintln!(
            "TEST_DATABASE_URL is not set: the two-node test on PostgreSQL was NOT run \
             (two_nodes::the_same_submission_sent_to_two_nodes_at_once_is_stored_once)"
        );
        return;
    };
    create_open_wave(&url, "resident-safety", SLUG);
    // Both start together: migrations and questionnaire versions are serialised between them.
    let (a, b) = tokio::join!(
        Server::start(&url, dir.path()),
        Server::start(&url, dir.path())
    );
    let (to_a, to_b) = (a.responses_url(SLUG), b.responses_url(SLUG));
    let client = reqwest::Client::new();
    let bodies = synth_bodies("resident-safety", SHARED + CONFLICTING + SPREAD, 2);
    let (shared, rest) = bodies.split_at(SHARED);
    let (conflicting, spread) = rest.split_at(CONFLICTING);

    // Each shared submission four times at once, twice to each node: one is stored, the others
    // are told it was stored before.
    let requests = shared
        .iter()
        .flat_map(|body| [&to_a, &to_b, &to_a, &to_b].map(|url| (url.clone(), body.clone())))
        .collect();
    let answers = send_all(&client, requests).await;
    for (body, statuses) in shared.iter().zip(answers.chunks(4)) {
        let mut statuses = statuses.to_vec();
        statuses.sort();
        assert_eq!(
            statuses,
            [Some(200), Some(200), Some(200), Some(201)],
            "{}: {}{}",
            id_of(body),
            a.log_text(),
            b.log_text()
        );
    }

    // The same id with two bodies, one to each node: one is stored, the other is a conflict.
    let other = |body: &Value| {
        let mut changed = body.clone();
        changed["language"] = json!(if body["language"] == "sv" { "en" } else { "sv" });
        changed
    };
    let requests = conflicting
        .iter()
        .flat_map(|body| [(to_a.clone(), body.clone()), (to_b.clone(), other(body))])
        .collect();
    let answers = send_all(&client, requests).await;
    for (body, pair) in conflicting.iter().zip(answers.chunks(2)) {
        let (winner, loser) = match pair {
            [Some(201), Some(409)] => (body.clone(), other(body)),
            [Some(409), Some(201)] => (other(body), body.clone()),
            _ => panic!("{}: {pair:?}", id_of(body)),
        };
        // Whichever node is asked, the stored body is the one that got 201.
        assert_eq!(post(&client, &to_b, &winner).await, Some(200));
        assert_eq!(post(&client, &to_a, &loser).await, Some(409));
    }

    // Different submissions spread over both nodes: all stored.
    let requests = spread
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let url = if i % 2 == 0 { &to_a } else { &to_b };
            (url.clone(), body.clone())
        })
        .collect();
    let answers = send_all(&client, requests).await;
    assert!(answers.iter().all(|s| *s == Some(201)), "{answers:?}");

    // Overlapping batches on the two nodes wait for each other; none deadlocked and had to be
    // written again one submission at a time.
    for node in [&a, &b] {
        assert!(
            !node.log_text().contains("batch failed"),
            "{}",
            node.log_text()
        );
    }

    let (ids, responses) = stored(&url, SLUG).await;
    let sent: HashSet<String> = bodies.iter().map(id_of).collect();
    assert_eq!(ids, sent);
    assert_eq!(responses, sent.len() as u64, "one response per submission");
    drop((a, b));
}
