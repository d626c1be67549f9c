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
}

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
}

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
        let draft = Self {
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

#[cfg(test)]
mod tests {
    use super::*;
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
        })
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["account_id", "name", "email"]);
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
