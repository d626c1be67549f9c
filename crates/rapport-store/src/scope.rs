//! What a user may see, as SQL: the [`Scope`] every list query takes, and
//! the lookups the web layer's access check runs.
//!
//! The rule (see `rapport_core::access`): admins and viewers see
//! everything; anyone else sees the projects they manage or are on the team
//! of (a stakeholder), the accounts of those projects and the accounts they
//! created, the client people of the accounts they see and the people on
//! the projects they see, and every firm-side person (their colleagues).
//! The fragments below are the one place that rule is written in SQL.

use rapport_core::access::Relation;

use crate::fetch;
use crate::{on_tx, Result, Store, Tx};
use rapport_core::ids::{AccountId, PersonId, ProjectId, UserId};

/// Whose records a list query may return. There is no default: a list
/// query cannot be called without saying whose view it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every record (admins, viewers, and the CLI run by the operator).
    Everything,
    /// What one user may see: by their person (projects managed or on the
    /// team of) and their user id (accounts they created).
    User {
        user_id: UserId,
        person_id: PersonId,
    },
}

impl Scope {
    /// The three values the fragments bind, in order: whether everything
    /// is visible, the person id and the user id (0 when unused: no row
    /// has id 0).
    pub(crate) fn binds(self) -> (bool, i64, i64) {
        match self {
            Scope::Everything => (true, 0, 0),
            Scope::User { user_id, person_id } => (false, person_id.get(), user_id.get()),
        }
    }
}

/// A project row aliased `alias` is visible. `$n` is "everything", `$n+1`
/// the person id. Written as a set found from the user's side (the
/// projects they manage, those they are on the team of; each by an index)
/// rather than a test of every project, so a PM's lists cost what their
/// own projects cost, not what the firm's thousands do.
/// For [`Scope::Everything`] the text is a constant test instead, so the
/// statement differs by scope (each is prepared once and cached).
pub(crate) fn project_visible(scope: Scope, alias: &str, n: usize) -> String {
    project_id_visible(scope, &format!("{alias}.id"), n)
}

/// The project id in `column` (a record's `project_id`) is of a visible
/// project. Binds as [`project_visible`].
pub(crate) fn project_id_visible(scope: Scope, column: &str, n: usize) -> String {
    // Everything is a constant test, not a list of every project: as a
    // list, every statement of an admin's page (and of the daily sweep,
    // account by account) read and sorted all the firm's projects.
    // `$n` stays bound either way, so the statement binds the same values.
    if scope == Scope::Everything {
        return format!("(${n} OR ${p} IS NULL)", p = n + 1);
    }
    format!(
        "{column} IN (SELECT sv_all.id FROM projects sv_all WHERE ${n} \
         UNION SELECT sv_pm.id FROM projects sv_pm WHERE sv_pm.project_manager_id = ${p} \
         UNION SELECT sv_team.project_id FROM project_stakeholders sv_team WHERE sv_team.person_id = ${p})",
        p = n + 1
    )
}

/// An account row aliased `alias` is visible. Binds as [`Scope::binds`]
/// from `$n`.
pub(crate) fn account_visible(scope: Scope, alias: &str, n: usize) -> String {
    format!(
        "(${n} OR {alias}.created_by_user_id = ${u} OR EXISTS (SELECT 1 FROM projects vp \
         WHERE vp.account_id = {alias}.id AND {project}))",
        u = n + 2,
        project = project_visible(scope, "vp", n),
    )
}

/// A person row aliased `alias` is visible. Binds as [`Scope::binds`] from
/// `$n`.
pub(crate) fn person_visible(scope: Scope, alias: &str, n: usize) -> String {
    format!(
        "(${n} OR {alias}.side = 'firm' \
         OR EXISTS (SELECT 1 FROM accounts va WHERE va.id = {alias}.account_id AND {account}) \
         OR EXISTS (SELECT 1 FROM projects vq WHERE {project_q} AND ({alias}.id = vq.client_rep_id \
            OR EXISTS (SELECT 1 FROM project_stakeholders vr WHERE vr.project_id = vq.id AND vr.person_id = {alias}.id))))",
        account = account_visible(scope, "va", n),
        project_q = project_visible(scope, "vq", n),
    )
}

