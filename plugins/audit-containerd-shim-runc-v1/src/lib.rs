//! # `audit-containerd-shim-runc-v1`: CIS Docker Benchmark v1.6.0 1.1.16
//!
//! ### What it checks
//! Auditing is configured for `/usr/bin/containerd-shim-runc-v1`: an audit rule in
//! `/etc/audit/audit.rules` or `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F
//! path=`/`-F dir=`), or a directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /usr/bin/containerd-shim-runc-v1 -k docker` to `/etc/audit/rules.d/docker.rules`
//! and run `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/usr/bin/containerd-shim-runc-v1` present and no audit rule files, the finding is
//! `fail`: `the containerd-shim-runc-v1 binary /usr/bin/containerd-shim-runc-v1 is not
//! audited: no audit rule files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-containerd-shim-runc-v1",
    cis: "1.1.16",
    title: "Auditing is configured for the containerd-shim-runc-v1 binary",
    description: "An audit rule watches `/usr/bin/containerd-shim-runc-v1`.",
    rationale: "The shim sits between containerd and each container's process.",
    what: "the containerd-shim-runc-v1 binary",
    severity: Low,
    reads: ["/usr/bin/containerd-shim-runc-v1"],
    locate: |facts| locate::path(facts, "/usr/bin/containerd-shim-runc-v1", "the containerd-shim-runc-v1 binary"),
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::{self, FakeHost};

    fn statuses(host: &FakeHost) -> Vec<Status> {
        testing::statuses(&super::audit(host))
    }

    #[test]
    fn a_watch_rule_passes_and_none_fails() {
        let host = FakeHost::new().file("/usr/bin/containerd-shim-runc-v1", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /usr/bin/containerd-shim-runc-v1 -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
