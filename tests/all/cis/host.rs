//! Fixtures for CIS sections 1, 4, 6 and 7: audit rules, the data partition, the docker
//! group, container users, content trust, image health checks, manual items, swarm items.

use std::process::Command;

use super::files::{container, file_case};
use super::{Case, Fixture, Setup};
use crate::support::{Container, Host, LABEL, docker, test_image};

/// (id, passing, failing) for each control of this file.
pub const FIXTURES: &[Fixture] = &[
    (
        "audit-dockerd",
        |h| audited(h, "/usr/bin/dockerd", false, true),
        |h| audited(h, "/usr/bin/dockerd", false, false),
    ),
    (
        "audit-run-containerd",
        |h| audited(h, "/run/containerd", true, true),
        |h| audited(h, "/run/containerd", true, false),
    ),
    (
        "audit-var-lib-docker",
        |h| audited(h, "/var/lib/docker", true, true),
        |h| audited(h, "/var/lib/docker", true, false),
    ),
    (
        "audit-etc-docker",
        |h| audited(h, "/etc/docker", true, true),
        |h| audited(h, "/etc/docker", true, false),
    ),
    (
        "audit-docker-service",
        |h| audited(h, "/lib/systemd/system/docker.service", false, true),
        |h| audited(h, "/lib/systemd/system/docker.service", false, false),
    ),
    (
        "audit-containerd-sock",
        |h| audited(h, "/run/containerd/containerd.sock", false, true),
        |h| audited(h, "/run/containerd/containerd.sock", false, false),
    ),
    (
        "audit-docker-socket-unit",
        |h| audited(h, "/lib/systemd/system/docker.socket", false, true),
        |h| audited(h, "/lib/systemd/system/docker.socket", false, false),
    ),
    (
        "audit-etc-default-docker",
        |h| audited(h, "/etc/default/docker", false, true),
        |h| audited(h, "/etc/default/docker", false, false),
    ),
    (
        "audit-daemon-json",
        |h| audited(h, "/etc/docker/daemon.json", false, true),
        |h| audited(h, "/etc/docker/daemon.json", false, false),
    ),
    (
        "audit-containerd-config",
        |h| audited(h, "/etc/containerd/config.toml", false, true),
        |h| audited(h, "/etc/containerd/config.toml", false, false),
    ),
    (
        "audit-sysconfig-docker",
        |h| audited(h, "/etc/sysconfig/docker", false, true),
        |h| audited(h, "/etc/sysconfig/docker", false, false),
    ),
    (
        "audit-containerd",
        |h| audited(h, "/usr/bin/containerd", false, true),
        |h| audited(h, "/usr/bin/containerd", false, false),
    ),
    (
        "audit-containerd-shim",
        |h| audited(h, "/usr/bin/containerd-shim", false, true),
        |h| audited(h, "/usr/bin/containerd-shim", false, false),
    ),
    (
        "audit-containerd-shim-runc-v1",
        |h| audited(h, "/usr/bin/containerd-shim-runc-v1", false, true),
        |h| audited(h, "/usr/bin/containerd-shim-runc-v1", false, false),
    ),
    (
        "audit-containerd-shim-runc-v2",
        |h| audited(h, "/usr/bin/containerd-shim-runc-v2", false, true),
        |h| audited(h, "/usr/bin/containerd-shim-runc-v2", false, false),
    ),
    (
        "audit-runc",
        |h| audited(h, "/usr/bin/runc", false, true),
        |h| audited(h, "/usr/bin/runc", false, false),
    ),
    ("host-hardened", |_| host_case(), |_| host_case()),
    ("docker-version-current", |_| host_case(), |_| host_case()),
    ("image-trusted-base", |_| host_case(), |_| host_case()),
    ("image-minimal-packages", |_| host_case(), |_| host_case()),
    ("image-scanned-rebuilt", |_| host_case(), |_| host_case()),
    (
        "dockerfile-update-not-alone",
        |_| host_case(),
        |_| host_case(),
    ),
    ("image-setuid-removed", |_| host_case(), |_| host_case()),
    ("dockerfile-copy-not-add", |_| host_case(), |_| host_case()),
    ("dockerfile-no-secrets", |_| host_case(), |_| host_case()),
    ("image-verified-packages", |_| host_case(), |_| host_case()),
    ("image-signed-artifacts", |_| host_case(), |_| host_case()),
    ("image-sprawl", |_| host_case(), |_| host_case()),
    ("container-sprawl", |_| host_case(), |_| host_case()),
    ("swarm-secrets", |_| host_case(), |_| host_case()),
    ("swarm-autolock-rotation", |_| host_case(), |_| host_case()),
    ("swarm-node-cert-rotation", |_| host_case(), |_| host_case()),
    ("swarm-ca-rotation", |_| host_case(), |_| host_case()),
    ("swarm-plane-separation", |_| host_case(), |_| host_case()),
    (
        "docker-data-partition",
        |h| partition(h, true),
        |h| partition(h, false),
    ),
    (
        "docker-group-members",
        |h| docker_group(h, ""),
        |h| docker_group(h, "alice"),
    ),
    (
        "container-user-set",
        |_| container(&["--user", "1000:1000"]),
        |_| container(&[]),
    ),
    (
        "content-trust-enabled",
        |h| environment(h, "1"),
        |h| environment(h, "0"),
    ),
    // 4.6 judges the image a container runs, not the container: the run-time flags say
    // the opposite of the image, and must not change the verdict (they are 5.27's).
    (
        "image-healthcheck",
        |_| {
            built_image_container(
                "img-hc-p",
                "bulkhead-test/healthcheck:with",
                "HEALTHCHECK CMD [\"/pause\"]",
                &["--no-healthcheck"],
            )
        },
        |_| {
            built_image_container(
                "img-hc-f",
                "bulkhead-test/healthcheck:without",
                "",
                &["--health-cmd", "/pause"],
            )
        },
    ),
];

