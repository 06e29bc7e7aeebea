//! A daemon on a relocated data root and exec root (`--data-root`, `--exec-root`): the
//! controls that name a path by default (1.1.1, 1.1.5, 1.1.8) judge the configured one,
//! and are granted it through the daemon's configuration (`dockerd-config`).

use std::path::Path;

use crate::own_daemon::OwnDaemon;
use crate::support::{results_of, run};

const CONTROLS: &str = "docker-data-partition,audit-var-lib-docker,audit-containerd-sock";

#[test]
fn a_relocated_data_root_and_exec_root_are_the_paths_judged() {
    let daemon = OwnDaemon::start("rl");
    let out = run(&[
        "run",
        "--docker-host",
        &daemon.url,
        "--only",
        CONTROLS,
        "--format",
        "json",
    ]);
    let report = out.json();
    for r in report["results"].as_array().unwrap() {
        assert_ne!(r["status"], "error", "{r:#}\n{}", out.stderr);
        assert_ne!(r["status"], "skip", "{r:#}\n{}", out.stderr);
    }
    let data = format!("file:{}", daemon.path("data").display());
    for control in ["docker-data-partition", "audit-var-lib-docker"] {
        let targets: Vec<String> = results_of(&report, control)
            .into_iter()
            .map(|(target, _)| target)
            .collect();
        assert!(
            targets.contains(&data),
            "{control}: {targets:?} lacks {data}"
        );
    }
    // dockerd uses a system containerd when its socket exists, else starts its own under
    // the exec root.
    let system = "/run/containerd/containerd.sock";
    let socket = if Path::new(system).exists() {
        system.to_owned()
    } else {
        let own = daemon.path("exec/containerd/containerd.sock");
        assert!(
            own.exists(),
            "no containerd socket at {}:\n{}",
            own.display(),
            daemon.log()
        );
        own.display().to_string()
    };
    let targets: Vec<String> = results_of(&report, "audit-containerd-sock")
        .into_iter()
        .map(|(target, _)| target)
        .collect();
    assert!(
        targets.contains(&format!("file:{socket}")),
        "{targets:?} lacks {socket}"
    );
}
