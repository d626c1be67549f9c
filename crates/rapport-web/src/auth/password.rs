//! Password hashing with argon2id, off the async executor.
//!
//! The parameters are the `argon2` crate's defaults: argon2id v1.3 with
//! 19 MiB of memory, 2 passes and 1 lane, the first of OWASP's
//! password-storage recommendations. The PHC string stored records them,
//! so raising them later still verifies old hashes.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
/// CPU-heavy: call it from blocking code, or use [`hash`].
pub fn hash_blocking(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| format!("no random salt: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| format!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| format!("hashing failed: {e}"))
}

/// Whether `password` matches the PHC string. A malformed stored hash
/// matches nothing.
pub fn verify_blocking(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of nothing anyone knows, verified against when the e-mail is
/// unknown, so that an unknown address and a wrong password take the same
/// time.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        hash_blocking("no user has this password; it only costs the same time").unwrap_or_default()
    })
}

/// Hashes on the blocking pool.
pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| format!("the hashing task failed: {e}"))?
}

/// Verifies on the blocking pool; with no stored hash (unknown e-mail) it
/// verifies against a decoy and answers false, in the same time.
pub async fn verify(password: String, phc: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_blocking(&password, &phc),
        None => {
            verify_blocking(&password, decoy());
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_strings_that_verify() -> Result<(), String> {
        let phc = hash_blocking("correct horse battery")?;
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_blocking("correct horse battery", &phc));
        assert!(!verify_blocking("correct horse batterY", &phc));
        assert!(!verify_blocking("correct horse battery", "not a hash"));
        Ok(())
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() -> Result<(), String> {
        assert_ne!(
            hash_blocking("same password")?,
            hash_blocking("same password")?
        );
        Ok(())
    }
}
