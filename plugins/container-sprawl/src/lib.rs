//! # `container-sprawl`: CIS Docker Benchmark v1.6.0 6.2 (manual)
//!
//! ### What it checks
//! A manual item: a person checks the container counts below: remove stopped containers you
//! no longer need (`docker container prune`). bulkhead reports `info` with what to look at
//! and the daemon's facts that help (`Containers`, `ContainersRunning`,
//! `ContainersStopped`, `ContainersPaused`). It never passes or fails on its own.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Check the container counts below: remove stopped containers you no longer need (`docker
//! container prune`). Nothing is changed automatically.
//!
//! ### Example
//! Any host gives one `info` finding: `manual check: the container counts below: remove
//! stopped containers you no longer need (`docker container prune`)`.

bulkhead_sdk::manual_control! {
    id: "container-sprawl",
    cis: "6.2",
    title: "Container sprawl is avoided",
    description: "A person checks the container counts below: remove stopped containers you no longer need (`docker container prune`).",
    rationale: "Stopped containers keep their configuration, data and often credentials on the host.",
    remediation: "Check the container counts below: remove stopped containers you no longer need (`docker container prune`).",
    severity: Info,
    reads: [],
    look: "the container counts below: remove stopped containers you no longer need (`docker container prune`)",
    facts: |facts| bulkhead_sdk::manual::info_facts(facts, &["Containers", "ContainersRunning", "ContainersStopped", "ContainersPaused"]),
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
