//! # `image-minimal-packages`: CIS Docker Benchmark v1.6.0 4.3 (manual)
//!
//! ### What it checks
//! A manual item: a person checks each image's package list, removing what the workload
//! does not need. bulkhead reports `info` with what to look at and the daemon's facts that
//! help (`Images`). It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check each image's package list, removing what the workload does not need. Nothing is
//! changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: each image's package list, removing
//! what the workload does not need`.

bulkhead_sdk::manual_control! {
    id: "image-minimal-packages",
    cis: "4.3",
    title: "No unnecessary packages are installed in containers",
    description: "A person checks each image's package list, removing what the workload does not need.",
    rationale: "Every extra package is attack surface and patching work inside the container.",
    remediation: "Check each image's package list, removing what the workload does not need.",
    severity: Info,
    reads: [],
    look: "each image's package list, removing what the workload does not need",
    facts: |facts| bulkhead_sdk::manual::info_facts(facts, &["Images"]),
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
