//! # `image-sprawl`: CIS Docker Benchmark v1.6.0 6.1 (manual)
//!
//! ### What it checks
//! A manual item: a person checks the image count below: remove images no container uses
//! (`docker image prune -a`), keeping those you need. bulkhead reports `info` with what to
//! look at and the daemon's facts that help (`Images`). It never passes or fails on its
//! own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check the image count below: remove images no container uses (`docker image prune -a`),
//! keeping those you need. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: the image count below: remove images
//! no container uses (`docker image prune -a`), keeping those you need`.

bulkhead_sdk::manual_control! {
    id: "image-sprawl",
    cis: "6.1",
    title: "Image sprawl is avoided",
    description: "A person checks the image count below: remove images no container uses (`docker image prune -a`), keeping those you need.",
    rationale: "Unused images still carry vulnerabilities, take disk, and can be started by mistake.",
    remediation: "Check the image count below: remove images no container uses (`docker image prune -a`), keeping those you need.",
    severity: Info,
    reads: [],
    look: "the image count below: remove images no container uses (`docker image prune -a`), keeping those you need",
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
