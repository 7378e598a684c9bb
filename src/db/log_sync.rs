//! Group sync of a SQLite file's write-ahead log, beside the submission writer (issue 21).
//!
//! The writer's connection commits with `synchronous = NORMAL`: a commit writes its pages into
//! the log but does not wait for the disk. Before anything that commit decided is told to a
//! caller, the [`LogSync`] thread syncs the log (`fdatasync`), and only then runs the waiting
//! acknowledgements. Meanwhile the writer already stores the next batch; batches that commit
//! while a sync runs share the next one. An acknowledged submission is therefore on disk just
//! as with `synchronous = FULL`, where the commit itself syncs the log.
//!
//! Why it holds:
//! - Commits append to the log in order, and one sync covers everything written to the file
//!   before it, so a sync started after a batch's commit covers that batch and every earlier one
//!   (which a "stored before" answer may rest on).
//! - A checkpoint copies the log into the database file only after syncing the log (SQLite does
//!   so at `NORMAL` and `FULL` alike), and the log is emptied or restarted only once its pages
//!   are in the synced database file.
//! - The log file is opened by name for each sync: `fsync` applies to the file, not to the
//!   descriptor, so it flushes what the writer's connection wrote. When the file is new (the
//!   first sync, or SQLite made it anew), its directory is synced too, so that the file's name
//!   survives a power cut as well.
//! - A failed sync may have dropped the written pages from the kernel's cache; nothing after it
//!   can be trusted to be on disk. Its waiting callers, and every later one, get an error instead
//!   of an acknowledgement (their submissions may be stored; a retry with the same submission id
//!   is answered "stored before" once the service is restarted).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;

/// What waits for a sync: given `Ok` once the log is on disk, or the error of the sync that
/// failed (this one or an earlier one).
pub type Waiting = Box<dyn FnOnce(Result<(), Arc<std::io::Error>>) + Send>;

/// The handle of the sync thread. The thread ends when the handle is gone.
pub struct LogSync {
    waiting: mpsc::Sender<(u64, Waiting)>,
    /// The number of the latest [`LogSync::after_sync`].
    issued: u64,
    /// The number of the latest one whose sync has finished.
    done: tokio::sync::watch::Receiver<u64>,
}

impl LogSync {
    /// Starts the sync thread for the log of the SQLite database file `database`.
    pub fn start(database: &Path) -> std::io::Result<LogSync> {
        let (waiting, queue) = mpsc::channel();
        let (finished, done) = tokio::sync::watch::channel(0);
        let files = LogFiles::of(database);
        std::thread::Builder::new()
            .name("trygg-log-sync".to_owned())
            .spawn(move || run(files, queue, finished))?;
        Ok(LogSync {
            waiting,
            issued: 0,
            done,
        })
    }

    /// Runs `then` once everything committed so far is on disk (or with the error when the log
    /// could not be synced); its number, for [`LogSync::finished`].
    pub fn after_sync(&mut self, then: Waiting) -> u64 {
        self.issued += 1;
        if let Err(mpsc::SendError((_, then))) = self.waiting.send((self.issued, then)) {
            then(Err(Arc::new(std::io::Error::other(
                "the log sync thread has stopped",
            ))));
        }
        self.issued
    }

    /// Returns once the sync that `after_sync` number `number` waited for has finished.
    pub async fn finished(&mut self, number: u64) {
        // An error means the thread has gone, after answering everything it was given.
        let _ = self.done.wait_for(|done| *done >= number).await;
    }
}

/// The files a sync touches.
struct LogFiles {
    log: PathBuf,
    database: PathBuf,
    directory: PathBuf,
    /// The log's (device, inode) whose directory entry is known to be synced.
    known: Option<(u64, u64)>,
}

impl LogFiles {
    fn of(database: &Path) -> LogFiles {
        let mut log = database.as_os_str().to_owned();
        log.push("-wal");
        let directory = match database.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        LogFiles {
            log: PathBuf::from(log),
            database: database.to_owned(),
            directory,
            known: None,
        }
    }

    /// Syncs the log (and, the first time a log file is seen, its directory). Without a log
    /// file there is nothing unsynced in one: SQLite removes it only after copying it into the
    /// database file, which is then synced here all the same.
    fn sync(&mut self) -> std::io::Result<()> {
        let file = match std::fs::File::open(&self.log) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return std::fs::File::open(&self.database)?.sync_data();
            }
            Err(e) => return Err(e),
        };
        file.sync_data()?;
        let meta = file.metadata()?;
        let identity = (meta.dev(), meta.ino());
        if self.known != Some(identity) {
            std::fs::File::open(&self.directory)?.sync_all()?;
            self.known = Some(identity);
        }
        Ok(())
    }
}

fn run(
    mut files: LogFiles,
    queue: mpsc::Receiver<(u64, Waiting)>,
    finished: tokio::sync::watch::Sender<u64>,
) {
    let mut failed: Option<Arc<std::io::Error>> = None;
    while let Ok(first) = queue.recv() {
        let mut waiting = vec![first];
        waiting.extend(queue.try_iter());
        let last = waiting.last().map_or(0, |(number, _)| *number);
        let started = std::time::Instant::now();
        let synced = if failed.is_none() {
            files.sync()
        } else {
            Ok(())
        };
        tracing::trace!(
            batches = waiting.len(),
            micros = started.elapsed().as_micros() as u64,
            "log synced"
        );
        if let Err(e) = synced {
            tracing::error!(error = %e, log = %files.log.display(), "the write-ahead log could not be synced to disk: no submission is acknowledged any more until trygg is restarted");
            failed = Some(Arc::new(e));
        }
        let outcome = match &failed {
            None => Ok(()),
            Some(e) => Err(Arc::clone(e)),
        };
        for (_, then) in waiting {
            then(outcome.clone());
        }
        finished.send_replace(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(sync: &mut LogSync) -> Result<(), Arc<std::io::Error>> {
        let (tx, rx) = mpsc::channel();
        sync.after_sync(Box::new(move |r| {
            let _ = tx.send(r);
        }));
        rx.recv().expect("answered")
    }

    #[test]
    fn a_log_file_is_synced_and_then_the_waiting_are_answered() {
        let dir = tempfile::tempdir().expect("dir");
        let database = dir.path().join("t.db");
        std::fs::write(&database, b"db").expect("db");
        std::fs::write(dir.path().join("t.db-wal"), b"log").expect("log");
        let mut sync = LogSync::start(&database).expect("start");
        assert!(wait(&mut sync).is_ok());
        assert!(wait(&mut sync).is_ok());
    }

    #[test]
    fn without_a_log_the_database_file_is_synced() {
        let dir = tempfile::tempdir().expect("dir");
        let database = dir.path().join("t.db");
        std::fs::write(&database, b"db").expect("db");
        let mut sync = LogSync::start(&database).expect("start");
        assert!(wait(&mut sync).is_ok());
    }

    #[test]
    fn a_failed_sync_refuses_every_later_acknowledgement() {
        let dir = tempfile::tempdir().expect("dir");
        // Neither a log nor a database file: the sync fails.
        let mut sync = LogSync::start(&dir.path().join("gone.db")).expect("start");
        assert!(wait(&mut sync).is_err());
        // The files appear; the failure stands all the same.
        std::fs::write(dir.path().join("gone.db"), b"db").expect("db");
        std::fs::write(dir.path().join("gone.db-wal"), b"log").expect("log");
        let later = wait(&mut sync).expect_err("still refused");
        assert_eq!(later.kind(), std::io::ErrorKind::NotFound);
    }
}
