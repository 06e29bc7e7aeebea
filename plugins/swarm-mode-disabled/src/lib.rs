//! # `swarm-mode-disabled`: CIS Docker Benchmark v1.6.0 5.1
//!
//! ### What it checks
//! Swarm mode is off (`Swarm.LocalNodeState` from `docker info` is `inactive`). A node in
//! a swarm, or joining or locked, fails: the benchmark asks for swarm mode only where it is
//! needed, and bulkhead cannot know that, so a swarm node that needs it waives this
//! control with its justification.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! `docker swarm leave` (add `--force` on a manager) where swarm mode is not needed. Not
//! changed automatically.
//!
//! ### Example
//! A host that ran `docker swarm init` gives `fail`: `swarm mode is active (this node is a
//! manager): leave the swarm unless this host needs it`.

use bulkhead_sdk::swarm::Swarm;
use bulkhead_sdk::{Error, Facts, Finding, Target};

/// Judge the host.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let swarm = match Swarm::load(facts) {
        Ok(swarm) => swarm,
        Err(why) => return vec![Finding::error(Target::Host, why)],
    };
    let finding = if swarm.state == "inactive" {
        Finding::pass(Target::Host, "swarm mode is not enabled")
    } else {
        let role = if swarm.manager {
            "a manager"
        } else {
            "a worker"
        };
        Finding::fail(
            Target::Host,
            format!(
                "swarm mode is {} (this node is {role}): leave the swarm unless this host needs it",
                swarm.state
            ),
        )
    };
    vec![finding.with_evidence("LocalNodeState", swarm.state)]
}

bulkhead_sdk::cis_control! {
    id: "swarm-mode-disabled",
    title: "Swarm mode is not enabled, if not needed",
    description: "docker info reports swarm mode inactive.",
    rationale: "Swarm mode opens management ports and lets managers schedule work here.",
    remediation: "docker swarm leave where swarm mode is not needed.",
    severity: Medium,
    cis: "5.1",
    reads: [],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "leaving a swarm is done by hand (docker swarm leave); not for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::FakeHost;

    #[rstest::rstest]
    #[case("inactive", Status::Pass)]
    #[case("active", Status::Fail)]
    #[case("locked", Status::Fail)]
    #[case("pending", Status::Fail)]
    fn states(#[case] state: &str, #[case] want: Status) {
        let json = format!(r#"{{"Swarm":{{"LocalNodeState":"{state}"}}}}"#);
        assert_eq!(audit(&FakeHost::new().info_json(&json))[0].status, want);
    }
}
