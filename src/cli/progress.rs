//! Progress of the long commands (`trygg import`, `trygg demo`, `trygg sources import|fetch`,
//! `trygg indicators --recompute`, `trygg report --format pdf`), on stderr only: stdout stays
//! exactly what the command prints without it, for the tests and tools that read it.
//!
//! When stderr is a terminal, a bar (or a spinner when the total is not known) is drawn and
//! redrawn in place. Otherwise (a log file, CI, a pipe) plain lines are written, few of them:
//! one each time another tenth of the total is reached, when the total is unknown one every
//! few seconds, and a last line with the total and the time taken, so a million rows make a
//! dozen lines, never a million.
//!
//! One [`Progress`] is cloned into whatever reports it (a callback of the importer, a loop):
//! the clones share one state.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// With an unknown total, a plain line at most this often.
const UNKNOWN_TOTAL_EVERY: Duration = Duration::from_secs(5);
/// With a known total, a plain line at least this often even between two tenths.
const KNOWN_TOTAL_EVERY: Duration = Duration::from_secs(30);
/// How often a terminal's bar is redrawn by itself (its spinner and elapsed time move while a
/// step takes long).
const TICK: Duration = Duration::from_millis(120);

/// What a progress counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Rows,
    /// Shown as kB, MB, GB.
    Bytes,
    Pages,
    /// The steps of a command, each with its message ([`Progress::step`]).
    Steps,
}

impl Unit {
    fn name(self, n: u64) -> &'static str {
        let one = n == 1;
        match self {
            Unit::Rows if one => "row",
            Unit::Rows => "rows",
            Unit::Bytes if one => "byte",
            Unit::Bytes => "bytes",
            Unit::Pages if one => "page",
            Unit::Pages => "pages",
            Unit::Steps if one => "step",
            Unit::Steps => "steps",
        }
    }
}

/// The progress of one command; cheap to clone (the clones share it).
#[derive(Clone)]
pub struct Progress {
    inner: Arc<Inner>,
}

struct Inner {
    label: String,
    unit: Unit,
    mode: Mode,
}

enum Mode {
    Bar(Box<Bar>),
    Plain(Mutex<Plain>),
    Hidden,
}

struct Bar {
    bar: ProgressBar,
    /// Steps started so far (the step under way is the last of them).
    steps: Mutex<u64>,
    started: Instant,
}

/// The state of plain lines.
struct Plain {
    out: Box<dyn Write + Send>,
    total: Option<u64>,
    position: u64,
    steps: u64,
    message: String,
    started: Instant,
    last_line: Instant,
    /// The last tenth of the total a line was written for.
    tenth: u64,
    finished: bool,
}

impl Progress {
    /// A progress on stderr: a bar when stderr is a terminal, plain lines otherwise. `label`
    /// begins each line (the command, e.g. `import`); `total` is what the count goes to, when
    /// known.
    pub fn new(label: &str, total: Option<u64>, unit: Unit) -> Progress {
        if std::io::stderr().is_terminal() {
            Progress::bar(label, total, unit)
        } else {
            Progress::to_writer(Box::new(std::io::stderr()), label, total, unit)
        }
    }

    /// Plain lines to `out`, whatever it is (the tests give a buffer).
    pub fn to_writer(
        out: Box<dyn Write + Send>,
        label: &str,
        total: Option<u64>,
        unit: Unit,
    ) -> Progress {
        let now = Instant::now();
        Progress::with_mode(
            label,
            unit,
            Mode::Plain(Mutex::new(Plain {
                out,
                total,
                position: 0,
                steps: 0,
                message: String::new(),
                started: now,
                last_line: now,
                tenth: 0,
                finished: false,
            })),
        )
    }

    /// A progress that shows nothing (for callers that want none).
    pub fn hidden() -> Progress {
        Progress::with_mode("", Unit::Steps, Mode::Hidden)
    }

