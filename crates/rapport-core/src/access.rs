//! Who may see and change what: the roles, a user's relation to a project,
//! the access that follows, and the sign-in lock-out rule. Pure rules on
//! plain values; the web layer resolves the facts (who is asking, whether
//! they manage the project) and enforces the answer in one place.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::text_enum;

text_enum! {
    /// A firm-side user's role.
    Role {
        Admin => "admin",
        Pm => "pm",
        Member => "member",
        Viewer => "viewer",
    }
}

/// How a user's person stands to one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Neither its project manager nor on its team.
    Outsider,
    /// A firm-side stakeholder of the project.
    Team,
    /// Its project manager.
    Manager,
}

/// What a user may do with one project and everything beneath it, from
/// least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProjectAccess {
    /// The project is not shown; its routes answer 404 so its existence is
    /// not revealed.
    Hidden,
    /// Read everything on it.
    Read,
    /// Read, and add interactions, follow-up questions, commitments and
    /// concerns; not the baseline, status records, estimates or people.
    Contribute,
    /// Change anything on it.
    Manage,
}

/// The access table of the product brief:
///
/// | role | sees | changes |
/// |---|---|---|
/// | admin | everything | everything |
/// | viewer | every project | nothing |
/// | pm | projects they manage or are on the team of | those they manage; contributes to the others |
/// | member | projects they are on the team of | contributes to those |
///
/// A member set as a project's manager still only contributes: the role
/// caps what the relation grants. A PM on another PM's team is a team
/// member there: they record conversations and follow them up, but the
/// baseline, status, estimates, team and manager stay the manager's (an
/// earlier rule let them reassign the project to themselves).
pub fn project_access(role: Role, relation: Relation) -> ProjectAccess {
    match (role, relation) {
        (Role::Admin, _) => ProjectAccess::Manage,
        (Role::Viewer, _) => ProjectAccess::Read,
        (_, Relation::Outsider) => ProjectAccess::Hidden,
        (Role::Pm, Relation::Manager) => ProjectAccess::Manage,
        (Role::Pm, Relation::Team) => ProjectAccess::Contribute,
        (Role::Member, _) => ProjectAccess::Contribute,
    }
}

impl Role {
    /// Whether the user sees every account, person and project whatever
    /// their relation to it.
    pub fn sees_everything(self) -> bool {
        matches!(self, Role::Admin | Role::Viewer)
    }

    /// Whether the user may create accounts, people and projects, and
    /// change the accounts and people they see.
    pub fn may_create_records(self) -> bool {
        matches!(self, Role::Admin | Role::Pm)
    }

    /// Whether the user may add, change and disable users.
    pub fn may_manage_users(self) -> bool {
        self == Role::Admin
    }
}

/// How many failed sign-ins within [`LOCKOUT_WINDOW`] lock an account (or a
/// client address, with [`ADDRESS_FAILURE_LIMIT`]).
pub const ACCOUNT_FAILURE_LIMIT: usize = 5;
/// An address may try more often than one account: a shared office behind
/// one address holds several users.
pub const ADDRESS_FAILURE_LIMIT: usize = 20;
/// The window the failures are counted in, and how long the lock lasts
/// after the failure that set it.
pub const LOCKOUT_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// When a sign-in lock set by earlier failures lifts, if one holds at
/// `now`. `failures` are the failure times, in any order.
///
/// The rule: `limit` failures within `window` of each other lock sign-in
/// until `window` after the last of them. While locked, the password is
/// not checked and nothing is counted, so the lock is not extended by the
/// attempts it refuses, and the right password does not lift it early.
pub fn lockout_until(
    failures: &[DateTime<Utc>],
    limit: usize,
    window: TimeDelta,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if limit == 0 || failures.len() < limit {
        return None;
    }
    let mut times = failures.to_vec();
    times.sort_unstable();
    times
        .windows(limit)
        .filter(|run| run[limit - 1] - run[0] <= window)
        .map(|run| run[limit - 1] + window)
        .filter(|until| *until > now)
        .max()
}

