//! # `docker-service-owner`: CIS Docker Benchmark v1.6.0 3.1
//!
//! ### What it checks
//! The `docker.service` systemd unit (where systemd finds it first: `/etc/systemd/system`,
//! `/run/systemd/system`, `/usr/lib/systemd/system`, `/lib/systemd/system`) must be owned
//! by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and
//! `/etc/group`).
//! Skips when no unit file exists (Docker not managed by systemd).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chown root:root <file>. `bulkhead fix --apply` does it, journaled, and `bulkhead
//! rollback` gives the file back to its old owner.
//!
//! ### Example
//! `/lib/systemd/system/docker.service` owned by uid 1000 (`alice`) fails: `docker.service
//! unit file /lib/systemd/system/docker.service is owned by alice:alice (uid 1000, gid
//! 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "docker-service-owner",
    cis: "3.1",
    title: "The docker.service unit file is owned by root:root",
    description: "The `docker.service` systemd unit (where systemd finds it first: `/etc/systemd/system`, `/run/systemd/system`, `/usr/lib/systemd/system`, `/lib/systemd/system`) must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "The unit file decides how dockerd starts: its flags, its environment, its user. Whoever can edit it controls the daemon, and so every container and the host.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: Medium,
    reads: ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"],
    rule: FileRule { what: "docker.service unit file", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::systemd_unit(facts, "docker.service"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/lib/systemd/system/docker.service", 0o644, "x").owner("/lib/systemd/system/docker.service", 0, 0),
    fail: |h| h.file("/lib/systemd/system/docker.service", 0o644, "x").owner("/lib/systemd/system/docker.service", 1000, 1000),
}
