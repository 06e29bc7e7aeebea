//! # `image-trusted-base`: CIS Docker Benchmark v1.6.0 4.2 (manual)
//!
//! ### What it checks
//! A manual item: a person checks where each image in use comes from (registry, publisher,
//! signature) and whether your policy trusts it. bulkhead reports `info` with what to look
//! at and the daemon's facts that help (`Images`, `RegistryConfig`). It never passes or
//! fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check where each image in use comes from (registry, publisher, signature) and whether
//! your policy trusts it. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: where each image in use comes from
//! (registry, publisher, signature) and whether your policy trusts it`.

bulkhead_sdk::manual_control! {
    id: "image-trusted-base",
    cis: "4.2",
    title: "Containers use only trusted base images",
    description: "A person checks where each image in use comes from (registry, publisher, signature) and whether your policy trusts it.",
    rationale: "An untrusted base image runs someone else's code with your container's privileges.",
    remediation: "Check where each image in use comes from (registry, publisher, signature) and whether your policy trusts it.",
    severity: Info,
    reads: [],
    look: "where each image in use comes from (registry, publisher, signature) and whether your policy trusts it",
    facts: |facts| bulkhead_sdk::manual::info_facts(facts, &["Images", "RegistryConfig"]),
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
