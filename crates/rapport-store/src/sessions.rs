//! Sessions, API tokens and sign-in attempts: the credentials of users
//! (see `users.rs`), kept as digests, never as the secrets themselves.

use chrono::{DateTime, Utc};
use rapport_core::ids::UserId;
use serde::Serialize;

use crate::fetch;
use crate::users::load_user;
use crate::{audit, on_tx, take_turns, Result, Store, StoreError, User};

/// A stored session, with the user it belongs to.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    csrf_token: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    user_id: i64,
}
crate::direct::direct_row!(SessionRow {
    csrf_token,
    created_at,
    last_seen_at,
    expires_at,
    user_id
});

/// An API token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}
crate::direct::direct_row!(ApiToken {
    id,
    user_id,
    label,
    prefix,
    created_at,
    expires_at,
    last_used_at,
    revoked_at
});

/// A token to store: never the token itself, only its digest.
#[derive(Debug, Clone, Copy)]
pub struct NewToken<'a> {
    pub user_id: UserId,
    pub label: &'a str,
    pub token_hash: &'a str,
    /// The token's first characters, to tell tokens apart in a list.
    pub prefix: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
}

const SELECT_TOKEN: &str = "SELECT id, user_id, label, prefix, created_at, expires_at, last_used_at, revoked_at FROM api_tokens";

impl Store {
    // Sessions.

