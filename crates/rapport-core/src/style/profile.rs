//! A person's profile beyond the two axes: how they decide, what they want
//! from the project for themselves, and how they like to be kept informed
//! (channel, contact intervals, report cadence, level of detail).
//!
//! A profile is placed either from the observation questionnaire or
//! directly, by someone who knows the person well enough to name the style;
//! a direct placement has no scores, so it is never shown as borderline.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{place, score, Answers, Placement, Scores, Style};
use crate::domain::{check_intervals, optional_text, text_enum, InteractionKind, ValidationErrors};

text_enum! {
    /// How a person reaches a decision (after Vroom and Yetton's
    /// decision-making styles, *Leadership and Decision-Making*, University
    /// of Pittsburgh Press, 1973, ch. 2: from deciding alone to seeking the
    /// group's consensus).
    DecisionStyle {
        Alone => "decides_alone",
        OneByOne => "consults_one_by_one",
        Group => "consults_the_group",
        Consensus => "seeks_consensus",
    }
}

impl DecisionStyle {
    /// The style in words: "decides alone".
    pub fn label(self) -> &'static str {
        match self {
            DecisionStyle::Alone => "decides alone",
            DecisionStyle::OneByOne => "consults people one by one, then decides",
            DecisionStyle::Group => "consults the group, then decides",
            DecisionStyle::Consensus => "seeks the group's consensus",
        }
    }
}

text_enum! {
    /// How much a person wants to read: the headline only, a summary, or
    /// the full detail with the figures behind it.
    DetailLevel {
        Headline => "headline",
        Summary => "summary",
        Full => "full",
    }
}

/// The longest report cadence, in days: a quarter.
pub const MAX_REPORT_CADENCE_DAYS: i64 = 92;

/// How the style was reached.
#[derive(Debug, Clone, PartialEq)]
pub enum Assessment {
    /// From the questionnaire's answers, with the scores they give.
    Questionnaire(Answers, Placement),
    /// Named directly by someone who knows the person well.
    Direct(Style),
}

/// A profile, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileDraft {
    assessment: Assessment,
    decision_style: Option<DecisionStyle>,
    wants: Option<String>,
    preferred_channel: Option<InteractionKind>,
    contact_ideal_days: Option<i64>,
    contact_max_days: Option<i64>,
    report_cadence_days: Option<i64>,
    detail_level: Option<DetailLevel>,
}

/// A profile as sent: either `answers` or `style`, and the preferences.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput<'a> {
    pub answers: Option<&'a [(&'a str, u8)]>,
    pub style: Option<&'a str>,
    pub decision_style: Option<&'a str>,
    pub wants: Option<&'a str>,
    pub preferred_channel: Option<&'a str>,
    pub contact_ideal_days: Option<i64>,
    pub contact_max_days: Option<i64>,
    pub report_cadence_days: Option<i64>,
    pub detail_level: Option<&'a str>,
}

impl ProfileDraft {
    pub fn new(input: ProfileInput<'_>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let style = input.style.map(str::trim).filter(|s| !s.is_empty());
        let assessment = match (input.answers, style) {
            (Some(_), Some(_)) => {
                errors.add(
                    "style",
                    "give either the questionnaire's answers or a style, not both",
                );
                None
            }
            (None, None) => {
                errors.add(
                    "answers",
                    "answer the questionnaire, or give a style (driver, expressive, amiable or analytical) if you know the person well",
                );
                None
            }
            (Some(answers), None) => match Answers::new(answers) {
                Ok(answers) => {
                    let placement = place(score(&answers));
                    Some(Assessment::Questionnaire(answers, placement))
                }
                Err(e) => {
                    errors.0.extend(e.0);
                    None
                }
            },
            (None, Some(style)) => parse(&mut errors, "style", Some(style)).map(Assessment::Direct),
        };
        let decision_style = parse(&mut errors, "decision_style", input.decision_style);
        let preferred_channel = parse(&mut errors, "preferred_channel", input.preferred_channel);
        let detail_level = parse(&mut errors, "detail_level", input.detail_level);
        let (contact_ideal_days, contact_max_days) = check_intervals(
            &mut errors,
            input.contact_ideal_days,
            input.contact_max_days,
        );
        let report_cadence_days = input.report_cadence_days.filter(|d| {
            let fits = (1..=MAX_REPORT_CADENCE_DAYS).contains(d);
            if !fits {
                errors.add(
                    "report_cadence_days",
                    format!("{d} is not a number of days from 1 to {MAX_REPORT_CADENCE_DAYS}"),
                );
            }
            fits
        });
        let wants = optional_text(&mut errors, "wants", input.wants, 2_000);
        match assessment {
            Some(assessment) if errors.is_empty() => Ok(Self {
                assessment,
                decision_style,
                wants,
                preferred_channel,
                contact_ideal_days,
                contact_max_days,
                report_cadence_days,
                detail_level,
            }),
            _ => Err(errors),
        }
    }

