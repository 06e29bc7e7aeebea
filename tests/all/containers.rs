//! `container-net-raw-dropped` against containers created on the real Docker daemon.
//!
//! Containers that would hold capabilities this machine lacks (privileged, ALL added)
//! cannot start here, but they can be created and inspected: a configuration check
//! needs no more.

use crate::support::{Container, run, status_of};

const ID: &str = "container-net-raw-dropped";

#[test]
fn capability_arithmetic_on_real_containers() {
    // (name, docker create flags, expected status)
    let cases: &[(&str, &[&str], &str)] = &[
        ("default", &[], "fail"),
        ("dropped", &["--cap-drop", "NET_RAW"], "pass"),
        ("dropped-lower", &["--cap-drop", "net_raw"], "pass"),
        ("dropped-prefixed", &["--cap-drop", "CAP_NET_RAW"], "pass"),
        ("drop-all", &["--cap-drop", "ALL"], "pass"),
        (
            "drop-all-add-back",
            &["--cap-drop", "ALL", "--cap-add", "NET_RAW"],
            "fail",
        ),
        ("add-all", &["--cap-add", "ALL"], "fail"),
        (
            "add-all-drop",
            &["--cap-add", "ALL", "--cap-drop", "NET_RAW"],
            "pass",
        ),
        (
            "add-beats-drop",
            &["--cap-drop", "NET_RAW", "--cap-add", "net_raw"],
            "fail",
        ),
        ("privileged", &["--privileged"], "fail"),
        (
            "privileged-dropped",
            &["--privileged", "--cap-drop", "NET_RAW"],
            "fail",
        ),
        ("non-root-user", &["--user", "1000:1000"], "fail"),
    ];
    let containers: Vec<(Container, &str)> = cases
        .iter()
        .map(|(name, flags, expected)| (Container::create(name, flags, false), *expected))
        .collect();

    let out = run(&["run", "--only", ID, "--format", "json"]);
    let report = out.json();
    for (container, expected) in &containers {
        assert_eq!(
            status_of(&report, ID, &container.target()),
            *expected,
            "{} ({:?})",
            container.name,
            report["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["target"] == container.target().as_str())
        );
    }
    assert_eq!(
        out.code, 1,
        "a failing container makes the exit code 1: {}",
        out.stderr
    );
}

#[test]
fn running_and_stopped_containers_are_both_judged() {
    let running = Container::create("running", &[], true);
    let stopped = Container::create("stopped", &["--cap-drop", "NET_RAW"], true);
    crate::support::docker(&["stop", "--time", "1", &stopped.name]);

    let report = run(&["run", "--only", ID, "--format", "json"]).json();
    assert_eq!(status_of(&report, ID, &running.target()), "fail");
    assert_eq!(status_of(&report, ID, &stopped.target()), "pass");
    // The audit changed nothing: the running container still runs, unchanged.
    let state = crate::support::docker(&[
        "inspect",
        "--format",
        "{{.State.Running}} {{.HostConfig.CapDrop}}",
        &running.name,
    ]);
    assert_eq!(state, "true []");
}

#[test]
fn table_output_names_every_container() {
    let c = Container::create("table", &[], false);
    let out = run(&["run", "--only", ID]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains(&c.target()))
        .unwrap_or_else(|| panic!("no row for {} in:\n{}", c.target(), out.stdout));
    assert!(line.starts_with("FAIL"), "{line}");
}
