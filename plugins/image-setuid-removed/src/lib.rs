//! # `image-setuid-removed`: CIS Docker Benchmark v1.6.0 4.8 (manual)
//!
//! ### What it checks
//! A manual item: a person checks each image for setuid/setgid binaries the workload does
//! not need (`find / -perm /6000 -type f` inside it) and strip them in the Dockerfile.
//! bulkhead reports `info` with what to look at. It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check each image for setuid/setgid binaries the workload does not need (`find / -perm
//! /6000 -type f` inside it) and strip them in the Dockerfile. Nothing is changed
//! automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: each image for setuid/setgid binaries
//! the workload does not need (`find / -perm /6000 -type f` inside it) and strip them in
//! the Dockerfile`.

bulkhead_sdk::manual_control! {
    id: "image-setuid-removed",
    cis: "4.8",
    title: "setuid and setgid permissions are removed in images",
    description: "A person checks each image for setuid/setgid binaries the workload does not need (`find / -perm /6000 -type f` inside it) and strip them in the Dockerfile.",
    rationale: "setuid binaries are how a compromised process in a container gains root inside it.",
    remediation: "Check each image for setuid/setgid binaries the workload does not need (`find / -perm /6000 -type f` inside it) and strip them in the Dockerfile.",
    severity: Info,
    reads: [],
    look: "each image for setuid/setgid binaries the workload does not need (`find / -perm /6000 -type f` inside it) and strip them in the Dockerfile",
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
