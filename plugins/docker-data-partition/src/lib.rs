//! # `docker-data-partition`: CIS Docker Benchmark v1.6.0 1.1.1
//!
//! ### What it checks
//! Docker's data directory (`DockerRootDir` from `docker info`, else `/var/lib/docker`) is
//! a mount point of its own, from the host's mount table (`/proc/1/mountinfo`, read under
//! `--root`, so a host mounted at `/host` is judged by its own table). Being on a separate
//! `/var` partition is not enough: the benchmark asks for the data directory itself.
//! Skips when the data directory does not exist.
//!
//! ### Why it matters
//! Images, container layers and logs grow without bound; on the root filesystem they can
//! fill it and stop the host, its logging and sshd with it.
//!
//! ### Remediation
//! Create a partition or logical volume for the data directory, stop Docker, move the
//! data onto it and mount it there from `/etc/fstab`. Not changed automatically.
//!
//! ### Example
//! A host whose mount table has only `/` gives `fail`: `Docker's data directory
//! /var/lib/docker is on the filesystem mounted at /, not a partition of its own`.

use bulkhead_sdk::{
    ControlMetadata, Error, Facts, Finding, Guest, Host, MAX_READ, Severity, Target, describe_error,
};

/// The mount table this control reads.
const MOUNTINFO: &str = "/proc/1/mountinfo";
/// Where Docker keeps its data unless `--data-root` says otherwise.
const DEFAULT_ROOT: &str = "/var/lib/docker";

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
    let table = match facts.read_file(MOUNTINFO, MAX_READ) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            return vec![Finding::error(
                Target::Host,
                format!(
                    "cannot read the mount table {MOUNTINFO}: {}",
                    describe_error(&err)
                ),
            )];
        }
    };
    let points = mount_points(&table);
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
        None => Finding::error(target, format!("{MOUNTINFO} lists no mount points")),
    };
    vec![finding.with_evidence("mount_table", MOUNTINFO)]
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

/// The mount points of a `mountinfo` table (field 5), octal escapes decoded.
fn mount_points(table: &str) -> Vec<String> {
    table
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(unescape)
        .collect()
}

/// `\040` and friends, as the kernel writes spaces, tabs, newlines and backslashes.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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

/// The exported control.
pub struct Control;

impl Guest for Control {
    fn metadata() -> ControlMetadata {
        ControlMetadata {
            id: "docker-data-partition".into(),
            title: "Docker's data directory is a separate partition".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Docker's data directory (DockerRootDir, default /var/lib/docker) is a mount point of its own.".into(),
            rationale: "Images, layers and logs can fill the root filesystem and stop the host.".into(),
            remediation: "Mount a dedicated partition or logical volume at the data directory (via /etc/fstab).".into(),
            severity: Severity::Medium,
            references: vec![format!("{} 1.1.1", bulkhead_sdk::CIS_DOCKER)],
            items: vec![bulkhead_sdk::cis::item("1.1.1")],
            reads: vec![MOUNTINFO.into(), DEFAULT_ROOT.into()],
        }
    }
    fn audit() -> Vec<Finding> {
        audit(&Host)
    }
    fn remediate(target: Target) -> Result<(), Error> {
        Err(Error::Invalid(format!(
            "partitions are changed by hand; nothing to fix automatically for {target}"
        )))
    }
}

bulkhead_sdk::export!(Control);

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::FakeHost;

    const ROOT_ONLY: &str = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";
    const SEPARATE: &str = "22 1 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n\
        30 22 8:2 / /var/lib/docker rw shared:2 - xfs /dev/sda2 rw\n";
    const VAR_ONLY: &str =
        "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n30 22 8:2 / /var rw - xfs /dev/sda2 rw\n";

    fn host(table: &str) -> FakeHost {
        FakeHost::new()
            .dir("/var/lib/docker", 0o710)
            .file(MOUNTINFO, 0o444, table)
    }

    #[rstest::rstest]
    #[case::root_only(ROOT_ONLY, Status::Fail)]
    #[case::own_partition(SEPARATE, Status::Pass)]
    #[case::var_is_not_enough(VAR_ONLY, Status::Fail)]
    fn judged_from_the_mount_table(#[case] table: &str, #[case] want: Status) {
        let found = audit(&host(table));
        assert_eq!(found[0].status, want, "{}", found[0].message);
    }

    #[test]
    fn escapes_and_prefixes() {
        assert_eq!(unescape("/mnt/a\\040b"), "/mnt/a b");
        let points = vec!["/".to_owned(), "/var/lib/dock".to_owned()];
        assert_eq!(enclosing(&points, "/var/lib/docker"), Some("/"));
    }

    #[test]
    fn absent_data_dir_skips_and_no_table_errors() {
        assert_eq!(audit(&FakeHost::new())[0].status, Status::Skip);
        let host = FakeHost::new().dir("/var/lib/docker", 0o710);
        assert_eq!(audit(&host)[0].status, Status::Error);
    }
}
