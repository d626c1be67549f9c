//! The commitments ledger: promises grouped by where they stand today, and
//! each person's record of promises kept — both the promises they made and
//! those made to them.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::agenda::DUE_SOON_DAYS;
use crate::domain::CommitmentState;
use crate::ids::PersonId;

/// Where an open promise stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    Overdue,
    /// Due within [`DUE_SOON_DAYS`] days (today included).
    DueSoon,
    Later,
}

/// The standing of a promise due on `due_on`, on `today`.
pub fn standing(due_on: NaiveDate, today: NaiveDate) -> Standing {
    let days = (due_on - today).num_days();
    if days < 0 {
        Standing::Overdue
    } else if days <= DUE_SOON_DAYS {
        Standing::DueSoon
    } else {
        Standing::Later
    }
}

/// One person's promises by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record {
    pub kept: u32,
    pub late: u32,
    pub broken: u32,
    /// Open or renegotiated, overdue ones included.
    pub open: u32,
    /// Open ones already past their due date.
    pub overdue: u32,
}

impl Record {
    /// Kept on time out of all that had to be kept by now: the settled
    /// (kept, late or broken) and the open ones already overdue (they can
    /// no longer be kept on time). `None` before any is due.
    pub fn kept_share(&self) -> Option<f64> {
        let due = self.kept + self.late + self.broken + self.overdue;
        (due > 0).then(|| f64::from(self.kept) / f64::from(due))
    }

    fn add(&mut self, state: CommitmentState, overdue: bool) {
        match state {
            CommitmentState::Kept => self.kept += 1,
            CommitmentState::Late => self.late += 1,
            CommitmentState::Broken => self.broken += 1,
            CommitmentState::Open | CommitmentState::Renegotiated => {
                self.open += 1;
                self.overdue += u32::from(overdue);
            }
        }
    }
}

/// Per person: the record of the promises they made, and of those made to
/// them, from `(promised_by, promised_to, state, due_on)` of every promise,
/// on `today`.
pub fn records(
    promises: &[(PersonId, PersonId, CommitmentState, NaiveDate)],
    today: NaiveDate,
) -> BTreeMap<PersonId, (Record, Record)> {
    let mut out: BTreeMap<PersonId, (Record, Record)> = BTreeMap::new();
    for &(by, to, state, due_on) in promises {
        let overdue = standing(due_on, today) == Standing::Overdue;
        out.entry(by).or_default().0.add(state, overdue);
        out.entry(to).or_default().1.add(state, overdue);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_promise_stands_overdue_due_soon_or_later() {
        let today = date("2026-11-27");
        assert_eq!(standing(date("2026-11-26"), today), Standing::Overdue);
        assert_eq!(standing(date("2026-11-27"), today), Standing::DueSoon);
        assert_eq!(standing(date("2026-12-04"), today), Standing::DueSoon);
        assert_eq!(standing(date("2026-12-05"), today), Standing::Later);
    }

    /// Priya made four promises (kept, late, open and overdue, open and
    /// due later) and received one (broken); Dana the mirror. Priya kept 1
    /// of the 3 due by now: the late one and the overdue one were not kept
    /// on time.
    #[test]
    fn each_person_has_a_record_both_ways() {
        use CommitmentState::*;
        let today = date("2026-11-27");
        let (priya, dana) = (PersonId::new(1), PersonId::new(2));
        let r = records(
            &[
                (priya, dana, Kept, date("2026-11-01")),
                (priya, dana, Late, date("2026-11-10")),
                (priya, dana, Open, date("2026-11-20")),
                (priya, dana, Renegotiated, date("2026-12-20")),
                (dana, priya, Broken, date("2026-11-05")),
            ],
            today,
        );
        let (made, received) = r[&priya];
        assert_eq!(
            (made.kept, made.late, made.broken, made.open, made.overdue),
            (1, 1, 0, 2, 1)
        );
        assert_eq!(made.kept_share(), Some(1.0 / 3.0));
        assert_eq!(received.broken, 1);
        assert_eq!(r[&dana].0.kept_share(), Some(0.0));
        assert_eq!(Record::default().kept_share(), None);
        // Nothing due yet: no share, however many are open.
        let later = records(&[(priya, dana, Open, date("2026-12-01"))], today);
        assert_eq!(later[&priya].0.kept_share(), None);
    }
}
