//! `[defaults]` in the configuration: flag defaults applied when a flag is not given,
//! and overridden by the flag (and, for the Docker host, by `$DOCKER_HOST`).

use crate::support::{Host, Run, bulkhead, status_of};
use crate::waivers::config_file;

const TLS: &str = "docker-tls-key-permissions";
const KEY: &str = "/etc/docker/tls/key.pem";

/// A host whose daemon key fails, and a configuration pointing every default at it.
fn host_and_config(extra: &str) -> (Host, tempfile::TempDir, String) {
    let host = Host::new();
    host.file(KEY, "KEY", 0o644)
        .process(77, &["dockerd", "--tlskey", KEY]);
    let (dir, config) = config_file(&format!(
        "[defaults]\nformat = \"json\"\nonly = [\"{TLS}\"]\nroot = \"{}\"\nproc = \"{}\"\n{extra}",
        host.root().display(),
        host.proc().display()
    ));
    (host, dir, config)
}

fn bulkhead_run(args: &[&str], docker_host_env: Option<&str>) -> Run {
    let mut cmd = bulkhead();
    cmd.args(args);
    match docker_host_env {
        Some(url) => cmd.env("DOCKER_HOST", url),
        None => cmd.env_remove("DOCKER_HOST"),
    };
    cmd.output().unwrap().into()
}

#[test]
fn the_configuration_supplies_format_only_root_and_proc() {
    let (_host, _dir, config) = host_and_config("");
    let out = bulkhead_run(&["run", "--config", &config], None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let ids: Vec<&str> = report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [TLS], "[defaults] only");
    assert_eq!(status_of(&report, TLS, &format!("file:{KEY}")), "fail");
    assert_eq!(
        report["docker_host"], "unix:///var/run/docker.sock",
        "the built-in default when neither flag, environment nor config name one"
    );
}

#[test]
fn flags_override_the_configuration() {
    let (_host, _dir, config) = host_and_config("");
    let other = Host::new();
    other
        .file(KEY, "KEY", 0o400)
        .process(77, &["dockerd", "--tlskey", KEY]);
    let table = bulkhead_run(
        &[
            "run",
            "--config",
            &config,
            "--format",
            "table",
            "--root",
            other.root().to_str().unwrap(),
            "--proc",
            other.proc().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(table.code, 0, "{}\n{}", table.stdout, table.stderr);
    assert!(table.stdout.starts_with("STATUS"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.starts_with("PASS") && l.contains(&format!("file:{KEY}"))),
        "--root and --proc beat [defaults]: {}",
        table.stdout
    );
    let listed = bulkhead_run(
        &[
            "controls",
            "--config",
            &config,
            "--only",
            "container-net-raw-dropped",
        ],
        None,
    );
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let ids: Vec<String> = listed.json()["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        ["container-net-raw-dropped"],
        "--only beats [defaults] only"
    );
}

#[test]
fn docker_host_flag_then_environment_then_configuration() {
    let (_host, _dir, config) = host_and_config("docker_host = \"unix:///from/config.sock\"\n");
    let run = |flag: Option<&str>, env: Option<&str>| -> String {
        let mut args = vec!["run", "--config", &config];
        if let Some(url) = flag {
            args.extend(["--docker-host", url]);
        }
        let out = bulkhead_run(&args, env);
        out.json()["docker_host"].as_str().unwrap().to_owned()
    };
    assert_eq!(run(None, None), "unix:///from/config.sock");
    assert_eq!(
        run(None, Some("unix:///from/env.sock")),
        "unix:///from/env.sock"
    );
    assert_eq!(
        run(
            Some("unix:///from/flag.sock"),
            Some("unix:///from/env.sock")
        ),
        "unix:///from/flag.sock"
    );
}

#[test]
fn a_bad_default_names_where_it_came_from() {
    let (_dir, config) = config_file("[defaults]\nroot = \"/definitely/not/a/root\"\n");
    let out = bulkhead_run(&["run", "--config", &config], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!(
            "cannot use [defaults] root in {config} /definitely/not/a/root"
        )),
        "{}",
        out.stderr
    );
    let (_dir, config) = config_file("[defaults]\nformat = \"yaml\"\n");
    let out = bulkhead_run(&["run", "--config", &config], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("invalid config")
            && out.stderr.contains("expected one of: table, json"),
        "{}",
        out.stderr
    );
}

#[test]
fn help_shows_the_built_in_defaults() {
    let out = bulkhead_run(&["run", "--help"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let help = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "[default: /, or `[defaults] root` from the configuration]",
        "[default: /proc, or `[defaults] proc` from the configuration]",
        "[default: table, or `[defaults] format` from the configuration]",
        "else unix:///var/run/docker.sock]",
    ] {
        assert!(help.contains(expected), "{expected} in {help}");
    }
}
