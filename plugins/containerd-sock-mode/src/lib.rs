//! # `containerd-sock-mode`: CIS Docker Benchmark v1.6.0 3.24
//!
//! ### What it checks
//! Containerd's socket `/run/containerd/containerd.sock` must have no permission bit beyond
//! `0660` (compared bit by bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! containerd's socket runs containers below Docker's API: anyone who can reach it can
//! start a container with the host's namespaces, bypassing Docker entirely.
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

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{self, FakeHost};

    fn accounts() -> FakeHost {
        FakeHost::new()
            .file(
                "/etc/passwd",
                0o644,
                "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n",
            )
            .file(
                "/etc/group",
                0o644,
                "root:x:0:\ndocker:x:998:\nalice:x:1000:\n",
            )
    }

    fn statuses(host: &FakeHost) -> Vec<Status> {
        testing::statuses(&super::audit(host))
    }

    #[test]
    fn passes_when_the_rule_holds() {
        let host = accounts().file("/run/containerd/containerd.sock", 0o660, "x");
        assert_eq!(statuses(&host), [Status::Pass], "{:?}", super::audit(&host));
    }

    #[test]
    fn fails_when_it_does_not() {
        let host = accounts().file("/run/containerd/containerd.sock", 0o666, "x");
        assert_eq!(statuses(&host), [Status::Fail], "{:?}", super::audit(&host));
    }

    #[test]
    fn skips_when_the_file_is_absent() {
        assert_eq!(statuses(&accounts()), [Status::Skip]);
    }
}
