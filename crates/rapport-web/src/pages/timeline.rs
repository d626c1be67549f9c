//! What the person and account pages share: their relationship record
//! (one timeline of conversations, the promises both ways, the questions
//! waiting) turned into rows, and the contact clock in words.

use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_core::agenda::{contact_band, USUAL_IDEAL_DAYS, USUAL_MAX_DAYS};
use rapport_core::domain::{open_for_days, CommitmentState};
use rapport_core::ids::{PersonId, ProjectId};
use rapport_core::ledger::Record;
use rapport_store::Timeline;

use super::cockpit::{commitment_state, due_words, kind_label, question_state};

/// How many conversations a person or account page shows.
pub const TIMELINE: i64 = 30;

/// A person named on a page, linked to their page.
pub struct PersonLink {
    pub id: i64,
    pub name: String,
}

pub struct ConversationRow {
    pub date: String,
    pub kind: &'static str,
    pub summary: String,
    pub notes: String,
    pub people: Vec<PersonLink>,
    pub project_id: i64,
    pub project: String,
}

pub struct PromiseRow {
    pub description: String,
    pub by: PersonLink,
    pub to: PersonLink,
    pub project_id: i64,
    pub project: String,
    pub due_on: String,
    /// "due in 3 days", "4 days overdue" for an open one; how it ended for
    /// a settled one.
    pub when: String,
    pub class: &'static str,
}

pub struct QuestionRow {
    pub question: String,
    pub asked_of: PersonLink,
    pub project_id: i64,
    pub project: String,
    pub state: &'static str,
    pub waiting: String,
}

/// A relationship record as rows for a page.
pub struct Rows {
    pub conversations: Vec<ConversationRow>,
    /// Says the timeline shows only the latest, when it does.
    pub more: Option<String>,
    pub open_promises: Vec<PromiseRow>,
    pub settled_promises: Vec<PromiseRow>,
    pub questions: Vec<QuestionRow>,
}

/// The people a record names, for one `people_named` query.
pub fn named(timeline: &Timeline) -> Vec<PersonId> {
    timeline
        .entries
        .iter()
        .flat_map(|e| e.interaction.participant_ids.clone())
        .chain(
            timeline
                .promises
                .iter()
                .flat_map(|c| [c.promised_by_id, c.promised_to_id]),
        )
        .chain(timeline.questions.iter().map(|q| q.asked_of_id))
        .collect()
}

pub fn rows(timeline: &Timeline, names: &HashMap<PersonId, String>, today: NaiveDate) -> Rows {
    let link = |id: PersonId| PersonLink {
        id: id.get(),
        name: names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("person {id}")),
    };
    let project = |id: ProjectId| timeline.project_names.get(&id).cloned().unwrap_or_default();
    let conversations = timeline
        .entries
        .iter()
        .map(|e| ConversationRow {
            date: e.interaction.occurred_on.to_string(),
            kind: kind_label(e.interaction.kind),
            summary: e.interaction.summary.clone(),
            notes: e.interaction.notes.clone().unwrap_or_default(),
            people: e
                .interaction
                .participant_ids
                .iter()
                .map(|p| link(*p))
                .collect(),
            project_id: e.interaction.project_id.get(),
            project: e.project_name.clone(),
        })
        .collect();
    let (mut open_promises, mut settled_promises) = (Vec::new(), Vec::new());
    for c in &timeline.promises {
        let open = matches!(
            c.state,
            CommitmentState::Open | CommitmentState::Renegotiated
        );
        let (when, class) = if open {
            let (words, class) = due_words(c.due_on, today);
            match &c.reason {
                Some(reason) => (format!("{words} · renegotiated: {reason}"), class),
                None => (words, class),
            }
        } else {
            let class = match c.state {
                CommitmentState::Kept => "good",
                CommitmentState::Late => "watch",
                _ => "bad",
            };
            let on = c
                .resolved_on
                .map(|d| format!(" on {d}"))
                .unwrap_or_default();
            (format!("{}{on}", commitment_state(c.state)), class)
        };
        let row = PromiseRow {
            description: c.description.clone(),
            by: link(c.promised_by_id),
            to: link(c.promised_to_id),
            project_id: c.project_id.get(),
            project: project(c.project_id),
            due_on: c.due_on.to_string(),
            when,
            class,
        };
        if open {
            open_promises.push(row);
        } else {
            settled_promises.push(row);
        }
    }
    // The latest settled first: the record as it stands now.
    settled_promises.reverse();
    let questions = timeline
        .questions
        .iter()
        .map(|q| QuestionRow {
            question: q.question.clone(),
            asked_of: link(q.asked_of_id),
            project_id: q.project_id.get(),
            project: project(q.project_id),
            state: question_state(q.state),
            waiting: match open_for_days(q.asked_on, today) {
                0 => "asked today".to_string(),
                1 => "asked 1 day ago".to_string(),
                days => format!("asked {days} days ago"),
            },
        })
        .collect();
    Rows {
        conversations,
        more: (timeline.total > TIMELINE).then(|| {
            format!(
                "The latest {TIMELINE} of {} conversations; each project's page lists its own.",
                timeline.total
            )
        }),
        open_promises,
        settled_promises,
        questions,
    }
}

/// A contact clock in words and colour: when the person was last
/// contacted, against their intervals (or the usual ones).
pub struct Clock {
    pub last: String,
    pub class: &'static str,
    pub intervals: String,
    /// The intervals for a table cell: "14 / 30 days", "(usual)" when not
    /// the person's own.
    pub short: String,
}

pub fn clock(
    last: Option<NaiveDate>,
    ideal: Option<i64>,
    max: Option<i64>,
    today: NaiveDate,
) -> Clock {
    let days = last.map(|d| (today - d).num_days());
    let band = contact_band(days, ideal, max);
    let plural = |n: i64| if n == 1 { "" } else { "s" };
    Clock {
        last: match (last, days) {
            (Some(d), Some(0)) => format!("last contact today ({d})"),
            (Some(d), Some(n)) => format!("last contact {d}, {n} day{} ago", plural(n)),
            _ => "no contact logged".into(),
        },
        class: band.class(),
        short: format!(
            "{} / {} days{}",
            ideal.unwrap_or(USUAL_IDEAL_DAYS),
            max.unwrap_or(USUAL_MAX_DAYS),
            if ideal.is_none() && max.is_none() {
                " (usual)"
            } else {
                ""
            }
        ),
        intervals: match (ideal, max) {
            (None, None) => format!(
                "no interval of their own: the usual every {USUAL_IDEAL_DAYS} days, at most {USUAL_MAX_DAYS}"
            ),
            (Some(i), Some(m)) => format!("ideally every {i} days, at most {m}"),
            (Some(i), None) => format!("ideally every {i} days, at most {USUAL_MAX_DAYS}"),
            (None, Some(m)) => format!("ideally every {USUAL_IDEAL_DAYS} days, at most {m}"),
        },
    }
}

/// A record of promises in a sentence: "3 kept, 1 late, 0 broken, 2 open ·
/// 75% kept on time".
pub fn describe(record: Record) -> String {
    if record == Record::default() {
        return "none yet".to_string();
    }
    let share = record
        .kept_share()
        .map(|s| format!("{:.0}% kept on time", s * 100.0))
        .unwrap_or_else(|| "none due yet".into());
    let overdue = if record.overdue > 0 {
        format!(" ({} overdue)", record.overdue)
    } else {
        String::new()
    };
    format!(
        "{} kept, {} late, {} broken, {} open{overdue} · {share}",
        record.kept, record.late, record.broken, record.open
    )
}
