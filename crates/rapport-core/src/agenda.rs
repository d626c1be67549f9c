//! The Today agenda: what a project manager should act on today, across
//! their projects, each entry saying why it is there — promises overdue or
//! due within a week (theirs, and those owed to them), follow-up questions
//! waiting for an answer or for confirmation, client people not contacted
//! within their interval, and projects whose latest status is older than a
//! reporting period.
//!
//! Pure: the store gathers the facts, this decides and words the entries,
//! red (act now) before amber (act soon), then by date.

use chrono::NaiveDate;
use serde::Serialize;

use crate::ids::{PersonId, ProjectId};

/// How far ahead a promise counts as due soon.
pub const DUE_SOON_DAYS: i64 = 7;

/// A question waiting longer than this (for an answer, or for the
/// understanding to be confirmed) needs acting on now.
pub const QUESTION_STALE_DAYS: i64 = 14;

/// A project of the user's, as the agenda needs it.
#[derive(Debug, Clone)]
pub struct ProjectFacts {
    pub id: ProjectId,
    pub name: String,
    /// Proposed or active (a finished, cancelled or paused project asks for
    /// no status).
    pub live: bool,
    pub start: NaiveDate,
    /// The reporting period: the baseline's typical period, in days.
    pub period_days: i64,
    pub latest_status: Option<NaiveDate>,
}

/// An open (or renegotiated) promise made by or to the user.
#[derive(Debug, Clone)]
pub struct CommitmentFacts {
    pub id: i64,
    pub project_id: ProjectId,
    pub description: String,
    pub promised_by: PersonId,
    pub promised_to: PersonId,
    pub by_name: String,
    pub to_name: String,
    pub due_on: NaiveDate,
}

/// A follow-up question not yet confirmed as understood.
#[derive(Debug, Clone)]
pub struct QuestionFacts {
    pub id: i64,
    pub project_id: ProjectId,
    pub question: String,
    pub asked_of: String,
    pub asked_on: NaiveDate,
    /// Answered, waiting for the understanding to be confirmed.
    pub answered: bool,
}

/// A team concern not yet answered.
#[derive(Debug, Clone)]
pub struct ConcernFacts {
    pub id: i64,
    pub project_id: ProjectId,
    pub concern: String,
    pub raised_by: String,
    pub raised_on: NaiveDate,
}

/// A client person with a contact interval, and when they were last
/// contacted (any logged interaction with them resets the clock).
#[derive(Debug, Clone)]
pub struct ContactFacts {
    pub person_id: PersonId,
    pub name: String,
    pub project_id: ProjectId,
    pub ideal_days: Option<i64>,
    pub max_days: Option<i64>,
    pub last_contact: Option<NaiveDate>,
    /// Counted from here when never contacted: their project's start.
    pub since: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Act now: overdue, or past a maximum.
    Red,
    /// Act soon.
    Amber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    CommitmentOverdue,
    CommitmentDue,
    QuestionUnanswered,
    QuestionToConfirm,
    ContactOverdue,
    ContactDue,
    StatusDue,
    ConcernUnanswered,
}

/// One line of the agenda.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub kind: EntryKind,
    pub urgency: Urgency,
    /// Why it is on the agenda, in a sentence.
    pub reason: String,
    /// The day it is (or was) due, when it has one.
    pub due_on: Option<NaiveDate>,
    pub project_id: ProjectId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<PersonId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concern_id: Option<i64>,
}

/// Everything the agenda is made from.
#[derive(Debug, Clone)]
pub struct AgendaFacts {
    pub today: NaiveDate,
    pub me: PersonId,
    pub projects: Vec<ProjectFacts>,
    pub commitments: Vec<CommitmentFacts>,
    pub questions: Vec<QuestionFacts>,
    pub contacts: Vec<ContactFacts>,
    pub concerns: Vec<ConcernFacts>,
}

