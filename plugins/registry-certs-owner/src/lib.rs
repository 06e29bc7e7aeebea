//! # `registry-certs-owner`: CIS Docker Benchmark v1.6.0 3.7
//!
//! ### What it checks
//! Every file under `/etc/docker/certs.d/<registry>/` must be owned by user and group
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
//! `/etc/docker/certs.d/registry.example:5000/ca.crt` owned by uid 1000 (`alice`) fails:
//! `registry certificate file /etc/docker/certs.d/registry.example:5000/ca.crt is owned by
//! alice:alice (uid 1000, gid 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "registry-certs-owner",
    cis: "3.7",
    title: "The registry certificate file is owned by root:root",
    description: "Every file under `/etc/docker/certs.d/<registry>/` must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "Registry certificates decide which registries the daemon trusts for pulls and pushes; a replaced CA lets an attacker serve any image under a trusted name.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: Medium,
    reads: ["/etc/docker/certs.d"],
    rule: FileRule { what: "registry certificate file", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::files_in_subdirs(facts, "/etc/docker/certs.d", "registry certificate files"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/etc/docker/certs.d/registry.example:5000/ca.crt", 0o644, "x").owner("/etc/docker/certs.d/registry.example:5000/ca.crt", 0, 0),
    fail: |h| h.file("/etc/docker/certs.d/registry.example:5000/ca.crt", 0o644, "x").owner("/etc/docker/certs.d/registry.example:5000/ca.crt", 1000, 1000),
}
