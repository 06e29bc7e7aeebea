//! # `audit-daemon-json`: CIS Docker Benchmark v1.6.0 1.1.11
//!
//! ### What it checks
//! Auditing is configured for each daemon's configuration file (`--config-file`, default
//! `/etc/docker/daemon.json`): an audit rule in `/etc/audit/audit.rules` or
//! `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F path=`/`-F dir=`), or a
//! directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /etc/docker/daemon.json -k docker` to `/etc/audit/rules.d/docker.rules` and run
//! `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/etc/docker/daemon.json` present and no audit rule files, the finding is `fail`:
//! `the daemon configuration file /etc/docker/daemon.json is not audited: no audit rule
//! files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-daemon-json",
    cis: "1.1.11",
    title: "Auditing is configured for the daemon configuration file",
    description: "An audit rule watches each daemon's configuration file (`--config-file`, default `/etc/docker/daemon.json`).",
    rationale: "It sets the daemon's security options; a change there weakens them at the next restart.",
    what: "the daemon configuration file",
    severity: Low,
    reads: ["dockerd-config"],
    locate: |facts| locate::daemon_configs(facts),
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
        let host =
            FakeHost::new()
                .dockerd(1, "dockerd")
                .file("/etc/docker/daemon.json", 0o644, "x");
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /etc/docker/daemon.json -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(
            statuses(&FakeHost::new().dockerd(1, "dockerd")),
            [Status::Skip]
        );
    }
}
