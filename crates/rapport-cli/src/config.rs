//! The optional configuration file: flags win, then `RAPPORT_*` variables,
//! then this file, then the defaults.
//!
//! It lives at `--config PATH` / `RAPPORT_CONFIG`, or else at
//! `rapport/config.toml` in the user's configuration directory
//! (`~/.config/rapport/config.toml` on Linux) if that file exists:
//!
//! ```toml
//! bind = "0.0.0.0:8080"
//! database_url = "postgres://rapport@db.internal/rapport"
//! public_url = "https://rapport.example.com"
//! session_idle_hours = 12
//! session_days = 7
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Settings a configuration file may give; every one optional.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub bind: Option<SocketAddr>,
    pub database_url: Option<String>,
    /// The address people use, e.g. `https://rapport.example.com`; https
    /// marks cookies `Secure`.
    pub public_url: Option<String>,
    /// Hours of inactivity that end a session (default 12).
    pub session_idle_hours: Option<u32>,
    /// Days after sign-in that end a session (default 7).
    pub session_days: Option<u32>,
}

impl Config {
    /// Reads the file named, or the default one if it exists; no file at
    /// the default place is an empty configuration, a named file that
    /// cannot be read is an error.
    pub fn load(named: Option<&Path>) -> Result<(Self, Option<PathBuf>), String> {
        let (path, must_exist) = match named {
            Some(path) => (path.to_path_buf(), true),
            None => match dirs::config_dir() {
                Some(dir) => (dir.join("rapport").join("config.toml"), false),
                None => return Ok((Self::default(), None)),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if !must_exist && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Self::default(), None))
            }
            Err(e) => {
                return Err(format!(
                    "cannot read the configuration file {}: {e}",
                    path.display()
                ))
            }
        };
        Self::parse(&text)
            .map(|config| (config, Some(path.clone())))
            .map_err(|e| format!("{}:{e}", path.display()))
    }

    /// Parses a configuration file's text; errors give `line:column: message`.
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| {
            let (line, column) =
                rapport_core::located::line_and_column(text, e.span().map_or(0, |s| s.start));
            format!(
                "{line}:{column}: {}",
                e.message().trim().replace('\n', ": ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_file_gives_bind_and_database() {
        let config =
            Config::parse("bind = \"0.0.0.0:9000\"\ndatabase_url = \"postgres://db/rapport\"\n")
                .unwrap();
        assert_eq!(config.bind, Some("0.0.0.0:9000".parse().unwrap()));
        assert_eq!(
            config.database_url.as_deref(),
            Some("postgres://db/rapport")
        );
    }

    #[test]
    fn mistakes_in_the_file_are_located() {
        let e = Config::parse("bind = \"localhost\"\n").unwrap_err();
        assert!(e.starts_with("1:8:"), "{e}");
        let e = Config::parse("port = 8080\n").unwrap_err();
        assert!(e.contains("unknown field"), "{e}");
    }

    #[test]
    fn a_missing_named_file_is_an_error() {
        let e = Config::load(Some(Path::new("/no/such/rapport.toml"))).unwrap_err();
        assert!(e.to_string().contains("/no/such/rapport.toml"), "{e}");
    }
}
