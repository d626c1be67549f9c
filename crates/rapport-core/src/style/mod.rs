//! Behaviour styles: how a person tends to behave where others can see it,
//! placed on two axes from an observation questionnaire that someone else
//! fills in about them (never a self-assessment).
//!
//! The model is the two-axis one of Merrill and Reid (*Personal Styles and
//! Effective Performance*, Chilton, 1981, ch. 3–4): **assertiveness**, how
//! far a person tries to influence others (asks ↔ tells), and
//! **responsiveness**, how far they show their feelings (controlled ↔
//! expressive). The four quadrants carry the common names Driver (tells,
//! controlled), Expressive (tells, expressive), Amiable (asks, expressive)
//! and Analytical (asks, controlled). The questionnaire below is our own
//! wording of observable behaviour, six items per axis.
//!
//! What this module owns: the items, the scoring and the placement, with
//! the scores kept so that a placement near an axis shows as borderline;
//! the rest of a person's profile (`profile`) and the advice that follows
//! from it (`guidance`). It does not own how a profile is stored.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{text_enum, ValidationErrors};

pub mod guidance;
pub mod profile;

pub use guidance::{guidance, pairing, Guidance};
pub use profile::{Assessment, DecisionStyle, DetailLevel, ProfileDraft, ProfileInput};

/// One of the two axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Asks (low) ↔ tells (high).
    Assertiveness,
    /// Controlled (low) ↔ expressive (high).
    Responsiveness,
}

/// One observation: a behaviour between two ends, answered 1 (the low
/// end, very like `low`) to 5 (very like `high`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub id: &'static str,
    pub axis: Axis,
    pub low: &'static str,
    pub high: &'static str,
}

const fn item(id: &'static str, axis: Axis, low: &'static str, high: &'static str) -> Item {
    Item {
        id,
        axis,
        low,
        high,
    }
}

/// The questionnaire, in the order a form shows it (the axes interleaved,
/// so answering one axis does not colour the next answer).
pub const QUESTIONNAIRE: [Item; 12] = [
    item(
        "pace_of_speech",
        Axis::Assertiveness,
        "speaks slowly and deliberately",
        "speaks quickly and with energy",
    ),
    item(
        "shows_feelings",
        Axis::Responsiveness,
        "keeps feelings to themselves",
        "shows feelings openly",
    ),
    item(
        "asks_or_tells",
        Axis::Assertiveness,
        "asks questions to make a point",
        "makes statements to make a point",
    ),
    item(
        "small_talk",
        Axis::Responsiveness,
        "goes straight to business",
        "starts with personal talk",
    ),
    item(
        "pace_of_decisions",
        Axis::Assertiveness,
        "takes time over decisions",
        "decides quickly",
    ),
    item(
        "data_or_people",
        Axis::Responsiveness,
        "wants facts, data and detail",
        "wants the big picture and the people in it",
    ),
    item(
        "takes_charge",
        Axis::Assertiveness,
        "lets others lead a meeting",
        "takes charge of a meeting",
    ),
    item(
        "face_and_voice",
        Axis::Responsiveness,
        "little expression in face and voice",
        "lively face, gestures and voice",
    ),
    item(
        "risk",
        Axis::Assertiveness,
        "avoids risk, wants assurance",
        "takes risks readily",
    ),
    item(
        "time",
        Axis::Responsiveness,
        "keeps strictly to time and agenda",
        "lets time and agenda flex for people",
    ),
    item(
        "disagreement",
        Axis::Assertiveness,
        "keeps disagreement to themselves",
        "says so at once when they disagree",
    ),
    item(
        "stories",
        Axis::Responsiveness,
        "speaks in facts and figures",
        "speaks in stories and anecdotes",
    ),
];

/// The lowest and highest answer.
pub const ANSWER_RANGE: std::ops::RangeInclusive<u8> = 1..=5;

/// A score nearer the middle of an axis than this is borderline: within
/// 0.4 of the five-point scale's midpoint on average (0.2 of the axis's
/// half-width of 2), where one answer moved by one point can cross sides.
pub const BORDERLINE: f64 = 0.2;

text_enum! {
    /// The four styles.
    Style {
        Driver => "driver",
        Expressive => "expressive",
        Amiable => "amiable",
        Analytical => "analytical",
    }
}

