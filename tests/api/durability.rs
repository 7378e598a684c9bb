//! An acknowledged submission is never lost: `kill -9` of a real `trygg serve` right after its
//! answers, with more submissions in flight, loses none of those answered 201.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tokio::task::JoinSet;

use crate::db_tests;
use crate::helpers::{TestApp, strace_available};
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

/// On a SQLite file the writer's commits do not wait for the disk; a thread of their own syncs
/// the log and only then are the callers answered (`db::LogSync`). Under `strace`, a respondent
/// sending one submission after the other: no answer leaves the server while a write to the log
/// that came before it is not yet covered by a finished sync of the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_answer_leaves_before_the_log_holding_its_commit_is_synced() {
    if !strace_available("the order of syncs and answers") {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    create_open_wave(&url, "resident-safety", SLUG);
    let trace = dir.path().join("serve.trace");
    let calls = "pwrite64,pwritev,write,writev,sendto,sendmsg,fdatasync,fsync";
    let mut server = Server::start_traced(&url, dir.path(), calls, &trace).await;
    let responses = server.responses_url(SLUG);
    let bodies = synth_bodies("resident-safety", 20, 5);
    let client = reqwest::Client::new();
    for (i, body) in bodies.iter().enumerate() {
        assert_eq!(
            post(&client, &responses, body).await,
            Some(201),
            "submission {i}"
        );
    }
    // A repeat is answered "stored before": it too waits for the sync.
    assert_eq!(post(&client, &responses, &bodies[0]).await, Some(200));
    server.stop_traced();

    let trace = std::fs::read_to_string(&trace).expect("strace log");
    let (created, ok) = check_answers_follow_syncs(&trace);
    assert_eq!(created, 20, "201 answers in the trace:\n{trace}");
    // The repeat, and the health checks before the first submission.
    assert!(ok >= 1, "no 200 answer in the trace:\n{trace}");
    let (_, count) = stored(&url, SLUG).await;
    assert_eq!(count, 20);
}

/// Walks an `strace -f -yy` log in its order and checks that when an HTTP answer to a
/// submission starts to be written, every write to the log (`-wal`) finished before it is
/// covered by a sync of the log that began after that write and finished before the answer.
/// Returns the number of answers 201 and 200.
fn check_answers_follow_syncs(trace: &str) -> (usize, usize) {
    let mut log_writes: Vec<usize> = Vec::new();
    // The latest log write any finished sync covers.
    let mut covered: Option<usize> = None;
    // Calls under way, by thread: (name, the line it started on, its arguments).
    let mut started: std::collections::HashMap<&str, (&str, usize, &str)> = Default::default();
    let (mut created, mut ok) = (0, 0);
    for (at, line) in trace.lines().enumerate() {
        let Some((thread, rest)) = line.split_once(' ') else {
            continue;
        };
        let rest = rest.trim_start();
        // A call is finished on this line, begun on `from` with `args`.
        let (name, from, args) = if let Some(resumed) = rest.strip_prefix("<... ") {
            let Some((name, _)) = resumed.split_once(' ') else {
                continue;
            };
            match started.remove(thread) {
                Some((begun, from, args)) if begun == name => (name, from, args),
                _ => continue,
            }
        } else {
            let Some((name, args)) = rest.split_once('(') else {
                continue;
            };
            if let Some(status) = answer_status(name, args) {
                if status == 201 {
                    created += 1;
                } else {
                    ok += 1;
                }
                let owed = log_writes.last().copied();
                assert!(
                    owed <= covered,
                    "line {}: an answer left before the log write on line {} was synced:\n{line}",
                    at + 1,
                    owed.map_or(0, |w| w + 1)
                );
            }
            if args.ends_with("<unfinished ...>") {
                started.insert(thread, (name, at, args));
                continue;
            }
            (name, at, args)
        };
        let on_log = args.contains("-wal>");
        match name {
            "pwrite64" | "pwritev" | "write" | "writev" if on_log => log_writes.push(at),
            "fdatasync" | "fsync" if on_log => {
                let before = log_writes.iter().rev().find(|&&w| w < from).copied();
                covered = covered.max(before);
            }
            _ => {}
        }
    }
    (created, ok)
}

/// 201 or 200 when a call writes the start of such an HTTP answer to a socket.
fn answer_status(name: &str, args: &str) -> Option<u16> {
    if !matches!(name, "write" | "writev" | "sendto" | "sendmsg") || !args.contains("TCP:") {
        return None;
    }
    [201, 200]
        .into_iter()
        .find(|status| args.contains(&format!("\"HTTP/1.1 {status}")))
}
