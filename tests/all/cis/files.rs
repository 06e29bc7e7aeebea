//! Fixtures for CIS section 3 (file ownership and permissions) and the first two
//! controls: real files with real modes and owners under a temporary root, real sockets,
//! a fake `--proc`, real containers.

use std::os::unix::fs::{PermissionsExt, chown};

use super::{Case, Fixture};
use crate::support::{Container, Host};

/// (id, passing, failing) for each control of this file.
pub const FIXTURES: &[Fixture] = &[
    (
        "docker-service-owner",
        |h| owned(h, UNIT, 0, 0),
        |h| owned(h, UNIT, 1000, 0),
    ),
    (
        "docker-service-mode",
        |h| moded(h, UNIT, 0o644),
        |h| moded(h, UNIT, 0o664),
    ),
    (
        "docker-socket-unit-owner",
        |h| owned(h, SOCKET_UNIT, 0, 0),
        |h| owned(h, SOCKET_UNIT, 0, 1000),
    ),
    (
        "docker-socket-unit-mode",
        |h| moded(h, SOCKET_UNIT, 0o600),
        |h| moded(h, SOCKET_UNIT, 0o646),
    ),
    (
        "etc-docker-owner",
        |h| owned_dir(h, "/etc/docker", 0, 0),
        |h| owned_dir(h, "/etc/docker", 1000, 1000),
    ),
    (
        "etc-docker-mode",
        |h| dir_moded(h, "/etc/docker", 0o755),
        |h| dir_moded(h, "/etc/docker", 0o775),
    ),
    (
        "registry-certs-owner",
        |h| owned(h, REGISTRY_CA, 0, 0),
        |h| owned(h, REGISTRY_CA, 1000, 0),
    ),
    (
        "registry-certs-mode",
        |h| moded(h, REGISTRY_CA, 0o444),
        |h| moded(h, REGISTRY_CA, 0o644),
    ),
    (
        "tls-ca-owner",
        |h| tls(h, "tlscacert", 0o444, 0),
        |h| tls(h, "tlscacert", 0o444, 1000),
    ),
    (
        "tls-ca-mode",
        |h| tls(h, "tlscacert", 0o444, 0),
        |h| tls(h, "tlscacert", 0o644, 0),
    ),
    (
        "tls-cert-owner",
        |h| tls(h, "tlscert", 0o444, 0),
        |h| tls(h, "tlscert", 0o444, 1000),
    ),
    (
        "tls-cert-mode",
        |h| tls(h, "tlscert", 0o400, 0),
        |h| tls(h, "tlscert", 0o664, 0),
    ),
    (
        "tls-key-owner",
        |h| tls(h, "tlskey", 0o400, 0),
        |h| tls(h, "tlskey", 0o400, 1000),
    ),
    (
        "docker-tls-key-permissions",
        |h| tls(h, "tlskey", 0o400, 0),
        |h| tls(h, "tlskey", 0o440, 0),
    ),
    (
        "docker-sock-owner",
        |h| socket(h, DOCKER_SOCK, 0o660, 998),
        |h| socket(h, DOCKER_SOCK, 0o660, 0),
    ),
    (
        "docker-sock-mode",
        |h| socket(h, DOCKER_SOCK, 0o660, 998),
        |h| socket(h, DOCKER_SOCK, 0o666, 998),
    ),
    (
        "daemon-json-owner",
        |h| daemon_json(h, 0o644, 0),
        |h| daemon_json(h, 0o644, 1000),
    ),
    (
        "daemon-json-mode",
        |h| daemon_json(h, 0o600, 0),
        |h| daemon_json(h, 0o666, 0),
    ),
    (
        "etc-default-docker-owner",
        |h| owned(h, DEFAULTS, 0, 0),
        |h| owned(h, DEFAULTS, 0, 998),
    ),
    (
        "etc-default-docker-mode",
        |h| moded(h, DEFAULTS, 0o644),
        |h| moded(h, DEFAULTS, 0o407),
    ),
    (
        "sysconfig-docker-mode",
        |h| moded(h, SYSCONFIG, 0o640),
        |h| moded(h, SYSCONFIG, 0o654),
    ),
    (
        "sysconfig-docker-owner",
        |h| owned(h, SYSCONFIG, 0, 0),
        |h| owned(h, SYSCONFIG, 1000, 0),
    ),
    (
        "containerd-sock-owner",
        |h| socket(h, CONTAINERD_SOCK, 0o660, 0),
        |h| socket(h, CONTAINERD_SOCK, 0o660, 998),
    ),
    (
        "containerd-sock-mode",
        |h| socket(h, CONTAINERD_SOCK, 0o600, 0),
        |h| socket(h, CONTAINERD_SOCK, 0o670, 0),
    ),
    (
        "container-net-raw-dropped",
        |_| container(&["--cap-drop", "NET_RAW"]),
        |_| container(&[]),
    ),
];

