//! Users: the firm's people who sign in, their roles and password hashes.
//! Their sessions, tokens and sign-in attempts are in `sessions.rs`.
//!
//! The store keeps secrets only in the form the caller hands it: a PHC
//! string for a password, a digest for a session id or token. Hashing and
//! the rules on lifetimes and lock-outs belong to the web layer and core;
//! this module only reads and writes rows.

use chrono::{DateTime, Utc};
use rapport_core::access::{Role, UserDraft};
use rapport_core::domain::Side;
use serde::Serialize;

use crate::fetch;
use crate::{audit, on_tx, parse_stored, take_turns, Result, Store, StoreError, Tx};
use rapport_core::ids::{PersonId, UserId};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    person_id: i64,
    disabled: bool,
    created_at: DateTime<Utc>,
}
crate::direct::direct_row!(UserRow {
    id,
    email,
    name,
    role,
    person_id,
    disabled,
    created_at
});

/// A firm-side user and their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The firm-side person this user is.
    pub person_id: PersonId,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(row: UserRow) -> Result<Self> {
        Ok(Self {
            id: UserId::new(row.id),
            email: row.email,
            name: row.name,
            role: parse_stored(&row.role, "users.role")?,
            person_id: PersonId::new(row.person_id),
            disabled: row.disabled,
            created_at: row.created_at,
        })
    }
}

const SELECT_USER: &str =
    "SELECT id, email, name, role, person_id, disabled, created_at FROM users";

pub(crate) async fn load_user(tx: &mut Tx, id: i64) -> Result<User> {
    let row: Option<UserRow> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_USER} WHERE id = $1"),
        id
    );
    row.ok_or_else(|| StoreError::not_found("user", id))?
        .try_into()
}

async fn find_user_by_email(tx: &mut Tx, email: &str) -> Result<Option<(User, String)>> {
    let row: Option<(i64, String)> = fetch!(
        tx,
        fetch_optional,
        "SELECT id, password_hash FROM users WHERE email = $1",
        email
    );
    match row {
        Some((id, hash)) => Ok(Some((load_user(tx, id).await?, hash))),
        None => Ok(None),
    }
}

async fn user_id_by_email(tx: &mut Tx, email: &str) -> Result<i64> {
    let email = rapport_core::access::normalise_email(email);
    let row: Option<(i64,)> = fetch!(
        tx,
        fetch_optional,
        "SELECT id FROM users WHERE email = $1",
        &email
    );
    row.map(|(id,)| id).ok_or_else(|| {
        StoreError::invalid(
            "email",
            format!("no user with e-mail {email}; `rapport user list` shows who there is"),
        )
    })
}

/// Refuses a change that would leave no active administrator: nobody could
/// then manage users from the web.
async fn keep_an_admin(tx: &mut Tx, user: &User) -> Result<()> {
    if user.role != Role::Admin || user.disabled {
        return Ok(());
    }
    let (others,): (i64,) = fetch!(
        tx,
        fetch_one,
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1",
        user.id.get()
    );
    if others == 0 {
        return Err(StoreError::Conflict(format!(
            "{} is the last active administrator; make another user an administrator first",
            user.email
        )));
    }
    Ok(())
}

/// Inserts the firm-side person a new user is, when none was named.
async fn insert_firm_person(tx: &mut Tx, now: DateTime<Utc>, draft: &UserDraft) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO people (side, name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(Side::Firm.as_str())
        .bind(draft.name())
        .bind(draft.email())
        .bind(now)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
    });
    Ok(id)
}

/// Checks that an existing person can become a user: firm side, live, and
/// not already someone's account.
async fn check_person_for_user(tx: &mut Tx, person_id: i64) -> Result<()> {
    let row: Option<(String, bool, Option<String>)> = fetch!(
        tx,
        fetch_optional,
        "SELECT p.side, p.archived, u.email FROM people p LEFT JOIN users u ON u.person_id = p.id WHERE p.id = $1",
        person_id,
    );
    match row {
        None => Err(StoreError::invalid(
            "person_id",
            format!("no person with id {person_id}"),
        )),
        Some((side, _, _)) if side != Side::Firm.as_str() => Err(StoreError::invalid(
            "person_id",
            format!("person {person_id} is on the client side; users are the firm's people"),
        )),
        Some((_, true, _)) => Err(StoreError::invalid(
            "person_id",
            format!("person {person_id} is archived; restore them first"),
        )),
        Some((_, _, Some(email))) => Err(StoreError::Conflict(format!(
            "person {person_id} is already the user {email}"
        ))),
        Some(_) => Ok(()),
    }
}

