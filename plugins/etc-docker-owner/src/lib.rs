//! # `etc-docker-owner`: CIS Docker Benchmark v1.6.0 3.5
//!
//! ### What it checks
//! The directory `/etc/docker` must be owned by user and group `root:root` (names looked up
//! in the audited host's `/etc/passwd` and `/etc/group`).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chown root:root <file>. `bulkhead fix --apply` does it, journaled, and `bulkhead
//! rollback` gives the file back to its old owner.
//!
//! ### Example
//! `/etc/docker` owned by uid 1000 (`alice`) fails: `Docker configuration directory
//! /etc/docker is owned by alice:alice (uid 1000, gid 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "etc-docker-owner",
    cis: "3.5",
    title: "The Docker configuration directory is owned by root:root",
    description: "The directory `/etc/docker` must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "`/etc/docker` holds the daemon's configuration, TLS material and registry certificates; whoever can write the directory can replace any of them.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: Medium,
    reads: ["/etc/docker"],
    rule: FileRule { what: "Docker configuration directory", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::path(facts, "/etc/docker", "the Docker configuration directory"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.dir("/etc/docker", 0o755).owner("/etc/docker", 0, 0),
    fail: |h| h.dir("/etc/docker", 0o755).owner("/etc/docker", 1000, 1000),
}