    /// Steps of a command on stderr: `total` of them, each announced by [`Progress::step`].
    pub fn steps(label: &str, total: u64) -> Progress {
        Progress::new(label, Some(total), Unit::Steps)
    }

    fn bar(label: &str, total: Option<u64>, unit: Unit) -> Progress {
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr())
            .with_prefix(label.to_owned());
        bar.set_style(style(unit, total.is_some()));
        bar.enable_steady_tick(TICK);
        Progress::with_mode(
            label,
            unit,
            Mode::Bar(Box::new(Bar {
                bar,
                steps: Mutex::new(0),
                started: Instant::now(),
            })),
        )
    }

    fn with_mode(label: &str, unit: Unit, mode: Mode) -> Progress {
        Progress {
            inner: Arc::new(Inner {
                label: label.to_owned(),
                unit,
                mode,
            }),
        }
    }

    /// The total, once it is known.
    pub fn set_total(&self, total: u64) {
        match &self.inner.mode {
            Mode::Bar(b) => {
                b.bar.set_length(total);
                b.bar.set_style(style(self.inner.unit, true));
            }
            Mode::Plain(plain) => lock(plain).total = Some(total),
            Mode::Hidden => {}
        }
    }

    /// How far the count has come.
    pub fn set_position(&self, position: u64) {
        match &self.inner.mode {
            Mode::Bar(b) => b.bar.set_position(position),
            Mode::Plain(plain) => {
                let mut plain = lock(plain);
                plain.position = position;
                plain.line_when_due(&self.inner);
            }
            Mode::Hidden => {}
        }
    }

    /// The count goes `by` further.
    pub fn inc(&self, by: u64) {
        match &self.inner.mode {
            Mode::Bar(b) => b.bar.inc(by),
            Mode::Plain(plain) => {
                let mut plain = lock(plain);
                plain.position = plain.position.saturating_add(by);
                plain.line_when_due(&self.inner);
            }
            Mode::Hidden => {}
        }
    }

    /// Words shown after the count (`250000 rows checked`); shown on the next line or redraw.
    pub fn set_message(&self, message: impl Into<String>) {
        let message = message.into();
        match &self.inner.mode {
            Mode::Bar(b) => b.bar.set_message(message),
            Mode::Plain(plain) => lock(plain).message = message,
            Mode::Hidden => {}
        }
    }

    /// The next step begins: the steps before it are done, and `what` says what it does.
    pub fn step(&self, what: impl Into<String>) {
        let what = what.into();
        match &self.inner.mode {
            Mode::Bar(b) => {
                let mut steps = lock(&b.steps);
                b.bar.set_position(*steps);
                *steps += 1;
                b.bar.set_message(what);
            }
            Mode::Plain(plain) => {
                let mut plain = lock(plain);
                plain.position = plain.steps;
                plain.steps += 1;
                plain.message = what;
                plain.line_when_due(&self.inner);
            }
            Mode::Hidden => {}
        }
    }

    /// Runs `f` (which writes to the terminal) with the bar out of its way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.inner.mode {
            Mode::Bar(b) => b.bar.suspend(f),
            Mode::Plain(_) | Mode::Hidden => f(),
        }
    }

    /// Done: the count is at its total, and the last line says the total and the time taken
    /// (a terminal's bar gives way to the same line).
    pub fn finish(&self) {
        let label = &self.inner.label;
        match &self.inner.mode {
            Mode::Bar(b) => {
                if b.bar.is_finished() {
                    return;
                }
                let total = b.bar.length();
                let position = total.unwrap_or_else(|| b.bar.position());
                let message = b.bar.message();
                b.bar.finish_and_clear();
                let line = done_line(
                    label,
                    self.inner.unit,
                    position,
                    &message,
                    b.started.elapsed(),
                );
                let _ = writeln!(std::io::stderr(), "{line}");
            }
            Mode::Plain(plain) => {
                let mut plain = lock(plain);
                if plain.finished {
                    return;
                }
                plain.finished = true;
                if let Some(total) = plain.total {
                    plain.position = total;
                }
                let line = done_line(
                    label,
                    self.inner.unit,
                    plain.position,
                    &plain.message,
                    plain.started.elapsed(),
                );
                plain.write(&line);
            }
            Mode::Hidden => {}
        }
    }
}

