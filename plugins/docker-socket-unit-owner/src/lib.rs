//! # `docker-socket-unit-owner`: CIS Docker Benchmark v1.6.0 3.3
//!
//! ### What it checks
//! The `docker.socket` systemd unit must be owned by user and group `root:root` (names
//! looked up in the audited host's `/etc/passwd` and `/etc/group`).
//! Skips when no unit file exists (socket activation not used).
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chown root:root <file>. `bulkhead fix --apply` does it, journaled, and `bulkhead
//! rollback` gives the file back to its old owner.
//!
//! ### Example
//! `/lib/systemd/system/docker.socket` owned by uid 1000 (`alice`) fails: `docker.socket
//! unit file /lib/systemd/system/docker.socket is owned by alice:alice (uid 1000, gid
//! 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "docker-socket-unit-owner",
    cis: "3.3",
    title: "The docker.socket unit file is owned by root:root",
    description: "The `docker.socket` systemd unit must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "The socket unit decides where and with which permissions the Docker API socket is created; editing it can expose the daemon to every local user.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: Medium,
    reads: ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"],
    rule: FileRule { what: "docker.socket unit file", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::systemd_unit(facts, "docker.socket"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/lib/systemd/system/docker.socket", 0o644, "x").owner("/lib/systemd/system/docker.socket", 0, 0),
    fail: |h| h.file("/lib/systemd/system/docker.socket", 0o644, "x").owner("/lib/systemd/system/docker.socket", 1000, 1000),
}
