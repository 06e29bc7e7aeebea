//! # `swarm-autolock`: CIS Docker Benchmark v1.6.0 7.5
//!
//! ### What it checks
//! On a swarm manager, auto-lock is on
//! (`Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers` from `docker info`): a
//! restarted manager needs the unlock key before it decrypts the raft log. Skips when swarm
//! mode is off or this node is a worker.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! `docker swarm update --autolock=true`, and keep the unlock key in a password manager.
//! Not changed automatically.
//!
//! ### Example
//! An active manager without auto-lock gives `fail`: `swarm auto-lock is off`.

use bulkhead_sdk::swarm::Swarm;
use bulkhead_sdk::{Error, Facts, Finding, Target};

/// Judge the host.
pub fn audit(facts: &impl Facts) -> Vec<Finding> {
    let swarm = match Swarm::not_applicable(facts) {
        Ok(swarm) => swarm,
        Err(finding) => return vec![finding],
    };
    let finding = if swarm.autolock {
        Finding::pass(Target::Host, "swarm auto-lock is on")
    } else {
        Finding::fail(Target::Host, "swarm auto-lock is off")
    };
    vec![finding.with_evidence("AutoLockManagers", swarm.autolock.to_string())]
}

bulkhead_sdk::cis_control! {
    id: "swarm-autolock",
    title: "The swarm manager runs in auto-lock mode",
    description: "On a manager: swarm auto-lock is on.",
    rationale: "Without auto-lock the raft encryption key sits on disk beside the log.",
    remediation: "docker swarm update --autolock=true",
    severity: Medium,
    cis: "7.5",
    reads: [],
    remediate: |target| {
        Err(Error::Invalid(format!(
            "run docker swarm update --autolock=true by hand; not for {target}"
        )))
        },
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_sdk::Status;
    use bulkhead_sdk::testing::FakeHost;

    #[rstest::rstest]
    #[case(true, Status::Pass)]
    #[case(false, Status::Fail)]
    fn autolock(#[case] on: bool, #[case] want: Status) {
        let json = format!(
            r#"{{"Swarm":{{"LocalNodeState":"active","ControlAvailable":true,"Managers":1,"Cluster":{{"Spec":{{"EncryptionConfig":{{"AutoLockManagers":{on}}}}}}}}}}}"#
        );
        assert_eq!(audit(&FakeHost::new().info_json(&json))[0].status, want);
    }

    #[test]
    fn no_swarm_skips() {
        let host = FakeHost::new().info_json(r#"{"Swarm":{"LocalNodeState":"inactive"}}"#);
        assert_eq!(audit(&host)[0].status, Status::Skip);
    }
}
