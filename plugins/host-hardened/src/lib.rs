//! # `host-hardened`: CIS Docker Benchmark v1.6.0 1.2.1 (manual)
//!
//! ### What it checks
//! A manual item: a person checks whether this host is hardened per your OS benchmark (CIS
//! Distribution Independent Linux, vendor guide): minimal packages, patched kernel, no
//! services beyond what the containers need. bulkhead reports `info` with what to look at.
//! It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check whether this host is hardened per your OS benchmark (CIS Distribution Independent
//! Linux, vendor guide): minimal packages, patched kernel, no services beyond what the
//! containers need. Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: whether this host is hardened per your
//! OS benchmark (CIS Distribution Independent Linux, vendor guide): minimal packages,
//! patched kernel, no services beyond what the containers need`.

bulkhead_sdk::manual_control! {
    id: "host-hardened",
    cis: "1.2.1",
    title: "The container host has been hardened",
    description: "A person checks whether this host is hardened per your OS benchmark (CIS Distribution Independent Linux, vendor guide): minimal packages, patched kernel, no services beyond what the containers need.",
    rationale: "A container escape lands on the host: everything the host runs and trusts is then exposed.",
    remediation: "Check whether this host is hardened per your OS benchmark (CIS Distribution Independent Linux, vendor guide): minimal packages, patched kernel, no services beyond what the containers need.",
    severity: Info,
    reads: [],
    look: "whether this host is hardened per your OS benchmark (CIS Distribution Independent Linux, vendor guide): minimal packages, patched kernel, no services beyond what the containers need",
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
