//! Sealing what only a respondent may read: a form draft's answers are encrypted under a key
//! that the database never holds, so a copy of the database files shows nothing of them.
//!
//! A draft has a random key of its own. That key is stored only *sealed* (encrypted) under keys
//! derived from the respondent's secrets — the draft cookie's token, and for a personal link also
//! the link's token — which the database holds only as one-way hashes in another domain. ChaCha20-
//! Poly1305 from `ring` (already built for TLS, so no new dependency to compile), a fresh random
//! nonce per sealing, the draft's wave as associated data.

use rand::RngCore;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sha2::{Digest, Sha256};

/// A 256-bit key.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A fresh random key.
    pub fn random() -> Key {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Key(bytes)
    }

    /// The key for `purpose` derived from a high-entropy secret (a 256-bit cookie token or a
    /// 130-bit invitation token; never a pupil code, which is too short to resist a search).
    /// The purpose separates it from every hash of the same secret that is stored.
    pub fn derive(purpose: &str, secret: &str) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(b"trygg-key\0");
        hasher.update(purpose.as_bytes());
        hasher.update(b"\0");
        hasher.update(secret.as_bytes());
        Key(hasher.finalize().into())
    }

    fn aead(&self) -> Option<LessSafeKey> {
        UnboundKey::new(&CHACHA20_POLY1305, &self.0)
            .ok()
            .map(LessSafeKey::new)
    }

    /// `data` encrypted and authenticated, as hex of nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, data: &[u8], context: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let mut buffer = data.to_vec();
        // A 32-byte key always makes a ChaCha20-Poly1305 key, and sealing fails only past
        // 256 GiB of data; an empty box would then fail to open, never leak.
        if let Some(key) = self.aead() {
            let sealed = key.seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buffer,
            );
            if sealed.is_err() {
                buffer.clear();
            }
        } else {
            buffer.clear();
        }
        let mut out = Vec::with_capacity(NONCE_LEN + buffer.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buffer);
        hex::encode(out)
    }

    /// What [`Key::seal`] sealed, or `None` when the key or the context is not the one it was
    /// sealed with, or the box was changed.
    pub fn open(&self, sealed: &str, context: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buffer = data.to_vec();
        let plain = self
            .aead()?
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut buffer)
            .ok()?;
        Some(plain.to_vec())
    }

    /// This key sealed under `wrapping`.
    pub fn seal_under(&self, wrapping: &Key, context: &str) -> String {
        wrapping.seal(&self.0, context)
    }

    /// A key sealed by [`Key::seal_under`], opened with `wrapping`.
    pub fn open_from(sealed: &str, wrapping: &Key, context: &str) -> Option<Key> {
        let bytes: [u8; 32] = wrapping.open(sealed, context)?.try_into().ok()?;
        Some(Key(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_sealed_opens_only_with_its_key_and_context() {
        let key = Key::random();
        let text = "Jag känner mig otrygg vid busshållplatsen";
        let sealed = key.seal(text.as_bytes(), "wave-1");
        assert!(!sealed.contains(&hex::encode(b"otrygg")));
        assert_eq!(
            key.open(&sealed, "wave-1").as_deref(),
            Some(text.as_bytes())
        );
        assert_eq!(key.open(&sealed, "wave-2"), None, "another wave");
        assert_eq!(Key::random().open(&sealed, "wave-1"), None, "another key");
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).expect("hex");
        assert_eq!(key.open(&tampered, "wave-1"), None, "a changed box");
        assert_eq!(key.open("not hex", "wave-1"), None);
        assert_eq!(key.open("00", "wave-1"), None);
    }

    #[test]
    fn the_same_data_seals_differently_each_time() {
        let key = Key::random();
        assert_ne!(key.seal(b"ja", "w"), key.seal(b"ja", "w"));
    }

    #[test]
    fn a_key_derived_from_a_secret_is_the_same_each_time_and_differs_by_purpose() {
        let a = Key::derive("draft-token", "abc");
        assert_eq!(a, Key::derive("draft-token", "abc"));
        assert_ne!(a, Key::derive("draft-access", "abc"));
        assert_ne!(a, Key::derive("draft-token", "abd"));
        let inner = Key::random();
        let wrapped = inner.seal_under(&a, "w");
        assert_eq!(Key::open_from(&wrapped, &a, "w"), Some(inner));
        assert_eq!(Key::open_from(&wrapped, &Key::random(), "w"), None);
    }
}
