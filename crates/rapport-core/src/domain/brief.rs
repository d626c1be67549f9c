//! The mission brief — the client's mission handed from the PM to the
//! team — and the concerns team members raise about a project.

use super::{optional_text, required_text, ValidationErrors};

/// The longest part of a brief.
pub const MAX_BRIEF_PART: usize = 5_000;

/// A mission brief, validated: the goal is required, the rest optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefDraft {
    goal: String,
    success_criteria: Option<String>,
    personal_stakes: Option<String>,
    unwritten_expectations: Option<String>,
    expertise: Option<String>,
}

/// The brief's parts as given.
#[derive(Debug, Clone, Copy, Default)]
pub struct BriefInput<'a> {
    /// The client's goal, in their own words.
    pub goal: &'a str,
    pub success_criteria: Option<&'a str>,
    /// Why the project matters to the client rep personally.
    pub personal_stakes: Option<&'a str>,
    /// What the client expects without having written it down.
    pub unwritten_expectations: Option<&'a str>,
    /// The expertise the work needs.
    pub expertise: Option<&'a str>,
}

impl BriefDraft {
    pub fn new(input: BriefInput<'_>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let goal = required_text(&mut errors, "goal", input.goal, MAX_BRIEF_PART);
        let mut part = |field: &str, value: Option<&str>| {
            optional_text(&mut errors, field, value, MAX_BRIEF_PART)
        };
        let success_criteria = part("success_criteria", input.success_criteria);
        let personal_stakes = part("personal_stakes", input.personal_stakes);
        let unwritten_expectations = part("unwritten_expectations", input.unwritten_expectations);
        let expertise = part("expertise", input.expertise);
        errors.into_result(Self {
            goal,
            success_criteria,
            personal_stakes,
            unwritten_expectations,
            expertise,
        })
    }

    pub fn goal(&self) -> &str {
        &self.goal
    }

    pub fn success_criteria(&self) -> Option<&str> {
        self.success_criteria.as_deref()
    }

    pub fn personal_stakes(&self) -> Option<&str> {
        self.personal_stakes.as_deref()
    }

    pub fn unwritten_expectations(&self) -> Option<&str> {
        self.unwritten_expectations.as_deref()
    }

    pub fn expertise(&self) -> Option<&str> {
        self.expertise.as_deref()
    }
}

/// A concern's text, or its answer's: said, at most 5,000 characters, no
/// control characters.
pub fn concern_text(field: &str, text: &str) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let text = required_text(&mut errors, field, text, MAX_BRIEF_PART);
    errors.into_result(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brief_needs_its_goal_and_takes_the_rest_as_given() {
        let brief = BriefDraft::new(BriefInput {
            goal: " No loss of supply during cut-over ",
            personal_stakes: Some("Dana's first project as operations lead"),
            success_criteria: Some("  "),
            ..BriefInput::default()
        })
        .unwrap();
        assert_eq!(brief.goal(), "No loss of supply during cut-over");
        assert_eq!(brief.success_criteria(), None);
        let errors = BriefDraft::new(BriefInput {
            goal: "",
            expertise: Some("PLC\u{1b}[31m"),
            ..BriefInput::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["goal", "expertise"]);
        assert!(concern_text("concern", " ").is_err());
        assert_eq!(
            concern_text("concern", " Night shift? ").unwrap(),
            "Night shift?"
        );
    }
}
