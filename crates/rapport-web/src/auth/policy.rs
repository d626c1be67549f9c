//! Which rule guards each route: the one table of who may reach what.
//!
//! Rules follow the shape of the path, so a new route beneath a project
//! is guarded like its siblings without anyone remembering to: reading
//! needs read access to the project, changing it needs management, and the
//! relationship records (interactions, questions, commitments, concerns)
//! need a contributor. A path the table does not know is refused for
//! everyone, so a forgotten rule shows nothing rather than everything.

use axum::http::Method;

/// What a route needs of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not: health, sign-in, static assets, the API
    /// description.
    Public,
    /// Any signed-in user; what they then see is limited by their scope.
    SignedIn,
    /// A user who may create accounts, people and projects.
    CreateRecords,
    /// An administrator.
    Admin,
    /// Access to the project named by the path's `{id}`.
    Project(Need),
    /// The account named by the path's `{id}`: seeing it, or changing it.
    Account { change: bool },
    /// The person named by the path's `{id}`: seeing them, or changing them.
    Person { change: bool },
    /// Placing the person named by the path's `{id}` on the behaviour
    /// grid: a PM or an administrator who sees them, never the person
    /// themselves.
    AssessPerson,
    /// A project's record named by the path's `{id}` alone (a question, a
    /// commitment): the rule of its project, found from the record.
    Record(Record, Need),
}

/// The records reached by their own id, outside their project's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Question,
    Commitment,
    /// A status report: read by who reads its project, drafted and sent
    /// by who manages it.
    Report,
}

/// What a project route needs, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Contribute,
    Manage,
}

/// The relationship records a project's contributors (members) may add
/// and change.
const CONTRIBUTIONS: &[&str] = &["interactions", "questions", "commitments", "concerns"];

/// The rule for a route, by method and the route's path pattern (as the
/// router matched it: `/api/v1/projects/{id}/status`). `None`: no rule,
/// and the request is refused.
pub fn rule(method: &Method, pattern: &str) -> Option<Rule> {
    let read = method == Method::GET || method == Method::HEAD;
    match pattern {
        "/healthz" | "/login" | "/api/openapi.json" => return Some(Rule::Public),
        "/" | "/logout" | "/api/v1/me" | "/today" | "/api/v1/today" | "/search"
        | "/commitments" | "/api/v1/search" => return Some(Rule::SignedIn),
        _ => {}
    }
    // The calendar feed's secret in its path is its credential.
    if pattern.starts_with("/static/") || pattern == "/calendar/{secret}" {
        return Some(Rule::Public);
    }
    if pattern == "/settings" || pattern.starts_with("/settings/") {
        return Some(Rule::SignedIn);
    }
    if pattern == "/admin" || pattern.starts_with("/admin/") {
        return Some(Rule::Admin);
    }
    let path = pattern.strip_prefix("/api/v1").unwrap_or(pattern);
    let mut segments = path.trim_start_matches('/').split('/');
    let collection = segments.next()?;
    let id = segments.next();
    let rest: Vec<&str> = segments.collect();
    match (collection, id) {
        ("accounts" | "people" | "projects", None) => Some(if read {
            Rule::SignedIn
        } else {
            Rule::CreateRecords
        }),
        ("accounts", Some("{id}")) => Some(Rule::Account { change: !read }),
        // A profile is read through the API by anyone who sees the
        // person; its form (a page) and any change are for an assessor.
        ("people", Some("{id}")) if rest.first() == Some(&"profile") => {
            Some(if read && pattern.starts_with("/api/") {
                Rule::Person { change: false }
            } else {
                Rule::AssessPerson
            })
        }
        ("people", Some("{id}")) => Some(Rule::Person { change: !read }),
        ("questions", Some("{id}")) => Some(Rule::Record(
            Record::Question,
            if read { Need::Read } else { Need::Contribute },
        )),
        ("commitments", Some("{id}")) => Some(Rule::Record(
            Record::Commitment,
            if read { Need::Read } else { Need::Contribute },
        )),
        ("reports", Some("{id}")) => Some(Rule::Record(
            Record::Report,
            if read { Need::Read } else { Need::Manage },
        )),
        // Answering a team concern is the project manager's.
        ("projects", Some("{id}"))
            if rest.first() == Some(&"concerns") && rest.last() == Some(&"answer") =>
        {
            Some(Rule::Project(Need::Manage))
        }
        // A form to add a record is for those who may add it.
        ("projects", Some("{id}")) if rest.last() == Some(&"new") => {
            Some(Rule::Project(Need::Contribute))
        }
        ("projects", Some("{id}")) => Some(Rule::Project(if read {
            Need::Read
        } else if rest.first().is_some_and(|r| CONTRIBUTIONS.contains(r)) {
            Need::Contribute
        } else {
            Need::Manage
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_routes_need_read_to_see_and_manage_to_change() {
        let get = Method::GET;
        let post = Method::POST;
        assert_eq!(
            rule(&get, "/api/v1/projects/{id}/evm"),
            Some(Rule::Project(Need::Read))
        );
        assert_eq!(
            rule(&post, "/api/v1/projects/{id}/status"),
            Some(Rule::Project(Need::Manage))
        );
        assert_eq!(
            rule(&post, "/api/v1/projects/{id}/interactions"),
            Some(Rule::Project(Need::Contribute))
        );
        assert_eq!(
            rule(
                &Method::DELETE,
                "/api/v1/projects/{id}/stakeholders/{person_id}"
            ),
            Some(Rule::Project(Need::Manage))
        );
    }

    #[test]
    fn a_question_or_commitment_by_id_follows_its_project() {
        assert_eq!(
            rule(&Method::POST, "/api/v1/questions/{id}/answer"),
            Some(Rule::Record(Record::Question, Need::Contribute))
        );
        assert_eq!(
            rule(&Method::POST, "/api/v1/commitments/{id}/resolve"),
            Some(Rule::Record(Record::Commitment, Need::Contribute))
        );
        assert_eq!(rule(&Method::GET, "/api/v1/questions"), None);
    }

    #[test]
    fn a_profile_is_read_by_who_sees_the_person_and_placed_by_an_assessor() {
        assert_eq!(
            rule(&Method::GET, "/api/v1/people/{id}/profile"),
            Some(Rule::Person { change: false })
        );
        assert_eq!(
            rule(&Method::PUT, "/api/v1/people/{id}/profile"),
            Some(Rule::AssessPerson)
        );
        assert_eq!(
            rule(&Method::GET, "/people/{id}/profile"),
            Some(Rule::AssessPerson)
        );
    }

    #[test]
    fn an_unknown_path_has_no_rule() {
        assert_eq!(rule(&Method::GET, "/api/v1/invoices"), None);
        assert_eq!(rule(&Method::GET, "/api/v1/accounts/{account_id}"), None);
    }
}
