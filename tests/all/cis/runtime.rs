//! Fixtures for CIS section 5 (container runtime): real containers on the real daemon,
//! created from the local test image and never started (inspect is all a configuration
//! check needs; `--privileged` ones could not start on these machines anyway), but for the
//! items about what runs inside a container (5.7, 5.23), whose containers run. Each
//! fixture has its own name prefix, so no two collide.
//!
//! Manual items (their reference ends in `(manual)`) report `info` for both of their
//! fixtures: a container with nothing to look at and one a person should review.

use std::process::Command;

use super::{Case, Fixture};
use crate::support::{Container, docker};

/// (id, passing, failing) for each control of this file.
pub const FIXTURES: &[Fixture] = &[
    (
        "container-host-network-not-shared",
        |_| created("rt-net-p", &[]),
        |_| created("rt-net-f", &["--network", "host"]),
    ),
    (
        "container-host-pid-not-shared",
        |_| created("rt-pid-p", &[]),
        |_| created("rt-pid-f", &["--pid", "host"]),
    ),
    (
        "container-host-ipc-not-shared",
        |_| created("rt-ipc-p", &[]),
        |_| created("rt-ipc-f", &["--ipc", "host"]),
    ),
    (
        "container-host-uts-not-shared",
        |_| created("rt-uts-p", &[]),
        |_| created("rt-uts-f", &["--uts", "host"]),
    ),
    (
        "container-host-userns-not-shared",
        |_| created("rt-userns-p", &[]),
        |_| created("rt-userns-f", &["--userns", "host"]),
    ),
    (
        "container-not-privileged",
        |_| created("rt-priv-p", &[]),
        |_| created("rt-priv-f", &["--privileged"]),
    ),
    (
        "container-apparmor-profile",
        |_| created("rt-aa-p", &["--security-opt", "apparmor=docker-default"]),
        |_| created("rt-aa-f", &["--security-opt", "apparmor=unconfined"]),
    ),
    (
        "container-selinux-options",
        |_| created("rt-se-p", &["--security-opt", "label=level:s0:c100,c200"]),
        |_| created("rt-se-f", &["--security-opt", "label=disable"]),
    ),
    (
        "container-seccomp-enabled",
        |_| created("rt-seccomp-p", &[]),
        |_| created("rt-seccomp-f", &["--security-opt", "seccomp=unconfined"]),
    ),
    (
        "container-no-new-privileges",
        |_| created("rt-nnp-p", &["--security-opt", "no-new-privileges"]),
        |_| created("rt-nnp-f", &["--security-opt", "no-new-privileges=false"]),
    ),
    (
        "container-capabilities-restricted",
        |_| {
            created(
                "rt-caps-p",
                &["--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE"],
            )
        },
        |_| created("rt-caps-f", &["--cap-add", "SYS_ADMIN"]),
    ),
    (
        "container-memory-limited",
        |_| created("rt-mem-p", &["--memory", "64m"]),
        |_| created("rt-mem-f", &[]),
    ),
    (
        "container-cpu-shares-set",
        |_| created("rt-cpu-p", &["--cpu-shares", "512"]),
        |_| created("rt-cpu-f", &[]),
    ),
    (
        "container-rootfs-read-only",
        |_| created("rt-ro-p", &["--read-only"]),
        |_| created("rt-ro-f", &[]),
    ),
    (
        "container-cgroup-default",
        |_| created("rt-cg-p", &[]),
        |_| created("rt-cg-f", &["--cgroup-parent", "/bulkhead-test"]),
    ),
    (
        "container-pids-limited",
        |_| created("rt-pids-p", &["--pids-limit", "100"]),
        |_| created("rt-pids-f", &[]),
    ),
    (
        "container-restart-policy-bounded",
        |_| created("rt-restart-p", &["--restart", "on-failure:5"]),
        |_| created("rt-restart-f", &["--restart", "always"]),
    ),
    (
        "container-healthcheck",
        |_| created("rt-health-p", &["--health-cmd", "/pause"]),
        |_| created("rt-health-f", &["--no-healthcheck"]),
    ),
    (
        "container-no-sensitive-host-mounts",
        |_| created("rt-mounts-p", &["-v", "/tmp:/hosttmp:ro"]),
        |_| created("rt-mounts-f", &["-v", "/etc:/host-etc:ro"]),
    ),
    (
        "container-docker-socket-not-mounted",
        |_| created("rt-sock-p", &[]),
        |_| {
            created(
                "rt-sock-f",
                &["-v", "/var/run/docker.sock:/var/run/docker.sock:ro"],
            )
        },
    ),
    (
        "container-mount-propagation-not-shared",
        |_| created("rt-prop-p", &["-v", "/tmp:/hosttmp"]),
        |_| created("rt-prop-f", &["-v", "/tmp:/hosttmp:shared"]),
    ),
    (
        "container-no-privileged-ports",
        |_| created("rt-lowport-p", &["-p", "127.0.0.1:8080:80"]),
        |_| created("rt-lowport-f", &["-p", "127.0.0.1:80:80"]),
    ),
    (
        "container-ports-bound-to-interface",
        |_| created("rt-bind-p", &["-p", "127.0.0.1:8081:80"]),
        |_| created("rt-bind-f", &["-p", "8081:80"]),
    ),
    // Manual items: a container with nothing to look at, then one to review; both `info`.
    (
        "container-ports-reviewed",
        |_| created("rt-m-ports-p", &[]),
        |_| created("rt-m-ports-f", &["-p", "8082:80"]),
    ),
    (
        "container-host-devices-reviewed",
        |_| created("rt-m-dev-p", &[]),
        |_| created("rt-m-dev-f", &["--device", "/dev/null:/dev/xnull:r"]),
    ),
    (
        "container-ulimits-reviewed",
        |_| created("rt-m-ulimit-p", &[]),
        |_| created("rt-m-ulimit-f", &["--ulimit", "nofile=1024:2048"]),
    ),
    (
        "container-exec-user-reviewed",
        |_| created("rt-m-exec-p", &["--user", "1000"]),
        |_| created("rt-m-exec-f", &[]),
    ),
    (
        "container-image-current",
        |_| created("rt-m-image-p", &[]),
        |_| created("rt-m-image-f", &[]),
    ),
    (
        "container-default-bridge-reviewed",
        |_| created("rt-m-bridge-p", &["--network", "none"]),
        |_| created("rt-m-bridge-f", &[]),
    ),
    // What runs inside a container needs it running: these are started.
    (
        "container-sshd-absent",
        |_| started("rt-sshd-p", &[]),
        |_| with_sshd("rt-sshd-f"),
    ),
    (
        "container-exec-privileged",
        |_| exec_session("rt-exec-p", false),
        |_| exec_session("rt-exec-f", true),
    ),
];

