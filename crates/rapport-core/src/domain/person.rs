//! People on both sides of the engagement.

use super::{optional_text, required_text, Side, ValidationErrors};
use crate::ids::AccountId;

/// A person on either side, validated. Behaviour style and communication
/// preferences are kept as optional text until the behaviour-styles
/// capability gives them structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDraft {
    side: Side,
    account_id: Option<AccountId>,
    name: String,
    title: Option<String>,
    organisation: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    behaviour_style: Option<String>,
    communication_preferences: Option<String>,
    contact_ideal_days: Option<i64>,
    contact_max_days: Option<i64>,
}

/// The longest contact interval, in days: about a year.
pub const MAX_CONTACT_DAYS: i64 = 366;

impl PersonDraft {
    pub fn side(&self) -> Side {
        self.side
    }

    pub fn account_id(&self) -> Option<AccountId> {
        self.account_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    pub fn organisation(&self) -> Option<&str> {
        self.organisation.as_deref()
    }

    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    pub fn behaviour_style(&self) -> Option<&str> {
        self.behaviour_style.as_deref()
    }

    pub fn communication_preferences(&self) -> Option<&str> {
        self.communication_preferences.as_deref()
    }

    /// Days without contact after which the person is due a call (amber
    /// on Today).
    pub fn contact_ideal_days(&self) -> Option<i64> {
        self.contact_ideal_days
    }

    /// Days without contact that must not pass (red on Today).
    pub fn contact_max_days(&self) -> Option<i64> {
        self.contact_max_days
    }
}

#[derive(Debug, Clone)]
pub struct PersonInput<'a> {
    pub side: &'a str,
    pub account_id: Option<AccountId>,
    pub name: &'a str,
    pub title: Option<&'a str>,
    pub organisation: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub behaviour_style: Option<&'a str>,
    pub communication_preferences: Option<&'a str>,
    pub contact_ideal_days: Option<i64>,
    pub contact_max_days: Option<i64>,
}

impl PersonDraft {
    pub fn new(input: PersonInput<'_>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let side = input.side.parse::<Side>().unwrap_or_else(|e| {
            errors.add("side", e);
            Side::Client
        });
        if side == Side::Client && input.account_id.is_none() {
            errors.add(
                "account_id",
                "a client-side person belongs to an account; give its id",
            );
        }
        let name = required_text(&mut errors, "name", input.name, 200);
        // A name heads e-mails and reports on one line.
        if name.contains(['\n', '\r']) {
            errors.add("name", "is one line; remove the line break");
        }
        let email = optional_text(&mut errors, "email", input.email, 320);
        if let Some(email) = &email {
            // One `@`, no spaces, and a dot inside the domain: the
            // pattern the API document states.
            let valid = !email.chars().any(char::is_whitespace)
                && email.split_once('@').is_some_and(|(local, domain)| {
                    let inner = domain.char_indices().skip(1).map(|(i, _)| i);
                    !local.is_empty()
                        && !domain.contains('@')
                        && inner
                            .filter(|&i| i + 1 < domain.len())
                            .any(|i| domain[i..].starts_with('.'))
                });
            if !valid {
                errors.add("email", format!("\"{email}\" is not an e-mail address"));
            }
        }
        let (contact_ideal_days, contact_max_days) = check_intervals(
            &mut errors,
            input.contact_ideal_days,
            input.contact_max_days,
        );
        let draft = Self {
            contact_ideal_days,
            contact_max_days,
            side,
            account_id: input.account_id,
            name,
            title: optional_text(&mut errors, "title", input.title, 200),
            organisation: optional_text(&mut errors, "organisation", input.organisation, 200),
            email,
            phone: optional_text(&mut errors, "phone", input.phone, 50),
            behaviour_style: optional_text(
                &mut errors,
                "behaviour_style",
                input.behaviour_style,
                100,
            ),
            communication_preferences: optional_text(
                &mut errors,
                "communication_preferences",
                input.communication_preferences,
                2_000,
            ),
        };
        errors.into_result(draft)
    }
}

