//! # `docker-sock-mode`: CIS Docker Benchmark v1.6.0 3.16
//!
//! ### What it checks
//! The daemon's unix sockets (`-H unix://...` / `"hosts"`, else `/var/run/docker.sock`)
//! must have no permission bit beyond `0660` (compared bit by bit, in octal).
//! Skips when the file does not exist on this host: the item does not apply.
//!
//! ### Why it matters
//! Access to the Docker socket is root on the host: it can start a privileged container
//! that mounts `/`. Only root and the `docker` group may reach it.
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
        let host = accounts().file("/var/run/docker.sock", 0o660, "x");
        assert_eq!(statuses(&host), [Status::Pass], "{:?}", super::audit(&host));
    }

    #[test]
    fn fails_when_it_does_not() {
        let host = accounts().file("/var/run/docker.sock", 0o666, "x");
        assert_eq!(statuses(&host), [Status::Fail], "{:?}", super::audit(&host));
    }

    #[test]
    fn skips_when_the_file_is_absent() {
        assert_eq!(statuses(&accounts()), [Status::Skip]);
    }
}
