//! `rapport estimate`: the documented outputs, the seed, the PDF, errors
//! and saving a version to a project.

use super::{rapport, workspace_root, write_temp};
use std::process::Command;

#[test]
fn estimate_json_has_the_documented_shape() {
    let out = rapport(&[
        "estimate",
        "examples/control-system-upgrade.toml",
        "--format",
        "json",
        "--iterations",
        "2000",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Every key the documentation's JSON table names is in the output,
    // under the top-level key of its row.
    let documented = documented_json_keys();
    assert!(documented.len() >= 6, "the table was read: {documented:?}");
    for (tops, keys) in &documented {
        for top in tops {
            let subtree = &json[top.as_str()];
            assert!(
                !subtree.is_null(),
                "documented top-level key {top} is missing"
            );
            for key in keys {
                assert!(
                    has_key(subtree, key),
                    "{top}: documented key {key} is missing"
                );
            }
        }
    }
    // Values of the right kind, and the invariants the table states.
    let order = [
        "min", "p5", "p10", "p20", "p30", "p40", "p50", "p60", "p70", "p80", "p90", "p95", "max",
    ];
    for part in ["cost", "duration"] {
        let summary = &json[part];
        let values: Vec<f64> = order
            .iter()
            .map(|k| {
                summary[*k]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{part}.{k} is not a number"))
            })
            .collect();
        assert!(
            values.windows(2).all(|w| w[0] <= w[1]),
            "{part} percentiles out of order: {values:?}"
        );
        let number = |k: &str| summary[k].as_f64().unwrap_or_else(|| panic!("{part}.{k}"));
        assert_eq!(
            number("contingency"),
            number("at_confidence") - number("base")
        );
        assert_eq!(
            number("at_confidence"),
            number("p80"),
            "the example's confidence is 0.8"
        );
        assert!(number("sd") > 0.0);
        let curve: Vec<f64> = summary["curve"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(curve.len(), 101);
        assert!(curve.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(
            (curve[0], curve[50], curve[100]),
            (number("min"), number("p50"), number("max"))
        );
        let counted: u64 = summary["histogram"]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum();
        let outside = summary["histogram"]["below"].as_u64().unwrap()
            + summary["histogram"]["above"].as_u64().unwrap();
        // P0.5 to P99.5 leaves at most 0.5% of 2,000 (10) out on each side.
        assert!(outside <= 20, "{outside} outside the bins");
        assert_eq!(counted + outside, 2000, "every iteration is counted once");
    }
    for key in ["cost", "duration", "joint"] {
        let p = json["probability"][key].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "probability.{key} = {p}");
    }
    for item in json["items"].as_array().unwrap() {
        assert!(item["id"].is_string() && item["name"].is_string());
        for key in ["base_cost", "mean_cost"] {
            assert!(item[key].as_f64().is_some(), "{item}: {key}");
        }
        for key in ["criticality", "sensitivity_cost", "sensitivity_duration"] {
            let v = &item[key];
            assert!(
                v.is_null() || v.as_f64().is_some_and(|x| (-1.0..=1.0).contains(&x)),
                "{item}: {key}"
            );
        }
    }
    let path: Vec<&str> = json["base_critical_path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!path.is_empty());
    assert_eq!(json["alternatives"].as_array().unwrap().len(), 2);
    assert!(json["alternatives"][0]["cost"]["p80"].is_number());
    assert_eq!(json["iterations"], 2000);
    // Base cost, by hand from the example: hours × rates plus direct costs.
    let base = (60.0 + 420.0 + 600.0 + 80.0 + 160.0 + 50.0 + 140.0) * 150.0
        + 520.0 * 95.0
        + 360.0 * 165.0
        + 126_000.0
        + 18_000.0
        + 24_500.0;
    assert_eq!(json["cost"]["base"].as_f64().unwrap(), base);
}

#[test]
fn the_same_seed_gives_the_same_results_whatever_the_threads() {
    let run = |threads: &str| {
        let out = rapport(&[
            "estimate",
            "examples/control-system-upgrade.toml",
            "--format",
            "json",
            "--iterations",
            "3000",
            "--threads",
            threads,
        ]);
        assert!(out.status.success());
        out.stdout
    };
    assert_eq!(run("1"), run("3"));
}

#[test]
fn estimate_pdf_is_written_to_the_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("boe.pdf");
    let out = rapport(&[
        "estimate",
        "examples/control-system-upgrade.toml",
        "--format",
        "pdf",
        "--iterations",
        "2000",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        bytes.len() > 20_000,
        "a document with charts, not an empty page"
    );
}

#[test]
fn invalid_estimates_exit_2_with_item_field_and_position() {
    let (_dir, path) = write_temp("[estimate]\nname = \"x\"\n[[item]]\nid = \"a\"\nduration = 1\nafter = [\"b\"]\n[[item]]\nid = \"b\"\nduration = 1\nafter = [\"a\"]\n");
    let out = rapport(&["estimate", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!("{path}:")) && err.contains("dependency cycle: "),
        "{err}"
    );
    assert!(
        err.contains("a → b") && err.contains("b → a"),
        "the cycle is printed: {err}"
    );
    let (_dir, path) = write_temp("[estimate]\nname = \"x\"\n[[item]]\nid = \"a\"\ncost = 1\n[[risk]]\nid = \"r\"\nprobability = 2\ncost = 1\n");
    let out = rapport(&["estimate", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains(":8:15: risk \"r\": probability: 2 is not a probability"));
}

#[test]
fn estimate_is_saved_as_a_project_version() {
    use rapport_core::domain::*;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let project_id = runtime.block_on(async {
        let store = rapport_store::Store::open_file(&db).await.unwrap();
        let now = "2026-01-01T09:00:00Z".parse().unwrap();
        let account = store
            .create_account(
                now,
                "t",
                None,
                &AccountDraft::new("Client", None, None, vec![]).unwrap(),
            )
            .await
            .unwrap();
        let person = |side: &'static str, account_id| PersonInput {
            side,
            account_id,
            name: "Someone",
            title: None,
            organisation: None,
            email: None,
            phone: None,
            behaviour_style: None,
            communication_preferences: None,
            contact_ideal_days: None,
            contact_max_days: None,
        };
        let rep = store
            .create_person(
                now,
                "t",
                &PersonDraft::new(person("client", Some(account.id))).unwrap(),
            )
            .await
            .unwrap();
        let pm = store
            .create_person(now, "t", &PersonDraft::new(person("firm", None)).unwrap())
            .await
            .unwrap();
        let date = |s: &str| s.parse().unwrap();
        let draft = ProjectDraft::new(ProjectInput {
            account_id: account.id,
            name: "P",
            code: None,
            project_manager_id: pm.id,
            client_rep_id: rep.id,
            status: None,
            currency: "USD",
            bac_minor: 100_00,
            start: date("2026-01-01"),
            finish: date("2026-02-01"),
            planned: vec![PlannedPoint {
                period_end: date("2026-02-01"),
                pv_minor: 100_00,
            }],
            stakeholders: vec![],
        })
        .unwrap();
        let id = store.create_project(now, "t", &draft).await.unwrap().id;
        store.close().await;
        id
    });
    let db_arg = db.display().to_string();
    let id_arg = project_id.to_string();
    let out = rapport(&[
        "estimate",
        "examples/control-system-upgrade.toml",
        "--iterations",
        "1000",
        "--format",
        "json",
        "--save",
        "--project",
        &id_arg,
        "--database-url",
        &db_arg,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("saved as version 1"));
    runtime.block_on(async {
        let store = rapport_store::Store::open_file(&db).await.unwrap();
        let version = store.estimate_version(project_id, 1).await.unwrap();
        assert!(version.source.contains("Control system upgrade"));
        assert!(store.estimate_results(version.id).await.unwrap().is_some());
    });
    let out = rapport(&[
        "estimate",
        "examples/control-system-upgrade.toml",
        "--save",
        "--project",
        "999",
        "--database-url",
        &db_arg,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = rapport(&["estimate", "examples/control-system-upgrade.toml", "--save"]);
    assert_eq!(out.status.code(), Some(2), "--save needs --project");
}

/// The JSON table of docs/estimate-file.md: per row, the top-level keys
/// (first cell, `items[]` read as `items`) and every key the second cell
/// names (`p20` … `p90` read as each percentile between). A key named in a
/// row about itself (`duration` in the cost row) is not a child of it.
fn documented_json_keys() -> Vec<(Vec<String>, Vec<String>)> {
    let doc = std::fs::read_to_string(workspace_root().join("docs/estimate-file.md")).unwrap();
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(|k| k.trim_end_matches("[]").to_string())
            .collect()
    };
    doc.lines()
        .skip_while(|l| !l.starts_with("| JSON key"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            let cells: Vec<&str> = row.split('|').collect();
            let tops = ticked(cells[1]);
            let mut keys: Vec<String> = ticked(cells[2])
                .into_iter()
                .filter(|k| !tops.contains(k))
                .collect();
            if cells[2].contains("`p20` … `p90`") {
                keys.extend((3..=8).map(|d| format!("p{d}0")));
            }
            (tops, keys)
        })
        .collect()
}

/// Whether the value, or anything inside it, is an object with this key.
fn has_key(value: &serde_json::Value, key: &str) -> bool {
    match value {
        serde_json::Value::Object(map) => {
            map.contains_key(key) || map.values().any(|v| has_key(v, key))
        }
        serde_json::Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

/// The table, Markdown and HTML outputs carry the same figures as the
/// JSON of the same run, and the seed decides the run.
#[test]
fn estimate_outputs_agree_with_the_json_and_follow_the_seed() {
    let run = |format: &str, seed: &str| {
        let out = rapport(&[
            "estimate",
            "examples/control-system-upgrade.toml",
            "--iterations",
            "2000",
            "--seed",
            seed,
            "--format",
            format,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json", "5")).unwrap();
    assert_eq!(json["seed"], 5);
    let cost = |k: &str| grouped(json["cost"][k].as_f64().unwrap());

    let table = run("table", "5");
    assert!(
        table.starts_with("Control system upgrade, pump station 3 — 2000 iterations, seed 5"),
        "{table}"
    );
    for (row, key) in [
        ("base", "base"),
        ("P10", "p10"),
        ("P50", "p50"),
        ("P80", "p80"),
        ("P90", "p90"),
    ] {
        let line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(row))
            .unwrap_or_else(|| panic!("no {row} row in {table}"));
        assert!(
            line.contains(&cost(key)),
            "{row}: {line} should show {}",
            cost(key)
        );
    }

    let markdown = run("md", "5");
    assert!(
        markdown.starts_with("# Basis of estimate: Control system upgrade"),
        "{markdown}"
    );
    let html = run("html", "5");
    assert!(html.contains("<html") && html.contains("Basis of estimate"));
    // The key figures table of both documents is the JSON's, unrounded.
    for document in [&markdown, &html] {
        assert!(
            document.contains(&format!("USD {}", cost("p90"))),
            "P90 {} missing",
            cost("p90")
        );
    }

    assert_eq!(run("json", "5"), run("json", "5"), "one seed, one answer");
    let other: serde_json::Value = serde_json::from_str(&run("json", "6")).unwrap();
    assert_ne!(
        other["cost"]["p80"], json["cost"]["p80"],
        "another seed, another run"
    );
}

/// A reader that stops early (`rapport estimate … | head`) ends the
/// command quietly, as with any Unix tool: exit 0, nothing on stderr.
/// The PDF (tens of KB, more than a pipe holds) cannot all be written
/// before the reader goes.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args([
            "estimate",
            "examples/control-system-upgrade.toml",
            "--iterations",
            "500",
            "--format",
            "pdf",
        ])
        .current_dir(workspace_root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 5];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    assert_eq!(&head, b"%PDF-");
    // The read end is dropped here, closing the pipe.
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The table says each thing once and keeps its columns: the chosen
/// confidence marks its own percentile row, every item always on the
/// critical path is listed, alternatives give their difference from the
/// estimate, and a long name is cut rather than pushing numbers aside.
#[test]
fn the_estimate_table_says_each_thing_once_and_keeps_its_columns() {
    let long = "A very long item name that goes on well past the forty characters of its column";
    let (_dir, path) = write_temp(&format!(
        "[estimate]\nname = \"Columns\"\ncurrency = \"USD\"\niterations = 500\n\
         [[item]]\nid = \"a\"\nname = \"{long}\"\ncost = [1000, 2000, 4000]\nduration = [1, 2, 3]\n\
         [[item]]\nid = \"b\"\nname = \"Short\"\ncost = [500, 600, 900]\nduration = [2, 3, 4]\nafter = [\"a\"]\n\
         [[alternative]]\nname = \"Without b\"\ndrop = [\"b\"]\n"
    ));
    let table = String::from_utf8(rapport(&["estimate", &path]).stdout).unwrap();
    assert_eq!(table.matches("P80 (chosen)").count(), 1, "{table}");
    assert!(!table.contains("P80 chosen"), "{table}");
    // Both items are on the one path every time: both listed.
    let critical: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("Most often on the critical path"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(critical.len(), 2, "{table}");
    // Cut to the column with an ellipsis; the numbers line up.
    let drivers: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("What drives the cost"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(drivers.iter().any(|l| l.contains('…')), "{table}");
    let widths: Vec<usize> = drivers.iter().map(|l| l.chars().count()).collect();
    assert!(
        widths.windows(2).all(|w| w[0] == w[1]),
        "{widths:?}\n{table}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&rapport(&["estimate", &path, "--format", "json"]).stdout).unwrap();
    let difference = json["alternatives"][0]["cost"]["at_confidence"]
        .as_f64()
        .unwrap()
        - json["cost"]["at_confidence"].as_f64().unwrap();
    let shown = format!("\u{2212}{}", grouped(difference.abs()));
    assert!(
        table.contains(&format!("{shown} vs estimate")),
        "{shown} vs estimate missing:\n{table}"
    );
}

/// Whole units with thousands separators, as the table prints them.
fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.round());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
