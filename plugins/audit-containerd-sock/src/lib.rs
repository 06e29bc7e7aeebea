//! # `audit-containerd-sock`: CIS Docker Benchmark v1.6.0 1.1.8
//!
//! ### What it checks
//! Auditing is configured for `/run/containerd/containerd.sock`: an audit rule in
//! `/etc/audit/audit.rules` or `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F
//! path=`/`-F dir=`), or a directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /run/containerd/containerd.sock -k docker` to `/etc/audit/rules.d/docker.rules`
//! and run `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/run/containerd/containerd.sock` present and no audit rule files, the finding is
//! `fail`: `containerd's socket /run/containerd/containerd.sock is not audited: no audit
//! rule files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-containerd-sock",
    cis: "1.1.8",
    title: "Auditing is configured for containerd's socket",
    description: "An audit rule watches `/run/containerd/containerd.sock`.",
    rationale: "Whoever reaches containerd's socket runs containers without Docker's checks.",
    what: "containerd's socket",
    severity: Low,
    reads: ["/run/containerd/containerd.sock"],
    locate: |facts| locate::path(facts, "/run/containerd/containerd.sock", "containerd's socket"),
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
        let host = FakeHost::new().file("/run/containerd/containerd.sock", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /run/containerd/containerd.sock -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
