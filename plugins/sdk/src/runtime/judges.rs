//! Facts and judgements several container controls share: the sensitive host paths
//! (CIS 5.6), the Docker socket (5.32), a namespace shared with the host (5.10, 5.16, 5.17,
//! 5.21, 5.31), a rule over mounts (5.6, 5.20, 5.32), and the daemon's default security
//! module (5.2, 5.3).

use super::{Inspected, MountPoint};
use crate::Finding;

/// Host directories a container must not mount (CIS 5.6): the host's root and its system
/// directories. A mount of one of them, or of anything under one of them but `/`, is judged
/// sensitive.
pub const SENSITIVE_HOST_PATHS: [&str; 14] = [
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/proc",
    "/root",
    "/sbin",
    "/sys",
    "/usr",
    "/var/lib/docker",
];

/// Where the Docker daemon's socket usually is (CIS 5.32).
pub const DOCKER_SOCKETS: [&str; 2] = ["/var/run/docker.sock", "/run/docker.sock"];

/// Whether `path` (a host path) is one of [`SENSITIVE_HOST_PATHS`] or lies under one
/// (but `/`, which only counts itself). Trailing slashes and `.`/`//` are ignored.
pub fn is_sensitive_host_path(path: &str) -> bool {
    let path = normalize_path(path);
    SENSITIVE_HOST_PATHS
        .iter()
        .any(|dir| path == *dir || (*dir != "/" && is_under(&path, dir)))
}

/// Whether a bind of host `path` exposes the Docker socket: the socket itself or a
/// directory holding it (`/var/run`, `/run`, `/var`, `/`).
pub fn exposes_docker_socket(path: &str) -> bool {
    let path = normalize_path(path);
    DOCKER_SOCKETS
        .iter()
        .any(|sock| path == *sock || is_under(sock, &path) || path == "/")
}

/// `path` with empty and `.` components removed (`/etc//ssl/` → `/etc/ssl`).
fn normalize_path(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// Whether `path` is strictly under directory `dir` (both normalized).
fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.starts_with('/') || dir == "/")
}

/// The verdict for a namespace the container may share with the host (CIS 5.10, 5.16,
/// 5.17, 5.21, 5.31): `field` is the `HostConfig` key (`PidMode`), `namespace` names it for
/// messages (`PID`). `host` fails; anything else (private, another container's) passes.
pub fn namespace_not_host(doc: &Inspected, field: &str, namespace: &str) -> Finding {
    let mode = doc.str(&format!("/HostConfig/{field}"));
    let name = doc.name();
    let finding = if mode == "host" {
        Finding::fail(
            doc.target(),
            format!("container {name} shares the host's {namespace} namespace ({field} host)"),
        )
    } else if let Some(other) = mode.strip_prefix("container:") {
        Finding::pass(
            doc.target(),
            format!(
                "container {name} does not share the host's {namespace} namespace (it joins \
                 container {other}'s; judge that one too)"
            ),
        )
    } else {
        Finding::pass(
            doc.target(),
            format!("container {name} does not share the host's {namespace} namespace"),
        )
    };
    let shown = if mode.is_empty() { "(default)" } else { mode };
    finding.with_evidence(field, shown)
}

/// The verdict for a rule over a container's mounts (CIS 5.6, 5.20, 5.32): `offends`
/// describes each mount that breaks it (`None` for the others). None passes with `container
/// <name> <clean>`; any fails with `container <name> <offending> <those mounts>`. The
/// evidence `key` lists them, comma-separated.
pub fn judge_mounts(
    doc: &Inspected,
    key: &str,
    offends: impl Fn(&MountPoint<'_>) -> Option<String>,
    clean: &str,
    offending: &str,
) -> Finding {
    let name = doc.name();
    let found: Vec<String> = doc.mounts().iter().filter_map(offends).collect();
    let finding = if found.is_empty() {
        Finding::pass(doc.target(), format!("container {name} {clean}"))
    } else {
        Finding::fail(
            doc.target(),
            format!("container {name} {offending} {}", found.join(", ")),
        )
    };
    finding.with_evidence(key, found.join(","))
}

/// The verdict for a container that sets no option of a Linux security module (AppArmor,
/// SELinux: CIS 5.2, 5.3) and so gets what the daemon applies: `applies` passes when
/// `docker info` lists the security option `option` (`apparmor`, `selinux`); `not_enabled`
/// skips when it does not (the item does not apply); unknown info is an `error`, naming the
/// module as `module` (`AppArmor`).
pub fn daemon_lsm_default(
    doc: &Inspected,
    option: &str,
    module: &str,
    applies: String,
    not_enabled: String,
) -> Finding {
    let target = doc.target();
    match doc.daemon_security_option(option) {
        Some(true) => Finding::pass(target, applies),
        Some(false) => Finding::skip(target, not_enabled),
        None => Finding::error(
            target,
            format!(
                "cannot tell whether {module} applies to container {}: docker info is unavailable",
                doc.name()
            ),
        ),
    }
}