/// Checks a pair of contact intervals: each 1 to [`MAX_CONTACT_DAYS`]
/// days, the ideal no longer than the maximum. Out-of-range values are
/// dropped (with their error).
pub(crate) fn check_intervals(
    errors: &mut ValidationErrors,
    ideal: Option<i64>,
    max: Option<i64>,
) -> (Option<i64>, Option<i64>) {
    let mut interval = |field: &str, days: Option<i64>| {
        days.filter(|d| {
            let fits = (1..=MAX_CONTACT_DAYS).contains(d);
            if !fits {
                errors.add(
                    field,
                    format!("{d} is not a number of days from 1 to {MAX_CONTACT_DAYS}"),
                );
            }
            fits
        })
    };
    let contact_ideal_days = interval("contact_ideal_days", ideal);
    let contact_max_days = interval("contact_max_days", max);
    if let (Some(ideal), Some(max)) = (contact_ideal_days, contact_max_days) {
        if ideal > max {
            errors.add(
                "contact_ideal_days",
                format!(
                    "the ideal interval ({ideal} days) is longer than the maximum ({max} days)"
                ),
            );
        }
    }
    (contact_ideal_days, contact_max_days)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_name_is_one_line() {
        let errors = PersonDraft::new(PersonInput {
            side: "firm",
            account_id: None,
            name: "Line\r\nBcc: a@evil.example",
            title: None,
            organisation: None,
            email: None,
            phone: None,
            behaviour_style: None,
            communication_preferences: None,
            contact_ideal_days: None,
            contact_max_days: None,
        })
        .unwrap_err();
        assert_eq!(errors.0[0].field, "name");
        assert!(errors.0[0].message.contains("one line"));
    }

    #[test]
    fn a_client_person_needs_an_account_and_a_real_email() {
        let errors = PersonDraft::new(PersonInput {
            side: "client",
            account_id: None,
            name: " ",
            title: None,
            organisation: None,
            email: Some("not-an-email"),
            phone: None,
            behaviour_style: None,
            communication_preferences: None,
            contact_ideal_days: None,
            contact_max_days: None,
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["account_id", "name", "email"]);
    }

    #[test]
    fn contact_intervals_are_days_and_the_ideal_comes_first() {
        let draft = |ideal, max| {
            PersonDraft::new(PersonInput {
                side: "firm",
                account_id: None,
                name: "Pat",
                title: None,
                organisation: None,
                email: None,
                phone: None,
                behaviour_style: None,
                communication_preferences: None,
                contact_ideal_days: ideal,
                contact_max_days: max,
            })
        };
        let ok = draft(Some(14), Some(30)).unwrap();
        assert_eq!(
            (ok.contact_ideal_days(), ok.contact_max_days()),
            (Some(14), Some(30))
        );
        let fields = |e: ValidationErrors| e.0.into_iter().map(|f| f.field).collect::<Vec<_>>();
        assert_eq!(
            fields(draft(Some(30), Some(14)).unwrap_err()),
            ["contact_ideal_days"]
        );
        assert_eq!(
            fields(draft(Some(0), Some(400)).unwrap_err()),
            ["contact_ideal_days", "contact_max_days"]
        );
    }

    /// The API document states `^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$`; the
    /// rule here must agree with it on both sides.
    #[test]
    fn an_email_has_one_at_no_spaces_and_a_dot_inside_its_domain() {
        let check = |email: &str| {
            PersonDraft::new(PersonInput {
                side: "firm",
                account_id: None,
                name: "Pat",
                title: None,
                organisation: None,
                email: Some(email),
                phone: None,
                behaviour_style: None,
                communication_preferences: None,
                contact_ideal_days: None,
                contact_max_days: None,
            })
            .is_ok()
        };
        for good in [
            "a@b.c",
            " dana@example.com ",
            "x.y@mail.example.org",
            "a@b..c",
        ] {
            assert!(check(good), "{good} is refused");
        }
        for bad in [
            "a@b@c.d", "a@.c", "a@b.", "a b@c.d", "@b.c", "a@bc", "a@b .c",
        ] {
            assert!(!check(bad), "{bad} is accepted");
        }
    }
}
