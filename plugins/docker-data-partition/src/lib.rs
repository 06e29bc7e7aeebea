//! # `docker-data-partition`: CIS Docker Benchmark v1.6.0 1.1.1
//!
//! ### What it checks
//! Docker's data directory (`DockerRootDir` from `docker info`, else `/var/lib/docker`) is
//! a mount point of its own, from the host's mount table (`machine.mounts`: the init
//! process's `mountinfo` under `--proc`, so a host audited from a container with its
//! `/proc` at `/host/proc` is judged by its own table). Being on a separate
//! `/var` partition is not enough: the benchmark asks for the data directory itself.
//! Skips when the data directory does not exist.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Create a partition or logical volume for the data directory, stop Docker, move the
//! data onto it and mount it there from `/etc/fstab`. Not changed automatically.
//!
//! ### Example
//! A host whose mount table has only `/` gives `fail`: `Docker's data directory
//! /var/lib/docker is on the filesystem mounted at /, not a partition of its own`.

use bulkhead_sdk::{Error, Facts, Finding, Target, describe_error};

/// Where Docker keeps its data unless `--data-root` says otherwise.
const DEFAULT_ROOT: &str = "/var/lib/docker";
/// Where the mount table comes from, as evidence says.
const MOUNT_TABLE: &str = "machine.mounts (/proc/1/mountinfo)";

/// Judge the host.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let root = data_root(facts);
    match facts.stat(&root) {
        Ok(_) => {}
        Err(Error::NotFound) => {
            return vec![Finding::skip(
                Target::Host,
                format!("Docker's data directory {root} does not exist"),
            )];
        }
        Err(err) => {
            return vec![Finding::error(
                Target::Host,
                format!("cannot stat {root}: {}", describe_error(&err)),
            )];
        }
    }
    let points: Vec<String> = match facts.mounts() {
        Ok(mounts) => mounts.into_iter().map(|m| m.mount_point).collect(),
        Err(err) => {
            return vec![Finding::error(
                Target::Host,
                format!("cannot read the mount table: {}", describe_error(&err)),
            )];
        }
    };
    let target = Target::file(root.as_str());
    let finding = match enclosing(&points, &root) {
        Some(point) if point == root => Finding::pass(
            target,
            format!("Docker's data directory {root} is a mount point of its own"),
        ),
        Some(point) => Finding::fail(
            target,
            format!(
                "Docker's data directory {root} is on the filesystem mounted at {point}, not a \
                 partition of its own"
            ),
        )
        .with_evidence("mounted_at", point),
        None => Finding::error(target, "the mount table lists no mount points"),
    };
    vec![finding.with_evidence("mount_table", MOUNT_TABLE)]
}

/// `DockerRootDir` from `docker info`, else the default.
fn data_root(facts: &impl Facts) -> String {
    facts
        .info()
        .ok()
        .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
        .and_then(|doc| doc["DockerRootDir"].as_str().map(str::to_owned))
        .filter(|dir| dir.starts_with('/'))
        .unwrap_or_else(|| DEFAULT_ROOT.to_owned())
}

/// The longest mount point that is `path` or a directory above it.
fn enclosing<'a>(points: &'a [String], path: &str) -> Option<&'a str> {
    points
        .iter()
        .filter(|p| {
            p.as_str() == "/"
                || path == p.as_str()
                || path
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|p| p.len())
        .map(String::as_str)
}

bulkhead_sdk::cis_control! {
    id: "docker-data-partition",
    title: "Docker's data directory is a separate partition",
    description: "Docker's data directory (DockerRootDir, default /var/lib/docker) is a mount point of its own.",
    rationale: "Images, layers and logs can fill the root filesystem and stop the host.",
    remediation: "Mount a dedicated partition or logical volume at the data directory (via /etc/fstab).",
    severity: Medium,
    cis: "1.1.1",
    reads: [DEFAULT_ROOT],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "partitions are changed by hand; nothing to fix automatically for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::testing::FakeHost;
    use bulkhead_sdk::{MountEntry, Status};

    fn mount(point: &str) -> MountEntry {
        MountEntry {
            mount_point: point.to_owned(),
            root: "/".to_owned(),
            device: "8:1".to_owned(),
            fs_type: "ext4".to_owned(),
            source: "/dev/sda1".to_owned(),
            options: vec!["rw".to_owned()],
            propagation: vec!["shared:1".to_owned()],
        }
    }

    const ROOT_ONLY: &[&str] = &["/"];
    const SEPARATE: &[&str] = &["/", "/var/lib/docker"];
    const VAR_ONLY: &[&str] = &["/", "/var"];

    fn host(points: &[&str]) -> FakeHost {
        points
            .iter()
            .fold(FakeHost::new().dir("/var/lib/docker", 0o710), |h, p| {
                h.mount(mount(p))
            })
    }

    #[rstest::rstest]
    #[case::root_only(ROOT_ONLY, Status::Fail)]
    #[case::own_partition(SEPARATE, Status::Pass)]
    #[case::var_is_not_enough(VAR_ONLY, Status::Fail)]
    fn judged_from_the_mount_table(#[case] points: &[&str], #[case] want: Status) {
        let found = audit(&host(points));
        assert_eq!(found[0].status, want, "{}", found[0].message);
    }

    #[test]
    fn a_prefix_of_letters_is_not_a_parent() {
        let points = vec!["/".to_owned(), "/var/lib/dock".to_owned()];
        assert_eq!(enclosing(&points, "/var/lib/docker"), Some("/"));
    }

    #[test]
    fn absent_data_dir_skips_and_no_table_errors() {
        assert_eq!(audit(&FakeHost::new())[0].status, Status::Skip);
        let host = FakeHost::new().dir("/var/lib/docker", 0o710);
        assert_eq!(audit(&host)[0].status, Status::Error, "an empty table");
    }
}