impl Drop for Inner {
    /// A command that stops on an error leaves no bar behind its error message.
    fn drop(&mut self) {
        if let Mode::Bar(b) = &self.mode
            && !b.bar.is_finished()
        {
            b.bar.finish_and_clear();
        }
    }
}

impl Plain {
    /// Writes a line when the count has reached another tenth of its total, or when it has
    /// been a while since the last line.
    fn line_when_due(&mut self, inner: &Inner) {
        if self.finished {
            return;
        }
        let now = Instant::now();
        let since = now.saturating_duration_since(self.last_line);
        let due = match self.total {
            Some(total) if total > 0 => {
                let tenth = (u128::from(self.position.min(total)) * 10 / u128::from(total)) as u64;
                if tenth > self.tenth && tenth < 10 {
                    self.tenth = tenth;
                    true
                } else {
                    since >= KNOWN_TOTAL_EVERY
                }
            }
            _ => since >= UNKNOWN_TOTAL_EVERY,
        };
        if !due {
            return;
        }
        self.last_line = now;
        let mut line = format!(
            "{}: {}",
            inner.label,
            counts(inner.unit, self.position, self.total)
        );
        if let Some(total) = self.total.filter(|t| *t > 0) {
            let percent = u128::from(self.position.min(total)) * 100 / u128::from(total);
            line.push_str(&format!(" ({percent} %)"));
        }
        if !self.message.is_empty() {
            line.push_str(", ");
            line.push_str(&self.message);
        }
        self.write(&line);
    }

    fn write(&mut self, line: &str) {
        // Progress is a courtesy: a stderr that cannot be written stops nothing.
        let _ = writeln!(self.out, "{line}").and_then(|()| self.out.flush());
    }
}

/// `250000 of 1000000 rows`, `12.0 MB of 48.0 MB`, `3 pages`.
fn counts(unit: Unit, position: u64, total: Option<u64>) -> String {
    match (unit, total) {
        (Unit::Bytes, Some(total)) => format!("{} of {}", bytes(position), bytes(total)),
        (Unit::Bytes, None) => bytes(position),
        (_, Some(total)) => format!("{position} of {total} {}", unit.name(total)),
        (_, None) => format!("{position} {}", unit.name(position)),
    }
}

/// `import: done, 1000000 rows in 98.2 s`, with the message after the count when there is one.
fn done_line(label: &str, unit: Unit, position: u64, message: &str, took: Duration) -> String {
    let count = match unit {
        Unit::Bytes => bytes(position),
        _ => format!("{position} {}", unit.name(position)),
    };
    let message = if message.is_empty() || unit == Unit::Steps {
        String::new()
    } else {
        format!(", {message}")
    };
    format!(
        "{label}: done, {count}{message} in {:.1} s",
        took.as_secs_f64()
    )
}

/// A size in bytes as people read it: `850 B`, `12.5 kB`, `480.0 MB`, `1.2 GB`.
fn bytes(n: u64) -> String {
    let n = n as f64;
    if n < 1e3 {
        format!("{n} B")
    } else if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.1} MB", n / 1e6)
    } else {
        format!("{:.1} GB", n / 1e9)
    }
}

