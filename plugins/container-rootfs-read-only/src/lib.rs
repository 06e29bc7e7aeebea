//! # `container-rootfs-read-only`: CIS Docker Benchmark v1.6.0 5.13
//!
//! ### What it checks
//! Every container's root filesystem must be mounted read-only: `HostConfig.ReadonlyRootfs`
//! true (`docker run --read-only`).
//!
//! Writable volumes and tmpfs mounts for the paths the workload writes are fine; they are
//! listed as evidence.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Recreate the container with `--read-only`, adding `--tmpfs /tmp` or volumes for the
//! paths it must write. bulkhead cannot change this setting of an existing container:
//! `bulkhead fix` names the flag to recreate it with.
//!
//! ### Example
//! A container created with `docker create --name web nginx` yields
//!
//! ```text
//! fail  container:web
//!       container web has a writable root filesystem (no --read-only)
//!       readonly-rootfs=false writable-mounts= state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-rootfs-read-only",
    cis: "5.13",
    title: "Containers have a read-only root filesystem",
    description: "Every container's root filesystem must be mounted read-only: `HostConfig.ReadonlyRootfs` true (`docker run --read-only`).",
    rationale: "A read-only root filesystem stops an intruder from changing the container's binaries and configuration or dropping tools into it, and makes what the workload writes explicit (volumes, tmpfs).",
    remediation: "Recreate the container with `--read-only`, adding `--tmpfs /tmp` or volumes for the paths it must write.",
    severity: Medium,
    fix: "with --read-only (plus --tmpfs or volumes for the paths it writes)",
    judge: judge,
}

/// `HostConfig.ReadonlyRootfs` true passes.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let read_only = doc.bool("/HostConfig/ReadonlyRootfs");
    let finding = if read_only {
        Finding::pass(
            doc.target(),
            format!("container {name} has a read-only root filesystem"),
        )
    } else {
        Finding::fail(
            doc.target(),
            format!("container {name} has a writable root filesystem (no --read-only)"),
        )
    };
    let writable: Vec<String> = doc
        .mounts()
        .iter()
        .filter(|m| m.writable)
        .map(|m| m.describe())
        .collect();
    finding
        .with_evidence("readonly-rootfs", read_only.to_string())
        .with_evidence("writable-mounts", writable.join(","))
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::control::{assert_container_kit, assert_judges};

    #[rstest::rstest]
    #[case::writable(
        r#"{"Name":"/w","HostConfig":{"ReadonlyRootfs":false}}"#,
        r#"null"#,
        Status::Fail
    )]
    #[case::absent(r#"{"Name":"/w"}"#, r#"null"#, Status::Fail)]
    #[case::read_only(r#"{"Name":"/w","HostConfig":{"ReadonlyRootfs":true},"Mounts":[{"Type":"volume","Source":"/var/lib/docker/volumes/d/_data","Destination":"/data","RW":true}]}"#, r#"null"#, Status::Pass)]
    fn judges(#[case] inspect: &str, #[case] info: &str, #[case] want: Status) {
        assert_judges(super::judge, inspect, info, want);
    }

    #[test]
    fn one_finding_per_container_a_skip_for_none_and_the_flag_to_fix() {
        assert_container_kit(
            super::audit,
            super::remediate,
            "with --read-only (plus --tmpfs or volumes for the paths it writes)",
        );
    }
}
