//! The `rapport` binary run as a process, as a script would run it.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

mod estimate;
mod evm;
mod users;

use std::path::PathBuf;
use std::process::{Command, Output};

fn rapport(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .current_dir(workspace_root())
        .output()
        .unwrap()
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn write_temp(content: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("project.toml");
    std::fs::write(&path, content).unwrap();
    (dir, path.display().to_string())
}

#[test]
fn serve_refuses_an_address_it_cannot_bind() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db").display().to_string();
    let out = rapport(&["serve", "--bind", &address, "--database-url", &db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on"));
}

#[test]
fn a_broken_configuration_file_stops_serve_with_its_position() {
    let (_dir, path) = write_temp("bind = \"0.0.0.0:8080\"\ndatabase = \"x\"\n");
    let out = rapport(&["serve", "--config", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!("{path}:2:1: unknown field `database`")),
        "{err}"
    );
}
