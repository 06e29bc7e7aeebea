//! Hostile control: returns 500 findings whose file targets are 8000 bytes each (each
//! within the text limit, 4 MB together), to grow the report through a part of a
//! finding that used to be uncounted.
//!
//! Contained when: targets count against the output budget (`error`, "bytes of
//! output"), and the report stays small.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct HugeTargets;

impl Guest for HugeTargets {
    fn metadata() -> ControlMetadata {
        metadata("hostile-huge-targets", "Returns huge targets", &[])
    }

    fn audit() -> Vec<Finding> {
        (0..500)
            .map(|n| {
                let path = format!("/{n:03}/{}", "T".repeat(7990));
                Finding::fail(Target::file(path), "a target of 8000 bytes")
            })
            .collect()
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(HugeTargets);
