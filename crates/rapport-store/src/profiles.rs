//! Behaviour profiles: each assessment a new row, the latest the person's
//! profile. A row is turned back into a checked [`ProfileDraft`] on the way
//! out, so the scores and the placement come from core's one scoring
//! function, never from a stored number.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rapport_core::ids::PersonId;
use rapport_core::style::{Assessment, ProfileDraft, ProfileInput};
use serde::Serialize;

use crate::fetch_list;
use crate::people::person_exists;
use crate::{audit, in_list, on_tx, Result, Store, StoreError, Tx};

/// A person's current profile and who placed them.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub id: i64,
    pub person_id: PersonId,
    /// The firm-side person who observed them.
    pub assessed_by_id: PersonId,
    pub assessed_at: DateTime<Utc>,
    pub profile: ProfileDraft,
    /// How many assessments came before this one.
    pub earlier: i64,
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: i64,
    person_id: i64,
    assessed_by_id: i64,
    assessed_at: DateTime<Utc>,
    answers: Option<String>,
    style: String,
    decision_style: Option<String>,
    wants: Option<String>,
    preferred_channel: Option<String>,
    report_cadence_days: Option<i64>,
    detail_level: Option<String>,
    contact_ideal_days: Option<i64>,
    contact_max_days: Option<i64>,
    earlier: i64,
}
crate::direct::direct_row!(ProfileRow {
    id,
    person_id,
    assessed_by_id,
    assessed_at,
    answers,
    style,
    decision_style,
    wants,
    preferred_channel,
    report_cadence_days,
    detail_level,
    contact_ideal_days,
    contact_max_days,
    earlier
});

impl TryFrom<ProfileRow> for Profile {
    type Error = StoreError;
    fn try_from(row: ProfileRow) -> Result<Self> {
        let corrupt =
            |why: String| StoreError::Corrupt(format!("behaviour_profiles row {}: {why}", row.id));
        let answers: Option<Vec<(String, u8)>> = row
            .answers
            .as_deref()
            .map(|json| {
                serde_json::from_str::<std::collections::BTreeMap<String, u8>>(json)
                    .map(|m| m.into_iter().collect())
            })
            .transpose()
            .map_err(|e| corrupt(format!("answers are not a JSON object of 1..5: {e}")))?;
        let pairs: Option<Vec<(&str, u8)>> = answers
            .as_ref()
            .map(|a| a.iter().map(|(id, n)| (id.as_str(), *n)).collect());
        let profile = ProfileDraft::new(ProfileInput {
            answers: pairs.as_deref(),
            style: answers.is_none().then_some(row.style.as_str()),
            decision_style: row.decision_style.as_deref(),
            wants: row.wants.as_deref(),
            preferred_channel: row.preferred_channel.as_deref(),
            contact_ideal_days: row.contact_ideal_days,
            contact_max_days: row.contact_max_days,
            report_cadence_days: row.report_cadence_days,
            detail_level: row.detail_level.as_deref(),
        })
        .map_err(|e| corrupt(e.to_string()))?;
        Ok(Self {
            id: row.id,
            person_id: PersonId::new(row.person_id),
            assessed_by_id: PersonId::new(row.assessed_by_id),
            assessed_at: row.assessed_at,
            profile,
            earlier: row.earlier,
        })
    }
}

/// The latest profile of each person, with the person's intervals and how
/// many assessments came before.
const SELECT_PROFILE: &str = "SELECT b.id, b.person_id, b.assessed_by_id, b.assessed_at, b.answers, \
     b.style, b.decision_style, b.wants, b.preferred_channel, b.report_cadence_days, b.detail_level, \
     p.contact_ideal_days, p.contact_max_days, \
     (SELECT COUNT(*) FROM behaviour_profiles e WHERE e.person_id = b.person_id AND e.id < b.id) AS earlier \
     FROM behaviour_profiles b JOIN people p ON p.id = b.person_id \
     WHERE b.id IN (SELECT MAX(id) FROM behaviour_profiles WHERE person_id IN";

/// What the audit log keeps of an assessment.
#[derive(Serialize)]
struct ProfileAudit<'a> {
    style: &'a str,
    method: &'a str,
    assessed_by_id: i64,
}