const UNIT: &str = "/lib/systemd/system/docker.service";
const SOCKET_UNIT: &str = "/etc/systemd/system/docker.socket";
const REGISTRY_CA: &str = "/etc/docker/certs.d/registry.example:5000/ca.crt";
const DEFAULTS: &str = "/etc/default/docker";
const SYSCONFIG: &str = "/etc/sysconfig/docker";
const DOCKER_SOCK: &str = "/var/run/docker.sock";
const CONTAINERD_SOCK: &str = "/run/containerd/containerd.sock";

/// `/etc/passwd` and `/etc/group` under the root, so owners have names.
pub fn accounts(host: &Host) {
    host.file(
        "/etc/passwd",
        "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
        0o644,
    );
    host.file(
        "/etc/group",
        "root:x:0:\ndocker:x:998:\nalice:x:1000:\n",
        0o644,
    );
}

pub fn file_case(path: &str) -> Case {
    Case {
        target: format!("file:{path}"),
        _container: None,
    }
}

fn owned(host: &Host, path: &str, uid: u32, gid: u32) -> Case {
    accounts(host);
    host.file(path, "x", 0o644);
    chown(host.path(path), Some(uid), Some(gid)).unwrap();
    file_case(path)
}

fn moded(host: &Host, path: &str, mode: u32) -> Case {
    host.file(path, "x", mode);
    file_case(path)
}

fn owned_dir(host: &Host, path: &str, uid: u32, gid: u32) -> Case {
    accounts(host);
    std::fs::create_dir_all(host.path(path)).unwrap();
    chown(host.path(path), Some(uid), Some(gid)).unwrap();
    file_case(path)
}

fn dir_moded(host: &Host, path: &str, mode: u32) -> Case {
    std::fs::create_dir_all(host.path(path)).unwrap();
    std::fs::set_permissions(host.path(path), std::fs::Permissions::from_mode(mode)).unwrap();
    file_case(path)
}

/// A running dockerd with TLS on and `--<flag>` naming a file of `mode`, owned by `uid`.
fn tls(host: &Host, flag: &str, mode: u32, uid: u32) -> Case {
    accounts(host);
    let path = format!("/etc/docker/tls/{flag}.pem");
    host.file(&path, "PEM", mode);
    chown(host.path(&path), Some(uid), Some(0)).unwrap();
    host.process(
        4242,
        &[
            "/usr/bin/dockerd",
            "--tlsverify",
            &format!("--{flag}"),
            &path,
        ],
    );
    file_case(&path)
}

/// A real unix socket of `mode`, group `gid`.
fn socket(host: &Host, path: &str, mode: u32, gid: u32) -> Case {
    accounts(host);
    let real = host.path(path);
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    drop(std::os::unix::net::UnixListener::bind(&real).unwrap());
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(mode)).unwrap();
    chown(&real, Some(0), Some(gid)).unwrap();
    file_case(path)
}

fn daemon_json(host: &Host, mode: u32, uid: u32) -> Case {
    accounts(host);
    let path = "/etc/docker/daemon.json";
    host.file(path, r#"{"log-level": "info"}"#, mode);
    chown(host.path(path), Some(uid), Some(0)).unwrap();
    host.process(4242, &["/usr/bin/dockerd"]);
    file_case(path)
}

pub fn container(flags: &[&str]) -> Case {
    let c = Container::create("cis", flags, false);
    Case {
        target: c.target(),
        _container: Some(c),
    }
}
