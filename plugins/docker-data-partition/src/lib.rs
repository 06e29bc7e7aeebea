//! # `docker-data-partition`: CIS Docker Benchmark v1.6.0 1.1.1
//!
//! ### What it checks
//! Each daemon's data directory (`--data-root` or `"data-root"` in its configuration, else
//! `/var/lib/docker`; and `DockerRootDir` from `docker info` when it is another) is a mount
//! point of its own, from the host's mount table (`machine.mounts`: the init
//! process's `mountinfo` under `--proc`, so a host audited from a container with its
//! `/proc` at `/host/proc` is judged by its own table). Being on a separate
//! `/var` partition is not enough: the benchmark asks for the data directory itself.
//! Skips when no data directory exists.
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

use bulkhead_sdk::files::locate::{self, DEFAULT_DATA_ROOT};
use bulkhead_sdk::{Error, Facts, Finding, Target, describe_error};

/// Where the mount table comes from, as evidence says.
const MOUNT_TABLE: &str = "machine.mounts (/proc/1/mountinfo)";

/// Judge the host: each daemon's data directory.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let configured = locate::data_roots(facts);
    let mut roots = Vec::new();
    for root in &configured {
        match facts.stat(root) {
            Ok(_) => roots.push(root),
            Err(Error::NotFound) => {}
            Err(err) => {
                return vec![Finding::error(
                    Target::Host,
                    format!("cannot stat {root}: {}", describe_error(&err)),
                )];
            }
        }
    }
    if roots.is_empty() {
        return vec![Finding::skip(
            Target::Host,
            format!(
                "Docker's data directory {} does not exist",
                configured.join(", ")
            ),
        )];
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
    roots.iter().map(|root| judge(&points, root)).collect()
}

/// Whether the data directory `root` is a mount point of its own in `points`.
fn judge(points: &[String], root: &str) -> Finding {
    let target = Target::file(root);
    let finding = match enclosing(points, root) {
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
    finding.with_evidence("mount_table", MOUNT_TABLE)
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
    description: "Each daemon's data directory (--data-root, DockerRootDir, default /var/lib/docker) is a mount point of its own.",
    rationale: "Images, layers and logs can fill the root filesystem and stop the host.",
    remediation: "Mount a dedicated partition or logical volume at the data directory (via /etc/fstab).",
    severity: Medium,
    cis: "1.1.1",
    reads: [DEFAULT_DATA_ROOT, "dockerd-config"],
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
    fn a_relocated_data_root_is_the_one_judged() {
        let host = FakeHost::new()
            .dir("/srv/docker26", 0o710)
            .dockerd(812, "dockerd --data-root /srv/docker26/")
            .mount(mount("/"))
            .mount(mount("/srv/docker26"));
        let found = audit(&host);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Status::Pass, "{}", found[0].message);
        assert_eq!(found[0].target, Target::file("/srv/docker26"));
        // The same from daemon.json, and the default no longer judged.
        let host = FakeHost::new()
            .dir("/var/lib/docker", 0o710)
            .dir("/data/docker", 0o710)
            .file(
                "/etc/docker/daemon.json",
                0o644,
                r#"{"data-root": "/data/docker"}"#,
            )
            .mount(mount("/"));
        let found = audit(&host);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].target, Target::file("/data/docker"));
        assert_eq!(found[0].status, Status::Fail);
    }

    #[test]
    fn the_data_root_the_daemon_reports_is_judged_too() {
        let host = FakeHost::new()
            .dir("/home/u/.local/share/docker", 0o710)
            .info_json(r#"{"DockerRootDir": "/home/u/.local/share/docker"}"#)
            .mount(mount("/"));
        let found = audit(&host);
        let targets: Vec<&Target> = found.iter().map(|f| &f.target).collect();
        assert_eq!(targets, [&Target::file("/home/u/.local/share/docker")]);
    }

    #[test]
    fn absent_data_dir_skips_and_no_table_errors() {
        assert_eq!(audit(&FakeHost::new())[0].status, Status::Skip);
        let host = FakeHost::new().dir("/var/lib/docker", 0o710);
        assert_eq!(audit(&host)[0].status, Status::Error, "an empty table");
    }
}
