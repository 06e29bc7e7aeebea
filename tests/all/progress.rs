//! The progress line: drawn on a terminal (a real pseudo-terminal, through util-linux
//! `script`), never on a pipe, never for a machine-readable format.

use std::process::{Command, Stdio};

use crate::support::{Host, Run, bulkhead};

const TLS: &str = "docker-tls-key-permissions";
const KEY: &str = "/etc/docker/tls/key.pem";

fn failing_host() -> Host {
    let host = Host::new();
    host.file(KEY, "KEY", 0o644)
        .process(77, &["dockerd", "--tlskey", KEY]);
    host
}

/// `bulkhead ARGS` with stdout and stderr on a pseudo-terminal; `stdout` holds what
/// the terminal received.
fn on_a_terminal(host: &Host, args: &[&str]) -> Run {
    let template = bulkhead();
    let root = host.root();
    let proc = host.proc();
    let mut argv = vec![template.get_program().to_str().unwrap()];
    argv.extend_from_slice(&args[..1]);
    argv.extend([
        "--root",
        root.to_str().unwrap(),
        "--proc",
        proc.to_str().unwrap(),
    ]);
    argv.extend_from_slice(&args[1..]);
    let line = argv
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    for (key, value) in template.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    cmd.args(["-qec", &line, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("these tests need `script` from util-linux (apt-get install bsdutils)")
        .into()
}

#[test]
fn a_terminal_sees_the_count_then_the_table() {
    let host = failing_host();
    let out = on_a_terminal(&host, &["run", "--only", TLS]);
    assert_eq!(out.code, 1, "{:?}", out.stdout);
    let seen = &out.stdout;
    let drawn = seen
        .find("\r[1/1] controls done")
        .unwrap_or_else(|| panic!("no progress on the terminal: {seen:?}"));
    let blank = format!("\r{}\r", " ".repeat("[1/1] controls done".len()));
    let erased = seen[drawn..]
        .find(&blank)
        .map(|i| i + drawn)
        .unwrap_or_else(|| panic!("progress not erased: {seen:?}"));
    let table = seen.find("STATUS").expect("the table follows");
    assert!(seen.contains("[0/1] controls done"), "{seen:?}");
    assert!(erased < table, "erased before the table: {seen:?}");

    let fix = on_a_terminal(&host, &["fix", "--only", TLS]);
    assert_eq!(fix.code, 0, "{:?}", fix.stdout);
    assert!(
        fix.stdout.contains("[1/1] controls done") && fix.stdout.contains("Plan (dry run"),
        "{:?}",
        fix.stdout
    );
    assert_eq!(host.mode(KEY), 0o644, "a plan changes nothing");
}

#[test]
fn json_on_a_terminal_has_no_progress() {
    let host = failing_host();
    let out = on_a_terminal(&host, &["run", "--only", TLS, "--format", "json"]);
    assert_eq!(out.code, 1, "{:?}", out.stdout);
    assert!(
        out.stdout.contains("bulkhead.report/v1"),
        "{:?}",
        out.stdout
    );
    assert!(!out.stdout.contains("controls done"), "{:?}", out.stdout);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
}

#[test]
fn a_pipe_gets_only_the_report() {
    let host = failing_host();
    let out = host.run(&["run", "--only", TLS]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    // Only `run`'s one summary line; no progress.
    assert!(
        out.stderr.starts_with("bulkhead: 1 controls, 1 results")
            && out.stderr.lines().count() == 1
            && !out.stderr.contains("controls done"),
        "nothing but the summary on a piped stderr: {:?}",
        out.stderr
    );
    assert!(out.stdout.starts_with("STATUS"), "{:?}", out.stdout);
    assert!(
        !out.stdout.contains('\r') && !out.stdout.contains("controls done"),
        "{:?}",
        out.stdout
    );
}
