//! Hostile control: fails one file, and answers `remediate` with a 4 MiB error text.
//!
//! Contained when: `fix` charges the error like a finding (`error`, "bytes of text"),
//! prints none of it, and its report stays small.

use bulkhead_hostile::metadata;
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct RemediateErrorBomb;

impl Guest for RemediateErrorBomb {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-remediate-error-bomb",
            "Answers remediate with a huge error",
            &[],
        )
    }

    fn audit() -> Vec<Finding> {
        vec![Finding::fail(
            Target::file("/etc/docker/key.pem"),
            "failed on purpose",
        )]
    }

    fn remediate(_target: Target) -> Result<(), Error> {
        Err(Error::Invalid("E".repeat(4 << 20)))
    }
}

bulkhead_sdk::export!(RemediateErrorBomb);