impl Store {
    /// Adds a user. Without `person_id`, a firm-side person with the
    /// user's name and e-mail is created for them.
    pub async fn create_user(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        draft: &UserDraft,
        person_id: Option<PersonId>,
        password_hash: &str,
    ) -> Result<User> {
        let person_id = person_id.map(PersonId::get);
        let mut tx = self.begin().await?;
        let person_id = match person_id {
            Some(id) => {
                check_person_for_user(&mut tx, id).await?;
                id
            }
            None => insert_firm_person(&mut tx, now, draft).await?,
        };
        let (id,): (i64,) = on_tx!(tx, conn => {
            sqlx::query_as(
                "INSERT INTO users (email, name, role, person_id, password_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(draft.email())
            .bind(draft.name())
            .bind(draft.role().as_str())
            .bind(person_id)
            .bind(password_hash)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| crate::conflict_on_unique(e, || format!("a user with e-mail {} already exists", draft.email())))?
        });
        audit(
            &mut tx,
            now,
            actor,
            "user",
            id,
            "create",
            &(draft.email(), draft.role().as_str(), person_id),
        )
        .await?;
        let user = load_user(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        let id = id.get();
        let mut tx = self.read_one().await?;
        let user = load_user(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Every user, by e-mail.
    pub async fn users(&self) -> Result<Vec<User>> {
        let mut tx = self.read_one().await?;
        let rows: Vec<UserRow> = fetch!(tx, fetch_all, &format!("{SELECT_USER} ORDER BY email"));
        tx.commit().await?;
        rows.into_iter().map(User::try_from).collect()
    }

    /// The user with this (normalised) e-mail and their password hash, for
    /// sign-in.
    pub async fn user_for_sign_in(&self, email: &str) -> Result<Option<(User, String)>> {
        let mut tx = self.read_one().await?;
        let found = find_user_by_email(&mut tx, email).await?;
        tx.commit().await?;
        Ok(found)
    }

    pub async fn set_user_role(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        email: &str,
        role: Role,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        // Two administrators demoting each other at once must not both
        // pass the last-administrator check.
        take_turns(&mut tx, &["users: the administrators"]).await?;
        let id = user_id_by_email(&mut tx, email).await?;
        let before = load_user(&mut tx, id).await?;
        if before.role == role {
            tx.commit().await?;
            return Ok(before);
        }
        if role != Role::Admin {
            keep_an_admin(&mut tx, &before).await?;
        }
        on_tx!(tx, conn => {
            sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
                .bind(role.as_str())
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        });
        audit(&mut tx, now, actor, "user", id, "set_role", &role.as_str()).await?;
        let user = load_user(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Disables (or enables) a user. Disabling ends their sessions and
    /// revokes their tokens at once, on every server. The last active
    /// administrator cannot be disabled.
    pub async fn set_user_disabled(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        email: &str,
        disabled: bool,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        // Two administrators demoting each other at once must not both
        // pass the last-administrator check.
        take_turns(&mut tx, &["users: the administrators"]).await?;
        let id = user_id_by_email(&mut tx, email).await?;
        let before = load_user(&mut tx, id).await?;
        if disabled {
            keep_an_admin(&mut tx, &before).await?;
        }
        on_tx!(tx, conn => {
            sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
                .bind(disabled)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                // Revoked, not just refused: enabling the user again must
                // not bring back tokens that may have leaked meanwhile.
                sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
        });
        let action = if disabled { "disable" } else { "enable" };
        audit(&mut tx, now, actor, "user", id, action, &disabled).await?;
        let user = load_user(&mut tx, id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Replaces a user's password hash and ends their other sessions.
    pub async fn set_password(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        user_id: UserId,
        password_hash: &str,
    ) -> Result<()> {
        let user_id = user_id.get();
        let mut tx = self.begin().await?;
        load_user(&mut tx, user_id).await?;
        on_tx!(tx, conn => {
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(now)
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *conn)
                .await?;
        });
        audit(&mut tx, now, actor, "user", user_id, "set_password", &()).await?;
        tx.commit().await
    }
}
