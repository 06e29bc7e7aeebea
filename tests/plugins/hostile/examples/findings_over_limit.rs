//! Hostile control: returns 50,000 tiny findings, few enough bytes to fit in memory easily
//! but more than the host accepts from one audit.
//!
//! Contained when: the host refuses the list (`error`, "more than the limit of").

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct FindingsOverLimit;

impl Guest for FindingsOverLimit {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-findings-over-limit",
            "Returns more findings than allowed",
            &[],
        )
    }

    fn audit() -> Vec<Finding> {
        (0..50_000)
            .map(|_| Finding::info(Target::Host, "x"))
            .collect()
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(FindingsOverLimit);