impl Store {
    /// Records a new assessment of `person` by `assessor` as their
    /// profile, and their contact intervals on the person, in one
    /// transaction. Someone never assesses themselves.
    pub async fn set_profile(
        &self,
        now: DateTime<Utc>,
        actor: &str,
        person: PersonId,
        assessor: PersonId,
        draft: &ProfileDraft,
    ) -> Result<Profile> {
        if person == assessor {
            return Err(StoreError::invalid(
                "person_id",
                "a profile records what others observe; ask a colleague to fill it in for you",
            ));
        }
        let mut tx = self.begin().await?;
        if !person_exists(&mut tx, person.get()).await? {
            return Err(StoreError::not_found("person", person.get()));
        }
        let id = insert_profile(&mut tx, now, person, assessor, draft).await?;
        update_intervals(&mut tx, now, person, draft).await?;
        let method = match draft.assessment() {
            Assessment::Questionnaire(..) => "questionnaire",
            Assessment::Direct(_) => "direct",
        };
        audit(
            &mut tx,
            now,
            actor,
            "person",
            person.get(),
            "profile",
            &ProfileAudit {
                style: draft.style().as_str(),
                method,
                assessed_by_id: assessor.get(),
            },
        )
        .await?;
        let profile = select_profiles(&mut tx, &[person])
            .await?
            .remove(&person)
            .ok_or_else(|| {
                StoreError::Corrupt(format!("profile {id} vanished in its transaction"))
            })?;
        tx.commit().await?;
        Ok(profile)
    }

    /// A person's current profile, if anyone has placed them.
    pub async fn profile(&self, person: PersonId) -> Result<Option<Profile>> {
        let mut tx = self.read_one().await?;
        let mut profiles = select_profiles(&mut tx, &[person]).await?;
        tx.commit().await?;
        Ok(profiles.remove(&person))
    }

    /// The current profiles of these people (those placed), in one query.
    pub async fn profiles(&self, people: &[PersonId]) -> Result<HashMap<PersonId, Profile>> {
        let mut tx = self.read_one().await?;
        let profiles = select_profiles(&mut tx, people).await?;
        tx.commit().await?;
        Ok(profiles)
    }
}

/// The latest profile of each of `people`, inside the caller's transaction.
pub(crate) async fn select_profiles(
    tx: &mut Tx,
    people: &[PersonId],
) -> Result<HashMap<PersonId, Profile>> {
    let mut ids: Vec<i64> = people.iter().map(|p| p.get()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "{SELECT_PROFILE} ({}) GROUP BY person_id)",
        in_list(ids.len())
    );
    let rows: Vec<ProfileRow> = fetch_list!(tx, fetch_all, &sql, &ids);
    rows.into_iter()
        .map(|row| Profile::try_from(row).map(|p| (p.person_id, p)))
        .collect()
}

async fn insert_profile(
    tx: &mut Tx,
    now: DateTime<Utc>,
    person: PersonId,
    assessor: PersonId,
    draft: &ProfileDraft,
) -> Result<i64> {
    let answers = draft.answers().map(|a| {
        let map: std::collections::BTreeMap<&str, u8> = a.iter().collect();
        serde_json::to_string(&map).unwrap_or_default()
    });
    let (id,): (i64,) = on_tx!(tx, conn => {
        sqlx::query_as(
            "INSERT INTO behaviour_profiles (person_id, assessed_by_id, assessed_at, answers, style, \
             decision_style, wants, preferred_channel, report_cadence_days, detail_level) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(person.get())
        .bind(assessor.get())
        .bind(now)
        .bind(answers)
        .bind(draft.style().as_str())
        .bind(draft.decision_style().map(|d| d.as_str()))
        .bind(draft.wants())
        .bind(draft.preferred_channel().map(|c| c.as_str()))
        .bind(draft.report_cadence_days())
        .bind(draft.detail_level().map(|d| d.as_str()))
        .fetch_one(conn)
        .await?
    });
    Ok(id)
}

async fn update_intervals(
    tx: &mut Tx,
    now: DateTime<Utc>,
    person: PersonId,
    draft: &ProfileDraft,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "UPDATE people SET contact_ideal_days = $1, contact_max_days = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(draft.contact_ideal_days())
        .bind(draft.contact_max_days())
        .bind(now)
        .bind(person.get())
        .execute(conn)
        .await?;
    });
    Ok(())
}
