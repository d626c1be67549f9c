//! The cover lines of page one: who the estimate is for and from, when it
//! was issued, how long it holds, and its class.

use chrono::NaiveDate;
use rapport_core::estimate::Estimate;

use super::{CoverLine, Issue};

/// A date as a client reads it: "27 November 2026".
fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
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
        lines.push(line(
            "Valid until",
            format!(
                "{} ({} day{} from the date above)",
                long_date(until),
                days,
                if days == 1 { "" } else { "s" }
            ),
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
