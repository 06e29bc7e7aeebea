//! # `containerd-sock-owner`: CIS Docker Benchmark v1.6.0 3.23
//!
//! ### What it checks
//! Containerd's socket `/run/containerd/containerd.sock` must be owned by user and group
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
//! `/run/containerd/containerd.sock` owned by uid 1000 (`alice`) fails: `containerd socket
//! /run/containerd/containerd.sock is owned by alice:alice (uid 1000, gid 1000), not
//! root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "containerd-sock-owner",
    cis: "3.23",
    title: "The containerd socket is owned by root:root",
    description: "Containerd's socket `/run/containerd/containerd.sock` must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "containerd's socket runs containers below Docker's API: anyone who can reach it can start a container with the host's namespaces, bypassing Docker entirely.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: High,
    reads: ["/run/containerd/containerd.sock"],
    rule: FileRule { what: "containerd socket", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::path(facts, "/run/containerd/containerd.sock", "the containerd socket"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/run/containerd/containerd.sock", 0o644, "x").owner("/run/containerd/containerd.sock", 0, 0),
    fail: |h| h.file("/run/containerd/containerd.sock", 0o644, "x").owner("/run/containerd/containerd.sock", 1000, 1000),
}
