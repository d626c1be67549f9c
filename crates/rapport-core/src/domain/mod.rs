//! The glossary as types: accounts, people, projects and their baseline,
//! status records, interactions, follow-up questions and commitments.
//!
//! Owns the invariants of each record (a baseline that spends its budget by
//! its finish, a budget above zero, a question that is answered before its
//! understanding is confirmed). Constructors take raw values and return
//! every problem at once as [`ValidationErrors`], each naming its field, so a
//! form or an API caller can fix them in one go. Storage and wire formats
//! live in other crates and convert into these types.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod account;
mod brief;
mod currency;
mod person;
mod project;
mod relationships;

pub use account::{AccountDraft, Standard};
pub use brief::{concern_text, BriefDraft, BriefInput, MAX_BRIEF_PART};
pub use currency::Currency;
pub(crate) use person::check_intervals;
pub use person::{PersonDraft, PersonInput, MAX_CONTACT_DAYS};
pub use project::{
    cumulative_drops, project_evm, stakeholder_role, status_doubts, CumulativeDrop, DatedMetrics,
    PlannedPoint, ProjectBaseline, ProjectDraft, ProjectInput, StatusDoubt, StatusDraft,
};
pub use relationships::{
    answer_text, check_confirmation, next_question_state, open_for_days, settle_commitment,
    CaptureDraft, CommitmentDraft, InteractionDraft, QuestionDraft, Settlement, MAX_CAPTURED,
};

/// One problem with one field of a submitted record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's path as the caller wrote it, e.g. `baseline.planned[2].pv`.
    pub field: String,
    pub message: String,
}

/// Every problem found in a submitted record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was found, else the errors.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

/// The earliest date Rapport takes (a status, a baseline, a promise).
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};
/// The latest date Rapport takes; forecasts past it are not given either
/// (see `evm::LATEST_FORECAST`).
pub const LATEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2200, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

/// Records an error when a date is outside [`EARLIEST_DATE`]..=[`LATEST_DATE`].
pub(crate) fn check_date(errors: &mut ValidationErrors, field: &str, date: NaiveDate) {
    if !(EARLIEST_DATE..=LATEST_DATE).contains(&date) {
        errors.add(
            field,
            format!("{date} is outside the dates Rapport takes, {EARLIEST_DATE} to {LATEST_DATE}"),
        );
    }
}

/// Records an error when a list is longer than `max`, naming the limit.
pub(crate) fn check_count(errors: &mut ValidationErrors, field: &str, count: usize, max: usize) {
    if count > max {
        errors.add(
            field,
            format!("has {count} entries; at most {max} are taken"),
        );
    }
}

pub(crate) fn required_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    max: usize,
) -> String {
    // The limit counts the text as sent, spaces around it included, as
    // the API document's maxLength does.
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.add(field, "must not be empty");
    } else if value.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
    } else {
        refuse_control(errors, field, value);
    }
    trimmed.to_string()
}

/// Refuses control characters other than line breaks and tabs in a text
/// people will read (a pasted NUL or ESC would reach pages and reports).
pub(crate) fn refuse_control(errors: &mut ValidationErrors, field: &str, text: &str) {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(
            field,
            "holds a control character (such as NUL or ESC); remove it",
        );
    }
}

pub(crate) fn optional_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let sent = value?;
    let trimmed = Some(sent.trim()).filter(|v| !v.is_empty())?;
    if sent.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
    } else {
        refuse_control(errors, field, sent);
    }
    Some(trimmed.to_string())
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The accepted spellings, for error messages.
            pub fn choices() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("\"{other}\" is not one of: {}", $name::choices())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum! {
    /// Which side of the engagement a person is on.
    Side { Client => "client", Firm => "firm" }
}

text_enum! {
    /// Where a project stands in its life.
    ProjectStatus {
        Proposed => "proposed",
        Active => "active",
        OnHold => "on_hold",
        Finished => "finished",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// How an interaction with a person took place.
    InteractionKind {
        Meeting => "meeting",
        Call => "call",
        Email => "email",
        Visit => "visit",
        Message => "message",
    }
}

text_enum! {
    /// A follow-up question moves open → answered → understanding confirmed.
    QuestionState {
        Open => "open",
        Answered => "answered",
        UnderstandingConfirmed => "understanding_confirmed",
    }
}

text_enum! {
    /// What became of a promise.
    CommitmentState {
        Open => "open",
        Kept => "kept",
        Late => "late",
        Broken => "broken",
        Renegotiated => "renegotiated",
    }
}
