//! Random secrets (session ids, CSRF tokens, API tokens) and the digests
//! the database keeps of them.
//!
//! Each secret is 32 bytes from the operating system's generator, written
//! as hex. Because it carries 256 bits of entropy, a plain SHA-256 digest
//! is enough to store it: nobody can guess their way back from the digest,
//! so a slow password hash would only cost time on every request.

use sha2::{Digest, Sha256};

/// What an API token starts with, so a leaked one is recognisable in logs
/// and by secret scanners.
pub const TOKEN_PREFIX: &str = "rapport_";

/// A fresh 256-bit secret as 64 hex characters.
pub fn random_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// A fresh API token: the prefix and a 256-bit secret.
pub fn new_api_token() -> Result<String, getrandom::Error> {
    Ok(format!("{TOKEN_PREFIX}{}", random_secret()?))
}

/// The digest stored for a secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_64_hex_characters_and_differ() -> Result<(), getrandom::Error> {
        let (a, b) = (random_secret()?, random_secret()?);
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        Ok(())
    }

    #[test]
    fn the_digest_is_sha256_in_hex() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn same_compares_whole_strings() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
