//! `rapport seed`: fills an empty database with a synthetic portfolio at a
//! firm's size (see `rapport_store::seed`), for load tests and for trying
//! Rapport with thousands of projects.
//!
//! Each seeded project manager signs in with one password:
//! `RAPPORT_DEMO_PASSWORD` when set, otherwise a random one printed once.
//! What a person reads goes to standard error; standard output gets the
//! password (when generated) and, last, one project manager's e-mail, so a
//! script can sign in with `tail -1`.

use std::time::Instant;

use clap::Args;
use rapport_store::{Clock, SeedSize, MAX_INTERACTIONS, MAX_PROJECTS};

use crate::user::{store_outcome, with_store, Database};
use crate::Outcome;

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many projects (a client account per four, a project manager per eight).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_PROJECTS as u64))]
    pub projects: u64,
    /// How many interactions in all, spread evenly over the projects [default: 100 per project].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=MAX_INTERACTIONS as u64))]
    pub interactions: Option<u64>,
    #[command(flatten)]
    pub database: Database,
}

pub fn run(args: SeedArgs) -> Outcome {
    if let Some(url) = args
        .database
        .database_url
        .as_deref()
        .filter(|url| url.contains(":memory:") || url.contains("mode=memory"))
    {
        return Outcome::BadInput(format!(
            "{url} is an in-memory database: it ends when `rapport seed` does, so nothing seeded would be kept; name a file (--database-url /tmp/firm.db) or a postgres:// URL"
        ));
    }
    let size = SeedSize {
        projects: args.projects as usize,
        interactions: args
            .interactions
            .map_or(args.projects as usize * 100, |m| m as usize),
    };
    let (password, note) = match crate::demo::password() {
        Ok(found) => found,
        Err(message) => return Outcome::BadInput(message),
    };
    let hash = match rapport_web::auth::password::hash_blocking(&password) {
        Ok(hash) => hash,
        Err(message) => return Outcome::Failure(anyhow::anyhow!(message)),
    };
    let generated = note.contains("random");
    with_store(&args.database, |store| async move {
        let started = Instant::now();
        let seeded = match store.seed(Clock::System.now(), size, &hash).await {
            Ok(seeded) => seeded,
            Err(rapport_store::StoreError::Conflict(message)) => {
                return Outcome::BadInput(format!(
                    "{message} ({}); name a new file or database with --database-url",
                    store.location()
                ))
            }
            Err(e) => return store_outcome(e),
        };
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        eprintln!(
            "seeded {} in {:.1} s: {}, {}, {}, {}, {}, {}, {}",
            store.location(),
            started.elapsed().as_secs_f64(),
            count(seeded.accounts, "account", "accounts"),
            count(seeded.people, "person", "people"),
            count(seeded.projects, "project", "projects"),
            count(seeded.status_records, "status record", "status records"),
            count(seeded.interactions, "interaction", "interactions"),
            count(
                seeded.questions,
                "follow-up question",
                "follow-up questions"
            ),
            count(seeded.commitments, "commitment", "commitments"),
        );
        eprintln!(
            "{} can sign in (pm1@seed.rapport.example to pm{}@…), with the password{note}",
            count(
                seeded.pm_emails.len(),
                "project manager",
                "project managers"
            ),
            seeded.pm_emails.len()
        );
        if generated {
            eprintln!("the password, shown this once:");
            println!("{password}");
        }
        if let Some(email) = seeded.pm_emails.first() {
            eprintln!("one project manager's e-mail:");
            println!("{email}");
        }
        Outcome::Success
    })
}
