//! Hostile control: asks for the Docker containers once. The test points bulkhead at a
//! socket that accepts and never answers, so the call blocks inside the host, where epoch
//! interruption cannot reach it.
//!
//! Contained when: the host still ends the call at its deadline (`error`, "timed out").

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Facts, Finding, Guest, Host, Target, describe_error};

pub struct BlockedInHostCall;

impl Guest for BlockedInHostCall {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-blocked-in-host-call",
            "Waits on a daemon that never answers",
            &[],
        )
    }

    fn audit() -> Vec<Finding> {
        let answer = match Host.containers() {
            Ok(containers) => format!("{} containers", containers.len()),
            Err(err) => describe_error(&err),
        };
        vec![Finding::info(
            Target::Host,
            format!("docker.containers returned: {answer}"),
        )]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(BlockedInHostCall);
