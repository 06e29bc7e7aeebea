//! # `swarm-secrets`: CIS Docker Benchmark v1.6.0 7.4 (manual)
//!
//! ### What it checks
//! A manual item: a person checks that swarm services receive secrets through `docker
//! secret`, not environment variables or images. bulkhead reports `info` with what to look
//! at and the daemon's facts that help (`Swarm`). It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check that swarm services receive secrets through `docker secret`, not environment
//! variables or images. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: that swarm services receive secrets
//! through `docker secret`, not environment variables or images`.

bulkhead_sdk::manual_control! {
    id: "swarm-secrets",
    cis: "7.4",
    title: "Docker's secret management is used in a swarm",
    description: "A person checks that swarm services receive secrets through `docker secret`, not environment variables or images.",
    rationale: "Secrets in environment variables show in `docker inspect` and in child processes.",
    remediation: "Check that swarm services receive secrets through `docker secret`, not environment variables or images.",
    severity: Info,
    reads: [],
    look: "that swarm services receive secrets through `docker secret`, not environment variables or images",
    facts: |facts| bulkhead_sdk::manual::info_facts(facts, &["Swarm"]),
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
