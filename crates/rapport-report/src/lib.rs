//! Rapport's documents: a report is a plain model built from core results,
//! then rendered by writers to Markdown, HTML or PDF (STYLE §6). Charts are
//! SVG, drawn by [`charts`].
//!
//! This crate owns wording and layout, never numbers: every figure comes
//! from `rapport-core`, and [`format`] only rounds it for reading.

#![forbid(unsafe_code)]

pub mod boe;
pub mod charts;
pub mod format;
mod html;
mod markdown;
mod pdf;
pub mod status;

pub use boe::{basis_of_estimate, BasisOfEstimate, Issue};
pub use status::{status_report, StatusInput, StatusReport};

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot render the HTML document: {0}")]
    Html(#[from] askama::Error),
    #[error("cannot typeset the PDF document: {0}")]
    Pdf(String),
}
