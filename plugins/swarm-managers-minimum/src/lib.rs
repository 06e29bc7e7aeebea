//! # `swarm-managers-minimum`: CIS Docker Benchmark v1.6.0 7.1
//!
//! ### What it checks
//! On a swarm manager, the swarm has an odd number of managers, at most 7 (`Swarm.Managers`
//! from `docker info`). An even count adds no fault tolerance over one fewer and raises
//! the quorum; more than 7 slows every write. Skips when swarm mode is off or this node is
//! a worker.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Demote the extra managers: `docker node demote NODE`. Not changed automatically.
//!
//! ### Example
//! A swarm with 4 managers gives `fail`: `the swarm has 4 managers: use an odd number, at
//! most 7 (4 tolerate no more failures than 3)`.

use bulkhead_sdk::swarm::Swarm;
use bulkhead_sdk::{Error, Facts, Finding, Target};

/// Judge the host.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let swarm = match Swarm::not_applicable(facts) {
        Ok(swarm) => swarm,
        Err(finding) => return vec![finding],
    };
    let n = swarm.managers;
    let finding = if n % 2 == 1 && n <= 7 {
        Finding::pass(Target::Host, format!("the swarm has {n} managers"))
    } else if n % 2 == 0 {
        Finding::fail(
            Target::Host,
            format!(
                "the swarm has {n} managers: use an odd number, at most 7 ({n} tolerate no more \
                 failures than {})",
                n.saturating_sub(1)
            ),
        )
    } else {
        Finding::fail(
            Target::Host,
            format!("the swarm has {n} managers: at most 7 are useful"),
        )
    };
    vec![finding.with_evidence("managers", n.to_string())]
}

bulkhead_sdk::cis_control! {
    id: "swarm-managers-minimum",
    title: "A swarm has the minimum number of manager nodes",
    description: "On a manager: the swarm's manager count is odd and at most 7.",
    rationale: "Every manager holds the cluster's state and secrets.",
    remediation: "Demote extra managers with docker node demote.",
    severity: Medium,
    cis: "7.1",
    reads: [],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "managers are demoted by hand (docker node demote); not for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::FakeHost;

    #[rstest::rstest]
    #[case(1, Status::Pass)]
    #[case(3, Status::Pass)]
    #[case(4, Status::Fail)]
    #[case(9, Status::Fail)]
    fn manager_counts(#[case] n: u32, #[case] want: Status) {
        let json = format!(
            r#"{{"Swarm":{{"LocalNodeState":"active","ControlAvailable":true,"Managers":{n}}}}}"#
        );
        assert_eq!(audit(&FakeHost::new().info_json(&json))[0].status, want);
    }

    #[test]
    fn no_swarm_skips() {
        let host = FakeHost::new().info_json(r#"{"Swarm":{"LocalNodeState":"inactive"}}"#);
        assert_eq!(audit(&host)[0].status, Status::Skip);
    }
}