/// A created (not started) container with `flags`, named after `prefix`.
fn created(prefix: &str, flags: &[&str]) -> Case {
    let c = Container::create(prefix, flags, false);
    Case {
        target: c.target(),
        _container: Some(c),
    }
}

/// A running container with `flags`, named after `prefix`.
fn started(prefix: &str, flags: &[&str]) -> Case {
    let c = Container::create(prefix, flags, true);
    Case {
        target: c.target(),
        _container: Some(c),
    }
}

/// A running container whose process is `/usr/sbin/sshd`: the test image's static
/// sleeping binary copied under that name into the container (`docker cp`, nothing built,
/// nothing left behind), started as its entrypoint (which clears the image's command: the
/// process is plain `/usr/sbin/sshd`).
fn with_sshd(prefix: &str) -> Case {
    let c = Container::create(prefix, &["--entrypoint", "/usr/sbin/sshd"], false);
    let dir = tempfile::tempdir().unwrap();
    let sbin = dir.path().join("usr/sbin");
    std::fs::create_dir_all(&sbin).unwrap();
    let sshd = sbin.join("sshd");
    docker(&["cp", &format!("{}:/pause", c.name), sshd.to_str().unwrap()]);
    let usr = dir.path().join("usr");
    docker(&["cp", usr.to_str().unwrap(), &format!("{}:/", c.name)]);
    docker(&["start", &c.name]);
    Case {
        target: c.target(),
        _container: Some(c),
    }
}

