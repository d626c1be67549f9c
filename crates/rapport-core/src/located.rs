//! Errors located in a text file by line and column, shared by the offline
//! file formats (earned value, estimates).

use std::ops::Range;

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
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}
