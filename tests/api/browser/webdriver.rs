//! The wire: WebDriver commands over HTTP, and the chromedriver process that answers them.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use super::{Element, string};

/// The property name under which WebDriver passes element references.
pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The HTTP side of a session, shared by the browser and its elements.
#[derive(Clone)]
pub struct Session {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`
    url: String,
}

impl Session {
    pub fn new(http: reqwest::Client, port: u16, id: &str) -> Session {
        let url = format!("http://127.0.0.1:{port}/session/{id}");
        Session { http, url }
    }

    pub async fn get(&self, what: &str, path: &str) -> Value {
        self.must(what, Method::GET, path, None).await
    }

    pub async fn post(&self, what: &str, path: &str, body: Value) -> Value {
        self.must(what, Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, what: &str, path: &str) -> Value {
        self.must(what, Method::DELETE, path, None).await
    }

    /// Runs a command that may fail.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        command(&self.http, method, &format!("{}{path}", self.url), body).await
    }

    /// Runs a command that must succeed; otherwise panics with the error and the page's address.
    async fn must(&self, what: &str, method: Method, path: &str, body: Option<Value>) -> Value {
        match self.call(method, path, body).await {
            Ok(value) => value,
            Err(error) => {
                let page = match self.call(Method::GET, "/url", None).await {
                    Ok(page) => string(page),
                    Err(e) => format!("(address unknown: {e})"),
                };
                panic!("browser: cannot {what} on {page}: {error}")
            }
        }
    }

    /// The element a find command answered with.
    pub fn element(&self, found: &Value, css: &str) -> Element {
        let id = found[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("browser: no element reference for `{css}` in {found}"));
        Element::new(self.clone(), id, css)
    }
}

/// One WebDriver command: its `value` on success, else `error: message` (first line).
async fn command(
    http: &reqwest::Client,
    method: Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    // Every POST carries a JSON body, even an empty one.
    let body = body.or_else(|| (method == Method::POST).then(|| json!({})));
    let mut request = http.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("no answer from chromedriver: {e}"))?;
    let status = response.status();
    let mut answer: Value = response
        .json()
        .await
        .map_err(|e| format!("unreadable answer from chromedriver ({status}): {e}"))?;
    let value = answer.get_mut("value").map(Value::take).unwrap_or_default();
    if status.is_success() {
        return Ok(value);
    }
    // The message's further lines are the browser version and a stack trace.
    let error = value["error"].as_str().unwrap_or("error");
    let message = value["message"].as_str().unwrap_or_default();
    let message = message.lines().next().unwrap_or_default();
    if message.starts_with(error) {
        Err(message.to_owned())
    } else {
        Err(format!("{error}: {message}"))
    }
}

/// A chromedriver process on a port of its own; killed on drop.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts chromedriver with `tmp` as the temporary directory of it and its browsers.
    pub async fn start(path: &Path, tmp: &Path, http: &reqwest::Client) -> Result<Driver, String> {
        let mut failure = String::new();
        // A free port may be taken again before chromedriver binds it: then try another.
        for _ in 0..3 {
            let port = free_port()?;
            let child = Command::new(path)
                .arg(format!("--port={port}"))
                .env("TMPDIR", tmp)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
            let mut driver = Driver { child, port };
            match driver.wait_until_ready(http).await {
                Ok(()) => return Ok(driver),
                Err(e) => failure = e,
            }
        }
        Err(failure)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn new_session(
        &self,
        http: &reqwest::Client,
        capabilities: Value,
    ) -> Result<Value, String> {
        let url = format!("http://127.0.0.1:{}/session", self.port);
        command(http, Method::POST, &url, Some(capabilities)).await
    }

    async fn wait_until_ready(&mut self, http: &reqwest::Client) -> Result<(), String> {
        let url = format!("http://127.0.0.1:{}/status", self.port);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(exit)) = self.child.try_wait() {
                return Err(format!("chromedriver on port {} ended ({exit})", self.port));
            }
            if let Ok(status) = command(http, Method::GET, &url, None).await
                && status["ready"] == true
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "chromedriver on port {} not ready in 15 s",
                    self.port
                ));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Deletes a session, which quits its browser, without a runtime (this runs in `drop`):
    /// chromedriver answers plain HTTP/1.1, and answers once the browser has quit.
    pub fn end_session(&self, id: &str) -> std::io::Result<()> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            stream,
            "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n",
            self.port
        )?;
        let mut status_line = Vec::new();
        let mut byte = [0u8; 1];
        while !status_line.ends_with(b"\r\n") && stream.read(&mut byte)? == 1 {
            status_line.push(byte[0]);
        }
        if status_line.starts_with(b"HTTP/1.1 200") {
            Ok(())
        } else {
            let answer = String::from_utf8_lossy(&status_line).into_owned();
            Err(std::io::Error::other(answer))
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free port: {e}"))
}
