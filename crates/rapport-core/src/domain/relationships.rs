//! The relationship records: interactions, follow-up questions and
//! commitments, and the rules they move by.

use crate::ids::PersonId;
use chrono::NaiveDate;

use super::{
    check_date, optional_text, required_text, CommitmentState, InteractionKind, QuestionState,
    ValidationErrors,
};

/// Moves a follow-up question along open → answered → understanding
/// confirmed; an answer may be revised while not yet confirmed.
pub fn next_question_state(
    current: QuestionState,
    to: QuestionState,
) -> Result<QuestionState, String> {
    use QuestionState::*;
    match (current, to) {
        (Open, Answered) | (Answered, Answered) | (Answered, UnderstandingConfirmed) => Ok(to),
        (Answered, Open) => Ok(Open),
        (from, to) => Err(format!(
            "a question that is {from} cannot become {to}; it goes open → answered → understanding_confirmed"
        )),
    }
}

/// The answer to a question, checked: said, at most 5,000 characters, no
/// control characters, and dated within Rapport's dates, not before the
/// question was asked.
pub fn answer_text(
    answer: &str,
    asked_on: NaiveDate,
    on: NaiveDate,
) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let answer = required_text(&mut errors, "answer", answer, 5_000);
    check_date(&mut errors, "answered_on", on);
    if on < asked_on {
        errors.add(
            "answered_on",
            format!("{on} is before the question was asked ({asked_on})"),
        );
    }
    errors.into_result(answer)
}

/// A confirmation date: within Rapport's dates and not before the answer.
pub fn check_confirmation(
    answered_on: Option<NaiveDate>,
    on: NaiveDate,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    check_date(&mut errors, "confirmed_on", on);
    if let Some(answered) = answered_on.filter(|a| on < *a) {
        errors.add(
            "confirmed_on",
            format!("{on} is before the answer came ({answered})"),
        );
    }
    errors.into_result(())
}

/// How many days a question has waited since it was asked: whole calendar
/// days from `asked_on` to `today` (0 on the day; never negative, for a
/// question dated ahead of today).
pub fn open_for_days(asked_on: NaiveDate, today: NaiveDate) -> i64 {
    (today - asked_on).num_days().max(0)
}

/// A logged meeting, call, e-mail, visit or message, validated: what was
/// said in a line, optional notes, and who took part (each once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InteractionDraft {
    occurred_on: NaiveDate,
    kind: InteractionKind,
    summary: String,
    notes: Option<String>,
    participant_ids: Vec<PersonId>,
}

impl InteractionDraft {
    pub fn new(
        occurred_on: NaiveDate,
        kind: &str,
        summary: &str,
        notes: Option<&str>,
        participant_ids: &[PersonId],
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let kind = kind.trim().parse().unwrap_or_else(|e| {
            errors.add("kind", e);
            InteractionKind::Meeting
        });
        check_date(&mut errors, "occurred_on", occurred_on);
        let summary = required_text(&mut errors, "summary", summary, 500);
        let notes = optional_text(&mut errors, "notes", notes, 20_000);
        if participant_ids.is_empty() {
            errors.add("participant_ids", "name at least one person who took part");
        }
        if participant_ids.len() > MAX_PARTICIPANTS {
            errors.add(
                "participant_ids",
                format!(
                    "{} named; at most {MAX_PARTICIPANTS} take part in one interaction",
                    participant_ids.len()
                ),
            );
        }
        let mut participant_ids = participant_ids.to_vec();
        participant_ids.sort_unstable();
        participant_ids.dedup();
        errors.into_result(Self {
            occurred_on,
            kind,
            summary,
            notes,
            participant_ids,
        })
    }

    pub fn occurred_on(&self) -> NaiveDate {
        self.occurred_on
    }

    pub fn kind(&self) -> InteractionKind {
        self.kind
    }

    pub fn summary(&self) -> &str {
        &self.summary
    }

    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    /// Who took part, each once, in id order.
    pub fn participant_ids(&self) -> &[PersonId] {
        &self.participant_ids
    }
}

