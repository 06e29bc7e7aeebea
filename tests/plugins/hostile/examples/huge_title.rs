//! Hostile control: its metadata has a 1 MiB title.
//!
//! Refused when: the host will not load it (a metadata field over the size limit).

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct HugeTitle;

impl Guest for HugeTitle {
    fn metadata() -> ControlMetadata {
        metadata("hostile-huge-title", &"T".repeat(1 << 20), &[])
    }

    fn audit() -> Vec<Finding> {
        vec![Finding::fail(
            Target::Host,
            "a control with a huge title ran",
        )]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(HugeTitle);