fn days(n: i64) -> String {
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

/// The agenda: red entries first, then amber; within each, the earliest
/// date first.
pub fn agenda(facts: &AgendaFacts) -> Vec<Entry> {
    let today = facts.today;
    let mut entries = Vec::new();
    let entry = |kind, urgency, reason: String, due_on, project_id| Entry {
        kind,
        urgency,
        reason,
        due_on,
        project_id,
        question_id: None,
        commitment_id: None,
        person_id: None,
        concern_id: None,
    };

    for c in &facts.commitments {
        let late = (today - c.due_on).num_days();
        if late < -DUE_SOON_DAYS {
            continue;
        }
        let promise = if c.promised_by == facts.me {
            format!("You promised {} “{}”", c.to_name, c.description)
        } else {
            format!("{} promised you “{}”", c.by_name, c.description)
        };
        let (kind, urgency, when) = match late {
            l if l > 0 => (
                EntryKind::CommitmentOverdue,
                Urgency::Red,
                format!("{} overdue (due {})", days(l), c.due_on),
            ),
            0 => (EntryKind::CommitmentDue, Urgency::Amber, "due today".into()),
            l => (
                EntryKind::CommitmentDue,
                Urgency::Amber,
                format!("due in {} ({})", days(-l), c.due_on),
            ),
        };
        let mut e = entry(
            kind,
            urgency,
            format!("{promise}: {when}."),
            Some(c.due_on),
            c.project_id,
        );
        e.commitment_id = Some(c.id);
        entries.push(e);
    }

    for q in &facts.questions {
        let waited = (today - q.asked_on).num_days().max(0);
        let (kind, reason) = if q.answered {
            (
                EntryKind::QuestionToConfirm,
                format!(
                    "{} answered “{}”: confirm the understanding with them (asked {} ago).",
                    q.asked_of,
                    q.question,
                    days(waited)
                ),
            )
        } else {
            (
                EntryKind::QuestionUnanswered,
                if waited == 0 {
                    format!(
                        "Asked today: waiting for {}'s answer to “{}”.",
                        q.asked_of, q.question
                    )
                } else {
                    format!(
                        "Waiting {} for {}'s answer to “{}”.",
                        days(waited),
                        q.asked_of,
                        q.question
                    )
                },
            )
        };
        let urgency = if waited > QUESTION_STALE_DAYS {
            Urgency::Red
        } else {
            Urgency::Amber
        };
        let mut e = entry(
            kind,
            urgency,
            reason,
            Some(q.asked_on + chrono::Duration::days(QUESTION_STALE_DAYS)),
            q.project_id,
        );
        e.question_id = Some(q.id);
        entries.push(e);
    }

    for c in &facts.contacts {
        let from = c.last_contact.unwrap_or(c.since);
        let quiet = (today - from).num_days();
        let last = match c.last_contact {
            Some(d) => format!("last contact {d}, {} ago", days(quiet)),
            None => format!("no contact logged in the {} since {from}", days(quiet)),
        };
        // A person without intervals of their own is kept to the usual
        // ones, as their page shows.
        let ideal = c.ideal_days.unwrap_or(USUAL_IDEAL_DAYS);
        let max = c.max_days.unwrap_or(USUAL_MAX_DAYS);
        let (kind, urgency, reason, due) = match (ideal, max) {
            (_, max) if quiet > max => (
                EntryKind::ContactOverdue,
                Urgency::Red,
                format!(
                    "Call {}: {last}; at most {} should pass.",
                    c.name,
                    days(max)
                ),
                from + chrono::Duration::days(max),
            ),
            (ideal, _) if quiet > ideal => (
                EntryKind::ContactDue,
                Urgency::Amber,
                format!(
                    "Get in touch with {}: {last}; ideally every {}.",
                    c.name,
                    days(ideal)
                ),
                from + chrono::Duration::days(ideal),
            ),
            _ => continue,
        };
        let mut e = entry(kind, urgency, reason, Some(due), c.project_id);
        e.person_id = Some(c.person_id);
        entries.push(e);
    }

    // A team member's concern waits on its project manager: red after a
    // week (the team is kept waiting), amber before.
    for c in &facts.concerns {
        let waited = (today - c.raised_on).num_days().max(0);
        let urgency = if waited > DUE_SOON_DAYS {
            Urgency::Red
        } else {
            Urgency::Amber
        };
        let mut e = entry(
            EntryKind::ConcernUnanswered,
            urgency,
            format!(
                "{} raised a concern {}: “{}”; answer it.",
                c.raised_by,
                match waited {
                    0 => "today".to_string(),
                    n => format!("{} ago", days(n)),
                },
                c.concern
            ),
            Some(c.raised_on + chrono::Duration::days(DUE_SOON_DAYS)),
            c.project_id,
        );
        e.concern_id = Some(c.id);
        entries.push(e);
    }

    for p in facts.projects.iter().filter(|p| p.live) {
        let from = p.latest_status.unwrap_or(p.start);
        let since = (today - from).num_days();
        if since <= p.period_days || today < p.start {
            continue;
        }
        let reason = match p.latest_status {
            Some(d) => format!(
                "{}: the latest status is from {d}, {} ago, longer than its reporting period ({}); record where it stands.",
                p.name,
                days(since),
                days(p.period_days)
            ),
            None => format!(
                "{}: no status recorded in the {} since it started; record where it stands.",
                p.name,
                days(since)
            ),
        };
        entries.push(entry(
            EntryKind::StatusDue,
            Urgency::Amber,
            reason,
            Some(from + chrono::Duration::days(p.period_days)),
            p.id,
        ));
    }

    // Promises first (a person is waiting on them), then questions, then
    // contact clocks, then status; within each, the earliest date first.
    let rank = |kind: EntryKind| match kind {
        EntryKind::CommitmentOverdue | EntryKind::CommitmentDue => 0,
        EntryKind::QuestionToConfirm | EntryKind::QuestionUnanswered => 1,
        EntryKind::ConcernUnanswered => 1,
        EntryKind::ContactOverdue | EntryKind::ContactDue => 2,
        EntryKind::StatusDue => 3,
    };
    entries.sort_by(|a, b| {
        a.urgency
            .cmp(&b.urgency)
            .then(rank(a.kind).cmp(&rank(b.kind)))
            .then(a.due_on.unwrap_or(today).cmp(&b.due_on.unwrap_or(today)))
    });
    entries
}

/// The contact interval assumed where a person has none of their own:
/// ideally every two weeks, at most a month.
pub const USUAL_IDEAL_DAYS: i64 = 14;
pub const USUAL_MAX_DAYS: i64 = 30;

/// Where a contact clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactBand {
    Within,
    /// Past the ideal interval.
    Due,
    /// Past the maximum, or never contacted.
    Overdue,
}

