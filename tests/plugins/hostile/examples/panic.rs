//! Hostile control: panics in `audit` (a trap in the component).
//!
//! Contained when: the host reports the trap (`error`, "trapped") and keeps what the control
//! printed to stderr in its log.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct Panic;

impl Guest for Panic {
    fn metadata() -> ControlMetadata {
        metadata("hostile-panic", "Panics in audit", &[])
    }

    fn audit() -> Vec<Finding> {
        panic!("hostile control panics on purpose")
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(Panic);
