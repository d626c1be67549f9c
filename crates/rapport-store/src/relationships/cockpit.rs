//! Everything a project's cockpit shows, read in one snapshot: the project
//! and its account, its status records, its latest conversations (and how
//! many there are), its questions and commitments, its estimate versions
//! with their results, and the people all of these name.
//!
//! One read transaction of eleven statements, in place of nine separate
//! reads with their own `BEGIN` and `COMMIT`: the page is consistent (no
//! status record from after the commitments were read) and, on SQLite,
//! spends its time in queries rather than in hand-offs to the connection's
//! worker thread.

use super::statements::*;
use super::{Commitment, FollowUpQuestion, Interaction};
use crate::{
    Account, EstimateVersion, Person, Project, Result, StatusRecord, Store, StoredResults,
};
use rapport_core::ids::{PersonId, ProjectId};

/// A project's cockpit, as one snapshot.
#[derive(Debug, Clone)]
pub struct CockpitRecord {
    pub project: Project,
    pub account: Account,
    /// Live status records, by date.
    pub status: Vec<StatusRecord>,
    /// The latest conversations, newest first.
    pub interactions: Vec<Interaction>,
    /// How many conversations there are in all.
    pub interactions_total: i64,
    pub questions: Vec<FollowUpQuestion>,
    pub commitments: Vec<Commitment>,
    /// Estimate versions, oldest first, with their kept results.
    pub versions: Vec<(EstimateVersion, Option<StoredResults>)>,
    /// Everyone the records name, by name.
    pub people: Vec<Person>,
}

impl Store {
    /// The cockpit of a project, with its latest `timeline` conversations.
    pub async fn cockpit(&self, project_id: ProjectId, timeline: i64) -> Result<CockpitRecord> {
        let id = project_id.get();
        let mut tx = self.begin_read().await?;
        let project = crate::projects::load_project(&mut tx, id).await?;
        let account = crate::accounts::load_account(&mut tx, project.account_id.get()).await?;
        let status = crate::status::live_statuses(&mut tx, id).await?;
        let rows = select_interaction_page(&mut tx, id, timeline, 0).await?;
        let interactions_total = count_interactions(&mut tx, id).await?;
        let participants = select_participants_of(&mut tx, &ids_of(&rows)).await?;
        let questions = select_questions(&mut tx, id).await?;
        let commitments = select_commitments(&mut tx, id).await?;
        let versions = crate::estimates::versions_with_results(&mut tx, id).await?;
        let interactions: Vec<Interaction> = rows
            .into_iter()
            .map(|r| interaction_of(r, &participants))
            .collect::<Result<_>>()?;
        let questions: Vec<FollowUpQuestion> = questions
            .into_iter()
            .map(FollowUpQuestion::try_from)
            .collect::<Result<_>>()?;
        let commitments: Vec<Commitment> = commitments
            .into_iter()
            .map(Commitment::try_from)
            .collect::<Result<_>>()?;
        let mut named: Vec<PersonId> = vec![project.project_manager_id, project.client_rep_id];
        named.extend(project.stakeholders.iter().map(|s| s.person_id));
        named.extend(interactions.iter().flat_map(|i| i.participant_ids.clone()));
        named.extend(questions.iter().map(|q| q.asked_of_id));
        named.extend(
            commitments
                .iter()
                .flat_map(|c| [c.promised_by_id, c.promised_to_id]),
        );
        let people = crate::people::select_named(&mut tx, &named).await?;
        tx.commit().await?;
        Ok(CockpitRecord {
            project,
            account,
            status,
            interactions,
            interactions_total,
            questions,
            commitments,
            versions,
            people,
        })
    }
}
