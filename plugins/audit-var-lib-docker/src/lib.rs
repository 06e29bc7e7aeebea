//! # `audit-var-lib-docker`: CIS Docker Benchmark v1.6.0 1.1.5
//!
//! ### What it checks
//! Auditing is configured for each daemon's data directory (`--data-root` or `"data-root"`,
//! else `DockerRootDir` from `docker info`, else `/var/lib/docker`): an audit rule in
//! `/etc/audit/audit.rules`
//! or `/etc/audit/rules.d/*.rules` watches it (`-w PATH`, `-F path=`/`-F dir=`), or a
//! directory above it. Skips when it does not exist on this host.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Add `-w /var/lib/docker -k docker` to `/etc/audit/rules.d/docker.rules` and run
//! `augenrules --load`. Rules are not changed automatically.
//!
//! ### Example
//! With `/var/lib/docker` present and no audit rule files, the finding is `fail`: `Docker's
//! data directory /var/lib/docker is not audited: no audit rule files on this host`.

use bulkhead_sdk::files::locate;

bulkhead_sdk::audit_control! {
    id: "audit-var-lib-docker",
    cis: "1.1.5",
    title: "Auditing is configured for Docker's data directory",
    description: "An audit rule watches Docker's data directory (`--data-root`, default `/var/lib/docker`).",
    rationale: "It holds every image layer, container filesystem and volume: tampering there changes what containers run and read.",
    what: "Docker's data directory",
    severity: Low,
    reads: ["/var/lib/docker", "dockerd-config"],
    locate: |facts| locate::existing(facts, locate::data_roots(facts), "Docker's data directory"),
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
        let host = FakeHost::new().dir("/var/lib/docker", 0o755);
        assert_eq!(statuses(&host), [Status::Fail]);
        let host = host.file(
            "/etc/audit/rules.d/docker.rules",
            0o640,
            "-w /var/lib/docker -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn a_relocated_data_root_is_the_path_judged() {
        let host = FakeHost::new()
            .dir("/var/lib/docker", 0o755)
            .dir("/srv/docker26", 0o755)
            .dockerd(812, "dockerd --data-root /srv/docker26")
            .file(
                "/etc/audit/rules.d/docker.rules",
                0o640,
                "-w /var/lib/docker -k docker\n",
            );
        let found = super::audit(&host);
        assert_eq!(testing::statuses(&found), [Status::Fail]);
        assert!(
            found[0].message.contains("/srv/docker26"),
            "{}",
            found[0].message
        );
        let host = host.file(
            "/etc/audit/rules.d/docker26.rules",
            0o640,
            "-w /srv/docker26 -k docker\n",
        );
        assert_eq!(statuses(&host), [Status::Pass]);
    }

    #[test]
    fn skips_when_absent() {
        assert_eq!(statuses(&FakeHost::new()), [Status::Skip]);
    }
}
