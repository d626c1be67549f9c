//! Which `Host` names the server answers to: a guard against DNS
//! rebinding, where a page on another site points its own name at
//! 127.0.0.1 and reads a Rapport running there.
//!
//! Bound to a loopback address, Rapport answers only to `localhost`,
//! `127.0.0.1` and `[::1]` on its port, and to the host of `--public-url`.
//! Bound to another address it answers to that address and the public
//! host; with no public URL it cannot know its names and answers to any
//! (`rapport serve` says so).

use std::collections::BTreeSet;
use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The host names (with port where one is needed) requests may carry.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts(Option<BTreeSet<String>>);

impl AllowedHosts {
    /// Any host: for a server whose names are unknown.
    pub fn any() -> Self {
        Self(None)
    }

    /// The names a server bound to `bound` answers to, with the host of its
    /// public URL (`rapport.example.com`, or `host:port`) if there is one.
    pub fn for_server(bound: SocketAddr, public_host: Option<&str>) -> Self {
        let port = bound.port();
        let mut names = BTreeSet::new();
        if bound.ip().is_loopback() {
            for name in ["localhost", "127.0.0.1", "[::1]"] {
                names.insert(format!("{name}:{port}"));
                if port == 80 {
                    names.insert(name.to_string());
                }
            }
        } else if bound.ip().is_unspecified() && public_host.is_none() {
            return Self::any();
        } else {
            names.insert(bound.to_string());
        }
        if let Some(host) = public_host {
            names.insert(host.to_ascii_lowercase());
        }
        Self(Some(names))
    }

    pub fn allows(&self, host: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|names| names.contains(&host.to_ascii_lowercase()))
    }

    fn describe(&self) -> String {
        self.0.as_ref().map_or_else(String::new, |names| {
            names.iter().cloned().collect::<Vec<_>>().join(", ")
        })
    }
}

/// The host part of a public URL (`https://rapport.example.com/` →
/// `rapport.example.com`).
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Refuses a request for a host the server does not answer to (421).
pub async fn check_host(
    State(allowed): State<AllowedHosts>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if allowed.allows(host) {
        return next.run(request).await;
    }
    ApiError::MisdirectedRequest(format!(
        "this server answers to {}, not to \"{host}\"; if people reach it by another name, give that as --public-url",
        allowed.describe()
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_server_answers_to_its_local_names_and_its_public_host() {
        let allowed =
            AllowedHosts::for_server(([127, 0, 0, 1], 8080).into(), Some("rapport.example.com"));
        for host in [
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "LOCALHOST:8080",
            "rapport.example.com",
        ] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in [
            "evil.example:8080",
            "localhost:8081",
            "",
            "rebind.evil.example",
        ] {
            assert!(!allowed.allows(host), "{host}");
        }
    }

    #[test]
    fn a_server_on_every_address_without_a_public_url_answers_to_any_host() {
        assert!(AllowedHosts::for_server(([0, 0, 0, 0], 8080).into(), None).allows("anything"));
        let named =
            AllowedHosts::for_server(([0, 0, 0, 0], 8080).into(), Some("rapport.example.com"));
        assert!(!named.allows("evil.example"));
    }

    #[test]
    fn the_host_of_a_public_url() {
        assert_eq!(
            host_of("https://Rapport.Example.com/").as_deref(),
            Some("rapport.example.com")
        );
        assert_eq!(
            host_of("http://10.0.0.5:8080").as_deref(),
            Some("10.0.0.5:8080")
        );
    }
}
