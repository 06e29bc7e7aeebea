//! # `etc-default-docker-owner`: CIS Docker Benchmark v1.6.0 3.19
//!
//! ### What it checks
//! `/etc/default/docker` (Debian-style init defaults) must be owned by user and group
//! `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).
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
//! `/etc/default/docker` owned by uid 1000 (`alice`) fails: `Docker defaults file
//! /etc/default/docker is owned by alice:alice (uid 1000, gid 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "etc-default-docker-owner",
    cis: "3.19",
    title: "The Docker defaults file is owned by root:root",
    description: "`/etc/default/docker` (Debian-style init defaults) must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "The init script's defaults file feeds options and environment to dockerd at start; whoever can edit it controls the daemon.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: Medium,
    reads: ["/etc/default/docker"],
    rule: FileRule { what: "Docker defaults file", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::path(facts, "/etc/default/docker", "the Docker defaults file"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/etc/default/docker", 0o644, "x").owner("/etc/default/docker", 0, 0),
    fail: |h| h.file("/etc/default/docker", 0o644, "x").owner("/etc/default/docker", 1000, 1000),
}
