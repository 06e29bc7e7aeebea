//! # `swarm-node-cert-rotation`: CIS Docker Benchmark v1.6.0 7.7 (manual)
//!
//! ### What it checks
//! A manual item: a person checks the swarm's node certificate expiry (`docker swarm update
//! --cert-expiry`) against your policy. bulkhead reports `info` with what to look at and
//! the daemon's facts that help (`Swarm`). It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check the swarm's node certificate expiry (`docker swarm update --cert-expiry`) against
//! your policy. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: the swarm's node certificate expiry
//! (`docker swarm update --cert-expiry`) against your policy`.

bulkhead_sdk::manual_control! {
    id: "swarm-node-cert-rotation",
    cis: "7.7",
    title: "Node certificates are rotated as appropriate",
    description: "A person checks the swarm's node certificate expiry (`docker swarm update --cert-expiry`) against your policy.",
    rationale: "Long-lived node certificates keep working after a node is compromised.",
    remediation: "Check the swarm's node certificate expiry (`docker swarm update --cert-expiry`) against your policy.",
    severity: Info,
    reads: [],
    look: "the swarm's node certificate expiry (`docker swarm update --cert-expiry`) against your policy",
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
