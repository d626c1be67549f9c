//! Accounts: client organisations and their internal standards.

use serde::{Deserialize, Serialize};

use super::{check_count, optional_text, required_text, ValidationErrors};

/// The most internal standards one account lists.
pub const MAX_STANDARDS: usize = 100;

/// One of a client's internal standards the project must respect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standard {
    pub title: String,
    pub description: Option<String>,
}

/// A client organisation, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDraft {
    name: String,
    industry: Option<String>,
    notes: Option<String>,
    standards: Vec<Standard>,
}

impl AccountDraft {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn industry(&self) -> Option<&str> {
        self.industry.as_deref()
    }

    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    pub fn standards(&self) -> &[Standard] {
        &self.standards
    }

    pub fn new(
        name: &str,
        industry: Option<&str>,
        notes: Option<&str>,
        standards: Vec<(String, Option<String>)>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", name, 200);
        let industry = optional_text(&mut errors, "industry", industry, 200);
        let notes = optional_text(&mut errors, "notes", notes, 10_000);
        check_count(&mut errors, "standards", standards.len(), MAX_STANDARDS);
        let standards = standards
            .into_iter()
            .enumerate()
            .map(|(i, (title, description))| Standard {
                title: required_text(&mut errors, &format!("standards[{i}].title"), &title, 300),
                description: optional_text(
                    &mut errors,
                    &format!("standards[{i}].description"),
                    description.as_deref(),
                    5_000,
                ),
            })
            .collect();
        errors.into_result(Self {
            name,
            industry,
            notes,
            standards,
        })
    }
}
