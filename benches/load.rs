//! Load test of `POST /api/v1/waves/{slug}/responses` on SQLite (see README, "Throughput and
//! durability").
//!
//! `cargo bench --bench load [-- --seconds 10 --connections 64]` builds the release `trygg`
//! binary, starts `trygg serve` on a fresh SQLite file on loopback, creates an open wave of
//! `resident-safety` with `trygg wave create`, and posts `trygg synth` bodies (each with a fresh
//! submission id) over N keep-alive connections for T seconds. Afterwards it stops the server
//! with SIGTERM, opens the database afresh and counts the stored rows: every acknowledged (201)
//! submission must be there. Exit status 1 when they are not, or when a request got no answer.
//!
//! Then it measures what SQLite itself stores per second on the same machine with trygg's
//! settings, in batched transactions, and prints the API's rate as a share of it (issue 21).
//!
//! `cargo bench --bench load -- --guess api` (or `--guess page`) measures instead how fast one
//! can guess pupil codes: a class wave, and every request carries a fresh random code, through
//! the API or typed at `/k`. It prints the wrong codes answered per second and what that rate
//! means for the chance of hitting one of 10,000 open codes in two weeks (README, "Guessing
//! codes"); nothing may be stored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use clap::Parser;
use sea_orm::{EntityTrait, PaginatorTrait};

#[derive(Parser)]
#[command(about = "Throughput and latency of the responses API on SQLite")]
struct Args {
    /// How long to send, in seconds
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Keep-alive connections, each sending one request after the other
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// The server's log filter (TRYGG_LOG); `info` logs one line per request, as deployed
    #[arg(long, default_value = "info")]
    log: String,
    /// Keep the database and the server log, and print where they are
    #[arg(long)]
    keep: bool,
    /// Guess pupil codes instead of answering: through the API, or typed at /k
    #[arg(long, value_enum)]
    guess: Option<Guess>,
    /// Passed by `cargo bench`; ignored
    #[arg(long, hide = true)]
    bench: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Guess {
    Api,
    Page,
}

const SLUG: &str = "load";
const SURVEY: &str = "resident-safety";
const CLASS_SURVEY: &str = "school-drug-habits";
/// Distinct answer sets cycled through; each request gets a fresh submission id.
const TEMPLATES: usize = 4096;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("load: {message}");
            ExitCode::FAILURE
        }
    }
}

fn surveys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("surveys")
}

/// The `trygg` binary cargo built for this benchmark (release), without the caller's settings.
fn trygg() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trygg"));
    for (key, _) in std::env::vars() {
        if key.starts_with("TRYGG_") {
            command.env_remove(key);
        }
    }
    command.arg("--surveys").arg(surveys_dir());
    command
}

/// Stops the server with SIGTERM (graceful shutdown) when dropped early.
struct Server(Child);

