//! # `image-scanned-rebuilt`: CIS Docker Benchmark v1.6.0 4.4 (manual)
//!
//! ### What it checks
//! A manual item: a person checks that each image is scanned for vulnerabilities and
//! rebuilt (not patched in place) when fixes appear. bulkhead reports `info` with what to
//! look at and the daemon's facts that help (`Images`). It never passes or fails on its
//! own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check that each image is scanned for vulnerabilities and rebuilt (not patched in place)
//! when fixes appear. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: that each image is scanned for
//! vulnerabilities and rebuilt (not patched in place) when fixes appear`.

bulkhead_sdk::manual_control! {
    id: "image-scanned-rebuilt",
    cis: "4.4",
    title: "Images are scanned and rebuilt with security patches",
    description: "A person checks that each image is scanned for vulnerabilities and rebuilt (not patched in place) when fixes appear.",
    rationale: "Containers keep the vulnerabilities their image was built with until the image is rebuilt.",
    remediation: "Check that each image is scanned for vulnerabilities and rebuilt (not patched in place) when fixes appear.",
    severity: Info,
    reads: [],
    look: "that each image is scanned for vulnerabilities and rebuilt (not patched in place) when fixes appear",
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
