//! # `dockerfile-update-not-alone`: CIS Docker Benchmark v1.6.0 4.7 (manual)
//!
//! ### What it checks
//! A manual item: a person checks that Dockerfiles do not run `apt-get update` (or `yum
//! update`) in a layer of its own: combine update and install in one RUN. bulkhead reports
//! `info` with what to look at. It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check that Dockerfiles do not run `apt-get update` (or `yum update`) in a layer of its
//! own: combine update and install in one RUN. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: that Dockerfiles do not run `apt-get
//! update` (or `yum update`) in a layer of its own: combine update and install in one RUN`.

bulkhead_sdk::manual_control! {
    id: "dockerfile-update-not-alone",
    cis: "4.7",
    title: "Update instructions are not used alone in Dockerfiles",
    description: "A person checks that Dockerfiles do not run `apt-get update` (or `yum update`) in a layer of its own: combine update and install in one RUN.",
    rationale: "A cached lone update layer makes later builds install stale packages.",
    remediation: "Check that Dockerfiles do not run `apt-get update` (or `yum update`) in a layer of its own: combine update and install in one RUN.",
    severity: Info,
    reads: [],
    look: "that Dockerfiles do not run `apt-get update` (or `yum update`) in a layer of its own: combine update and install in one RUN",
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
