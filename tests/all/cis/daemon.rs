//! Fixtures for CIS section 2 (Docker daemon configuration): a fake `dockerd` in `--proc`
//! with flags in both `--flag value` and `--flag=value` forms, or only a `daemon.json`
//! under the root (no dockerd running: the configuration the next one would use).
//!
//! Controls that prefer `docker info` (storage driver, log driver, live restore,
//! experimental, rootless, seccomp) get `daemon.json`-only fixtures: with no dockerd in the
//! fake process table, `docker info` of this machine's daemon is not attributed to it, so
//! the verdict does not depend on how this machine's daemon is configured.

use super::{Case, Fixture};
use crate::support::Host;

/// (id, passing, failing) for each control of this file. For the manual items (their
/// reference ends in `(manual)`), both setups must give `info` (never a pass or a fail).
pub const FIXTURES: &[Fixture] = &[
    (
        "daemon-icc-disabled",
        |h| dockerd(h, &["--icc=false"]),
        |h| dockerd(h, &[]),
    ),
    (
        "daemon-log-level-info",
        |h| dockerd(h, &["--log-level", "info"]),
        |h| dockerd(h, &["-D", "--log-level=info"]),
    ),
    (
        "daemon-iptables-enabled",
        |h| dockerd(h, &[]),
        |h| dockerd(h, &["--iptables=false"]),
    ),
    (
        "daemon-no-insecure-registries",
        |h| dockerd(h, &[]),
        |h| dockerd(h, &["--insecure-registry", "registry.lan:5000"]),
    ),
    (
        "daemon-storage-driver-not-aufs",
        |h| config(h, r#"{"storage-driver": "overlay2"}"#),
        |h| config(h, r#"{"storage-driver": "aufs"}"#),
    ),
    (
        "daemon-tls-authentication",
        |h| {
            dockerd(
                h,
                &[
                    "-H",
                    "tcp://0.0.0.0:2376",
                    "--tlsverify",
                    "--tlscacert=/etc/docker/tls/ca.pem",
                    "--tlscert",
                    "/etc/docker/tls/cert.pem",
                    "--tlskey",
                    "/etc/docker/tls/key.pem",
                ],
            )
        },
        |h| {
            dockerd(
                h,
                &["-H", "unix:///var/run/docker.sock", "-H=tcp://0.0.0.0:2375"],
            )
        },
    ),
    (
        "daemon-userns-remap",
        |h| dockerd(h, &["--userns-remap=default"]),
        |h| dockerd(h, &[]),
    ),
    (
        "daemon-cgroup-parent-default",
        |h| dockerd(h, &[]),
        |h| {
            config(h, r#"{"cgroup-parent": "/batch"}"#);
            dockerd(h, &[])
        },
    ),
    (
        "daemon-base-device-size-default",
        |h| dockerd(h, &["--storage-opt", "overlay2.size=10G"]),
        |h| dockerd(h, &["--storage-opt=dm.basesize=50G"]),
    ),
    (
        "daemon-authorization-plugin",
        |h| dockerd(h, &["--authorization-plugin=opa-docker-authz"]),
        |h| dockerd(h, &[]),
    ),
    (
        "daemon-remote-logging",
        |h| {
            config(
                h,
                r#"{"log-driver": "syslog", "log-opts": {"syslog-address": "tcp+tls://logs.lan:6514"}}"#,
            )
        },
        |h| config(h, "{}"),
    ),
    (
        "daemon-no-new-privileges",
        |h| {
            config(h, r#"{"no-new-privileges": true}"#);
            dockerd(h, &[])
        },
        |h| dockerd(h, &["--no-new-privileges=false"]),
    ),
    (
        "daemon-live-restore-enabled",
        |h| config(h, r#"{"live-restore": true}"#),
        |h| config(h, r#"{"live-restore": false}"#),
    ),
    (
        "daemon-userland-proxy-disabled",
        |h| dockerd(h, &["--userland-proxy=false"]),
        |h| dockerd(h, &[]),
    ),
    (
        "daemon-experimental-disabled",
        |h| config(h, "{}"),
        |h| config(h, r#"{"experimental": true}"#),
    ),
    (
        "daemon-rootless",
        |h| config(h, "{}"),
        |h| config(h, r#"{"rootless": true}"#),
    ),
    (
        "daemon-default-ulimits",
        |h| dockerd(h, &["--default-ulimit", "nofile=1024:4096"]),
        |h| dockerd(h, &[]),
    ),
    (
        "daemon-seccomp-profile",
        |h| config(h, "{}"),
        |h| config(h, r#"{"seccomp-profile": "/etc/docker/seccomp.json"}"#),
    ),
];

fn host_case() -> Case {
    Case {
        target: "host".to_owned(),
        _container: None,
    }
}

/// A running dockerd (in the fake `--proc`) with these arguments.
fn dockerd(host: &Host, args: &[&str]) -> Case {
    let mut argv = vec!["/usr/bin/dockerd"];
    argv.extend_from_slice(args);
    host.process(4242, &argv);
    host_case()
}

/// `/etc/docker/daemon.json` with `json`; no dockerd runs unless the fixture adds one.
fn config(host: &Host, json: &str) -> Case {
    host.file("/etc/docker/daemon.json", json, 0o644);
    host_case()
}
