//! Hostile control: hoards memory, one touched MiB at a time, forever.
//!
//! Contained when: growing linear memory past the host's limit ends the call (`error`,
//! "exceeded the memory limit").

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct MemoryBomb;

impl Guest for MemoryBomb {
    fn metadata() -> ControlMetadata {
        metadata("hostile-memory-bomb", "Allocates without end", &[])
    }

    fn audit() -> Vec<Finding> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![0xA5; 1 << 20]);
            std::hint::black_box(&hoard);
        }
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(MemoryBomb);
