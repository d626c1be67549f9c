//! A synthetic portfolio at a firm's size, for load tests and for trying
//! Rapport with thousands of projects: `rapport seed --projects N
//! --interactions M`.
//!
//! The shape: a client account per four projects (five client people each,
//! with contact intervals), a project manager per eight projects (each a
//! user who can sign in, with two engineers on their teams), monthly
//! baselines with an S-curve, a status record per month already past,
//! and the interactions spread over each project's life, with a follow-up
//! question raised in every fifth and a promise made in every fourth —
//! older ones answered, confirmed, kept (mostly), late or broken.
//!
//! Unlike the demo, which goes through the public operations one record at
//! a time (and so is validated like user data), the seed writes in bulk:
//! multi-row inserts with explicit ids in one transaction, so 2,000
//! projects and 200,000 interactions load in seconds. The values are
//! generated within the rules the domain types enforce (checked by the
//! test that reads a seeded database back through those types). It writes
//! no audit entries: nothing here is a change a person made. Choices are
//! drawn from a counter-based generator, so the same size gives the same
//! portfolio every time.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rapport_core::estimate::rng::mix64;

use crate::demo::{month_end, s_curve};
use crate::{on_tx, Result, Scope, Store, StoreError, Tx};

/// How big a portfolio to make.
#[derive(Debug, Clone, Copy)]
pub struct SeedSize {
    pub projects: usize,
    pub interactions: usize,
}

/// What the seed wrote.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub accounts: usize,
    pub people: usize,
    pub projects: usize,
    pub status_records: usize,
    pub interactions: usize,
    pub questions: usize,
    pub commitments: usize,
    /// The e-mail of each project manager who can sign in.
    pub pm_emails: Vec<String>,
}

/// The largest portfolio the command makes: beyond this, a load test is
/// testing the machine's disk.
pub const MAX_PROJECTS: usize = 100_000;
pub const MAX_INTERACTIONS: usize = 5_000_000;

const PROJECTS_PER_ACCOUNT: usize = 4;
const PROJECTS_PER_PM: usize = 8;
const CLIENT_PEOPLE: usize = 5;
const TEAM_PER_PM: usize = 2;
const MONTHS: u32 = 12;

const FIRST: [&str; 16] = [
    "Alex", "Bea", "Chen", "Dana", "Emil", "Farah", "Gus", "Hana", "Ivo", "Jade", "Kofi", "Lena",
    "Mateo", "Nora", "Omar", "Pia",
];
const LAST: [&str; 12] = [
    "Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Laine",
];
const CLIENT_FIRST: [&str; 14] = [
    "Ruth", "Tomás", "Ingrid", "Marcus", "Owen", "Simone", "Graham", "Yuki", "Aisha", "Petra",
    "Lars", "Noor", "Elena", "Victor",
];
const CLIENT_LAST: [&str; 13] = [
    "Abernathy",
    "Ferreira",
    "Solberg",
    "Oyelaran",
    "Pritchard",
    "Keller",
    "Raman",
    "Novak",
    "Whitfield",
    "Moreau",
    "Lindqvist",
    "Okafor",
    "Brennan",
];
const PLACES: [&str; 10] = [
    "Northwind",
    "Riverside",
    "Highfield",
    "Eastbrook",
    "Westmoor",
    "Kingsbridge",
    "Ashford",
    "Lakeside",
    "Stonegate",
    "Fairhaven",
];
const CLIENT_TITLES: [&str; CLIENT_PEOPLE] = [
    "Head of Capital Projects",
    "Operations Manager",
    "Finance Controller",
    "Chief Engineer",
    "Procurement Lead",
];
const ORGS: [&str; 8] = [
    "Water Authority",
    "Logistics",
    "Hospital Trust",
    "Energy",
    "Foods",
    "Rail",
    "Pharma",
    "Council",
];
const WORKS: [&str; 8] = [
    "Pump station retrofit",
    "SCADA upgrade",
    "Chiller controls",
    "Warehouse automation",
    "Substation refurbishment",
    "Clean-room validation",
    "Depot electrification",
    "Data-centre cooling",
];
const KINDS: [&str; 5] = ["call", "meeting", "email", "visit", "message"];
const TOPICS: [&str; 10] = [
    "cut-over window",
    "hand-over documents",
    "sign-off of the design",
    "as-built drawings",
    "factory acceptance test",
    "change request",
    "permit to work",
    "commissioning plan",
    "site access",
    "budget forecast",
];

