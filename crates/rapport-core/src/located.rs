//! Errors located in a text file by line and column, shared by the offline
//! file formats (earned value, estimates).

use std::ops::Range;

use chrono::NaiveDate;

/// A problem in an input file, located for the person who wrote it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct FileError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl FileError {
    pub(crate) fn at(source: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let (line, column) = line_and_column(source, span.start);
        Self {
            line,
            column,
            message: message.into(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_and_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    // A byte-order mark at the start is no column a person sees.
    let text = &source[line_start..offset];
    let column = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .chars()
        .count()
        + 1;
    (line, column)
}

/// A date given as `"2026-01-31"` or as a TOML date, or an error at it.
pub(crate) fn date_value(
    value: &toml::Value,
    span: Range<usize>,
    source: &str,
) -> Result<NaiveDate, FileError> {
    let text = match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) if dt.date.is_some() && dt.time.is_none() => dt.to_string(),
        other => {
            return Err(FileError::at(
                source,
                span.clone(),
                format!(
                    "expected a date like \"2026-01-31\", found {}",
                    other.type_str()
                ),
            ))
        }
    };
    text.parse().map_err(|_| {
        // "2026-02-30" has the right shape and names no day.
        let shaped = text.len() == 10
            && text.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        let message = if shaped {
            format!("\"{text}\" is not a day of the calendar; check the month and the day")
        } else {
            format!("\"{text}\" is not a date; write it as YYYY-MM-DD, e.g. \"2026-01-31\"")
        };
        FileError::at(source, span, message)
    })
}