    pub fn assessment(&self) -> &Assessment {
        &self.assessment
    }

    pub fn style(&self) -> Style {
        match &self.assessment {
            Assessment::Questionnaire(_, placement) => placement.style,
            Assessment::Direct(style) => *style,
        }
    }

    /// The scores, when the questionnaire placed the person.
    pub fn scores(&self) -> Option<Scores> {
        match &self.assessment {
            Assessment::Questionnaire(_, placement) => Some(placement.scores),
            Assessment::Direct(_) => None,
        }
    }

    pub fn borderline(&self) -> bool {
        matches!(&self.assessment, Assessment::Questionnaire(_, p) if p.borderline)
    }

    pub fn answers(&self) -> Option<&Answers> {
        match &self.assessment {
            Assessment::Questionnaire(answers, _) => Some(answers),
            Assessment::Direct(_) => None,
        }
    }

    pub fn decision_style(&self) -> Option<DecisionStyle> {
        self.decision_style
    }

    /// What the person wants from the project for themselves.
    pub fn wants(&self) -> Option<&str> {
        self.wants.as_deref()
    }

    pub fn preferred_channel(&self) -> Option<InteractionKind> {
        self.preferred_channel
    }

    pub fn contact_ideal_days(&self) -> Option<i64> {
        self.contact_ideal_days
    }

    pub fn contact_max_days(&self) -> Option<i64> {
        self.contact_max_days
    }

    /// Days between status reports to this person.
    pub fn report_cadence_days(&self) -> Option<i64> {
        self.report_cadence_days
    }

    pub fn detail_level(&self) -> Option<DetailLevel> {
        self.detail_level
    }
}

/// Parses an optional choice, recording an error under `field`.
fn parse<T: std::str::FromStr<Err = String>>(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
) -> Option<T> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    value.parse().map_err(|e: String| errors.add(field, e)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::QUESTIONNAIRE;

    fn all(answer: u8) -> Vec<(&'static str, u8)> {
        QUESTIONNAIRE.iter().map(|i| (i.id, answer)).collect()
    }

    #[test]
    fn answers_place_the_person_and_keep_the_scores() {
        let answers = all(5);
        let draft = ProfileDraft::new(ProfileInput {
            answers: Some(&answers),
            decision_style: Some("seeks_consensus"),
            detail_level: Some("full"),
            preferred_channel: Some("call"),
            report_cadence_days: Some(14),
            contact_ideal_days: Some(7),
            contact_max_days: Some(14),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(draft.style(), Style::Expressive);
        assert_eq!(
            draft.scores().map(|s| (s.assertiveness, s.responsiveness)),
            Some((1.0, 1.0))
        );
        assert!(!draft.borderline());
        assert_eq!(draft.decision_style(), Some(DecisionStyle::Consensus));
        assert_eq!(draft.detail_level(), Some(DetailLevel::Full));
        assert_eq!(draft.preferred_channel(), Some(InteractionKind::Call));
    }

    #[test]
    fn a_style_named_directly_has_no_scores_and_is_not_borderline() {
        let draft = ProfileDraft::new(ProfileInput {
            style: Some("analytical"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(draft.style(), Style::Analytical);
        assert_eq!(draft.scores(), None);
        assert!(!draft.borderline());
    }

    #[test]
    fn answers_and_a_style_together_or_neither_are_refused() {
        let answers = all(3);
        let both = ProfileDraft::new(ProfileInput {
            answers: Some(&answers),
            style: Some("driver"),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(both.0[0].field, "style");
        let neither = ProfileDraft::new(ProfileInput::default()).unwrap_err();
        assert_eq!(neither.0[0].field, "answers");
        let blank = ProfileDraft::new(ProfileInput {
            style: Some("  "),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(blank.0[0].field, "answers", "a blank style is no style");
    }

    #[test]
    fn every_wrong_preference_is_named_by_its_field() {
        let errors = ProfileDraft::new(ProfileInput {
            style: Some("bossy"),
            decision_style: Some("coin"),
            preferred_channel: Some("fax"),
            detail_level: Some("everything"),
            report_cadence_days: Some(0),
            contact_ideal_days: Some(30),
            contact_max_days: Some(10),
            wants: Some("a promotion\u{0}"),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "style",
                "decision_style",
                "preferred_channel",
                "detail_level",
                "contact_ideal_days",
                "report_cadence_days",
                "wants"
            ]
        );
        assert!(
            errors.0[0].message.contains("driver, expressive"),
            "{errors}"
        );
    }
}