/// A follow-up question raised to confirm understanding, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionDraft {
    question: String,
    asked_of_id: PersonId,
    asked_on: NaiveDate,
}

impl QuestionDraft {
    pub fn new(
        question: &str,
        asked_of_id: PersonId,
        asked_on: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        check_date(&mut errors, "asked_on", asked_on);
        let question = required_text(&mut errors, "question", question, 2_000);
        errors.into_result(Self {
            question,
            asked_of_id,
            asked_on,
        })
    }

    pub fn question(&self) -> &str {
        &self.question
    }

    pub fn asked_of_id(&self) -> PersonId {
        self.asked_of_id
    }

    pub fn asked_on(&self) -> NaiveDate {
        self.asked_on
    }
}

/// A promise by one named person to another, by a date, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentDraft {
    promised_by_id: PersonId,
    promised_to_id: PersonId,
    description: String,
    due_on: NaiveDate,
}

impl CommitmentDraft {
    pub fn new(
        promised_by_id: PersonId,
        promised_to_id: PersonId,
        description: &str,
        due_on: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        check_date(&mut errors, "due_on", due_on);
        let description = required_text(&mut errors, "description", description, 2_000);
        if promised_by_id == promised_to_id {
            errors.add(
                "promised_to_id",
                "a commitment is made to someone else; name the person it was promised to",
            );
        }
        errors.into_result(Self {
            promised_by_id,
            promised_to_id,
            description,
            due_on,
        })
    }

    pub fn promised_by_id(&self) -> PersonId {
        self.promised_by_id
    }

    pub fn promised_to_id(&self) -> PersonId {
        self.promised_to_id
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    pub fn due_on(&self) -> NaiveDate {
        self.due_on
    }
}

/// The most people one interaction names.
pub const MAX_PARTICIPANTS: usize = 100;

/// The most questions, and the most commitments, one capture records.
pub const MAX_CAPTURED: usize = 50;

/// One conversation as captured: the interaction and the follow-up
/// questions raised and commitments made in it, validated together so a
/// form or a request is refused field by field (`questions[1].question`)
/// and written whole or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureDraft {
    interaction: InteractionDraft,
    questions: Vec<QuestionDraft>,
    commitments: Vec<CommitmentDraft>,
}

impl CaptureDraft {
    /// Gathers the drafts, or every error of every part with its place.
    pub fn new(
        interaction: Result<InteractionDraft, ValidationErrors>,
        questions: Vec<Result<QuestionDraft, ValidationErrors>>,
        commitments: Vec<Result<CommitmentDraft, ValidationErrors>>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let interaction = interaction.map_err(|e| errors.0.extend(e.0)).ok();
        let mut gather = |list: &str, count: usize| {
            if count > MAX_CAPTURED {
                errors.add(
                    list,
                    format!("{count} given; one capture records at most {MAX_CAPTURED}"),
                );
            }
        };
        gather("questions", questions.len());
        gather("commitments", commitments.len());
        let mut take = |list: &str, index: usize, e: ValidationErrors| {
            for field in e.0 {
                errors.add(format!("{list}[{index}].{}", field.field), field.message);
            }
        };
        let mut kept_questions = Vec::with_capacity(questions.len());
        for (i, q) in questions.into_iter().enumerate() {
            match q {
                Ok(q) => kept_questions.push(q),
                Err(e) => take("questions", i, e),
            }
        }
        let mut kept_commitments = Vec::with_capacity(commitments.len());
        for (i, c) in commitments.into_iter().enumerate() {
            match c {
                Ok(c) => kept_commitments.push(c),
                Err(e) => take("commitments", i, e),
            }
        }
        match interaction {
            Some(interaction) if errors.is_empty() => Ok(Self {
                interaction,
                questions: kept_questions,
                commitments: kept_commitments,
            }),
            _ => Err(errors),
        }
    }

    pub fn interaction(&self) -> &InteractionDraft {
        &self.interaction
    }

    pub fn questions(&self) -> &[QuestionDraft] {
        &self.questions
    }

    pub fn commitments(&self) -> &[CommitmentDraft] {
        &self.commitments
    }
}

