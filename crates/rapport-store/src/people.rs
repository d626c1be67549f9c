//! People on both sides of the engagement.

use chrono::{DateTime, Utc};
use rapport_core::domain::{PersonDraft, Side};
use serde::Serialize;

use crate::accounts::account_exists;
use crate::scope::person_visible;
use crate::{
    audit, fetch, fetch_list, on_tx, parse_stored, update_archived, Archivable, Result, Scope,
    Store, StoreError, Tx,
};
use rapport_core::ids::{AccountId, PersonId};

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: i64,
    side: String,
    account_id: Option<i64>,
    name: String,
    title: Option<String>,
    organisation: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    behaviour_style: Option<String>,
    communication_preferences: Option<String>,
    contact_ideal_days: Option<i64>,
    contact_max_days: Option<i64>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::direct::direct_row!(PersonRow {
    id,
    side,
    account_id,
    name,
    title,
    organisation,
    email,
    phone,
    behaviour_style,
    communication_preferences,
    contact_ideal_days,
    contact_max_days,
    archived,
    created_at,
    updated_at
});

/// A stored person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub side: Side,
    pub account_id: Option<AccountId>,
    pub name: String,
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub behaviour_style: Option<String>,
    pub communication_preferences: Option<String>,
    /// Days without contact after which the person is due a call.
    pub contact_ideal_days: Option<i64>,
    /// Days without contact that must not pass.
    pub contact_max_days: Option<i64>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;
    fn try_from(row: PersonRow) -> Result<Self> {
        Ok(Self {
            id: PersonId::new(row.id),
            side: parse_stored(&row.side, "people.side")?,
            account_id: row.account_id.map(AccountId::new),
            name: row.name,
            title: row.title,
            organisation: row.organisation,
            email: row.email,
            phone: row.phone,
            behaviour_style: row.behaviour_style,
            communication_preferences: row.communication_preferences,
            contact_ideal_days: row.contact_ideal_days,
            contact_max_days: row.contact_max_days,
            archived: row.archived,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const SELECT_PERSON: &str =
    "SELECT id, side, account_id, name, title, organisation, email, phone, \
     behaviour_style, communication_preferences, archived, created_at, updated_at, \
     contact_ideal_days, contact_max_days FROM people";

/// What the audit log keeps of a person: who they are and how to reach
/// them (client-facing facts).
#[derive(Serialize)]
struct PersonAudit<'a> {
    side: &'a str,
    account_id: Option<i64>,
    name: &'a str,
    title: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
}

impl<'a> PersonAudit<'a> {
    fn of(draft: &'a PersonDraft) -> Self {
        Self {
            side: draft.side().as_str(),
            account_id: draft.account_id().map(AccountId::get),
            name: draft.name(),
            title: draft.title(),
            email: draft.email(),
            phone: draft.phone(),
        }
    }
}

impl Store {
    pub async fn create_person(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        draft: &PersonDraft,
    ) -> Result<Person> {
        let mut tx = self.begin().await?;
        check_person_account(&mut tx, draft).await?;
        let id = insert_person(&mut tx, now, draft).await?;
        audit(
            &mut tx,
            now,
            actor,
            "person",
            id,
            "create",
            &PersonAudit::of(draft),
        )
        .await?;
        let person = load_person(&mut tx, id).await?;
        tx.commit().await?;
        Ok(person)
    }

    pub async fn person(&self, id: PersonId) -> Result<Person> {
        let id = id.get();
        let mut tx = self.read_one().await?;
        let person = load_person(&mut tx, id).await?;
        tx.commit().await?;
        Ok(person)
    }

    /// People by name, optionally only one account's.
    pub async fn people(
        &self,
        scope: Scope,
        account_id: Option<AccountId>,
        include_archived: bool,
    ) -> Result<Vec<Person>> {
        let account_id = account_id.map(AccountId::get);
        let mut tx = self.read_one().await?;
        let rows = select_people(&mut tx, scope, account_id, include_archived).await?;
        tx.commit().await?;
        rows.into_iter().map(Person::try_from).collect()
    }

    /// The people with these ids, in one query (those that exist; order
    /// by name). For pages that name the people of their records.
    pub async fn people_named(&self, ids: &[PersonId]) -> Result<Vec<Person>> {
        let mut tx = self.read_one().await?;
        let people = select_named(&mut tx, ids).await?;
        tx.commit().await?;
        Ok(people)
    }

    pub async fn update_person(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: PersonId,
        draft: &PersonDraft,
    ) -> Result<Person> {
        let id = id.get();
        let mut tx = self.begin().await?;
        check_person_account(&mut tx, draft).await?;
        check_still_fits_projects(&mut tx, id, draft).await?;
        if !update_person_fields(&mut tx, now, id, draft).await? {
            return Err(StoreError::not_found("person", id));
        }
        audit(
            &mut tx,
            now,
            actor,
            "person",
            id,
            "update",
            &PersonAudit::of(draft),
        )
        .await?;
        let person = load_person(&mut tx, id).await?;
        tx.commit().await?;
        Ok(person)
    }

    /// Archives (or restores) a person; nothing is deleted.
    pub async fn set_person_archived(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        id: PersonId,
        archived: bool,
    ) -> Result<Person> {
        let id = id.get();
        let mut tx = self.begin().await?;
        if !update_archived(&mut tx, Archivable::People, now, id, archived).await? {
            return Err(StoreError::not_found("person", id));
        }
        let action = if archived { "archive" } else { "restore" };
        audit(&mut tx, now, actor, "person", id, action, &archived).await?;
        let person = load_person(&mut tx, id).await?;
        tx.commit().await?;
        Ok(person)
    }
}

/// A person who is a project's client rep stays one of that project's
/// account's people, and a project manager stays firm-side: the rules
/// `create_project` checks hold after the person changes too.
async fn check_still_fits_projects(tx: &mut Tx, id: i64, draft: &PersonDraft) -> Result<()> {
    let (repped, managed): (Vec<(i64, i64)>, Vec<(i64,)>) = on_tx!(tx, conn => {
        let repped = sqlx::query_as("SELECT id, account_id FROM projects WHERE client_rep_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        let managed = sqlx::query_as("SELECT id FROM projects WHERE project_manager_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        (repped, managed)
    });
    let mut errors = rapport_core::domain::ValidationErrors::default();
    if let Some((project, account)) = repped.iter().find(|(_, account)| {
        draft.side() != Side::Client || draft.account_id() != Some(AccountId::new(*account))
    }) {
        errors.add(
            "account_id",
            format!("person {id} is the client rep of project {project}, so stays a client-side person of account {account}; give that project another rep first"),
        );
    }
    if let (Some((project,)), Side::Client) = (managed.first(), draft.side()) {
        errors.add(
            "side",
            format!("person {id} manages project {project}, so stays firm-side; give that project another PM first"),
        );
    }
    errors.into_result(()).map_err(StoreError::Invalid)
}

/// One person, read inside the caller's transaction.
pub(crate) async fn load_person(tx: &mut Tx, id: i64) -> Result<Person> {
    let row: Option<PersonRow> = fetch!(
        tx,
        fetch_optional,
        &format!("{SELECT_PERSON} WHERE id = $1"),
        id
    );
    row.ok_or_else(|| StoreError::not_found("person", id))?
        .try_into()
}

/// Whether a person with this id exists (archived or not).
pub(crate) async fn person_exists(tx: &mut Tx, id: i64) -> Result<bool> {
    let found: Option<(i64,)> = fetch!(
        tx,
        fetch_optional,
        "SELECT id FROM people WHERE id = $1",
        id
    );
    Ok(found.is_some())
}

/// A client-side person's account must exist.
async fn check_person_account(tx: &mut Tx, draft: &PersonDraft) -> Result<()> {
    if let Some(account_id) = draft.account_id() {
        if !account_exists(tx, account_id.get()).await? {
            return Err(StoreError::invalid(
                "account_id",
                format!("no account with id {account_id}"),
            ));
        }
    }
    Ok(())
}

async fn select_people(
    tx: &mut Tx,
    scope: Scope,
    account_id: Option<i64>,
    include_archived: bool,
) -> Result<Vec<PersonRow>> {
    let (all, person, user) = scope.binds();
    Ok(fetch!(
        tx,
        fetch_all,
        &format!(
            "{SELECT_PERSON} WHERE ($1 OR NOT archived) AND ($2 IS NULL OR account_id = $3) AND {} ORDER BY name, id",
            person_visible(scope, "people", 4)
        ),
        include_archived,
        account_id,
        account_id,
        all,
        person,
        user,
    ))
}

async fn insert_person(tx: &mut Tx, now: DateTime<Utc>, draft: &PersonDraft) -> Result<i64> {
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO people (side, account_id, name, title, organisation, email, phone, behaviour_style, \
             communication_preferences, created_at, updated_at, contact_ideal_days, contact_max_days) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(draft.side().as_str())
        .bind(draft.account_id().map(AccountId::get))
        .bind(draft.name())
        .bind(draft.title())
        .bind(draft.organisation())
        .bind(draft.email())
        .bind(draft.phone())
        .bind(draft.behaviour_style())
        .bind(draft.communication_preferences())
        .bind(now)
        .bind(now)
        .bind(draft.contact_ideal_days())
        .bind(draft.contact_max_days())
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

/// Returns whether the person exists.
async fn update_person_fields(
    tx: &mut Tx,
    now: DateTime<Utc>,
    id: i64,
    draft: &PersonDraft,
) -> Result<bool> {
    let updated = on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE people SET side = $1, account_id = $2, name = $3, title = $4, organisation = $5, email = $6, \
             phone = $7, behaviour_style = $8, communication_preferences = $9, updated_at = $10, \
             contact_ideal_days = $12, contact_max_days = $13 WHERE id = $11",
        )
        .bind(draft.side().as_str())
        .bind(draft.account_id().map(AccountId::get))
        .bind(draft.name())
        .bind(draft.title())
        .bind(draft.organisation())
        .bind(draft.email())
        .bind(draft.phone())
        .bind(draft.behaviour_style())
        .bind(draft.communication_preferences())
        .bind(now)
        .bind(id)
        .bind(draft.contact_ideal_days())
        .bind(draft.contact_max_days())
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(updated > 0)
}

/// The people with these ids (those that exist), by name, in one query.
pub(crate) async fn select_named(tx: &mut Tx, ids: &[PersonId]) -> Result<Vec<Person>> {
    let mut ids: Vec<i64> = ids.iter().map(|p| p.get()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT_PERSON} WHERE id IN ({}) ORDER BY name, id",
        crate::in_list(ids.len())
    );
    let rows: Vec<PersonRow> = fetch_list!(tx, fetch_all, &sql, &ids);
    rows.into_iter().map(Person::try_from).collect()
}
