//! # `containerd-sock-mode`: CIS Docker Benchmark v1.6.0 3.24
//!
//! ### What it checks
//! Containerd's socket `/run/containerd/containerd.sock` must have no permission bit beyond
//! `0660` (compared bit by bit, in octal).
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
//! `/run/containerd/containerd.sock` at mode `0666` fails: `containerd socket
//! /run/containerd/containerd.sock is mode 0666, more than 0660`.

use bulkhead_sdk::files::{FileRule, locate};

bulkhead_sdk::file_control! {
    id: "containerd-sock-mode",
    cis: "3.24",
    title: "The containerd socket is mode 0660 or more restrictive",
    description: "Containerd's socket `/run/containerd/containerd.sock` must have no permission bit beyond `0660` (compared bit by bit, in octal).",
    rationale: "containerd's socket runs containers below Docker's API: anyone who can reach it can start a container with the host's namespaces, bypassing Docker entirely.",
    remediation: "chmod 660 <file>, or tighter.",
    severity: High,
    reads: ["/run/containerd/containerd.sock"],
    rule: FileRule { what: "containerd socket", owner: None, max_mode: Some(0o660) },
    locate: |facts| locate::path(facts, "/run/containerd/containerd.sock", "the containerd socket"),
}

bulkhead_sdk::file_control_tests! {
    setup: |h| h,
    pass: |h| h.file("/run/containerd/containerd.sock", 0o660, "x"),
    fail: |h| h.file("/run/containerd/containerd.sock", 0o666, "x"),
}
