//! Where "now" comes from. Nothing in the store or core asks the system
//! for the time: the caller holds a [`Clock`] (the server's `AppState`, a
//! CLI command) and passes `now` or `today` down, so tests fix the date and
//! every date-dependent rule is reproducible.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock, in UTC.
    System,
    /// A fixed instant, for tests and reproducible demos.
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => *at,
        }
    }

    /// Today's date in UTC.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}
