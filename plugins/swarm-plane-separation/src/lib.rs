//! # `swarm-plane-separation`: CIS Docker Benchmark v1.6.0 7.9 (manual)
//!
//! ### What it checks
//! A manual item: a person checks that the swarm advertises management and data traffic on
//! different interfaces (`--advertise-addr` vs `--data-path-addr`). bulkhead reports `info`
//! with what to look at and the daemon's facts that help (`Swarm`). It never passes or
//! fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check that the swarm advertises management and data traffic on different interfaces
//! (`--advertise-addr` vs `--data-path-addr`). Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: that the swarm advertises management
//! and data traffic on different interfaces (`--advertise-addr` vs `--data-path-addr`)`.

bulkhead_sdk::manual_control! {
    id: "swarm-plane-separation",
    cis: "7.9",
    title: "Management plane traffic is separated from data plane traffic",
    description: "A person checks that the swarm advertises management and data traffic on different interfaces (`--advertise-addr` vs `--data-path-addr`).",
    rationale: "Mixed planes let a compromised workload reach the managers' control traffic.",
    remediation: "Check that the swarm advertises management and data traffic on different interfaces (`--advertise-addr` vs `--data-path-addr`).",
    severity: Info,
    reads: [],
    look: "that the swarm advertises management and data traffic on different interfaces (`--advertise-addr` vs `--data-path-addr`)",
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