impl Server {
    fn stop(&mut self) -> Result<(), String> {
        let pid = self.0.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        if !sent.is_ok_and(|s| s.success()) {
            let _ = self.0.kill();
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.0.try_wait().map_err(|e| e.to_string())? {
                return if status.success() {
                    Ok(())
                } else {
                    Err(format!("trygg serve exited with {status}"))
                };
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        Err("trygg serve did not stop within 30 s of SIGTERM".into())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn run(args: &Args) -> Result<bool, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("load.db").display());
    let created = trygg()
        .args([
            "--database",
            &database,
            "wave",
            "create",
            "--survey",
            if args.guess.is_some() {
                CLASS_SURVEY
            } else {
                SURVEY
            },
        ])
        .args(["--slug", SLUG, "--access"])
        .arg(if args.guess.is_some() {
            "class"
        } else {
            "open"
        })
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run trygg: {e}"))?;
    if !created.success() {
        return Err("trygg wave create failed".into());
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let log_path = dir.path().join("serve.log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let mut server = Server(
        trygg()
            .args(["--database", &database, "serve", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .env("TRYGG_LOG", &args.log)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start trygg serve: {e}"))?,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let base = format!("http://127.0.0.1:{port}");
    runtime.block_on(wait_for_health(&base, &mut server.0))?;

    let templates = templates(args.guess.is_some())?;
    let first_body = templates.first().cloned().unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "{} connections for {} s on {} cores (load average before: {})",
        args.connections,
        args.seconds,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let time = Duration::from_secs(args.seconds);
    let cpu_before = (cpu_seconds(server.0.id()), cpu_seconds(std::process::id()));
    let tally = if args.guess == Some(Guess::Page) {
        runtime.block_on(drive_code_page(&base, args.connections, time))
    } else {
        let url = format!("{base}/api/v1/waves/{SLUG}/responses");
        runtime.block_on(drive(&url, templates, args.connections, time))
    };
    let cpu_after = (cpu_seconds(server.0.id()), cpu_seconds(std::process::id()));
    server.stop()?;
    let (responses, submissions) = runtime.block_on(stored(&database))?;

    let ok = if args.guess.is_some() {
        report_guesses(&tally, responses)
    } else {
        let ok = report(&tally, responses, submissions);
        // CPU time per answered request: far steadier from run to run than the rate on a
        // shared machine, and what bounds the rate once the writer waits for nothing.
        if let ((Some(s0), Some(c0)), (Some(s1), Some(c1))) = (cpu_before, cpu_after) {
            let answered = (tally.created + tally.refused.values().sum::<u64>()).max(1) as f64;
            println!(
                "CPU per answered request: server {:.0} µs, load generator {:.0} µs ({:.2} and {:.2} cores)",
                1e6 * (s1 - s0) / answered,
                1e6 * (c1 - c0) / answered,
                (s1 - s0) / tally.elapsed.as_secs_f64(),
                (c1 - c0) / tally.elapsed.as_secs_f64()
            );
        }
        // What SQLite itself stores per second on this machine, with trygg's settings (WAL,
        // synchronous FULL, secure_delete), in batched transactions: the ceiling the API's
        // durable submissions are measured against (issue 21).
        let baseline = runtime.block_on(sqlite_rate(dir.path(), &first_body, time))?;
        let api = tally.created as f64 / tally.elapsed.as_secs_f64();
        println!(
            "SQLite itself, the same settings, transactions of {BASELINE_BATCH} rows of the same body: {baseline:.0} rows/s; the API: {api:.0}/s = {:.1} % of it",
            100.0 * api / baseline.max(1.0)
        );
        ok
    };
    if args.keep {
        let kept = dir.keep();
        println!("database and server log kept in {}", kept.display());
    }
    Ok(ok)
}

async fn wait_for_health(base: &str, server: &mut Child) -> Result<(), String> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(Some(status)) = server.try_wait() {
            return Err(format!("trygg serve exited with {status}"));
        }
        if let Ok(r) = client.get(format!("{base}/health")).send().await
            && r.status() == 200
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("trygg serve did not answer /health within 30 s".into())
}

/// Each body as the text after its submission id, so a request costs one copy, not a
/// serialisation: `{"submission_id":"` + id + tail. Guessing, each carries a random pupil code.
fn templates(guessing: bool) -> Result<Vec<String>, String> {
    let catalog = trygg::survey::load_dir(&surveys_dir()).map_err(|e| format!("{e:?}"))?;
    let name = if guessing { CLASS_SURVEY } else { SURVEY };
    let survey = &catalog.get(name).ok_or("no such survey")?.survey;
    Ok(trygg::survey::synth(survey, TEMPLATES, 1)
        .map(|body| {
            let code = if guessing {
                format!(
                    ",\"access_code\":\"{}\"",
                    trygg::collect::codes::new_pupil_code()
                )
            } else {
                String::new()
            };
            format!(
                "\",\"language\":{},\"answers\":{}{code}}}",
                body["language"], body["answers"]
            )
        })
        .collect())
}

#[derive(Default)]
struct Tally {
    /// Microseconds of every answered request.
    latencies: Vec<u32>,
    created: u64,
    /// Answers other than 201, by status.
    refused: BTreeMap<u16, u64>,
    /// Requests that got no answer (the submission may or may not be stored).
    unanswered: u64,
    elapsed: Duration,
}

impl Tally {
    /// Counts one request's answer: 201 as stored, any other status as refused.
    async fn count(&mut self, sent: Instant, answer: reqwest::Result<reqwest::Response>) {
        match answer {
            Ok(response) => {
                let status = response.status().as_u16();
                let _ = response.bytes().await;
                let micros = sent.elapsed().as_micros();
                self.latencies
                    .push(u32::try_from(micros).unwrap_or(u32::MAX));
                if status == 201 {
                    self.created += 1;
                } else {
                    *self.refused.entry(status).or_default() += 1;
                }
            }
            Err(_) => self.unanswered += 1,
        }
    }

    fn absorb(&mut self, part: Tally) {
        self.latencies.extend(part.latencies);
        self.created += part.created;
        self.unanswered += part.unanswered;
        for (status, n) in part.refused {
            *self.refused.entry(status).or_default() += n;
        }
    }
}

/// One task per connection (each its own client, so its own keep-alive connection), all on
/// this thread: the load generator should take as little of the two cores as it can.
async fn run_workers<F, Fut>(connections: usize, worker: F) -> Tally
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Tally> + 'static,
{
    let started = Instant::now();
    let tasks = tokio::task::LocalSet::new();
    let handles: Vec<_> = (0..connections)
        .map(|i| tasks.spawn_local(worker(i)))
        .collect();
    let mut total = Tally::default();
    tasks
        .run_until(async {
            for handle in handles {
                total.absorb(handle.await.expect("worker"));
            }
        })
        .await;
    total.elapsed = started.elapsed();
    total
}

fn client(cookies: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(cookies)
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// Submissions, each with a fresh id, over `connections` keep-alive connections.
async fn drive(url: &str, templates: Vec<String>, connections: usize, time: Duration) -> Tally {
    let templates = Rc::new(templates);
    let deadline = Instant::now() + time;
    run_workers(connections, |worker| {
        let url = url.to_owned();
        let templates = Rc::clone(&templates);
        async move {
            let client = client(false);
            let mut tally = Tally::default();
            let mut next = worker;
            while Instant::now() < deadline {
                let tail = &templates[next % templates.len()];
                next += connections;
                let mut body = Vec::with_capacity(20 + 36 + tail.len());
                body.extend_from_slice(b"{\"submission_id\":\"");
                let mut id = [0u8; 36];
                body.extend_from_slice(
                    uuid::Uuid::new_v4()
                        .hyphenated()
                        .encode_lower(&mut id)
                        .as_bytes(),
                );
                body.extend_from_slice(tail.as_bytes());
                let sent = Instant::now();
                let answer = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                tally.count(sent, answer).await;
            }
            tally
        }
    })
    .await
}

/// Rows in `responses` and `submissions`, read through a new connection after the server stopped.
async fn stored(database: &str) -> Result<(u64, u64), String> {
    let db = trygg::db::connect(database)
        .await
        .map_err(|e| e.to_string())?;
    let responses = trygg::entities::response::Entity::find()
        .count(&db)
        .await
        .map_err(|e| e.to_string())?;
    let submissions = trygg::entities::submission::Entity::find()
        .count(&db)
        .await
        .map_err(|e| e.to_string())?;
    let _ = db.close().await;
    Ok((responses, submissions))
}

/// Rows per transaction of the SQLite baseline.
const BASELINE_BATCH: usize = 256;

/// Rows per second SQLite stores in a fresh file with trygg's connection settings: a key and a
/// body per row, in transactions of [`BASELINE_BATCH`], for `time`.
async fn sqlite_rate(dir: &Path, body: &str, time: Duration) -> Result<f64, String> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    let url = format!("sqlite://{}?mode=rwc", dir.join("baseline.db").display());
    let db = trygg::db::connect(&url).await.map_err(|e| e.to_string())?;
    db.execute_unprepared("CREATE TABLE baseline (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .map_err(|e| e.to_string())?;
    let placeholders = vec!["(?, ?)"; BASELINE_BATCH].join(", ");
    let sql = format!("INSERT INTO baseline (id, body) VALUES {placeholders}");
    let started = Instant::now();
    let mut rows = 0u64;
    while started.elapsed() < time {
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(2 * BASELINE_BATCH);
        for _ in 0..BASELINE_BATCH {
            values.push(uuid::Uuid::new_v4().to_string().into());
            values.push(body.to_owned().into());
        }
        let txn = db.begin().await.map_err(|e| e.to_string())?;
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            &sql,
            values,
        ))
        .await
        .map_err(|e| e.to_string())?;
        txn.commit().await.map_err(|e| e.to_string())?;
        rows += BASELINE_BATCH as u64;
    }
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}

/// The CPU time (user and system) a process has used so far, from `/proc/<pid>/stat`, in
/// seconds; `None` where there is no such file.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are
    // state (3), ..., utime (14) and stime (15), in clock ticks of 1/100 s on Linux.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i - 3)?.parse::<f64>().ok();
    Some((ticks(14)? + ticks(15)?) / 100.0)
}

fn report(tally: &Tally, responses: u64, submissions: u64) -> bool {
    let mut latencies = tally.latencies.clone();
    latencies.sort_unstable();
    let at = |q: f64| {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        f64::from(latencies[i]) / 1000.0
    };
    let seconds = tally.elapsed.as_secs_f64();
    let rate = tally.created as f64 / seconds;
    println!(
        "accepted {} in {seconds:.2} s: {rate:.0} accepted/s",
        tally.created
    );
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        at(0.50),
        at(0.90),
        at(0.99),
        at(1.0)
    );
    let refused: Vec<String> = (tally.refused.iter())
        .map(|(status, n)| format!("{status}: {n}"))
        .collect();
    println!(
        "other answers: {}; no answer: {}",
        if refused.is_empty() {
            "none".to_owned()
        } else {
            refused.join(", ")
        },
        tally.unanswered
    );
    println!(
        "stored after shutdown: {responses} responses, {submissions} submission keys; acknowledged {}",
        tally.created
    );
    let all_stored = responses == tally.created && submissions == tally.created;
    let all_answered = tally.unanswered == 0;
    println!(
        "every acknowledged submission stored, nothing else: {}",
        if all_stored { "yes" } else { "NO" }
    );
    println!(
        "target (>= 5000 accepted/s, p99 < 50 ms): {}",
        if rate >= 5000.0 && at(0.99) < 50.0 {
            "met"
        } else {
            "not met"
        }
    );
    all_stored && all_answered
}

/// Wrong codes typed at `/k`: each connection is a browser that fetches the page once (for its
/// CSRF cookie and token) and then posts a fresh random code after the other.
async fn drive_code_page(base: &str, connections: usize, time: Duration) -> Tally {
    let deadline = Instant::now() + time;
    run_workers(connections, |_| {
        let base = base.to_owned();
        async move {
            let client = client(true);
            let mut tally = Tally::default();
            let page = match client.get(format!("{base}/k")).send().await {
                Ok(r) => r.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            let marker = "name=\"_csrf\" value=\"";
            let csrf = page
                .find(marker)
                .map(|at| &page[at + marker.len()..])
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_owned();
            while Instant::now() < deadline {
                let code = trygg::collect::codes::new_pupil_code();
                let sent = Instant::now();
                let answer = client
                    .post(format!("{base}/k"))
                    .form(&[("_csrf", csrf.as_str()), ("code", code.as_str())])
                    .send()
                    .await;
                tally.count(sent, answer).await;
            }
            tally
        }
    })
    .await
}

/// Wrong codes answered per second, and the chance that guessing at that rate for two weeks
/// hits one of 10,000 open codes: each guess hits with probability 10,000 / 32¹².
fn report_guesses(tally: &Tally, responses: u64) -> bool {
    let seconds = tally.elapsed.as_secs_f64();
    let wrong: u64 = tally
        .refused
        .iter()
        .filter(|(status, _)| matches!(status, 403 | 422))
        .map(|(_, n)| n)
        .sum();
    let rate = wrong as f64 / seconds;
    let answers: Vec<String> = (tally.refused.iter())
        .map(|(status, n)| format!("{status}: {n}"))
        .collect();
    println!(
        "answers: {}; no answer: {}",
        answers.join(", "),
        tally.unanswered
    );
    let space = 32f64.powi(trygg::collect::codes::PUPIL_CODE_LEN as i32);
    let guesses = rate * 14.0 * 24.0 * 3600.0;
    let chance = -(-guesses * 10_000.0 / space).exp_m1();
    println!("wrong codes answered: {rate:.0}/s");
    println!(
        "two weeks at this rate: {guesses:.3e} guesses, chance of one hit among 10,000 open codes: {:.4} %",
        chance * 100.0
    );
    let nothing_stored = responses == 0 && tally.created == 0;
    println!(
        "nothing stored: {}",
        if nothing_stored { "yes" } else { "NO" }
    );
    nothing_stored && tally.unanswered == 0 && chance < 0.01
}
