//! Hostile control: calls host functions forever, so it spends its time inside the host
//! (file facts, the Docker snapshot, the log) and piles up denials (`chmod` in an audit).
//!
//! Contained when: the host ends the call as soon as it goes over its budget (1000 log
//! lines, 1000 refused calls) rather than at its deadline, and the log and the denials
//! it recorded stay bounded in the report.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{Admin, ControlMetadata, Error, Facts, Finding, Guest, Host, Level, Target};

pub struct HostCallLoop;

impl Guest for HostCallLoop {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-host-call-loop",
            "Calls the host forever",
            &["/etc/docker"],
        )
    }

    fn audit() -> Vec<Finding> {
        let mut round: u64 = 0;
        loop {
            round = round.wrapping_add(1);
            let _ = std::hint::black_box(Host.stat("/etc/docker/key.pem"));
            let _ = std::hint::black_box(Host.containers());
            Host.log(
                Level::Info,
                &format!("round {round}: still calling the host"),
            );
            // Denied in an audit: one more denial every round.
            let _ = std::hint::black_box(Host.chmod("/etc/docker/key.pem", 0o777));
        }
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(HostCallLoop);
