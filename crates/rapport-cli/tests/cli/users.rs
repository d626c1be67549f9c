//! `rapport user`: people who sign in, and their API tokens.

use super::{rapport, workspace_root};
use std::process::{Command, Output};

/// Runs `rapport` on a database with the given standard input.
fn rapport_with_input(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .current_dir(workspace_root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn users_and_tokens_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rapport.db").display().to_string();
    let db_args = |args: &[&str]| {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.extend(["--database-url".to_string(), db.clone()]);
        all
    };
    let run = |args: &[&str]| {
        let all = db_args(args);
        rapport(&all.iter().map(String::as_str).collect::<Vec<_>>())
    };

    // A generated password is printed once, alone on standard output.
    let out = run(&[
        "user",
        "add",
        "--email",
        "Pat@Example.com",
        "--name",
        "Pat Lee",
        "--role",
        "pm",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let password = String::from_utf8(out.stdout).unwrap();
    assert_eq!(password.trim().len(), 24, "{password}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("added pat@example.com (Pat Lee) as pm"));

    // A chosen password comes on standard input, and is checked.
    let all = db_args(&[
        "user",
        "add",
        "--email",
        "v@example.com",
        "--name",
        "Vi",
        "--role",
        "viewer",
        "--password-stdin",
    ]);
    let args: Vec<&str> = all.iter().map(String::as_str).collect();
    let short = rapport_with_input(&args, "too short\n");
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));
    let ok = rapport_with_input(&args, "a good long password\n");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        ok.stdout.is_empty(),
        "no password to print when it was given"
    );

    // Mistakes exit 2 and say what to do.
    let duplicate = run(&[
        "user",
        "add",
        "--email",
        "pat@example.com",
        "--name",
        "Pat",
        "--role",
        "pm",
    ]);
    assert_eq!(duplicate.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
    let bad_role = run(&[
        "user",
        "set-role",
        "--email",
        "pat@example.com",
        "--role",
        "boss",
    ]);
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("admin, pm, member, viewer"));

    assert!(run(&[
        "user",
        "set-role",
        "--email",
        "pat@example.com",
        "--role",
        "admin"
    ])
    .status
    .success());
    let list = run(&["user", "list", "--format", "json"]);
    let users: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(users[0]["email"], "pat@example.com");
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(users[1]["role"], "viewer");

    // A token is printed once, alone; listed by its prefix; revoked by id.
    let out = run(&[
        "token",
        "create",
        "--email",
        "pat@example.com",
        "--label",
        "nightly",
        "--expires-days",
        "30",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(
        token.starts_with("rapport_") && token.len() == 72,
        "{token}"
    );
    let listed =
        String::from_utf8(run(&["token", "list", "--email", "pat@example.com"]).stdout).unwrap();
    assert!(
        listed.contains("nightly") && listed.contains(&token[..14]) && listed.contains("active"),
        "{listed}"
    );
    assert!(!listed.contains(&token), "the token itself is never listed");
    let unknown = run(&[
        "token",
        "revoke",
        "--email",
        "pat@example.com",
        "--id",
        "99",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        run(&["token", "revoke", "--email", "pat@example.com", "--id", "1"])
            .status
            .success()
    );
    let listed =
        String::from_utf8(run(&["token", "list", "--email", "pat@example.com"]).stdout).unwrap();
    assert!(listed.contains("revoked"), "{listed}");

    // Pat is the only administrator: disabling them would lock everyone
    // out of managing users.
    let last = run(&["user", "disable", "--email", "pat@example.com"]);
    assert_eq!(last.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&last.stderr).contains("last active administrator"));
    assert!(run(&[
        "user",
        "set-role",
        "--email",
        "v@example.com",
        "--role",
        "admin"
    ])
    .status
    .success());
    assert!(run(&["user", "disable", "--email", "pat@example.com"])
        .status
        .success());
    let list = run(&["user", "list"]);
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("pat@example.com") && l.ends_with("disabled")),
        "{text}"
    );
    let nobody = run(&["user", "disable", "--email", "nobody@example.com"]);
    assert_eq!(nobody.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("rapport user list"));
}

#[test]
fn seeding_an_in_memory_database_is_refused_as_it_would_keep_nothing() {
    let out = rapport(&[
        "seed",
        "--projects",
        "8",
        "--database-url",
        "sqlite::memory:",
    ]);
    assert_eq!(out.status.code(), Some(2), "bad input exits 2");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("in-memory database") && said.contains("--database-url /tmp/firm.db"),
        "{said}"
    );
}

/// `sqlite://` names no file: SQLite would open a private temporary
/// database per connection, and the server would scatter writes across
/// them and lose them all at exit (found by a helper). It is refused.
#[test]
fn a_sqlite_url_without_a_file_is_refused() {
    for url in ["sqlite://", "sqlite:"] {
        let out = rapport(&["user", "list", "--database-url", url]);
        assert_eq!(out.status.code(), Some(2), "{url}: bad input exits 2");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(&format!("the database URL {url}"))
                && said.contains("names no file")
                && said.contains("sqlite::memory:"),
            "{url}: {said}"
        );
    }
}