/// Swarm items: this shared daemon is not in swarm mode (and tests must not put it
/// there), so here they give the status listed; their other verdicts are unit-tested on
/// recorded `docker info` documents.
pub const ON_A_SWARM: &[(&str, Setup, &str)] = &[
    ("swarm-managers-minimum", |_| host_case(), "skip"),
    ("swarm-autolock", |_| host_case(), "skip"),
    ("swarm-mode-disabled", |_| host_case(), "pass"),
    ("swarm-listen-address", |_| host_case(), "skip"),
    ("swarm-overlay-encrypted", |_| host_case(), "skip"),
];

fn host_case() -> Case {
    Case {
        target: "host".to_owned(),
        _container: None,
    }
}

/// `path` exists (a directory or a file); with `watched`, an audit rule watches it.
/// `daemon.json` is found through a (fake) running dockerd, as the control looks for it.
fn audited(host: &Host, path: &str, is_dir: bool, watched: bool) -> Case {
    if is_dir {
        std::fs::create_dir_all(host.path(path)).unwrap();
    } else {
        host.file(path, "x", 0o644);
    }
    if path == "/etc/docker/daemon.json" {
        host.process(4242, &["/usr/bin/dockerd"]);
    }
    host.file("/etc/audit/audit.rules", "-D\n-b 8192\n", 0o640);
    if watched {
        host.file(
            "/etc/audit/rules.d/docker.rules",
            &format!("-w {path} -p wa -k docker\n"),
            0o640,
        );
    }
    file_case(path)
}

/// `/var/lib/docker` with a mount table that does or does not mount it on its own.
fn partition(host: &Host, separate: bool) -> Case {
    std::fs::create_dir_all(host.path("/var/lib/docker")).unwrap();
    let mut table = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n".to_owned();
    if separate {
        table.push_str("30 22 8:2 / /var/lib/docker rw shared:2 - xfs /dev/sda2 rw\n");
    }
    // The init process's mount table, under the fake --proc.
    let init = host.proc().join("1");
    std::fs::create_dir_all(&init).unwrap();
    std::fs::write(init.join("mountinfo"), table).unwrap();
    file_case("/var/lib/docker")
}

fn docker_group(host: &Host, members: &str) -> Case {
    host.file(
        "/etc/passwd",
        "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/h:/bin/sh\n",
        0o644,
    );
    host.file(
        "/etc/group",
        &format!("root:x:0:\ndocker:x:998:{members}\n"),
        0o644,
    );
    file_case("/etc/group")
}

fn environment(host: &Host, value: &str) -> Case {
    host.file(
        "/etc/environment",
        &format!("PATH=/usr/bin:/bin\nDOCKER_CONTENT_TRUST={value}\n"),
        0o644,
    );
    file_case("/etc/environment")
}

/// A created container (with `flags`) of image `tag`, built by `docker build` from the
/// local test image plus `instruction` (no registry needed). The image is labelled and
/// replaced on each run (the previous build removed first, as `deploy.rs` does), so runs
/// do not pile images up; a case can only hold a container, so the image itself stays
/// until the next run replaces it.
fn built_image_container(prefix: &str, tag: &str, instruction: &str, flags: &[&str]) -> Case {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM {}\n{instruction}\n", test_image()),
    )
    .unwrap();
    let _ = Command::new("docker").args(["rmi", "-f", tag]).output();
    docker(&[
        "build",
        "--quiet",
        "--label",
        LABEL,
        "--tag",
        tag,
        dir.path().to_str().unwrap(),
    ]);
    let name = format!("bulkhead-test-{prefix}-{}", std::process::id());
    let _ = Command::new("docker").args(["rm", "-f", &name]).output();
    let mut args = vec!["create", "--name", &name, "--label", LABEL];
    args.extend_from_slice(flags);
    args.push(tag);
    docker(&args);
    let c = Container { name };
    Case {
        target: c.target(),
        _container: Some(c),
    }
}
