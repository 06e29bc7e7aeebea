//! # `dockerfile-no-secrets`: CIS Docker Benchmark v1.6.0 4.10 (manual)
//!
//! ### What it checks
//! A manual item: a person checks Dockerfiles and image history (`docker history --no-
//! trunc`) for keys, passwords and tokens; use build secrets instead. bulkhead reports
//! `info` with what to look at. It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check Dockerfiles and image history (`docker history --no-trunc`) for keys, passwords
//! and tokens; use build secrets instead. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: Dockerfiles and image history (`docker
//! history --no-trunc`) for keys, passwords and tokens; use build secrets instead`.

bulkhead_sdk::manual_control! {
    id: "dockerfile-no-secrets",
    cis: "4.10",
    title: "Secrets are not stored in Dockerfiles",
    description: "A person checks Dockerfiles and image history (`docker history --no-trunc`) for keys, passwords and tokens; use build secrets instead.",
    rationale: "Anything in a layer or in the history is readable by everyone who can pull the image.",
    remediation: "Check Dockerfiles and image history (`docker history --no-trunc`) for keys, passwords and tokens; use build secrets instead.",
    severity: Info,
    reads: [],
    look: "Dockerfiles and image history (`docker history --no-trunc`) for keys, passwords and tokens; use build secrets instead",
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
