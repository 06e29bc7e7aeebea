//! # `docker-sock-mode`: CIS Docker Benchmark v1.6.0 3.16
//!
//! ### What it checks
//! The daemon's unix sockets (`-H unix://...` / `"hosts"`, else `/var/run/docker.sock`)
//! must have no permission bit beyond `0660` (compared bit by bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! chmod 660 <file>, or tighter. `bulkhead fix --apply` clears the bits beyond `0660`
//! (never adds any), journaled and undone by `bulkhead rollback`.
//!
//! ### Example
//! `/var/run/docker.sock` at mode `0666` fails: `Docker socket /var/run/docker.sock is mode
//! 0666, more than 0660`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "docker-sock-mode",
    cis: "3.16",
    title: "The Docker socket is mode 0660 or more restrictive",
    description: "The daemon's unix sockets (`-H unix://...` / `\"hosts\"`, else `/var/run/docker.sock`) must have no permission bit beyond `0660` (compared bit by bit, in octal).",
    rationale: "Access to the Docker socket is root on the host: it can start a privileged container that mounts `/`. Only root and the `docker` group may reach it.",
    remediation: "chmod 660 <file>, or tighter.",
    severity: High,
    reads: ["/var/run/docker.sock", "/run/docker.sock", "dockerd-config"],
    rule: FileRule { what: "Docker socket", owner: None, max_mode: Some(0o660) },
    locate: |facts| locate::docker_sockets(facts),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/var/run/docker.sock", 0o660, "x"),
    fail: |h| h.file("/var/run/docker.sock", 0o666, "x"),
}
