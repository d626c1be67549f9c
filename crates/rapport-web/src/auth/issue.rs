//! Making secrets for people: API tokens and generated passwords, for the
//! settings and users pages and for `rapport token create` / `rapport user
//! add`.

use chrono::TimeDelta;
use rapport_core::ids::UserId;
use rapport_store::{ApiToken, NewToken};

use super::secret;
use crate::error::ApiError;
use crate::AppState;

/// Makes and stores a token for a user; returns the token (shown once) and
/// its stored form. Shared with `rapport token create`.
pub async fn issue_token(
    state: &AppState,
    actor: &str,
    user_id: UserId,
    label: &str,
    expires_days: Option<i64>,
) -> Result<(String, ApiToken), ApiError> {
    if label.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            "label",
            "holds a control character (such as NUL or ESC); remove it",
        ));
    }
    let now = state.clock.now();
    let token =
        secret::new_api_token().map_err(|e| ApiError::Internal(format!("random token: {e}")))?;
    let prefix: String = token.chars().take(secret::TOKEN_PREFIX.len() + 6).collect();
    let stored = state
        .store
        .create_token(
            now,
            actor,
            &NewToken {
                user_id,
                label,
                token_hash: &secret::digest(&token),
                prefix: &prefix,
                expires_at: expires_days.map(|d| now + TimeDelta::days(d)),
            },
        )
        .await?;
    Ok((token, stored))
}

/// A generated password: 24 hex characters (96 bits), strong and easy to
/// copy. Shared with `rapport user add`.
pub fn generate_password() -> Result<String, ApiError> {
    let secret =
        secret::random_secret().map_err(|e| ApiError::Internal(format!("random password: {e}")))?;
    Ok(secret.chars().take(24).collect())
}
