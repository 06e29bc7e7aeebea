//! # `image-signed-artifacts`: CIS Docker Benchmark v1.6.0 4.12 (manual)
//!
//! ### What it checks
//! A manual item: a person checks that signed artifacts used in builds (images, packages,
//! binaries) are verified against trusted keys before use. bulkhead reports `info` with
//! what to look at. It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check that signed artifacts used in builds (images, packages, binaries) are verified
//! against trusted keys before use. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: that signed artifacts used in builds
//! (images, packages, binaries) are verified against trusted keys before use`.

bulkhead_sdk::manual_control! {
    id: "image-signed-artifacts",
    cis: "4.12",
    title: "All signed artifacts are validated",
    description: "A person checks that signed artifacts used in builds (images, packages, binaries) are verified against trusted keys before use.",
    rationale: "A signature nobody checks proves nothing.",
    remediation: "Check that signed artifacts used in builds (images, packages, binaries) are verified against trusted keys before use.",
    severity: Info,
    reads: [],
    look: "that signed artifacts used in builds (images, packages, binaries) are verified against trusted keys before use",
    facts: |_facts| Vec::new(),
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
