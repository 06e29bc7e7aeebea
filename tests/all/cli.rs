//! The CLI contract: the v1 JSON report, `controls`, exit codes, and clear messages
//! for bad input (never a panic).

use crate::support::{Host, bulkhead_wasm, results_of, run};

const TLS: &str = "docker-tls-key-permissions";
const NET_RAW: &str = "container-net-raw-dropped";

fn assert_no_panic(out: &crate::support::Run) {
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("RUST_BACKTRACE"),
        "bulkhead panicked:\n{}",
        out.stderr
    );
}

#[test]
fn json_report_follows_the_v1_contract() {
    let host = Host::new();
    host.file(
        "/etc/docker/daemon.json",
        r#"{"tlskey": "/etc/docker/key.pem"}"#,
        0o644,
    )
    .file("/etc/docker/key.pem", "K", 0o400);
    let out = host.run(&["run", "--only", TLS, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    assert_eq!(report["schema"], "bulkhead.report/v1");
    assert_eq!(report["mode"], "audit");
    for r in report["results"].as_array().unwrap() {
        for key in ["control", "target", "status", "message"] {
            assert!(r[key].is_string(), "result lacks {key}: {r}");
        }
        let status = r["status"].as_str().unwrap();
        assert!(["pass", "fail", "warn", "info", "skip", "error"].contains(&status));
    }
    let controls = report["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 1);
    let c = &controls[0];
    assert_eq!(c["id"], TLS);
    assert_eq!(c["source"], "bundled");
    assert!(c["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(c["version"].is_string());
    assert!(
        c["references"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "CIS Docker Benchmark v1.6.0 3.14"),
        "{c}"
    );
    assert_eq!(report["summary"]["pass"], 1);
    assert_eq!(report["summary"]["total"], 1);
}

#[test]
fn controls_lists_the_bundled_set() {
    let out = run(&["controls", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let listed = out.json();
    let ids: Vec<&str> = listed["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&TLS) && ids.contains(&NET_RAW), "{ids:?}");
    let table = run(&["controls"]);
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.starts_with(NET_RAW) && l.contains("bundled")),
        "{}",
        table.stdout
    );
}

#[test]
fn a_missing_root_is_a_clear_error() {
    let out = run(&["run", "--root", "/definitely/not/a/root"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--root /definitely/not/a/root"),
        "{}",
        out.stderr
    );
    assert_no_panic(&out);
}

#[test]
fn an_unknown_only_id_lists_the_known_ones() {
    let out = run(&["run", "--only", "no-such-control"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no-such-control"), "{}", out.stderr);
    assert!(
        out.stderr.contains(TLS),
        "known ids are listed: {}",
        out.stderr
    );
    assert_no_panic(&out);
}

#[test]
fn bad_flags_exit_2() {
    let out = run(&["run", "--format", "yaml"]);
    assert_eq!(out.code, 2);
    let out = run(&["run", "--plugin-dir", "/definitely/not/a/dir"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("/definitely/not/a/dir"),
        "{}",
        out.stderr
    );
}

#[rstest::rstest]
#[case::not_wasm(b"#!/bin/sh\necho hello\n".to_vec())]
#[case::empty(Vec::new())]
#[case::core_module_not_component(b"\0asm\x01\0\0\0".to_vec())]
#[case::truncated_component(bulkhead_wasm(TLS)[..2000].to_vec())]
fn a_broken_plugin_is_reported_and_the_rest_still_runs(#[case] bytes: Vec<u8>) {
    let host = Host::new();
    host.file(
        "/etc/docker/daemon.json",
        r#"{"tlskey": "/etc/docker/key.pem"}"#,
        0o644,
    )
    .file("/etc/docker/key.pem", "K", 0o600);
    let plugins = tempfile::tempdir().unwrap();
    std::fs::write(plugins.path().join("broken.wasm"), bytes).unwrap();
    let dir = plugins.path().to_str().unwrap();
    let out = host.run(&[
        "run",
        "--plugin-dir",
        dir,
        "--docker-host",
        "unix:///nonexistent.sock",
        "--format",
        "json",
    ]);
    assert_no_panic(&out);
    assert_eq!(out.code, 2, "an unreadable plugin makes the run exit 2");
    let report = out.json();
    let broken = results_of(&report, "broken");
    assert_eq!(
        broken,
        [("host".to_owned(), "error".to_owned())],
        "{report:#}"
    );
    assert!(out.stderr.contains("broken.wasm"), "{}", out.stderr);
    // The bundled file control still judged the key.
    assert_eq!(
        crate::support::status_of(&report, TLS, "file:/etc/docker/key.pem"),
        "fail"
    );
}

#[test]
fn an_unreachable_daemon_errors_container_controls_only() {
    let host = Host::new();
    host.file(
        "/etc/docker/daemon.json",
        r#"{"tlskey": "/etc/docker/key.pem"}"#,
        0o644,
    )
    .file("/etc/docker/key.pem", "K", 0o400);
    let out = host.run(&[
        "run",
        "--docker-host",
        "unix:///nonexistent/docker.sock",
        "--format",
        "json",
    ]);
    assert_no_panic(&out);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let report = out.json();
    assert_eq!(
        crate::support::status_of(&report, TLS, "file:/etc/docker/key.pem"),
        "pass"
    );
    let net_raw = &report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["control"] == NET_RAW)
        .expect("the container control reports");
    assert_eq!(net_raw["status"], "error");
    assert!(
        net_raw["message"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/docker.sock"),
        "the message names the socket it tried: {net_raw}"
    );
}

#[test]
fn a_drop_in_reusing_a_bundled_id_is_refused() {
    let plugins = tempfile::tempdir().unwrap();
    std::fs::write(plugins.path().join("copy.wasm"), bulkhead_wasm(TLS)).unwrap();
    let out = run(&["controls", "--plugin-dir", plugins.path().to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(TLS) && out.stderr.contains("copy.wasm"),
        "{}",
        out.stderr
    );
    assert_no_panic(&out);
}

#[test]
fn a_missing_process_table_does_not_stop_the_file_checks() {
    let host = Host::new();
    host.file("/etc/docker/certs.d/r/client.key", "K", 0o400);
    let root = host.root();
    let out = run(&[
        "run",
        "--root",
        root.to_str().unwrap(),
        "--proc",
        "/nonexistent/proc",
        "--only",
        TLS,
        "--format",
        "json",
    ]);
    assert_no_panic(&out);
    let report = out.json();
    assert_eq!(
        crate::support::status_of(&report, TLS, "file:/etc/docker/certs.d/r/client.key"),
        "pass"
    );
}

/// A host whose TLS key is world-readable: `docker-tls-key-permissions` fails on it.
fn host_with_a_failing_key() -> Host {
    let host = Host::new();
    host.file(
        "/etc/docker/daemon.json",
        r#"{"tlskey": "/etc/docker/key.pem"}"#,
        0o644,
    )
    .file("/etc/docker/key.pem", "K", 0o644)
    .file(
        "/etc/hostname",
        "# written by the installer\nnode-17.prod\n",
        0o644,
    );
    host
}

#[test]
fn reports_name_the_audited_root_by_its_own_hostname_or_the_flag() {
    let host = host_with_a_failing_key();
    let junit = host.run(&["run", "--only", TLS, "--format", "junit"]);
    assert_eq!(junit.code, 1, "{}", junit.stderr);
    assert!(
        junit.stdout.contains(r#"hostname="node-17.prod""#),
        "{}",
        junit.stdout
    );
    let sarif = host.run(&["run", "--only", TLS, "--format", "sarif"]);
    assert_eq!(
        sarif.json()["runs"][0]["invocations"][0]["machine"],
        "node-17.prod"
    );
    let named = host.run(&[
        "run",
        "--only",
        TLS,
        "--format",
        "junit",
        "--hostname",
        "db-2",
    ]);
    assert!(
        named.stdout.contains(r#"hostname="db-2""#),
        "{}",
        named.stdout
    );
    let bad = host.run(&["run", "--only", TLS, "--hostname", " "]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--hostname"), "{}", bad.stderr);
    assert_no_panic(&bad);
}

#[test]
fn fail_on_never_exits_0_on_findings_and_2_on_errors() {
    let host = host_with_a_failing_key();
    let out = host.run(&[
        "run",
        "--only",
        TLS,
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["summary"]["fail"], 1);
    assert!(
        out.stderr
            .contains("exit 0: nothing tripped the gate (--fail-on never)"),
        "{}",
        out.stderr
    );
    // A container control against a daemon that is not there: an error, still exit 2.
    let errors = host.run(&[
        "run",
        "--only",
        NET_RAW,
        "--docker-host",
        "unix:///nonexistent/docker.sock",
        "--fail-on",
        "never",
    ]);
    assert_eq!(errors.code, 2, "{}", errors.stderr);
}

#[test]
fn quiet_prints_no_table_only_the_summary_line() {
    let host = host_with_a_failing_key();
    let loud = host.run(&["run", "--only", TLS, "--format", "table"]);
    assert!(loud.stdout.contains(TLS), "{}", loud.stdout);
    let quiet = host.run(&["run", "--only", TLS, "--format", "table", "-q"]);
    assert_eq!(quiet.code, 1, "{}", quiet.stderr);
    assert_eq!(quiet.stdout, "");
    assert!(
        quiet.stderr.contains("1 fail") && quiet.stderr.contains("exit 1"),
        "{}",
        quiet.stderr
    );
    // A machine format is the product, quiet or not.
    let json = host.run(&["run", "--only", TLS, "--format", "json", "--quiet"]);
    assert_eq!(json.json()["summary"]["fail"], 1);
}
