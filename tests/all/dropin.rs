//! A third-party control, built from `examples/third-party-control` outside the
//! workspace, runs from `--plugin-dir` beside the bundled ones.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{Host, workspace};

/// Build the example once per test run; returns the directory holding its `.wasm`.
pub fn example_plugin_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let example = workspace().join("examples/third-party-control");
        let target = workspace().join("target/test-plugins");
        let status = Command::new(env!("CARGO"))
            .current_dir(&example)
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-wasip2",
                "--locked",
                "--target-dir",
            ])
            .arg(&target)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .expect("cannot run cargo to build the example control");
        assert!(
            status.success(),
            "building examples/third-party-control failed"
        );
        // Only the example's own component goes in the plugin directory.
        let built = target.join("wasm32-wasip2/release");
        let dir = target.join("plugin-dir");
        std::fs::create_dir_all(&dir).unwrap();
        let mut copied = 0;
        for entry in std::fs::read_dir(&built).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "wasm") {
                std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
                copied += 1;
            }
        }
        assert_eq!(
            copied,
            1,
            "expected exactly one .wasm in {}",
            built.display()
        );
        dir
    })
}

#[test]
fn a_drop_in_control_runs_beside_the_bundled_ones() {
    let dir = example_plugin_dir();
    let dir_arg = dir.to_str().unwrap();
    let listed = crate::support::run(&["controls", "--plugin-dir", dir_arg, "--format", "json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let controls = listed.json()["controls"].as_array().unwrap().clone();
    let dropin = controls
        .iter()
        .find(|c| c["source"].as_str().unwrap().starts_with(dir_arg))
        .unwrap_or_else(|| panic!("the drop-in is not listed: {controls:?}"))
        .clone();
    let id = dropin["id"].as_str().unwrap();
    assert!(controls.iter().any(|c| c["source"] == "bundled"));

    let host = Host::new();
    host.file(
        "/etc/docker/daemon.json",
        r#"{"tlskey": "/etc/docker/key.pem"}"#,
        0o644,
    )
    .file("/etc/docker/key.pem", "K", 0o400);
    let only = format!("{id},docker-tls-key-permissions");
    let out = host.run(&[
        "run",
        "--plugin-dir",
        dir_arg,
        "--only",
        &only,
        "--format",
        "json",
    ]);
    let report = out.json();
    let from_dropin = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["control"] == id)
        .count();
    assert!(
        from_dropin > 0,
        "the drop-in produced no result: {report:#}"
    );
    assert_eq!(
        crate::support::status_of(
            &report,
            "docker-tls-key-permissions",
            "file:/etc/docker/key.pem"
        ),
        "pass"
    );
    let sources: Vec<&str> = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"bundled") && sources.iter().any(|s| s.ends_with(".wasm")),
        "{sources:?}"
    );
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
}
