//! Third-party experience and lockdown: `plugins inspect`, `plugins list`, trust pins
//! and `--audit-only`, against real components built from source.

use std::path::PathBuf;

use crate::dropin::example_plugin_dir;
use crate::support::{Host, bulkhead, bulkhead_wasm, run, sha256_of, workspace};

const EXAMPLE: &str = "example-daemon-json-present";

fn example_wasm() -> PathBuf {
    std::fs::read_dir(example_plugin_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "wasm"))
        .unwrap()
}

fn config_file(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `plugins inspect` of a bundled component (by file name) prints every `expected` line.
fn inspect_bundled(file: &str, expected: &[&str]) -> PathBuf {
    let wasm = workspace()
        .join("target/plugins/wasm32-wasip2/plugin")
        .join(file);
    let out = run(&["plugins", "inspect", wasm.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for expected in expected {
        assert!(
            out.stdout.contains(expected),
            "missing {expected:?} in:\n{}",
            out.stdout
        );
    }
    wasm
}

#[test]
fn inspect_a_bundled_control() {
    let wasm = inspect_bundled(
        "docker_tls_key_permissions.wasm",
        &[
            "id:        docker-tls-key-permissions",
            "wit:       bulkhead:plugin@0.2.0",
            "item:      CIS Docker Benchmark v1.6.0 3.14 (level 1, automated)",
            "read-only  bulkhead:plugin/filesystem@0.1.0",
            "mutating   bulkhead:plugin/file-admin@0.1.0",
            "reads:     /etc/docker, /root/.docker, dockerd-config",
            "runnable:  yes",
        ],
    );
    let json = run(&[
        "plugins",
        "inspect",
        wasm.to_str().unwrap(),
        "--format",
        "json",
    ])
    .json();
    assert_eq!(json["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(json["runnable"], true);
}

#[test]
fn inspect_a_control_that_changes_owners() {
    // It calls 0.3.0's `ownership-admin`: inspect names that contract and the import.
    inspect_bundled(
        "tls_key_owner.wasm",
        &[
            "wit:       bulkhead:plugin@0.3.0",
            "mutating   bulkhead:plugin/ownership-admin@0.3.0",
            "read-only  bulkhead:plugin/machine@0.2.0",
            "runnable:  yes",
        ],
    );
}

#[test]
fn inspect_a_control_that_picks_container_fields() {
    // A container control reads its members through 0.4.0's `container-fields`.
    inspect_bundled(
        "container_memory_limited.wasm",
        &[
            "wit:       bulkhead:plugin@0.4.0",
            "read-only  bulkhead:plugin/container-fields@0.4.0",
            "read-only  bulkhead:plugin/docker@0.1.0",
            "runnable:  yes",
        ],
    );
}

#[test]
fn inspect_a_third_party_control() {
    let wasm = example_wasm();
    let out = run(&["plugins", "inspect", wasm.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("id:        {EXAMPLE}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("runnable:  yes"), "{}", out.stdout);
}

#[test]
fn inspect_refuses_what_is_not_a_component() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.wasm");
    std::fs::write(&bad, &bulkhead_wasm("docker-tls-key-permissions")[..500]).unwrap();
    let out = run(&["plugins", "inspect", bad.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stdout
            .contains("runnable:  no: not a valid WebAssembly component"),
        "{}",
        out.stdout
    );
    let missing = run(&["plugins", "inspect", "/nonexistent/x.wasm"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("/nonexistent/x.wasm"),
        "{}",
        missing.stderr
    );
}

#[test]
fn plugins_list_shows_every_control_and_its_status() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(example_wasm(), dir.path().join("example.wasm")).unwrap();
    std::fs::write(dir.path().join("junk.wasm"), b"junk").unwrap();
    let out = run(&[
        "plugins",
        "list",
        "--plugin-dir",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 2, "a control that cannot load makes it exit 2");
    let rows = out.json();
    let rows = rows.as_array().unwrap();
    let status = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .map(|r| r["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(status(EXAMPLE).as_deref(), Some("ok"));
    assert_eq!(status("docker-tls-key-permissions").as_deref(), Some("ok"));
    assert_eq!(
        status("junk").as_deref(),
        Some("error: not a WebAssembly component: too short to be WebAssembly"),
        "{rows:?}"
    );
}

#[test]
fn pins_are_required_when_configured() {
    let wasm = example_wasm();
    let sha = sha256_of(&wasm);
    let plugins = tempfile::tempdir().unwrap();
    std::fs::copy(&wasm, plugins.path().join("example.wasm")).unwrap();
    let dir_arg = plugins.path().to_str().unwrap();
    let cfg = tempfile::tempdir().unwrap();

    // Required but not pinned: refused before it is even compiled.
    let config = config_file(&cfg, "[trust]\nrequire_pinned = true\n");
    let out = run(&["controls", "--config", &config, "--plugin-dir", dir_arg]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("not pinned") && out.stderr.contains(&sha),
        "{}",
        out.stderr
    );

    // Pinned under its id: it runs.
    let config = config_file(
        &cfg,
        &format!("[trust]\nrequire_pinned = true\n[trust.pins]\n{EXAMPLE} = \"{sha}\"\n"),
    );
    let out = run(&[
        "controls",
        "--config",
        &config,
        "--plugin-dir",
        dir_arg,
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains(EXAMPLE));

    // Pinned to another hash: the file changed since it was pinned, refused.
    let other = "0".repeat(64);
    let config = config_file(&cfg, &format!("[trust.pins]\n{EXAMPLE} = \"{other}\"\n"));
    let out = run(&["controls", "--config", &config, "--plugin-dir", dir_arg]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("does not match the pin"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bad_config_is_a_clear_error() {
    let cfg = tempfile::tempdir().unwrap();
    let config = config_file(&cfg, "[limits]\nmemory_mb = 16\n");
    let out = run(&["run", "--config", &config]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("invalid config") && out.stderr.contains("memory_mb"),
        "{}",
        out.stderr
    );
    let out = run(&["run", "--config", "/nonexistent/config.toml"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("/nonexistent/config.toml"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_report_states_the_lockdown_from_flag_env_or_config() {
    let host = Host::new();
    let args = [
        "run",
        "--only",
        "docker-tls-key-permissions",
        "--format",
        "json",
    ];
    assert_eq!(host.run(&args).json()["audit_only"], false);

    let mut with_flag = args.to_vec();
    with_flag.push("--audit-only");
    assert_eq!(host.run(&with_flag).json()["audit_only"], true);

    let root = host.root();
    let proc = host.proc();
    let mut env_args = vec![
        "--root",
        root.to_str().unwrap(),
        "--proc",
        proc.to_str().unwrap(),
    ];
    env_args.extend_from_slice(&args[1..]);
    let out = bulkhead()
        .arg("run")
        .args(&env_args)
        .env("BULKHEAD_AUDIT_ONLY", "1")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["audit_only"], true);

    let cfg = tempfile::tempdir().unwrap();
    let config = config_file(&cfg, "audit_only = true\n");
    let mut with_config = args.to_vec();
    with_config.extend_from_slice(&["--config", &config]);
    assert_eq!(host.run(&with_config).json()["audit_only"], true);
}

#[test]
fn limits_come_from_the_config() {
    // A findings limit of 0 turns any finding into an error for that control.
    let host = Host::new();
    let cfg = tempfile::tempdir().unwrap();
    let config = config_file(&cfg, "[limits]\nmax_findings = 0\n");
    let out = host.run(&[
        "run",
        "--only",
        "docker-tls-key-permissions",
        "--config",
        &config,
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 2);
    let report = out.json();
    let message = report["results"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("more than 0 findings") && message.contains("max_findings"),
        "{report:#}"
    );
}

#[test]
fn the_example_config_parses() {
    let config = workspace().join("examples/config.toml");
    let out = run(&["controls", "--config", config.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}
