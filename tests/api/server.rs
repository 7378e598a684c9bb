//! The real `trygg` binary as separate processes: `trygg serve` on a free loopback port, and the
//! wave commands, for tests that kill a server or run two of them on one database.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::surveys_dir;

/// The binary cargo built for these tests, without the developer's `TRYGG_*` settings.
pub fn trygg(database_url: &str) -> Command {
    let mut command = crate::cli::trygg();
    command
        .args(["--database", database_url, "--surveys"])
        .arg(surveys_dir());
    command
}

/// `trygg wave create --access open`, as an operator runs it.
pub fn create_open_wave(database_url: &str, survey: &str, slug: &str) {
    let output = trygg(database_url)
        .args(["wave", "create", "--survey", survey, "--slug", slug])
        .args(["--access", "open"])
        .output()
        .expect("run trygg wave create");
    assert!(
        output.status.success(),
        "trygg wave create: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A running `trygg serve`; killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    log: std::path::PathBuf,
}

impl Server {
    /// Starts `trygg serve` and returns once `/health` answers 200. `log_dir` receives its stderr.
    pub async fn start(database_url: &str, log_dir: &Path) -> Server {
        Server::start_logging(database_url, log_dir, "warn").await
    }

    /// [`Server::start`] with this log filter (`TRYGG_LOG`).
    pub async fn start_logging(database_url: &str, log_dir: &Path, filter: &str) -> Server {
        Server::launch(database_url, log_dir, filter, |serve| serve).await
    }

    /// [`Server::start`] under `strace -f -yy`: the system calls `calls` (e.g.
    /// `fdatasync,writev`) of every thread, with the file each descriptor names, go to `trace`.
    pub async fn start_traced(
        database_url: &str,
        log_dir: &Path,
        calls: &str,
        trace: &Path,
    ) -> Server {
        Server::launch(database_url, log_dir, "warn", |serve| {
            let mut traced = Command::new("strace");
            traced
                .args(["-f", "-qq", "-yy", "-e"])
                .arg(format!("trace={calls}"))
                .arg("-o")
                .arg(trace)
                .arg(serve.get_program())
                .args(serve.get_args());
            for (key, value) in serve.get_envs() {
                match value {
                    Some(value) => traced.env(key, value),
                    None => traced.env_remove(key),
                };
            }
            traced
        })
        .await
    }

    async fn launch(
        database_url: &str,
        log_dir: &Path,
        filter: &str,
        wrap: impl FnOnce(Command) -> Command,
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let log = log_dir.join(format!("serve-{port}.log"));
        let mut serve = trygg(database_url);
        serve
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("TRYGG_LOG", filter);
        let child = wrap(serve)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("spawn trygg serve");
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_until_healthy().await;
        server
    }

    async fn wait_until_healthy(&mut self) {
        let client = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(exit)) = self.child.try_wait() {
                panic!("trygg serve exited with {exit}: {}", self.log_text());
            }
            if let Ok(r) = client.get(format!("{}/health", self.base)).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("trygg serve gave no health answer within 30 s");
    }

    pub fn responses_url(&self, slug: &str) -> String {
        format!("{}/api/v1/waves/{slug}/responses", self.base)
    }

    /// Stops a server started with [`Server::start_traced`]: SIGTERM to `trygg` itself (strace
    /// would leave it running were strace killed), then waits for strace to finish its log.
    pub fn stop_traced(&mut self) {
        let pid = self.child.id();
        let children =
            std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        for child in children.split_whitespace() {
            let _ = Command::new("kill").args(["-TERM", child]).status();
        }
        self.child.wait().expect("wait for strace");
    }

    /// `kill -9`: no shutdown, no flushing, nothing after the signal.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Posts a body; the status, or `None` when no answer came (connection refused or cut).
pub async fn post(client: &reqwest::Client, url: &str, body: &Value) -> Option<u16> {
    let response = client.post(url).json(body).send().await.ok()?;
    let status = response.status().as_u16();
    response.bytes().await.ok()?;
    Some(status)
}

/// `count` distinct valid submissions of a questionnaire from the repository's surveys.
pub fn synth_bodies(survey: &str, count: usize, seed: u64) -> Vec<Value> {
    let catalog = trygg::survey::load_dir(&surveys_dir()).expect("surveys");
    let survey = &catalog.get(survey).expect("survey").survey;
    trygg::survey::synth(survey, count, seed).collect()
}

/// The submission ids stored for a wave, and the number of its responses, read through a new
/// connection.
pub async fn stored(database_url: &str, slug: &str) -> (std::collections::HashSet<String>, u64) {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
    use trygg::entities::{response, submission};
    let db = trygg::db::connect(database_url).await.expect("connect");
    let wave = trygg::store::waves::find_by_slug(&db, slug)
        .await
        .expect("query")
        .expect("wave");
    let ids: Vec<String> = submission::Entity::find()
        .filter(submission::Column::WaveId.eq(wave.id.as_str()))
        .select_only()
        .column(submission::Column::SubmissionId)
        .into_tuple()
        .all(&db)
        .await
        .expect("submission ids");
    let responses = response::Entity::find()
        .filter(response::Column::WaveId.eq(wave.id.as_str()))
        .count(&db)
        .await
        .expect("count");
    let _ = db.close().await;
    (ids.into_iter().collect(), responses)
}