/// What settling a commitment records: its new state, the day it was
/// resolved (none while it is open or renegotiated), and its due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub state: CommitmentState,
    pub resolved_on: Option<NaiveDate>,
    pub due_on: NaiveDate,
    /// Why: required for a renegotiation, welcome for a late or broken
    /// promise, so the ledger tells the story and not just the state.
    pub reason: Option<String>,
}

/// The rule for settling a commitment due on `due_on`: kept, late or
/// broken resolves it on `on`; renegotiated keeps it open with the new due
/// date agreed with the person (which must be given, and not before the day
/// it was agreed, and with the reason it moved); open reopens it. A new
/// due date is refused for any state but renegotiated, so a slipped
/// promise cannot be quietly re-dated.
pub fn settle_commitment(
    due_on: NaiveDate,
    to: CommitmentState,
    on: NaiveDate,
    new_due: Option<NaiveDate>,
    reason: Option<&str>,
) -> Result<Settlement, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let reason = optional_text(&mut errors, "reason", reason, 2_000);
    check_date(&mut errors, "on", on);
    if let Some(new_due) = new_due {
        check_date(&mut errors, "new_due_on", new_due);
    }
    if to == CommitmentState::Renegotiated && reason.is_none() {
        errors.add(
            "reason",
            "say why the date moved: the ledger keeps it beside the new date",
        );
    }
    let due_on = match (to, new_due) {
        (CommitmentState::Renegotiated, None) => {
            errors.add(
                "new_due_on",
                "a renegotiated commitment needs the new due date agreed",
            );
            due_on
        }
        (CommitmentState::Renegotiated, Some(new_due)) if new_due < on => {
            errors.add(
                "new_due_on",
                format!("the new due date {new_due} is before the day it was agreed ({on})"),
            );
            due_on
        }
        (CommitmentState::Renegotiated, Some(new_due)) => new_due,
        (_, Some(_)) => {
            errors.add(
                "new_due_on",
                format!("only a renegotiated commitment takes a new due date; this one is being marked {to}"),
            );
            due_on
        }
        (_, None) => due_on,
    };
    let resolved_on = match to {
        CommitmentState::Open | CommitmentState::Renegotiated => None,
        CommitmentState::Kept | CommitmentState::Late | CommitmentState::Broken => Some(on),
    };
    errors.into_result(Settlement {
        state: to,
        resolved_on,
        due_on,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_question_is_answered_before_understanding_is_confirmed() {
        use QuestionState::*;
        assert_eq!(next_question_state(Open, Answered), Ok(Answered));
        assert_eq!(
            next_question_state(Answered, UnderstandingConfirmed),
            Ok(UnderstandingConfirmed)
        );
        assert!(next_question_state(Open, UnderstandingConfirmed)
            .unwrap_err()
            .contains("goes open → answered → understanding_confirmed"));
        assert!(next_question_state(UnderstandingConfirmed, Open)
            .unwrap_err()
            .contains("cannot become open"));
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_interaction_names_its_people_once_each_and_says_what_was_said() {
        let draft = InteractionDraft::new(
            date("2026-03-02"),
            "call",
            " Weekly call ",
            None,
            &[PersonId::new(7), PersonId::new(3), PersonId::new(7)],
        )
        .unwrap();
        assert_eq!(
            draft.participant_ids(),
            [PersonId::new(3), PersonId::new(7)]
        );
        assert_eq!(draft.summary(), "Weekly call");
        let errors = InteractionDraft::new(date("2026-03-02"), "fax", "", None, &[]).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "summary", "participant_ids"]);
    }

    #[test]
    fn an_answer_is_said_in_time_and_confirmed_after_it() {
        let asked = date("2026-11-05");
        assert_eq!(
            answer_text(" Pump 2 ", asked, date("2026-11-06")).unwrap(),
            "Pump 2"
        );
        let fields = |e: ValidationErrors| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>();
        assert_eq!(
            fields(answer_text("a\u{0}b", asked, date("2026-11-01")).unwrap_err()),
            ["answer", "answered_on"]
        );
        assert_eq!(
            fields(answer_text(&"y".repeat(5_001), asked, date("2201-01-01")).unwrap_err()),
            ["answer", "answered_on"]
        );
        assert!(check_confirmation(Some(date("2026-11-06")), date("2026-11-06")).is_ok());
        assert!(check_confirmation(Some(date("2026-11-06")), date("2026-11-01")).is_err());
        assert!(check_confirmation(None, date("1899-12-31")).is_err());
    }

    #[test]
    fn a_question_waits_whole_days_and_never_less_than_none() {
        assert_eq!(open_for_days(date("2026-11-20"), date("2026-11-27")), 7);
        assert_eq!(open_for_days(date("2026-11-27"), date("2026-11-27")), 0);
        assert_eq!(open_for_days(date("2026-11-30"), date("2026-11-27")), 0);
    }

    #[test]
    fn a_capture_is_refused_part_by_part_with_each_place_named() {
        let call = || {
            InteractionDraft::new(
                date("2026-03-02"),
                "call",
                "Weekly call",
                None,
                &[PersonId::new(1)],
            )
        };
        let question = |text: &str| QuestionDraft::new(text, PersonId::new(2), date("2026-03-02"));
        let promise = |to: i64| {
            CommitmentDraft::new(
                PersonId::new(1),
                PersonId::new(to),
                "Send it",
                date("2026-03-09"),
            )
        };
        let capture =
            CaptureDraft::new(call(), vec![question("Which panel?")], vec![promise(2)]).unwrap();
        assert_eq!(capture.questions().len(), 1);
        assert_eq!(capture.commitments().len(), 1);
        let errors = CaptureDraft::new(
            call(),
            vec![question("Fine"), question(" ")],
            vec![promise(2), promise(1)],
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["questions[1].question", "commitments[1].promised_to_id"]
        );
        let too_many = (0..=MAX_CAPTURED).map(|_| question("Why?")).collect();
        let errors = CaptureDraft::new(call(), too_many, vec![]).unwrap_err();
        assert_eq!(errors.0[0].field, "questions");
    }

    #[test]
    fn a_commitment_is_made_to_someone_else() {
        assert!(CommitmentDraft::new(
            PersonId::new(1),
            PersonId::new(2),
            "Send the test plan",
            date("2026-03-09")
        )
        .is_ok());
        let errors =
            CommitmentDraft::new(PersonId::new(1), PersonId::new(1), " ", date("2026-03-09"))
                .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["description", "promised_to_id"]);
    }

    #[test]
    fn renegotiating_needs_a_new_due_date_and_nothing_else_may_move_it() {
        use CommitmentState::*;
        let due = date("2026-03-09");
        let on = date("2026-03-05");
        let moved = settle_commitment(
            due,
            Renegotiated,
            on,
            Some(date("2026-03-20")),
            Some("Vendor slipped a week"),
        )
        .unwrap();
        assert_eq!(
            (moved.due_on, moved.resolved_on),
            (date("2026-03-20"), None)
        );
        let refused = |new_due: Option<&str>, to: CommitmentState| {
            settle_commitment(due, to, on, new_due.map(date), Some("why"))
                .unwrap_err()
                .to_string()
        };
        assert!(refused(None, Renegotiated).contains("new_due_on"));
        assert!(refused(Some("2026-03-01"), Renegotiated)
            .contains("the new due date 2026-03-01 is before the day it was agreed (2026-03-05)"));
        assert!(refused(Some("2026-03-20"), Kept)
            .contains("only a renegotiated commitment takes a new due date"));
        assert!(
            settle_commitment(due, Renegotiated, on, Some(date("2026-03-20")), Some("  "))
                .unwrap_err()
                .to_string()
                .contains("reason: say why the date moved")
        );
        let kept = settle_commitment(due, Kept, on, None, None).unwrap();
        assert_eq!((kept.due_on, kept.resolved_on), (due, Some(on)));
        let reopened = settle_commitment(due, Open, on, None, None).unwrap();
        assert_eq!(reopened.resolved_on, None);
    }
}