impl ContactBand {
    /// The page's colour class.
    pub fn class(self) -> &'static str {
        match self {
            ContactBand::Within => "good",
            ContactBand::Due => "watch",
            ContactBand::Overdue => "bad",
        }
    }
}

/// The band of `days_since` the last contact (None: never), against the
/// person's own intervals or the usual ones.
pub fn contact_band(days_since: Option<i64>, ideal: Option<i64>, max: Option<i64>) -> ContactBand {
    let ideal = ideal.unwrap_or(USUAL_IDEAL_DAYS);
    let max = max.unwrap_or(USUAL_MAX_DAYS);
    match days_since {
        None => ContactBand::Overdue,
        Some(d) if d > max => ContactBand::Overdue,
        Some(d) if d > ideal => ContactBand::Due,
        Some(_) => ContactBand::Within,
    }
}

/// A baseline's reporting period: the median length of its periods, in
/// days (a monthly baseline: 30 or 31). `ends` are the period end dates
/// after `start`, the first day of period 1.
pub fn reporting_period_days(start: NaiveDate, ends: &[NaiveDate]) -> i64 {
    let mut lengths: Vec<i64> = std::iter::once(start - chrono::Duration::days(1))
        .chain(ends.iter().copied())
        .collect::<Vec<_>>()
        .windows(2)
        .map(|w| (w[1] - w[0]).num_days())
        .collect();
    if lengths.is_empty() {
        return 30;
    }
    lengths.sort_unstable();
    lengths[lengths.len() / 2].max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> AgendaFacts {
        let me = PersonId::new(1);
        let rep = PersonId::new(2);
        let p = ProjectId::new(10);
        AgendaFacts {
            today: date("2026-11-27"),
            me,
            projects: vec![ProjectFacts {
                id: p,
                name: "Pump station".into(),
                live: true,
                start: date("2026-01-01"),
                period_days: 30,
                latest_status: Some(date("2026-10-20")),
            }],
            commitments: vec![
                CommitmentFacts {
                    id: 5,
                    project_id: p,
                    description: "Send the plan".into(),
                    promised_by: me,
                    promised_to: rep,
                    by_name: "Priya".into(),
                    to_name: "Dana".into(),
                    due_on: date("2026-11-24"),
                },
                CommitmentFacts {
                    id: 6,
                    project_id: p,
                    description: "Confirm the window".into(),
                    promised_by: rep,
                    promised_to: me,
                    by_name: "Dana".into(),
                    to_name: "Priya".into(),
                    due_on: date("2026-12-01"),
                },
                CommitmentFacts {
                    id: 7,
                    project_id: p,
                    description: "Far off".into(),
                    promised_by: me,
                    promised_to: rep,
                    by_name: "Priya".into(),
                    to_name: "Dana".into(),
                    due_on: date("2026-12-30"),
                },
            ],
            questions: vec![QuestionFacts {
                id: 3,
                project_id: p,
                question: "Which pump first?".into(),
                asked_of: "Dana".into(),
                asked_on: date("2026-11-20"),
                answered: false,
            }],
            contacts: vec![ContactFacts {
                person_id: rep,
                name: "Dana".into(),
                project_id: p,
                ideal_days: Some(14),
                max_days: Some(30),
                last_contact: Some(date("2026-11-06")),
                since: date("2026-01-01"),
            }],
            concerns: vec![],
        }
    }

    /// Hand-worked against 2026-11-27: the plan was due on the 24th (3
    /// days overdue, red); Dana's confirmation is due on 1 December (in 4
    /// days); the far promise (33 days out) is not listed; the question has
    /// waited 7 days (amber until 14 have passed, on 4 December); Dana was
    /// last contacted 21 days ago (past the ideal 14, within the maximum 30:
    /// amber, due since the 20th); the latest status (20 October) is 38 days
    /// old, past the 30-day period (due since 19 November). Red first; then
    /// promises, questions, contact clocks, status.
    #[test]
    fn each_entry_is_there_for_its_reason_red_first() {
        let entries = agenda(&facts());
        let kinds: Vec<EntryKind> = entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EntryKind::CommitmentOverdue,
                EntryKind::CommitmentDue,
                EntryKind::QuestionUnanswered,
                EntryKind::ContactDue,
                EntryKind::StatusDue,
            ]
        );
        assert_eq!(
            entries[0].reason,
            "You promised Dana “Send the plan”: 3 days overdue (due 2026-11-24)."
        );
        assert_eq!(entries[0].commitment_id, Some(5));
        assert_eq!(
            entries[1].reason,
            "Dana promised you “Confirm the window”: due in 4 days (2026-12-01)."
        );
        assert_eq!(
            entries[2].reason,
            "Waiting 7 days for Dana's answer to “Which pump first?”."
        );
        assert_eq!(entries[2].due_on, Some(date("2026-12-04")));
        assert!(entries[3]
            .reason
            .contains("last contact 2026-11-06, 21 days ago"));
        assert_eq!(entries[3].due_on, Some(date("2026-11-20")));
        assert_eq!(entries[4].due_on, Some(date("2026-11-19")));
    }

    #[test]
    fn a_concern_waits_on_its_manager_red_after_a_week() {
        let mut f = facts();
        f.concerns.push(ConcernFacts {
            id: 9,
            project_id: ProjectId::new(10),
            concern: "Night shift?".into(),
            raised_by: "Sam".into(),
            raised_on: date("2026-11-25"),
        });
        let entry = agenda(&f)
            .into_iter()
            .find(|e| e.concern_id == Some(9))
            .unwrap();
        assert_eq!(
            (entry.kind, entry.urgency),
            (EntryKind::ConcernUnanswered, Urgency::Amber)
        );
        assert_eq!(
            entry.reason,
            "Sam raised a concern 2 days ago: “Night shift?”; answer it."
        );
        f.concerns[0].raised_on = date("2026-11-10");
        let entry = agenda(&f)
            .into_iter()
            .find(|e| e.concern_id == Some(9))
            .unwrap();
        assert_eq!(entry.urgency, Urgency::Red);
    }

    #[test]
    fn a_question_waiting_more_than_two_weeks_is_red() {
        let mut f = facts();
        f.questions[0].asked_on = date("2026-11-12");
        let e = agenda(&f);
        let q = e.iter().find(|e| e.question_id == Some(3)).unwrap();
        assert_eq!(q.urgency, Urgency::Red);
    }

    #[test]
    fn past_the_maximum_is_red_and_a_logged_contact_resets_the_clock() {
        let mut f = facts();
        f.contacts[0].last_contact = Some(date("2026-10-01"));
        let e = agenda(&f);
        let contact = e.iter().find(|e| e.person_id.is_some()).unwrap();
        assert_eq!(
            (contact.kind, contact.urgency),
            (EntryKind::ContactOverdue, Urgency::Red)
        );
        f.contacts[0].last_contact = Some(date("2026-11-27"));
        assert!(agenda(&f).iter().all(|e| e.person_id.is_none()));
    }

    #[test]
    fn the_contact_band_follows_the_intervals_or_the_usual_ones() {
        assert_eq!(contact_band(Some(14), None, None), ContactBand::Within);
        assert_eq!(contact_band(Some(15), None, None), ContactBand::Due);
        assert_eq!(contact_band(Some(31), None, None), ContactBand::Overdue);
        assert_eq!(contact_band(None, None, None), ContactBand::Overdue);
        assert_eq!(contact_band(Some(8), Some(7), Some(10)), ContactBand::Due);
    }

    /// January 2026 has 31 days, February 28, March 31: the median is 31.
    #[test]
    fn the_reporting_period_is_the_median_period() {
        let ends = [date("2026-01-31"), date("2026-02-28"), date("2026-03-31")];
        assert_eq!(reporting_period_days(date("2026-01-01"), &ends), 31);
        assert_eq!(reporting_period_days(date("2026-01-01"), &[]), 30);
    }
}
