//! The cover lines of page one: who the estimate is for and from, when it
//! was issued, how long it holds, and its class.

use chrono::NaiveDate;
use rapport_core::estimate::Estimate;

use super::{CoverLine, Issue};

/// A date as a client reads it: "27 November 2026".
fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// Why the cover cannot go to a client as it is: a validity that ended
/// before the document's date. For the CLI and the API to warn.
pub fn lapsed(estimate: &Estimate, issue: &Issue) -> Option<String> {
    let c = estimate.cover();
    let date = c.date.unwrap_or(issue.date);
    let until = c.valid_until?;
    (until < date).then(|| {
        format!(
            "estimate.valid_until ({until}) is before the document's date ({date}): the offer has lapsed; move valid_until on, or set estimate.date"
        )
    })
}

/// The cover lines: those the file gives, with the issue's date and
/// version where the file has none.
pub(super) fn cover(estimate: &Estimate, issue: &Issue) -> Vec<CoverLine> {
    let c = estimate.cover();
    let line = |label: &str, value: String| CoverLine {
        label: label.into(),
        value,
    };
    let mut lines = Vec::new();
    if let Some(client) = &c.client {
        lines.push(line("Client", client.clone()));
    }
    let by = match (&c.prepared_by, &c.firm) {
        (Some(person), Some(firm)) => Some(format!("{person}, {firm}")),
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (None, None) => None,
    };
    if let Some(by) = by {
        lines.push(line("Prepared by", by));
    }
    let date = c.date.unwrap_or(issue.date);
    lines.push(line("Date", long_date(date)));
    if let Some(version) = c.version.as_ref().or(issue.version.as_ref()) {
        lines.push(line("Version", version.clone()));
    }
    if let Some(until) = c.valid_until {
        let days = (until - date).num_days();
        let plural = |n: i64| if n == 1 { "" } else { "s" };
        let span = if days >= 0 {
            format!("{days} day{} from the date above", plural(days))
        } else {
            // Said, not hidden: the file's validity ended before the date
            // the document carries (the CLI warns as well).
            format!(
                "lapsed {} day{} before the date above",
                -days,
                plural(-days)
            )
        };
        lines.push(line(
            "Valid until",
            format!("{} ({span})", long_date(until)),
        ));
    }
    if let Some(class) = estimate.class() {
        lines.push(line(
            "Estimate class",
            format!(
                "AACE International class {}: {}",
                class.number(),
                class.end_usage()
            ),
        ));
    }
    lines
}