impl Style {
    /// The style's name as a sentence shows it: "Driver".
    pub fn label(self) -> &'static str {
        match self {
            Style::Driver => "Driver",
            Style::Expressive => "Expressive",
            Style::Amiable => "Amiable",
            Style::Analytical => "Analytical",
        }
    }

    /// Whether the style tells (the high side of assertiveness).
    pub fn tells(self) -> bool {
        matches!(self, Style::Driver | Style::Expressive)
    }

    /// Whether the style shows feelings (the high side of responsiveness).
    pub fn expressive(self) -> bool {
        matches!(self, Style::Expressive | Style::Amiable)
    }

    /// The style of a quadrant: whether the person tells (rather than
    /// asks) and whether they are expressive (rather than controlled).
    pub fn of(tells: bool, expressive: bool) -> Style {
        match (tells, expressive) {
            (true, false) => Style::Driver,
            (true, true) => Style::Expressive,
            (false, true) => Style::Amiable,
            (false, false) => Style::Analytical,
        }
    }
}

/// A full set of answers, checked: every item answered once, each within
/// [`ANSWER_RANGE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers(BTreeMap<&'static str, u8>);

impl Answers {
    /// Checks `(item id, answer)` pairs; every problem is named by its item.
    pub fn new(answers: &[(&str, u8)]) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let mut checked = BTreeMap::new();
        for (id, answer) in answers {
            let field = format!("answers.{id}");
            let Some(item) = QUESTIONNAIRE.iter().find(|i| i.id == *id) else {
                let known: Vec<&str> = QUESTIONNAIRE.iter().map(|i| i.id).collect();
                errors.add(
                    field,
                    format!(
                        "is not an item of the questionnaire; the items are {}",
                        known.join(", ")
                    ),
                );
                continue;
            };
            if !ANSWER_RANGE.contains(answer) {
                errors.add(
                    field,
                    format!(
                        "must be 1 (\"{}\") to 5 (\"{}\"), not {answer}",
                        item.low, item.high
                    ),
                );
            } else if checked.insert(item.id, *answer).is_some() {
                errors.add(field, "is answered twice; keep one answer");
            }
        }
        for item in QUESTIONNAIRE {
            if !checked.contains_key(item.id) && !answers.iter().any(|(id, _)| *id == item.id) {
                errors.add(
                    format!("answers.{}", item.id),
                    format!(
                        "is not answered: from 1 (\"{}\") to 5 (\"{}\")",
                        item.low, item.high
                    ),
                );
            }
        }
        errors.into_result(Self(checked))
    }
}

impl Answers {
    /// The answers by item id, in the questionnaire's id order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u8)> + '_ {
        self.0.iter().map(|(id, a)| (*id, *a))
    }

    /// The answer to one item.
    pub fn get(&self, id: &str) -> Option<u8> {
        self.0.get(id).copied()
    }
}

/// Where a person stands on each axis, from −1 (asks; controlled) to +1
/// (tells; expressive): the mean answer of the axis's items, with the
/// scale's midpoint (3) at 0 and its ends (1 and 5) at ∓1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    pub assertiveness: f64,
    pub responsiveness: f64,
}

/// A placement: the scores, the style they place the person in, and
/// whether it is borderline (a score within [`BORDERLINE`] of an axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub scores: Scores,
    pub style: Style,
    pub borderline: bool,
}

/// The scores of a full set of answers.
pub fn score(answers: &Answers) -> Scores {
    let axis_score = |axis: Axis| {
        let answered: Vec<f64> = QUESTIONNAIRE
            .iter()
            .filter(|i| i.axis == axis)
            .filter_map(|i| answers.0.get(i.id))
            .map(|a| f64::from(*a))
            .collect();
        let mean = answered.iter().sum::<f64>() / answered.len() as f64;
        (mean - 3.0) / 2.0
    };
    Scores {
        assertiveness: axis_score(Axis::Assertiveness),
        responsiveness: axis_score(Axis::Responsiveness),
    }
}