    pub async fn create_session(
        &self,
        now: DateTime<Utc>,
        user_id: UserId,
        id_hash: &str,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let user_id = user_id.get();
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(now)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *conn)
            .await?;
        });
        tx.commit().await
    }

    /// The session with this id digest and its user, whatever its age or
    /// the user's state: the caller applies the lifetimes and the flag.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        let id_hash = id_hash.to_string();
        self.snapshot(move |mut tx| async move {
        let row: Option<SessionRow> = fetch!(
            tx,
            fetch_optional,
            "SELECT csrf_token, created_at, last_seen_at, expires_at, user_id FROM sessions WHERE id_hash = $1",
            id_hash
        );
        let record = match row {
            Some(row) => Some(SessionRecord {
                user: load_user(&mut tx, row.user_id).await?,
                csrf_token: row.csrf_token,
                created_at: row.created_at,
                last_seen_at: row.last_seen_at,
                expires_at: row.expires_at,
            }),
            None => None,
        };
        tx.commit().await?;
        Ok(record)
        })
        .await
    }

    /// Notes that a session was used, for its idle lifetime.
    pub async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(now)
                .bind(id_hash)
                .execute(&mut *conn)
                .await?;
        });
        tx.commit().await
    }

    /// Ends a session (sign-out, or an expired one found on use).
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(&mut *conn)
                .await?;
        });
        tx.commit().await
    }

    // API tokens.

    pub async fn create_token(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        new: &NewToken<'_>,
    ) -> Result<ApiToken> {
        let NewToken {
            user_id,
            label,
            token_hash,
            prefix,
            expires_at,
        } = *new;
        let user_id = user_id.get();
        let mut tx = self.begin().await?;
        load_user(&mut tx, user_id).await?;
        let token: ApiToken = on_tx!(tx, conn => {
            sqlx::query_as(&format!(
                "INSERT INTO api_tokens (user_id, label, token_hash, prefix, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING {}",
                SELECT_TOKEN.trim_start_matches("SELECT ").trim_end_matches(" FROM api_tokens")
            ))
            .bind(user_id)
            .bind(label)
            .bind(token_hash)
            .bind(prefix)
            .bind(now)
            .bind(expires_at)
            .fetch_one(&mut *conn)
            .await?
        });
        let detail = (user_id, label);
        audit(
            &mut tx,
            now,
            actor,
            "api_token",
            token.id,
            "create",
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// A user's tokens, newest first, revoked ones included.
    pub async fn tokens_of(&self, user_id: UserId) -> Result<Vec<ApiToken>> {
        let user_id = user_id.get();
        let mut tx = self.read_one().await?;
        let tokens: Vec<ApiToken> = fetch!(
            tx,
            fetch_all,
            &format!("{SELECT_TOKEN} WHERE user_id = $1 ORDER BY id DESC"),
            user_id
        );
        tx.commit().await?;
        Ok(tokens)
    }

    /// Revokes one of a user's tokens; another user's token id is not
    /// found.
    pub async fn revoke_token(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        user_id: UserId,
        token_id: i64,
    ) -> Result<ApiToken> {
        let user_id = user_id.get();
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND user_id = $3")
                .bind(now)
                .bind(token_id)
                .bind(user_id)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        if updated == 0 {
            return Err(StoreError::not_found("API token", token_id));
        }
        audit(&mut tx, now, actor, "api_token", token_id, "revoke", &()).await?;
        let token: ApiToken = fetch!(
            tx,
            fetch_one,
            &format!("{SELECT_TOKEN} WHERE id = $1"),
            token_id
        );
        tx.commit().await?;
        Ok(token)
    }

    /// The token with this digest and its user, whatever its state: the
    /// caller checks expiry, revocation and the user's flag.
    pub async fn token(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>> {
        let mut tx = self.begin_read().await?;
        let token: Option<ApiToken> = fetch!(
            tx,
            fetch_optional,
            &format!("{SELECT_TOKEN} WHERE token_hash = $1"),
            token_hash
        );
        let found = match token {
            Some(token) => {
                let user = load_user(&mut tx, token.user_id).await?;
                Some((token, user))
            }
            None => None,
        };
        tx.commit().await?;
        Ok(found)
    }

    /// Notes that a token was accepted, for its "last used" date; written at
    /// most once a minute per token.
    pub async fn mark_token_used(&self, token_id: i64, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
            )
            .bind(now)
            .bind(token_id)
            .bind(now - chrono::TimeDelta::minutes(1))
            .execute(&mut *conn)
            .await?;
        });
        tx.commit().await
    }

    // Sign-in attempts.

    /// Reserves a sign-in attempt, or reports the lock that refuses it.
    ///
    /// In one transaction that parallel attempts for the same e-mail or
    /// address take in turn: forget attempts older than `keep_since`, read
    /// the recent ones for the e-mail and the address, ask `locked` whether
    /// they lock sign-in, and if not, record this attempt as a failure
    /// until [`Store::forget_sign_in_attempt`] says it succeeded. So a burst
    /// of parallel guesses is counted like the same guesses one by one.
    /// Returns the attempt's id and the e-mail's earlier attempts.
    pub async fn reserve_sign_in_attempt<L>(
        &self,
        now: DateTime<Utc>,
        email: &str,
        address: &str,
        keep_since: DateTime<Utc>,
        locked: impl FnOnce(&[DateTime<Utc>], &[DateTime<Utc>]) -> Option<L>,
    ) -> Result<std::result::Result<(i64, Vec<DateTime<Utc>>), L>> {
        let mut tx = self.begin().await?;
        take_turns(
            &mut tx,
            &[
                &format!("sign-in e-mail {email}"),
                &format!("sign-in address {address}"),
            ],
        )
        .await?;
        type Times = Vec<(DateTime<Utc>,)>;
        let (by_email, by_address): (Times, Times) = on_tx!(tx, conn => {
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(keep_since)
                .execute(&mut *conn)
                .await?;
            let by_email = sqlx::query_as("SELECT at FROM login_failures WHERE email = $1 ORDER BY id DESC LIMIT 100")
                .bind(email)
                .fetch_all(&mut *conn)
                .await?;
            let by_address = sqlx::query_as("SELECT at FROM login_failures WHERE address = $1 ORDER BY id DESC LIMIT 100")
                .bind(address)
                .fetch_all(&mut *conn)
                .await?;
            (by_email, by_address)
        });
        let by_email: Vec<DateTime<Utc>> = by_email.into_iter().map(|(at,)| at).collect();
        let by_address: Vec<DateTime<Utc>> = by_address.into_iter().map(|(at,)| at).collect();
        if let Some(lock) = locked(&by_email, &by_address) {
            tx.commit().await?;
            return Ok(Err(lock));
        }
        let (id,): (i64,) = on_tx!(tx, conn => {
            sqlx::query_as("INSERT INTO login_failures (email, address, at) VALUES ($1, $2, $3) RETURNING id")
                .bind(email)
                .bind(address)
                .bind(now)
                .fetch_one(&mut *conn)
                .await?
        });
        tx.commit().await?;
        Ok(Ok((id, by_email)))
    }

    /// Forgets an attempt that succeeded. Earlier failures stay counted: a
    /// real user's sign-in does not give a guesser a fresh allowance.
    pub async fn forget_sign_in_attempt(&self, attempt_id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query("DELETE FROM login_failures WHERE id = $1")
                .bind(attempt_id)
                .execute(&mut *conn)
                .await?;
        });
        tx.commit().await
    }
}
