//! # `container-no-sensitive-host-mounts`: CIS Docker Benchmark v1.6.0 5.6
//!
//! ### What it checks
//! No container may bind-mount a sensitive host directory, read-only or not: the host's
//! `/`, or `/bin`, `/boot`, `/dev`, `/etc`, `/lib`, `/lib32`, `/lib64`, `/proc`, `/root`,
//! `/sbin`, `/sys`, `/usr`, `/var/lib/docker` or anything under them
//! (`bulkhead_sdk::runtime::SENSITIVE_HOST_PATHS`).
//!
//! Named volumes (whose data lives under `/var/lib/docker/volumes`) are not host
//! directories and pass; `tmpfs` mounts too.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! A container that sees the host's system directories can read secrets (`/etc/shadow`,
//! keys) and, when writable, change the host's binaries, configuration or devices: a direct
//! path to the host. Read-only mounts still leak secrets.
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
use bulkhead_sdk::runtime::{Inspected, is_sensitive_host_path};

bulkhead_sdk::container_control! {
    id: "container-no-sensitive-host-mounts",
    cis: "5.6",
    title: "Containers do not mount sensitive host directories",
    description: "No container may bind-mount a sensitive host directory, read-only or not: the host's `/`, or `/bin`, `/boot`, `/dev`, `/etc`, `/lib`, `/lib32`, `/lib64`, `/proc`, `/root`, `/sbin`, `/sys`, `/usr`, `/var/lib/docker` or anything under them (`bulkhead_sdk::runtime::SENSITIVE_HOST_PATHS`).",
    rationale: "A container that sees the host's system directories can read secrets (`/etc/shadow`, keys) and, when writable, change the host's binaries, configuration or devices: a direct path to the host. Read-only mounts still leak secrets.",
    remediation: "Recreate the container without `-v`/`--mount` binds of host system directories; bind only the application's own data directories.",
    severity: High,
    fix: "without -v/--mount binds of host system directories",
    judge: judge,
}

/// Any bind of a sensitive host path fails.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let sensitive: Vec<String> = doc
        .mounts()
        .iter()
        .filter(|m| m.kind == "bind" && is_sensitive_host_path(m.source))
        .map(|m| m.describe())
        .collect();
    let finding = if sensitive.is_empty() {
        Finding::pass(
            doc.target(),
            format!("container {name} mounts no sensitive host directory"),
        )
    } else {
        Finding::fail(
            doc.target(),
            format!(
                "container {name} mounts sensitive host paths: {}",
                sensitive.join(", ")
            ),
        )
    };
    finding.with_evidence("sensitive-mounts", sensitive.join(","))
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::runtime::inspected;
    use bulkhead_sdk::testing::{FakeHost, container};
    use bulkhead_sdk::{Status, Target};

    #[rstest::rstest]
    #[case::root_ro(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/","Destination":"/h","RW":false,"Propagation":"rprivate"}]}"#, r#"null"#, Status::Fail)]
    #[case::etc_subdir(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/etc/ssl","Destination":"/h","RW":true,"Propagation":"rprivate"}]}"#, r#"null"#, Status::Fail)]
    #[case::proc(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/tmp/x","Destination":"/h","RW":true,"Propagation":"rprivate"},{"Type":"bind","Source":"/proc","Destination":"/p","RW":true,"Propagation":"rprivate"}]}"#, r#"null"#, Status::Fail)]
    #[case::app_data(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"bind","Source":"/srv/app/data","Destination":"/h","RW":true,"Propagation":"rprivate"}]}"#, r#"null"#, Status::Pass)]
    #[case::named_volume(r#"{"Name":"/w","HostConfig":{},"Mounts":[{"Type":"volume","Source":"/var/lib/docker/volumes/v/_data","Destination":"/h","RW":true,"Propagation":""}]}"#, r#"null"#, Status::Pass)]
    #[case::none(r#"{"Name":"/w","HostConfig":{}}"#, r#"null"#, Status::Pass)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        let got = super::judge(&inspected(inspect, info));
        assert_eq!(got.status, want, "{}", got.message);
        assert_eq!(got.target, Target::container("w"));
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        let host = FakeHost::new()
            .container(container("web"))
            .container(container("db"));
        assert_eq!(super::audit(&host).len(), 2);
        assert_eq!(super::audit(&FakeHost::new())[0].status, Status::Skip);
        let err = super::remediate(Target::container("web")).unwrap_err();
        assert!(
            format!("{err:?}").contains("without -v/--mount binds of host system directories"),
            "{err:?}"
        );
    }
}
