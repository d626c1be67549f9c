//! The demo's sign-in users, one per role, added by `rapport serve --demo`
//! beside the demo portfolio.

use chrono::{DateTime, Utc};
use rapport_core::access::UserDraft;
use rapport_store::demo::DemoPeople;
use rapport_store::Store;

/// Who can sign in to the demo, and with what password.
#[derive(Debug)]
pub struct DemoUsers {
    /// E-mail and what the user sees, for the start-up message.
    pub accounts: Vec<(&'static str, &'static str)>,
    pub password: String,
    /// Where the password came from, for the start-up message.
    pub password_note: &'static str,
}

/// The demo users' password and where it came from: `RAPPORT_DEMO_PASSWORD`
/// (checked like any password; a bad one is the caller's mistake), else a
/// random one.
pub fn password() -> Result<(String, &'static str), String> {
    match std::env::var("RAPPORT_DEMO_PASSWORD") {
        Ok(password) => {
            rapport_core::access::check_new_password(&password)
                .map_err(|e| format!("RAPPORT_DEMO_PASSWORD: {e}"))?;
            Ok((password, " (from RAPPORT_DEMO_PASSWORD)"))
        }
        Err(_) => rapport_web::auth::generate_password()
            .map(|password| (password, " (random, for this run)"))
            .map_err(|e| format!("cannot make a demo password: {e:?}")),
    }
}

/// Adds `admin@`, `pm@`, `member@` and `viewer@example.com`, all with one
/// password: `RAPPORT_DEMO_PASSWORD` when set (at least 12 characters),
/// else a random one.
pub async fn add_users(
    store: &Store,
    now: DateTime<Utc>,
    people: DemoPeople,
    (password, password_note): (String, &'static str),
) -> anyhow::Result<DemoUsers> {
    let hash = rapport_web::auth::password::hash(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let users = [
        (
            "admin@example.com",
            "Avery Admin",
            "admin",
            None,
            "administrator: everything, users included",
        ),
        (
            "pm@example.com",
            "Priya Nair",
            "pm",
            Some(people.project_manager),
            "project manager of three projects",
        ),
        (
            "member@example.com",
            "Sam Whitaker",
            "member",
            Some(people.team_member),
            "engineer on the team of two projects",
        ),
        (
            "viewer@example.com",
            "Hannah Stewart",
            "viewer",
            Some(people.leadership),
            "leadership: sees everything, changes nothing",
        ),
    ];
    let mut accounts = Vec::new();
    for (email, name, role, person, what) in users {
        let draft = UserDraft::new(email, name, role).map_err(|e| anyhow::anyhow!("{e}"))?;
        store
            .create_user(now, "demo", &draft, person, &hash)
            .await
            .map_err(|e| anyhow::anyhow!("cannot add the demo user {email}: {e}"))?;
        accounts.push((email, what));
    }
    Ok(DemoUsers {
        accounts,
        password,
        password_note,
    })
}
