//! # `audit-containerd-config`: CIS Docker Benchmark v1.6.0 1.1.12
//!
//! ### What it checks
//! Auditing is configured for `/etc/containerd/config.toml`: an audit rule in
//! `/etc/audit/audit.rules` or `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F
//! path=`/`-F dir=`), or a directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /etc/containerd/config.toml -k docker` to `/etc/audit/rules.d/docker.rules` and
//! run `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/etc/containerd/config.toml` present and no audit rule files, the finding is
//! `fail`: `containerd's configuration file /etc/containerd/config.toml is not audited: no
//! audit rule files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-containerd-config",
    cis: "1.1.12",
    title: "Auditing is configured for containerd's configuration file",
    description: "An audit rule watches `/etc/containerd/config.toml`.",
    rationale: "It configures the runtime below Docker: runtimes, plugins, registries.",
    what: "containerd's configuration file",
    severity: Low,
    reads: ["/etc/containerd/config.toml"],
    locate: |facts| locate::path(facts, "/etc/containerd/config.toml", "containerd's configuration file"),
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
        let host = FakeHost::new().file("/etc/containerd/config.toml", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /etc/containerd/config.toml -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
