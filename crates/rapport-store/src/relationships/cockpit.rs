//! Everything a project's cockpit shows, read in one snapshot: the project
//! and its account, its status records, its latest conversations (and how
//! many there are), its questions and commitments, its estimate versions
//! with their results, its news to share and status reports, and the
//! people all of these name with the profiles of the client's.
//!
//! One snapshot of seventeen statements, in place of separate reads with
//! their own `BEGIN` and `COMMIT`: the page is consistent (no status
//! record from after the commitments were read) and, on SQLite, runs as
//! one direct read ([`Store::snapshot`]) rather than a hand-off to the
//! driver's worker thread per statement and row.

use super::statements::*;
use super::{Commitment, FollowUpQuestion, Interaction};
use crate::{
    Account, EstimateVersion, NewsItem, Person, Profile, Project, Report, Result, StatusRecord,
    Store, StoredResults,
};
use rapport_core::ids::{PersonId, ProjectId};
use std::collections::HashMap;

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
    /// The project's news to share, live first.
    pub news: Vec<NewsItem>,
    /// The project's status reports, newest first.
    pub reports: Vec<Report>,
    /// The profiles of the client rep, the team and the reports' readers
    /// (those placed).
    pub profiles: HashMap<PersonId, Profile>,
}

impl Store {
    /// The cockpit of a project, with its latest `timeline` conversations.
    pub async fn cockpit(&self, project_id: ProjectId, timeline: i64) -> Result<CockpitRecord> {
        let id = project_id.get();
        self.snapshot(move |mut tx| async move {
            let project = crate::projects::load_project(&mut tx, id).await?;
            let account = crate::accounts::load_account(&mut tx, project.account_id.get()).await?;
            let status = crate::status::live_statuses(&mut tx, id).await?;
            let rows = select_interaction_page(&mut tx, id, timeline, 0).await?;
            let interactions_total = count_interactions(&mut tx, id).await?;
            let participants = select_participants_of(&mut tx, &ids_of(&rows)).await?;
            let questions = select_questions(&mut tx, id).await?;
            let commitments = select_commitments(&mut tx, id).await?;
            let versions = crate::estimates::versions_with_results(&mut tx, id).await?;
            let news = crate::news::select_news(&mut tx, id).await?;
            let reports = crate::reports::select_reports(&mut tx, id).await?;
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
            named.extend(reports.iter().map(|r| r.recipient_id));
            let mut readers: Vec<PersonId> = vec![project.client_rep_id];
            readers.extend(project.stakeholders.iter().map(|s| s.person_id));
            readers.extend(reports.iter().map(|r| r.recipient_id));
            let people = crate::people::select_named(&mut tx, &named).await?;
            let profiles = crate::profiles::select_profiles(&mut tx, &readers).await?;
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
                news,
                reports,
                profiles,
            })
        })
        .await
    }
}
