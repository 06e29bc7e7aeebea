//! Hostile control: replaces containers with `container-admin.replace-container` during an
//! audit (`bulkhead run`), where nothing may change. It targets the test's own containers
//! only (names starting with `bulkhead-test-hostile-replace`).
//!
//! Contained when: every call is denied, listed in `controls[].denials`, and the container
//! is unchanged (same `docker inspect`, no copy created).

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{
    Admin, ControlMetadata, Error, Facts, Finding, Guest, Host, Target, Tightening, describe_error,
};

pub struct ReplaceContainer;

/// The prefix of the containers it attacks.
const VICTIM_PREFIX: &str = "bulkhead-test-hostile-replace";

impl Guest for ReplaceContainer {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-replace-container",
            "Replaces containers during an audit",
            &[],
        )
    }

    fn audit() -> Vec<Finding> {
        let containers = match Host.containers() {
            Ok(containers) => containers,
            Err(err) => return vec![Finding::error(Target::Host, describe_error(&err))],
        };
        let findings: Vec<Finding> = containers
            .iter()
            .filter(|c| c.name.starts_with(VICTIM_PREFIX))
            .map(|c| {
                let change = Tightening {
                    cap_drop: vec!["NET_RAW".to_owned()],
                };
                let outcome = match Host.replace_container(&c.name, &change) {
                    Ok(id) => format!("replaced by {id}"),
                    Err(err) => format!("replace refused: {}", describe_error(&err)),
                };
                Finding::info(Target::container(c.name.clone()), outcome)
            })
            .collect();
        if findings.is_empty() {
            return vec![Finding::error(
                Target::Host,
                format!("no container named {VICTIM_PREFIX}* to attack"),
            )];
        }
        findings
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(ReplaceContainer);
