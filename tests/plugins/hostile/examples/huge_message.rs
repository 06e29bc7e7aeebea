//! Hostile control: returns one finding whose message is 10 MiB long.
//!
//! Contained when: the host refuses it (`error`, "bytes of text") and the report stays small.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct HugeMessage;

impl Guest for HugeMessage {
    fn metadata() -> ControlMetadata {
        metadata("hostile-huge-message", "Returns a 10 MiB message", &[])
    }

    fn audit() -> Vec<Finding> {
        vec![Finding::fail(Target::Host, "A".repeat(10 << 20))]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(HugeMessage);
