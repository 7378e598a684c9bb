//! Small helpers shared across modules: random tokens, hashing, time.

use std::sync::Arc;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A 256-bit random token from the operating system's generator, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 as hex.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(data.as_ref()))
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The error underneath a message that tells of it in its own words (a file that cannot be
/// read, a parser's complaint): kept so that the message's error can give it as its source, and
/// left out when two messages are compared (they are the same when they say the same).
#[derive(Debug, Clone, Default)]
pub struct Cause(Option<Arc<dyn std::error::Error + Send + Sync>>);

impl Cause {
    pub fn of(error: impl std::error::Error + Send + Sync + 'static) -> Cause {
        Cause(Some(Arc::new(error)))
    }

    /// The error, for `Error::source`.
    pub fn get(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl PartialEq for Cause {
    fn eq(&self, _: &Cause) -> bool {
        true
    }
}

impl Eq for Cause {}
