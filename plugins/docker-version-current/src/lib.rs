//! # `docker-version-current`: CIS Docker Benchmark v1.6.0 1.2.2 (manual)
//!
//! ### What it checks
//! A manual item: a person checks whether the daemon's version below is a supported release
//! with current security fixes (compare with Docker's release notes). bulkhead reports
//! `info` with what to look at and the daemon's facts that help (`ServerVersion`,
//! `KernelVersion`, `OperatingSystem`). It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check whether the daemon's version below is a supported release with current security
//! fixes (compare with Docker's release notes). Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: whether the daemon's version below is
//! a supported release with current security fixes (compare with Docker's release notes)`.

bulkhead_sdk::manual_control! {
    id: "docker-version-current",
    cis: "1.2.2",
    title: "The version of Docker is up to date",
    description: "A person checks whether the daemon's version below is a supported release with current security fixes (compare with Docker's release notes).",
    rationale: "Old daemons and runtimes carry known container-escape bugs (runc CVE-2019-5736, CVE-2024-21626).",
    remediation: "Check whether the daemon's version below is a supported release with current security fixes (compare with Docker's release notes).",
    severity: Info,
    reads: [],
    look: "whether the daemon's version below is a supported release with current security fixes (compare with Docker's release notes)",
    facts: |facts| bulkhead_sdk::manual::info_facts(facts, &["ServerVersion", "KernelVersion", "OperatingSystem"]),
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::FakeHost;

    #[test]
    fn reports_info_never_a_verdict() {
        let found = super::audit(&FakeHost::new());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Status::Info);
        assert!(found[0].message.starts_with("manual check: "));
    }
}