impl fmt::Display for ProjectAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProjectAccess::Hidden => "no access",
            ProjectAccess::Read => "read",
            ProjectAccess::Contribute => "contribute",
            ProjectAccess::Manage => "manage",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0)
            .single()
            .expect("valid date")
            + TimeDelta::minutes(minute)
    }

    #[test]
    fn the_role_caps_what_the_relation_grants() {
        use ProjectAccess::*;
        use Relation::*;
        let expected = [
            (Role::Admin, [Manage, Manage, Manage]),
            (Role::Viewer, [Read, Read, Read]),
            (Role::Pm, [Hidden, Contribute, Manage]),
            (Role::Member, [Hidden, Contribute, Contribute]),
        ];
        for (role, row) in expected {
            for (relation, access) in [Outsider, Team, Manager].into_iter().zip(row) {
                assert_eq!(
                    project_access(role, relation),
                    access,
                    "{role} as {relation:?}"
                );
            }
        }
    }

    #[test]
    fn only_admins_and_pms_create_records_and_only_admins_manage_users() {
        let creators: Vec<_> = Role::ALL
            .iter()
            .filter(|r| r.may_create_records())
            .collect();
        assert_eq!(creators, [&Role::Admin, &Role::Pm]);
        let user_managers: Vec<_> = Role::ALL.iter().filter(|r| r.may_manage_users()).collect();
        assert_eq!(user_managers, [&Role::Admin]);
    }

    #[test]
    fn four_failures_do_not_lock() {
        let failures = [at(0), at(1), at(2), at(3)];
        assert_eq!(lockout_until(&failures, 5, LOCKOUT_WINDOW, at(4)), None);
    }

    #[test]
    fn the_fifth_failure_in_fifteen_minutes_locks_for_fifteen_minutes_after_it() {
        let failures = [at(0), at(3), at(6), at(9), at(12)];
        assert_eq!(
            lockout_until(&failures, 5, LOCKOUT_WINDOW, at(13)),
            Some(at(27))
        );
        // Still locked a moment before it lifts, free from then on.
        assert_eq!(
            lockout_until(&failures, 5, LOCKOUT_WINDOW, at(26)),
            Some(at(27))
        );
        assert_eq!(lockout_until(&failures, 5, LOCKOUT_WINDOW, at(27)), None);
    }

    #[test]
    fn failures_spread_wider_than_the_window_do_not_lock() {
        let failures = [at(0), at(4), at(8), at(12), at(16)];
        assert_eq!(lockout_until(&failures, 5, LOCKOUT_WINDOW, at(17)), None);
    }

    #[test]
    fn order_of_the_failures_does_not_matter() {
        let failures = [at(12), at(0), at(9), at(3), at(6)];
        assert_eq!(
            lockout_until(&failures, 5, LOCKOUT_WINDOW, at(13)),
            Some(at(27))
        );
    }
}

/// The shortest password accepted (NIST SP 800-63B §5.1.1.2 asks for at
/// least 8; we ask 12, and no composition rules, as it recommends).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Checks a new password against the policy: length only, counted in
/// characters, not bytes.
pub fn check_new_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password has {chars} characters; use at least {MIN_PASSWORD_CHARS} (a few words make a long password easy to remember)"
        ));
    }
    if chars > 1_000 {
        return Err("the password is over 1,000 characters; use a shorter one".into());
    }
    Ok(())
}

/// An e-mail address in the one form users are stored and looked up by:
/// trimmed and lower-cased.
pub fn normalise_email(email: &str) -> String {
    // No address holds a control character; dropping them here keeps a
    // pasted NUL from reaching the database (PostgreSQL refuses it in
    // text) on the way to "wrong e-mail or password".
    email
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .to_lowercase()
}

/// A new user, validated: an e-mail address, a name and a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDraft {
    email: String,
    name: String,
    role: Role,
}

impl UserDraft {
    pub fn new(
        email: &str,
        name: &str,
        role: &str,
    ) -> Result<Self, crate::domain::ValidationErrors> {
        let mut errors = crate::domain::ValidationErrors::default();
        if email.chars().any(char::is_control) {
            errors.add(
                "email",
                "holds a control character (such as NUL or ESC); remove it",
            );
        }
        let email = normalise_email(email);
        let valid = email.len() <= 320
            && !email.contains(char::is_whitespace)
            && email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !valid {
            errors.add("email", format!("\"{email}\" is not an e-mail address"));
        }
        let name = name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "must not be empty");
        } else if name.chars().count() > 200 {
            errors.add("name", "must be at most 200 characters");
        } else if name.chars().any(char::is_control) {
            errors.add(
                "name",
                "holds a control character (such as NUL or ESC); remove it",
            );
        }
        let role = role.trim().parse::<Role>().unwrap_or_else(|e| {
            errors.add("role", e);
            Role::Viewer
        });
        errors.into_result(Self { email, name, role })
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn role(&self) -> Role {
        self.role
    }
}

#[cfg(test)]
mod user_tests {
    use super::*;

    #[test]
    fn emails_are_compared_trimmed_and_lower_cased() {
        let draft = UserDraft::new("  Pat.PM@Example.COM ", "Pat", "pm").expect("valid");
        assert_eq!(draft.email(), "pat.pm@example.com");
        assert_eq!(draft.role(), Role::Pm);
    }

    #[test]
    fn a_bad_user_names_every_wrong_field() {
        let errors = UserDraft::new("nobody", " ", "boss").expect_err("invalid");
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "name", "role"]);
        assert!(errors.0[2].message.contains("admin, pm, member, viewer"));
    }

    #[test]
    fn passwords_need_twelve_characters_not_twelve_bytes() {
        assert!(check_new_password("elevenchars")
            .unwrap_err()
            .contains("has 11 characters"));
        assert!(check_new_password("twelve chars").is_ok());
        // Eleven two-byte characters are 22 bytes but still too short.
        assert!(check_new_password("ééééééééééé")
            .unwrap_err()
            .contains("has 11 characters"));
    }
}
