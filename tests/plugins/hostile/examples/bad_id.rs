//! Hostile control: its metadata has an id that is not lowercase-with-dashes.
//!
//! Refused when: the host will not load it ("invalid id").

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct BadId;

impl Guest for BadId {
    fn metadata() -> ControlMetadata {
        metadata("Bad ID!", "Has a malformed id", &[])
    }

    fn audit() -> Vec<Finding> {
        vec![Finding::fail(Target::Host, "a control with a bad id ran")]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(BadId);