/// Values bound per insert statement. Far below both backends' limits
/// (SQLite 32,766, PostgreSQL 65,535): sqlx's SQLite driver binds
/// parameters in time that grows faster than their number, and a few
/// hundred rows per statement already amortise the round trip.
const CHUNK_VALUES: usize = 1_000;

/// A value bound into a bulk insert.
enum Val {
    I(i64),
    OptI(Option<i64>),
    T(String),
    OptT(Option<String>),
    D(NaiveDate),
    OptD(Option<NaiveDate>),
    Ts(DateTime<Utc>),
}

/// Rows for one table, inserted in chunks that stay under both backends'
/// limit on bound values.
struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Val>>,
}

impl Table {
    fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            name,
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<Val>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    async fn insert(self, tx: &mut Tx) -> Result<usize> {
        let count = self.rows.len();
        let per_statement = (CHUNK_VALUES / self.columns.len()).max(1);
        let mut rows = self.rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_statement).collect();
            let mut n = 0;
            let values: Vec<String> = chunk
                .iter()
                .map(|row| {
                    let marks: Vec<String> = row
                        .iter()
                        .map(|_| {
                            n += 1;
                            format!("${n}")
                        })
                        .collect();
                    format!("({})", marks.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}",
                self.name,
                self.columns.join(", "),
                values.join(", ")
            );
            on_tx!(tx, conn => {
                let mut query = sqlx::query(&sql);
                for value in chunk.into_iter().flatten() {
                    query = match value {
                        Val::I(v) => query.bind(v),
                        Val::OptI(v) => query.bind(v),
                        Val::T(v) => query.bind(v),
                        Val::OptT(v) => query.bind(v),
                        Val::D(v) => query.bind(v),
                        Val::OptD(v) => query.bind(v),
                        Val::Ts(v) => query.bind(v),
                    };
                }
                query.execute(&mut *conn).await?;
            });
        }
        Ok(count)
    }
}

/// A deterministic draw in `0..n` for the `k`th choice about `what`.
fn pick(what: u64, k: u64, n: usize) -> usize {
    (mix64(what.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k) % n.max(1) as u64) as usize
}

/// The `k`th firm-side name; client people draw from other lists, so no
/// name is on both sides.
fn name(k: usize) -> String {
    format!(
        "{} {}",
        FIRST[k % FIRST.len()],
        LAST[(k / FIRST.len()) % LAST.len()]
    )
}

fn client_name(k: usize) -> String {
    format!(
        "{} {}",
        CLIENT_FIRST[k % CLIENT_FIRST.len()],
        CLIENT_LAST[(k / CLIENT_FIRST.len()) % CLIENT_LAST.len()]
    )
}

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