async fn exists(tx: &mut Tx, sql: &str, scope: Scope, id: i64) -> Result<bool> {
    let (all, person, user) = scope.binds();
    let row: Option<(i64,)> = on_tx!(tx, conn => {
        sqlx::query_as(sql)
            .bind(all)
            .bind(person)
            .bind(user)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
    });
    Ok(row.is_some())
}

impl Store {
    /// Whether a PM may change this account (its details, standards and
    /// client people, archiving it): every project in it is one they
    /// manage, and they manage one or created the account. An account
    /// shared with another PM's projects is changed by an administrator,
    /// so one PM cannot archive or rewrite another's client.
    pub async fn account_changeable_by(
        &self,
        account_id: AccountId,
        user_id: UserId,
        person_id: PersonId,
    ) -> Result<bool> {
        let mut tx = self.read_one().await?;
        let row: Option<(i64,)> = fetch!(
            tx,
            fetch_optional,
            "SELECT a.id FROM accounts a WHERE a.id = $1 \
             AND (a.created_by_user_id = $2 \
             OR EXISTS (SELECT 1 FROM projects p WHERE p.account_id = a.id AND p.project_manager_id = $3)) \
             AND NOT EXISTS (SELECT 1 FROM projects q WHERE q.account_id = a.id AND q.project_manager_id <> $3)",
            account_id.get(),
            user_id.get(),
            person_id.get(),
        );
        tx.commit().await?;
        Ok(row.is_some())
    }

    /// Whether a PM may change this person: a client-side person of an
    /// account they may change. Firm-side people (colleagues, users) are
    /// changed by administrators.
    pub async fn person_changeable_by(
        &self,
        person_id: PersonId,
        user_id: UserId,
        own_person_id: PersonId,
    ) -> Result<bool> {
        let person_id = person_id.get();
        let user_id = user_id.get();
        let own_person_id = own_person_id.get();
        let account: Option<(Option<i64>, String)> = {
            let mut tx = self.read_one().await?;
            let row = fetch!(
                tx,
                fetch_optional,
                "SELECT account_id, side FROM people WHERE id = $1",
                person_id
            );
            tx.commit().await?;
            row
        };
        match account {
            Some((Some(account_id), side)) if side == "client" => {
                self.account_changeable_by(
                    AccountId::new(account_id),
                    UserId::new(user_id),
                    PersonId::new(own_person_id),
                )
                .await
            }
            _ => Ok(false),
        }
    }

    /// How `person_id` stands to a project; `None` if there is no such
    /// project.
    pub async fn project_relation(
        &self,
        project_id: ProjectId,
        person_id: PersonId,
    ) -> Result<Option<Relation>> {
        let project_id = project_id.get();
        let person_id = person_id.get();
        let mut tx = self.read_one().await?;
        let row: Option<(i64, bool)> = fetch!(
            tx,
            fetch_optional,
            "SELECT p.project_manager_id, EXISTS (SELECT 1 FROM project_stakeholders s \
                 WHERE s.project_id = p.id AND s.person_id = $2) FROM projects p WHERE p.id = $1",
            project_id,
            person_id
        );
        tx.commit().await?;
        Ok(row.map(|(manager, on_team)| {
            if manager == person_id {
                Relation::Manager
            } else if on_team {
                Relation::Team
            } else {
                Relation::Outsider
            }
        }))
    }

    /// Whether the account exists and the scope sees it.
    pub async fn account_in_scope(&self, scope: Scope, id: AccountId) -> Result<bool> {
        let id = id.get();
        let sql = format!(
            "SELECT a.id FROM accounts a WHERE {} AND a.id = $4",
            account_visible(scope, "a", 1)
        );
        let mut tx = self.read_one().await?;
        let found = exists(&mut tx, &sql, scope, id).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Whether the person exists and the scope sees them.
    pub async fn person_in_scope(&self, scope: Scope, id: PersonId) -> Result<bool> {
        let id = id.get();
        let sql = format!(
            "SELECT pe.id FROM people pe WHERE {} AND pe.id = $4",
            person_visible(scope, "pe", 1)
        );
        let mut tx = self.read_one().await?;
        let found = exists(&mut tx, &sql, scope, id).await?;
        tx.commit().await?;
        Ok(found)
    }
}
