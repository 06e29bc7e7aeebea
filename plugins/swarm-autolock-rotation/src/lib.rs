//! # `swarm-autolock-rotation`: CIS Docker Benchmark v1.6.0 7.6 (manual)
//!
//! ### What it checks
//! A manual item: a person checks when the auto-lock key was last rotated (`docker swarm
//! unlock-key --rotate`) against your rotation policy. bulkhead reports `info` with what to
//! look at and the daemon's facts that help (`Swarm`). It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check when the auto-lock key was last rotated (`docker swarm unlock-key --rotate`)
//! against your rotation policy. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: when the auto-lock key was last
//! rotated (`docker swarm unlock-key --rotate`) against your rotation policy`.

bulkhead_sdk::manual_control! {
    id: "swarm-autolock-rotation",
    cis: "7.6",
    title: "The swarm manager auto-lock key is rotated periodically",
    description: "A person checks when the auto-lock key was last rotated (`docker swarm unlock-key --rotate`) against your rotation policy.",
    rationale: "A leaked unlock key decrypts the managers' raft logs, secrets included.",
    remediation: "Check when the auto-lock key was last rotated (`docker swarm unlock-key --rotate`) against your rotation policy.",
    severity: Info,
    reads: [],
    look: "when the auto-lock key was last rotated (`docker swarm unlock-key --rotate`) against your rotation policy",
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
