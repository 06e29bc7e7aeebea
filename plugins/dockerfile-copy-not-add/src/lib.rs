//! # `dockerfile-copy-not-add`: CIS Docker Benchmark v1.6.0 4.9 (manual)
//!
//! ### What it checks
//! A manual item: a person checks that Dockerfiles use COPY; ADD fetches URLs and unpacks
//! archives implicitly. bulkhead reports `info` with what to look at. It never passes or
//! fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check that Dockerfiles use COPY; ADD fetches URLs and unpacks archives implicitly.
//! Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: that Dockerfiles use COPY; ADD fetches
//! URLs and unpacks archives implicitly`.

bulkhead_sdk::manual_control! {
    id: "dockerfile-copy-not-add",
    cis: "4.9",
    title: "COPY is used instead of ADD in Dockerfiles",
    description: "A person checks that Dockerfiles use COPY; ADD fetches URLs and unpacks archives implicitly.",
    rationale: "ADD can pull remote content and unpack archives with path traversal into the image.",
    remediation: "Check that Dockerfiles use COPY; ADD fetches URLs and unpacks archives implicitly.",
    severity: Info,
    reads: [],
    look: "that Dockerfiles use COPY; ADD fetches URLs and unpacks archives implicitly",
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
