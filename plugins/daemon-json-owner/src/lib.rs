//! # `daemon-json-owner`: CIS Docker Benchmark v1.6.0 3.17
//!
//! ### What it checks
//! Each daemon's configuration file (`--config-file`, default `/etc/docker/daemon.json`)
//! must be owned by user and group `root:root` (names looked up in the audited host's
//! `/etc/passwd` and `/etc/group`).
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
//! `/etc/docker/daemon.json` owned by uid 1000 (`alice`) fails: `daemon configuration file
//! /etc/docker/daemon.json is owned by alice:alice (uid 1000, gid 1000), not root:root`.

use bulkhead_sdk::files::{FileRule, ROOT_ROOT, locate};

bulkhead_sdk::file_control! {
    id: "daemon-json-owner",
    cis: "3.17",
    title: "The daemon configuration file is owned by root:root",
    description: "Each daemon's configuration file (`--config-file`, default `/etc/docker/daemon.json`) must be owned by user and group `root:root` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "`daemon.json` sets the daemon's security options (TLS, user namespaces, logging, registries); whoever can edit it weakens them at the next restart.",
    remediation: "chown root:root <file>. `bulkhead fix --apply` does it, journaled; `bulkhead rollback` gives the file back.",
    severity: Medium,
    reads: ["dockerd-config"],
    rule: FileRule { what: "daemon configuration file", owner: Some(ROOT_ROOT), max_mode: None },
    locate: |facts| locate::daemon_configs(facts),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h.dockerd(1, "dockerd"),
    pass: |h| h.file("/etc/docker/daemon.json", 0o644, "x").owner("/etc/docker/daemon.json", 0, 0),
    fail: |h| h.file("/etc/docker/daemon.json", 0o644, "x").owner("/etc/docker/daemon.json", 1000, 1000),
}