/// The style the scores place a person in. A score of exactly 0 (a tie
/// on an axis) counts as the low side (asks, controlled): the questionnaire
/// cannot tell, and the low side is the one whose advice (send the data
/// first, give time to decide) does least harm when wrong. Such a
/// placement, and any within [`BORDERLINE`] of an axis, is borderline.
pub fn place(scores: Scores) -> Placement {
    Placement {
        scores,
        style: Style::of(scores.assertiveness > 0.0, scores.responsiveness > 0.0),
        borderline: scores.assertiveness.abs() < BORDERLINE
            || scores.responsiveness.abs() < BORDERLINE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers with every item of `axis` at `a` and every other at `r`.
    fn answers(a: u8, r: u8) -> Answers {
        let pairs: Vec<(&str, u8)> = QUESTIONNAIRE
            .iter()
            .map(|i| (i.id, if i.axis == Axis::Assertiveness { a } else { r }))
            .collect();
        Answers::new(&pairs).unwrap()
    }

    #[test]
    fn six_items_per_axis_with_distinct_ids() {
        for axis in [Axis::Assertiveness, Axis::Responsiveness] {
            assert_eq!(QUESTIONNAIRE.iter().filter(|i| i.axis == axis).count(), 6);
        }
        let mut ids: Vec<&str> = QUESTIONNAIRE.iter().map(|i| i.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), QUESTIONNAIRE.len());
    }

    /// The four corners of the grid are the four styles (Merrill and
    /// Reid's quadrants), with the ends of the scale at ±1.
    #[test]
    fn the_corners_are_the_four_styles() {
        for (a, r, style) in [
            (5, 1, Style::Driver),
            (5, 5, Style::Expressive),
            (1, 5, Style::Amiable),
            (1, 1, Style::Analytical),
        ] {
            let placement = place(score(&answers(a, r)));
            assert_eq!(placement.style, style, "{a} {r}");
            assert!(!placement.borderline);
            let expected = |x: u8| (f64::from(x) - 3.0) / 2.0;
            assert_eq!(placement.scores.assertiveness, expected(a));
            assert_eq!(placement.scores.responsiveness, expected(r));
        }
    }

    /// All answers in the middle: a tie on both axes, placed on the low
    /// sides (Analytical) and marked borderline.
    #[test]
    fn a_tie_is_placed_on_the_low_side_and_is_borderline() {
        let placement = place(score(&answers(3, 3)));
        assert_eq!(placement.scores.assertiveness, 0.0);
        assert_eq!(placement.style, Style::Analytical);
        assert!(placement.borderline);
    }

    /// Assertiveness answers 4,4,4,3,3,3 average 3.5: a score of 0.25,
    /// clear of the 0.2 band; 4,3,3,3,3,3 average 3.1667: 0.083, inside it.
    #[test]
    fn near_an_axis_is_borderline_and_clear_of_it_is_not() {
        let with = |assertive: [u8; 6]| {
            let mut k = 0;
            let pairs: Vec<(&str, u8)> = QUESTIONNAIRE
                .iter()
                .map(|i| match i.axis {
                    Axis::Assertiveness => {
                        k += 1;
                        (i.id, assertive[k - 1])
                    }
                    Axis::Responsiveness => (i.id, 1),
                })
                .collect();
            place(score(&Answers::new(&pairs).unwrap()))
        };
        let clear = with([4, 4, 4, 3, 3, 3]);
        assert_eq!(clear.scores.assertiveness, 0.25);
        assert_eq!((clear.style, clear.borderline), (Style::Driver, false));
        let near = with([4, 3, 3, 3, 3, 3]);
        assert!((near.scores.assertiveness - 1.0 / 12.0).abs() < 1e-12);
        assert_eq!((near.style, near.borderline), (Style::Driver, true));
    }

    #[test]
    fn every_wrong_answer_is_named_by_its_item() {
        let mut pairs: Vec<(&str, u8)> = QUESTIONNAIRE.iter().map(|i| (i.id, 3)).collect();
        pairs[0].1 = 6;
        pairs.push(("stories", 2));
        pairs.push(("horoscope", 3));
        pairs.retain(|(id, _)| *id != "risk");
        let errors = Answers::new(&pairs).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "answers.pace_of_speech",
                "answers.stories",
                "answers.horoscope",
                "answers.risk"
            ]
        );
        assert!(errors.0[0].message.contains("must be 1"), "{errors}");
        assert!(errors.0[1].message.contains("twice"), "{errors}");
        assert!(errors.0[3].message.contains("not answered"), "{errors}");
    }
}
