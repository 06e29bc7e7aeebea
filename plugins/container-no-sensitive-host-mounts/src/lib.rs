//! # `container-no-sensitive-host-mounts`: CIS Docker Benchmark v1.6.0 5.6
//!
//! ### What it checks
//! No container may bind-mount a sensitive host directory, read-only or not: the host's
//! `/`, or `/bin`, `/boot`, `/dev`, `/etc`, `/lib`, `/lib32`, `/lib64`, `/proc`, `/root`,
//! `/sbin`, `/sys`, `/usr`, `/var/lib/docker` or anything under them
//! (`bulkhead_sdk::runtime::SENSITIVE_HOST_PATHS`).
//!
//! Named volumes (whose data lives under `/var/lib/docker/volumes`) are not host
//! directories and pass; `tmpfs` mounts too. So do read-only binds of the host's time-zone
//! files (`/etc/localtime`, `/etc/timezone`, anything under `/usr/share/zoneinfo`): the
//! common `-v /etc/localtime:/etc/localtime:ro` shares the host's clock zone, nothing
//! secret, and cannot change it. Writable, they fail like any other.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container without `-v`/`--mount` binds of host system directories; bind
//! only the application's own data directories. bulkhead cannot change this setting of an
//! existing container: `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web -v /etc:/host-etc:ro nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web mounts sensitive host paths: /etc:/host-etc:ro
//!       sensitive-mounts=/etc:/host-etc:ro state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::{Inspected, is_sensitive_host_path, judge_mounts};

bulkhead_sdk::container_control! {
    id: "container-no-sensitive-host-mounts",
    cis: "5.6",
    title: "Containers do not mount sensitive host directories",
    description: "No container may bind-mount a sensitive host directory, read-only or not: the host's `/`, or `/bin`, `/boot`, `/dev`, `/etc`, `/lib`, `/lib32`, `/lib64`, `/proc`, `/root`, `/sbin`, `/sys`, `/usr`, `/var/lib/docker` or anything under them (`bulkhead_sdk::runtime::SENSITIVE_HOST_PATHS`); read-only binds of the time-zone files (`/etc/localtime`, `/etc/timezone`, `/usr/share/zoneinfo`) excepted.",
    rationale: "A container that sees the host's system directories can read secrets (`/etc/shadow`, keys) and, when writable, change the host's binaries, configuration or devices: a direct path to the host. Read-only mounts still leak secrets.",
    remediation: "Recreate the container without `-v`/`--mount` binds of host system directories; bind only the application's own data directories.",
    severity: High,
    fix: "without -v/--mount binds of host system directories",
    judge: judge,
}

/// Host files a container may see read-only: the clock's time zone, nothing secret.
const TIME_ZONE_FILES: [&str; 3] = ["/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo"];

/// Whether `source` is one of [`TIME_ZONE_FILES`] or lies under one.
fn is_time_zone_file(source: &str) -> bool {
    let source = source.trim_end_matches('/');
    TIME_ZONE_FILES.iter().any(|f| {
        source == *f
            || source
                .strip_prefix(f)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Any bind of a sensitive host path fails, but a read-only bind of a time-zone file.
pub fn judge(doc: &Inspected) -> Finding {
    judge_mounts(
        doc,
        "sensitive-mounts",
        |m| {
            let exempt = !m.writable && is_time_zone_file(m.source);
            (m.kind == "bind" && is_sensitive_host_path(m.source) && !exempt).then(|| m.describe())
        },
        "mounts no sensitive host directory",
        "mounts sensitive host paths:",
    )
}

#[cfg(test)]
mod tests {
    bulkhead_sdk::container_control_tests! {
        fix: "without -v/--mount binds of host system directories",
        judges: {
            root_ro: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/","Destination":"/h","RW":false,"Propagation":"rprivate"}]}"#, "null") => Fail,
            etc_subdir: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/etc/ssl","Destination":"/h","RW":true,"Propagation":"rprivate"}]}"#, "null") => Fail,
            proc: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/tmp/x","Destination":"/h","RW":true,"Propagation":"rprivate"},{"Type":"bind","Source":"/proc","Destination":"/p","RW":true,"Propagation":"rprivate"}]}"#, "null") => Fail,
            app_data: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv/app/data","Destination":"/h","RW":true,"Propagation":"rprivate"}]}"#, "null") => Pass,
            named_volume: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"volume","Source":"/var/lib/docker/volumes/v/_data","Destination":"/h","RW":true,"Propagation":""}]}"#, "null") => Pass,
            none: (r#"{"Name":"/w","HostConfig":{}}"#, "null") => Pass,
            localtime_ro: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/etc/localtime","Destination":"/etc/localtime","RW":false,"Propagation":"rprivate"}]}"#, "null") => Pass,
            zoneinfo_ro: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/usr/share/zoneinfo/Europe/Paris","Destination":"/etc/localtime","RW":false,"Propagation":"rprivate"}]}"#, "null") => Pass,
            localtime_rw: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/etc/localtime","Destination":"/etc/localtime","RW":true,"Propagation":"rprivate"}]}"#, "null") => Fail,
            localtime_prefix_is_not_exempt: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/etc/localtime.bak","Destination":"/x","RW":false,"Propagation":"rprivate"}]}"#, "null") => Fail,
            localtime_ro_beside_etc: (r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/etc/localtime","Destination":"/etc/localtime","RW":false,"Propagation":"rprivate"},{"Type":"bind","Source":"/etc","Destination":"/h","RW":false,"Propagation":"rprivate"}]}"#, "null") => Fail,
        },
    }
}