/// The bar's look on a terminal.
fn style(unit: Unit, known_total: bool) -> ProgressStyle {
    // The message last, as `wide_msg`: cut to the terminal's width, so that the bar stays one
    // line and is redrawn in place.
    let template = match (unit, known_total) {
        (Unit::Steps, true) => {
            "{spinner} {prefix}: [{bar:24}] {pos}/{len} steps done, {elapsed} · {wide_msg}"
                .to_owned()
        }
        (Unit::Bytes, true) => {
            "{spinner} {prefix}: [{bar:24}] {decimal_bytes} of {decimal_total_bytes} ({percent} %), {eta} left · {wide_msg}".to_owned()
        }
        (_, true) => format!(
            "{{spinner}} {{prefix}}: [{{bar:24}}] {{human_pos}} of {{human_len}} {} ({{percent}} %), {{eta}} left · {{wide_msg}}",
            unit.name(2)
        ),
        (Unit::Bytes, false) => {
            "{spinner} {prefix}: {decimal_bytes}, {elapsed} · {wide_msg}".to_owned()
        }
        (_, false) => format!(
            "{{spinner}} {{prefix}}: {{human_pos}} {}, {{elapsed}} · {{wide_msg}}",
            unit.name(2)
        ),
    };
    ProgressStyle::with_template(&template)
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A lock that a panic elsewhere does not make unusable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer the test can read afterwards.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            lock(&self.0).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn lines(&self) -> Vec<String> {
            String::from_utf8_lossy(&lock(&self.0))
                .lines()
                .map(str::to_owned)
                .collect()
        }
    }

    #[test]
    fn plain_lines_are_few_for_many_increments_and_the_last_says_the_total() {
        let out = Shared::default();
        let progress =
            Progress::to_writer(Box::new(out.clone()), "import", Some(1_000_000), Unit::Rows);
        let clone = progress.clone();
        for _ in 0..1_000_000 {
            clone.inc(1);
        }
        progress.finish();
        progress.finish();
        let lines = out.lines();
        // A line per tenth (10 % … 90 %) and the last one; a slow machine may add one after
        // half a minute without a tenth.
        assert!((10..=12).contains(&lines.len()), "{lines:#?}");
        assert_eq!(lines[0], "import: 100000 of 1000000 rows (10 %)");
        assert_eq!(lines[8], "import: 900000 of 1000000 rows (90 %)");
        let last = lines.last().map(String::as_str).unwrap_or_default();
        assert!(last.starts_with("import: done, 1000000 rows in "), "{last}");
    }

    #[test]
    fn bytes_steps_and_unknown_totals_read_as_words() {
        let out = Shared::default();
        let progress = Progress::to_writer(
            Box::new(out.clone()),
            "import",
            Some(4_000_000),
            Unit::Bytes,
        );
        progress.set_message("1024 rows checked");
        progress.set_position(1_000_000);
        progress.set_position(1_100_000);
        progress.set_message("4096 rows checked");
        progress.finish();
        let lines = out.lines();
        assert_eq!(
            lines[0],
            "import: 1.0 MB of 4.0 MB (25 %), 1024 rows checked"
        );
        assert!(
            lines[1].starts_with("import: done, 4.0 MB, 4096 rows checked in "),
            "{lines:?}"
        );
        assert_eq!(lines.len(), 2);

        let out = Shared::default();
        let steps = Progress::to_writer(Box::new(out.clone()), "demo", Some(4), Unit::Steps);
        for what in ["waves 2022", "waves 2023", "plan", "logins"] {
            steps.step(what);
        }
        steps.finish();
        let lines = out.lines();
        assert_eq!(
            lines[..3],
            [
                "demo: 1 of 4 steps (25 %), waves 2023",
                "demo: 2 of 4 steps (50 %), plan",
                "demo: 3 of 4 steps (75 %), logins",
            ]
        );
        assert!(lines[3].starts_with("demo: done, 4 steps in "), "{lines:?}");

        let out = Shared::default();
        let pages = Progress::to_writer(Box::new(out.clone()), "fetch", None, Unit::Pages);
        for _ in 0..50 {
            pages.inc(1);
        }
        pages.finish();
        let lines = out.lines();
        assert_eq!(lines.len(), 1, "no line before a few seconds: {lines:?}");
        assert!(lines[0].starts_with("fetch: done, 50 pages in "));
        Progress::hidden().finish();
    }
}
