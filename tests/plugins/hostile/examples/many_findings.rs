//! Hostile control: returns two million tiny findings.
//!
//! Contained when: whichever limit hits first ends the call with `error`: the memory limit
//! (the list does not fit) or the limit on the number of findings.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct ManyFindings;

impl Guest for ManyFindings {
    fn metadata() -> ControlMetadata {
        metadata("hostile-many-findings", "Returns millions of findings", &[])
    }

    fn audit() -> Vec<Finding> {
        let mut findings = Vec::new();
        for _ in 0..2_000_000 {
            findings.push(Finding::info(Target::Host, "x"));
        }
        findings
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(ManyFindings);
