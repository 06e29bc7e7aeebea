//! # `swarm-ca-rotation`: CIS Docker Benchmark v1.6.0 7.8 (manual)
//!
//! ### What it checks
//! A manual item: a person checks when the swarm root CA was last rotated (`docker swarm ca
//! --rotate`). bulkhead reports `info` with what to look at and the daemon's facts that
//! help (`Swarm`). It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check when the swarm root CA was last rotated (`docker swarm ca --rotate`). Nothing is
//! changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: when the swarm root CA was last
//! rotated (`docker swarm ca --rotate`)`.

bulkhead_sdk::manual_control! {
    id: "swarm-ca-rotation",
    cis: "7.8",
    title: "CA certificates are rotated as appropriate",
    description: "A person checks when the swarm root CA was last rotated (`docker swarm ca --rotate`).",
    rationale: "The swarm CA signs every node's identity; rotating it retires stolen keys.",
    remediation: "Check when the swarm root CA was last rotated (`docker swarm ca --rotate`).",
    severity: Info,
    reads: [],
    look: "when the swarm root CA was last rotated (`docker swarm ca --rotate`)",
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
