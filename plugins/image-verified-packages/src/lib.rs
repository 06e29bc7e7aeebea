//! # `image-verified-packages`: CIS Docker Benchmark v1.6.0 4.11 (manual)
//!
//! ### What it checks
//! A manual item: a person checks that package installs in Dockerfiles verify signatures
//! (no `--allow-unauthenticated`, no `--nogpgcheck`, checksums for downloads). bulkhead
//! reports `info` with what to look at. It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check that package installs in Dockerfiles verify signatures (no `--allow-
//! unauthenticated`, no `--nogpgcheck`, checksums for downloads). Nothing is changed
//! automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: that package installs in Dockerfiles
//! verify signatures (no `--allow-unauthenticated`, no `--nogpgcheck`, checksums for
//! downloads)`.

bulkhead_sdk::manual_control! {
    id: "image-verified-packages",
    cis: "4.11",
    title: "Only verified packages are installed in images",
    description: "A person checks that package installs in Dockerfiles verify signatures (no `--allow-unauthenticated`, no `--nogpgcheck`, checksums for downloads).",
    rationale: "Unverified packages let a compromised mirror or network path into the image.",
    remediation: "Check that package installs in Dockerfiles verify signatures (no `--allow-unauthenticated`, no `--nogpgcheck`, checksums for downloads).",
    severity: Info,
    reads: [],
    look: "that package installs in Dockerfiles verify signatures (no `--allow-unauthenticated`, no `--nogpgcheck`, checksums for downloads)",
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