impl Store {
    /// Fills an empty database with a synthetic portfolio of `size`, dated
    /// around `now`; each project manager's user signs in with the password
    /// whose argon2id hash is `password_hash`.
    pub async fn seed(
        &self,
        now: DateTime<Utc>,
        size: SeedSize,
        password_hash: &str,
    ) -> Result<Seeded> {
        if size.projects == 0 || size.projects > MAX_PROJECTS {
            return Err(StoreError::Conflict(format!(
                "--projects must be between 1 and {MAX_PROJECTS}, not {}",
                size.projects
            )));
        }
        if size.interactions > MAX_INTERACTIONS {
            return Err(StoreError::Conflict(format!(
                "--interactions must be at most {MAX_INTERACTIONS}, not {}",
                size.interactions
            )));
        }
        if !self.accounts(Scope::Everything, true).await?.is_empty()
            || !self.users().await?.is_empty()
        {
            return Err(StoreError::Conflict(
                "the seed loads only into an empty database; this one already has accounts or users"
                    .into(),
            ));
        }
        let today = now.date_naive();
        let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
        let n = size.projects;
        let n_accounts = n.div_ceil(PROJECTS_PER_ACCOUNT);
        let n_pms = n.div_ceil(PROJECTS_PER_PM);
        let mut seeded = Seeded::default();

        let mut accounts = Table::new(
            "accounts",
            &["id", "name", "industry", "created_at", "updated_at"],
        );
        let mut standards = Table::new(
            "account_standards",
            &["account_id", "position", "title", "description"],
        );
        let mut people = Table::new(
            "people",
            &[
                "id",
                "side",
                "account_id",
                "name",
                "title",
                "organisation",
                "email",
                "contact_ideal_days",
                "contact_max_days",
                "created_at",
                "updated_at",
            ],
        );
        let mut users = Table::new(
            "users",
            &[
                "email",
                "name",
                "role",
                "person_id",
                "password_hash",
                "created_at",
                "updated_at",
            ],
        );
        // People ids: the firm first (each PM, then their team), then each
        // account's client people.
        let pm_person = |pm: usize| (pm * (1 + TEAM_PER_PM) + 1) as i64;
        let team_person = |pm: usize, t: usize| pm_person(pm) + 1 + t as i64;
        let client_person = |account: usize, c: usize| {
            (n_pms * (1 + TEAM_PER_PM) + account * CLIENT_PEOPLE + c + 1) as i64
        };
        for pm in 0..n_pms {
            let pm_name = name(pm);
            let email = format!("pm{}@seed.rapport.example", pm + 1);
            people.push(vec![
                Val::I(pm_person(pm)),
                Val::T("firm".into()),
                Val::OptI(None),
                Val::T(pm_name.clone()),
                Val::OptT(Some("Project Manager".into())),
                Val::OptT(Some("Rapport Seed Engineering".into())),
                Val::OptT(Some(email.clone())),
                Val::OptI(None),
                Val::OptI(None),
                Val::Ts(now),
                Val::Ts(now),
            ]);
            users.push(vec![
                Val::T(email.clone()),
                Val::T(pm_name),
                Val::T("pm".into()),
                Val::I(pm_person(pm)),
                Val::T(password_hash.to_string()),
                Val::Ts(now),
                Val::Ts(now),
            ]);
            seeded.pm_emails.push(email);
            for t in 0..TEAM_PER_PM {
                people.push(vec![
                    Val::I(team_person(pm, t)),
                    Val::T("firm".into()),
                    Val::OptI(None),
                    Val::T(name(n_pms + pm * TEAM_PER_PM + t)),
                    Val::OptT(Some("Engineer".into())),
                    Val::OptT(Some("Rapport Seed Engineering".into())),
                    Val::OptT(None),
                    Val::OptI(None),
                    Val::OptI(None),
                    Val::Ts(now),
                    Val::Ts(now),
                ]);
            }
        }
        for a in 0..n_accounts {
            let org = match a / PLACES.len() {
                0 => format!(
                    "{} {}",
                    PLACES[a % PLACES.len()],
                    ORGS[(a * 3) % ORGS.len()]
                ),
                round => format!(
                    "{} {} {}",
                    PLACES[a % PLACES.len()],
                    ORGS[(a * 3) % ORGS.len()],
                    round + 1
                ),
            };
            accounts.push(vec![
                Val::I(a as i64 + 1),
                Val::T(org.clone()),
                Val::OptT(Some(ORGS[a % ORGS.len()].into())),
                Val::Ts(now),
                Val::Ts(now),
            ]);
            for (position, (title, description)) in [
                (
                    "Weekly written status",
                    "A one-page status e-mail every Friday.",
                ),
                (
                    "Change control",
                    "Any change needs a signed change request first.",
                ),
            ]
            .into_iter()
            .enumerate()
            {
                standards.push(vec![
                    Val::I(a as i64 + 1),
                    Val::I(position as i64 + 1),
                    Val::T(title.into()),
                    Val::OptT(Some(description.into())),
                ]);
            }
            for (c, title) in CLIENT_TITLES.iter().enumerate() {
                // The rep (the first) is called every two weeks, at most a
                // month; some others have intervals of their own.
                let (ideal, max) = match c {
                    0 => (Some(14), Some(30)),
                    1 => (Some(21), Some(45)),
                    _ => (None, None),
                };
                people.push(vec![
                    Val::I(client_person(a, c)),
                    Val::T("client".into()),
                    Val::OptI(Some(a as i64 + 1)),
                    Val::T(client_name(a * CLIENT_PEOPLE + c)),
                    Val::OptT(Some((*title).into())),
                    Val::OptT(Some(org.clone())),
                    Val::OptT(Some(format!(
                        "person{}@client{}.example",
                        client_person(a, c),
                        a + 1
                    ))),
                    Val::OptI(ideal),
                    Val::OptI(max),
                    Val::Ts(now),
                    Val::Ts(now),
                ]);
            }
        }

        let mut projects = Table::new(
            "projects",
            &[
                "id",
                "account_id",
                "name",
                "code",
                "project_manager_id",
                "client_rep_id",
                "currency",
                "bac_minor",
                "baseline_start",
                "baseline_finish",
                "status",
                "created_at",
                "updated_at",
            ],
        );
        let mut planned = Table::new(
            "planned_values",
            &["project_id", "period", "period_end", "pv_minor"],
        );
        let mut stakeholders =
            Table::new("project_stakeholders", &["project_id", "person_id", "role"]);
        let mut status = Table::new(
            "status_records",
            &[
                "project_id",
                "status_date",
                "ev_minor",
                "ac_minor",
                "comment",
                "created_at",
                "updated_at",
            ],
        );
        let mut interactions = Table::new(
            "interactions",
            &[
                "id",
                "project_id",
                "occurred_on",
                "kind",
                "summary",
                "notes",
                "created_at",
            ],
        );
        let mut participants =
            Table::new("interaction_participants", &["interaction_id", "person_id"]);
        let mut questions = Table::new(
            "follow_up_questions",
            &[
                "project_id",
                "question",
                "asked_of_id",
                "asked_on",
                "answer",
                "answered_on",
                "confirmed_on",
                "confirmed_by",
                "state",
                "interaction_id",
                "created_at",
            ],
        );
        let mut commitments = Table::new(
            "commitments",
            &[
                "project_id",
                "promised_by_id",
                "promised_to_id",
                "description",
                "due_on",
                "state",
                "resolved_on",
                "reason",
                "interaction_id",
                "created_at",
                "updated_at",
            ],
        );

        let mut interaction_id = 0i64;
        for p in 0..n {
            let id = p as i64 + 1;
            let account = p / PROJECTS_PER_ACCOUNT;
            let pm = p / PROJECTS_PER_PM;
            let rep = client_person(account, 0);
            let seed = p as u64;
            let started = 1 + pick(1, seed, 11) as u32;
            let start = this_month - Months::new(started);
            let finish = month_end(start, MONTHS);
            let bac_minor = (100_000 + 10_000 * pick(2, seed, 190) as i64) * 100;
            projects.push(vec![
                Val::I(id),
                Val::I(account as i64 + 1),
                Val::T(format!("{} {}", WORKS[p % WORKS.len()], p + 1)),
                Val::OptT(Some(format!("S-{:05}", p + 1))),
                Val::I(pm_person(pm)),
                Val::I(rep),
                Val::T("EUR".into()),
                Val::I(bac_minor),
                Val::D(start),
                Val::D(finish),
                Val::T("active".into()),
                Val::Ts(now),
                Val::Ts(now),
            ]);
            let pv: Vec<i64> = (1..=MONTHS)
                .map(|k| {
                    if k == MONTHS {
                        bac_minor
                    } else {
                        (bac_minor as f64 * s_curve(f64::from(k) / f64::from(MONTHS))).round()
                            as i64
                    }
                })
                .collect();
            for (k, value) in pv.iter().enumerate() {
                planned.push(vec![
                    Val::I(id),
                    Val::I(k as i64 + 1),
                    Val::D(month_end(start, k as u32 + 1)),
                    Val::I(*value),
                ]);
            }
            for (person, role) in [
                (team_person(pm, 0), "Lead engineer"),
                (team_person(pm, 1), "Engineer"),
                (client_person(account, 1), "Operations"),
            ] {
                stakeholders.push(vec![Val::I(id), Val::I(person), Val::T(role.into())]);
            }

            // Progress at constant indices drawn per project, between 0.80
            // and 1.10: earned value is the planned value at the
            // earned-schedule point, actual cost earned value over CPI.
            let cpi = 0.80 + 0.01 * pick(3, seed, 31) as f64;
            let spi = 0.80 + 0.01 * pick(4, seed, 31) as f64;
            let pv_at = |t: f64| -> f64 {
                let k = t.floor() as usize;
                let low = if k == 0 { 0.0 } else { pv[k - 1] as f64 };
                if k >= pv.len() {
                    bac_minor as f64
                } else {
                    low + (t - k as f64) * (pv[k] as f64 - low)
                }
            };
            let mut ev_so_far = 0i64;
            for k in (1..=MONTHS).take_while(|k| month_end(start, *k) < today) {
                let ev = (pv_at(f64::from(k) * spi).round() as i64).clamp(ev_so_far, bac_minor);
                let ac = (ev as f64 / cpi).round() as i64;
                status.push(vec![
                    Val::I(id),
                    Val::D(month_end(start, k)),
                    Val::I(ev),
                    Val::I(ac),
                    Val::OptT((k % 3 == 0).then(|| "Quarterly review held with the client".into())),
                    Val::Ts(now),
                    Val::Ts(now),
                ]);
                ev_so_far = ev;
            }

            // This project's share of the interactions, spread from its
            // start to yesterday.
            let count = size.interactions / n + usize::from(p < size.interactions % n);
            // One project in five has gone quiet for six weeks, so its
            // client rep is past their interval on Today.
            let quiet = if p % 5 == 4 { 42 } else { 1 };
            let span = ((today - start).num_days() - quiet).max(1);
            for i in 0..count {
                interaction_id += 1;
                let on = start + days(i as i64 * span / count as i64);
                let k = interaction_id as u64;
                let kind = KINDS[pick(5, k, KINDS.len())];
                let topic = TOPICS[pick(6, k, TOPICS.len())];
                let with = match pick(7, k, 10) {
                    0..=6 => vec![pm_person(pm), rep],
                    7 | 8 => vec![pm_person(pm), client_person(account, 1 + pick(8, k, 4))],
                    _ => vec![pm_person(pm), rep, team_person(pm, 0)],
                };
                interactions.push(vec![
                    Val::I(interaction_id),
                    Val::I(id),
                    Val::D(on),
                    Val::T(kind.into()),
                    Val::T(format!("{}: {topic}", capitalised(kind))),
                    Val::OptT(Some(format!(
                        "Talked through the {topic} for {}; agreed next steps and who follows up.",
                        WORKS[p % WORKS.len()].to_lowercase()
                    ))),
                    Val::Ts(now),
                ]);
                for person in &with {
                    participants.push(vec![Val::I(interaction_id), Val::I(*person)]);
                }
                let age = (today - on).num_days();
                if i % 5 == 2 {
                    let asked_of = with[1];
                    let (state, answered, confirmed) = match age {
                        a if a > 30 => (
                            "understanding_confirmed",
                            Some(on + days(3)),
                            Some(on + days(4)),
                        ),
                        a if a > 10 => ("answered", Some(on + days(3)), None),
                        _ => ("open", None, None),
                    };
                    questions.push(vec![
                        Val::I(id),
                        Val::T(format!("What does the client need from the {topic}?")),
                        Val::I(asked_of),
                        Val::D(on),
                        Val::OptT(
                            answered.map(|_| {
                                format!("The {topic} as their standard says, a week ahead.")
                            }),
                        ),
                        Val::OptD(answered),
                        Val::OptD(confirmed),
                        Val::OptT(confirmed.map(|_| "the project manager (seeded)".into())),
                        Val::T(state.into()),
                        Val::OptI(Some(interaction_id)),
                        Val::Ts(now),
                    ]);
                }
                if i % 4 == 1 {
                    let due = on + days(7 + pick(9, k, 15) as i64);
                    let (by, to) = if pick(10, k, 2) == 0 {
                        (pm_person(pm), rep)
                    } else {
                        (rep, pm_person(pm))
                    };
                    let (state, resolved, reason) = if due < today - days(5) {
                        match pick(11, k, 20) {
                            0 => (
                                "broken",
                                Some(due + days(5)),
                                Some("Overtaken by a change of scope"),
                            ),
                            1..=3 => (
                                "late",
                                Some(due + days(3)),
                                Some("Waited for the client's input"),
                            ),
                            _ => ("kept", Some(due), None),
                        }
                    } else {
                        ("open", None, None)
                    };
                    commitments.push(vec![
                        Val::I(id),
                        Val::I(by),
                        Val::I(to),
                        Val::T(format!("Send the {topic} notes")),
                        Val::D(due),
                        Val::T(state.into()),
                        Val::OptD(resolved),
                        Val::OptT(reason.map(str::to_string)),
                        Val::OptI(Some(interaction_id)),
                        Val::Ts(now),
                        Val::Ts(now),
                    ]);
                }
            }
        }

        let mut tx = self.begin().await?;
        seeded.accounts = accounts.insert(&mut tx).await?;
        standards.insert(&mut tx).await?;
        seeded.people = people.insert(&mut tx).await?;
        users.insert(&mut tx).await?;
        seeded.projects = projects.insert(&mut tx).await?;
        planned.insert(&mut tx).await?;
        stakeholders.insert(&mut tx).await?;
        seeded.status_records = status.insert(&mut tx).await?;
        seeded.interactions = interactions.insert(&mut tx).await?;
        participants.insert(&mut tx).await?;
        seeded.questions = questions.insert(&mut tx).await?;
        seeded.commitments = commitments.insert(&mut tx).await?;
        advance_identities(&mut tx).await?;
        tx.commit().await?;
        if let crate::Db::Sqlite(pool) = &self.db {
            // The bulk insert left the full-text index in many segments,
            // each of which a search steps through; merge them into one (a
            // third off a search at 2,000 projects).
            sqlx::query("INSERT INTO search_index(search_index) VALUES ('optimize')")
                .execute(pool)
                .await?;
            // Move what was written from the write-ahead log into the
            // database file, so the file alone holds the portfolio.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await?;
        }
        Ok(seeded)
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// PostgreSQL's identity columns do not see ids written explicitly: move
/// each past the largest, so the next record the application adds does not
/// collide. (SQLite takes the largest id plus one by itself.)
async fn advance_identities(tx: &mut Tx) -> Result<()> {
    if let crate::TxInner::Postgres(handle) = &mut tx.0 {
        for table in ["accounts", "people", "projects", "interactions"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .execute(handle.conn())
            .await?;
        }
    }
    Ok(())
}