/// A running container with one more (long-sleeping) exec session, privileged or not.
///
/// `docker exec --privileged` cannot start on machines that lack some capability ("unable
/// to apply caps"), and the daemon forgets a session whose start failed: there, the
/// privileged session is created through the API and left unstarted, which the daemon
/// holds (and reports as privileged) the same way.
fn exec_session(prefix: &str, privileged: bool) -> Case {
    let c = Container::create(prefix, &[], true);
    let mut args = vec!["exec", "--detach"];
    if privileged {
        args.push("--privileged");
    }
    args.extend([c.name.as_str(), "/pause"]);
    let exec = Command::new("docker")
        .args(&args)
        .output()
        .expect("cannot run the docker CLI");
    if !exec.status.success() {
        let why = String::from_utf8_lossy(&exec.stderr);
        assert!(privileged, "docker {args:?} failed: {why}");
        create_privileged_exec(&c.name);
    }
    Case {
        target: c.target(),
        _container: Some(c),
    }
}

/// Create (without starting) a privileged exec session of `/pause` in `container`.
fn create_privileged_exec(container: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let daemon = bollard::Docker::connect_with_defaults().expect("cannot reach the daemon");
        let config = bollard::models::ExecConfig {
            cmd: Some(vec!["/pause".to_owned()]),
            privileged: Some(true),
            ..Default::default()
        };
        daemon
            .create_exec(container, config)
            .await
            .expect("cannot create a privileged exec session");
    });
}

/// 5.7 on this machine's own `/proc` (the fixtures above give a fake one, so they exercise
/// the daemon's top API): the processes come from the process table, each container's by
/// its cgroup, with the daemon's `State.Pid` among them.
#[test]
fn sshd_is_found_in_the_machines_own_process_table() {
    use crate::support::{Host, run};
    const ID: &str = "container-sshd-absent";
    let quiet = started("rt-sshd-proc-p", &[]);
    let sshd = with_sshd("rt-sshd-proc-f");
    let name = sshd.target.trim_start_matches("container:").to_owned();
    let pid = docker(&["inspect", "--format", "{{.State.Pid}}", &name]);
    let result = |report: &serde_json::Value, target: &str| {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["control"] == ID && r["target"] == target)
            .unwrap_or_else(|| panic!("no {ID} result for {target}: {report:#}"))
            .clone()
    };

    let report = run(&["run", "--only", ID, "--proc", "/proc", "--format", "json"]).json();
    let fail = result(&report, &sshd.target);
    assert_eq!(fail["status"], "fail", "{fail:#}");
    assert_eq!(fail["evidence"]["source"], "--proc", "{fail:#}");
    assert_eq!(
        fail["evidence"]["sshd"],
        format!("PID {pid} (root): /usr/sbin/sshd"),
        "{fail:#}"
    );
    let pass = result(&report, &quiet.target);
    assert_eq!(pass["status"], "pass", "{pass:#}");
    assert_eq!(pass["evidence"]["source"], "--proc", "{pass:#}");

    // A `--proc` that is not the daemon's machine: the daemon's top API answers instead.
    let elsewhere = Host::new();
    let report = elsewhere
        .run(&["run", "--only", ID, "--format", "json"])
        .json();
    let fail = result(&report, &sshd.target);
    assert_eq!(fail["status"], "fail", "{fail:#}");
    assert_eq!(fail["evidence"]["source"], "daemon top API", "{fail:#}");
}
