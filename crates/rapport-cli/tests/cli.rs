//! The `rapport` binary run as a process, as a script would run it.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test, with its line

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
fn evm_json_on_the_shipped_example_has_every_measure_unrounded() {
    let out = rapport(&["evm", "examples/evm.toml", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["project"]["name"], "Pump station retrofit");
    let third = &json["status"][2];
    assert_eq!(third["period"], 3);
    // CPI = 150,000 / 171,000, unrounded.
    assert_eq!(third["cpi"].as_f64().unwrap(), 150_000.0 / 171_000.0);
    assert_eq!(third["eac"]["manager"], 455000.0);
    // ES = 2 + (150 − 90)/(180 − 90); IEAC(t) = 5 / (ES / 3).
    let es = 2.0 + 60.0 / 90.0;
    assert_eq!(third["es"].as_f64().unwrap(), es);
    assert!((third["ieac_t"].as_f64().unwrap() - 5.0 / (es / 3.0)).abs() < 1e-12);
    assert_eq!(third["forecast_finish"], "2026-06-19");
}

#[test]
fn evm_table_rounds_for_people() {
    let out = rapport(&["evm", "examples/evm.toml"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("BAC 420,000 USD"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("CPI cost index") && l.contains("0.88")),
        "{text}"
    );
}

#[test]
fn evm_csv_has_one_row_per_status() {
    let out = rapport(&["evm", "examples/evm.toml", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[0].starts_with("period,pv,ev,ac"));
    assert!(lines[1].starts_with("1,30000,24000,26500"));
}

#[test]
fn broken_toml_exits_2_with_line_and_column() {
    let (_dir, path) = write_temp("[project]\nname = \"x\"\nbac = = 10\nplanned = [10]\n");
    let out = rapport(&["evm", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("{path}:3:7: ")), "{err}");
    assert_eq!(err.lines().count(), 1, "one line per error: {err}");
}

#[test]
fn decreasing_curve_exits_2_pointing_at_the_value() {
    let (_dir, path) = write_temp("[project]\nname = \"x\"\nbac = 10\nplanned = [5, 4, 10]\n");
    let out = rapport(&["evm", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "{path}:4:15: project.planned: the planned-value curve decreases at period 2"
        )),
        "{err}"
    );
}

#[test]
fn status_out_of_order_exits_2() {
    let (_dir, path) = write_temp(
        "[project]\nname = \"x\"\nbac = 10\nplanned = [5, 10]\n[[status]]\nperiod = 2\nev = 5\nac = 5\n[[status]]\nperiod = 1\nev = 6\nac = 6\n",
    );
    let out = rapport(&["evm", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(":10:") && err.contains("not after the status before it"),
        "{err}"
    );
}

#[test]
fn missing_file_and_bad_usage_exit_2() {
    let out = rapport(&["evm", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read no/such/file.toml"));
    let out = rapport(&["evm", "examples/evm.toml", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
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
