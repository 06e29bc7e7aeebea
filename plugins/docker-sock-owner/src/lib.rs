//! # `docker-sock-owner`: CIS Docker Benchmark v1.6.0 3.15
//!
//! ### What it checks
//! The daemon's unix sockets (`-H unix://...` / `"hosts"`, else `/var/run/docker.sock`)
//! must be owned by user and group `root:docker` (names looked up in the audited host's
//! `/etc/passwd` and `/etc/group`).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chown root:docker <file>. `bulkhead fix --apply` hands a socket of another user to
//! root, keeping the group when it is already docker, journaled (`bulkhead rollback`
//! undoes it). A socket in another group is given to docker by hand: bulkhead hands files
//! only to root, and `bulkhead fix` prints the command.
//!
//! ### Example
//! `/var/run/docker.sock` owned by uid 1000 (`alice`) fails: `Docker socket
//! /var/run/docker.sock is owned by alice:alice (uid 1000, gid 1000), not root:docker`.

use bulkhead_sdk::files::{FileRule, ROOT_DOCKER, locate};

bulkhead_sdk::file_control! {
    id: "docker-sock-owner",
    cis: "3.15",
    title: "The Docker socket is owned by root:docker",
    description: "The daemon's unix sockets (`-H unix://...` / `\"hosts\"`, else `/var/run/docker.sock`) must be owned by user and group `root:docker` (names looked up in the audited host's `/etc/passwd` and `/etc/group`).",
    rationale: "Access to the Docker socket is root on the host: it can start a privileged container that mounts `/`. Only root and the `docker` group may reach it.",
    remediation: "chown root:docker <file>. `bulkhead fix --apply` hands a socket of another user to root (journaled; `bulkhead rollback` undoes it); a socket in another group is given to docker by hand.",
    severity: High,
    reads: ["/var/run/docker.sock", "/run/docker.sock", "dockerd-config"],
    rule: FileRule { what: "Docker socket", owner: Some(ROOT_DOCKER), max_mode: None },
    locate: |facts| locate::docker_sockets(facts),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/var/run/docker.sock", 0o644, "x").owner("/var/run/docker.sock", 0, 998),
    fail: |h| h.file("/var/run/docker.sock", 0o644, "x").owner("/var/run/docker.sock", 1000, 1000),
}
