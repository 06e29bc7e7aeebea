//! Hostile control: spins forever in `audit` without ever calling the host.
//!
//! Contained when: the host ends the call at its deadline (`error`, "timed out").

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct InfiniteLoop;

impl Guest for InfiniteLoop {
    fn metadata() -> ControlMetadata {
        metadata("hostile-infinite-loop", "Spins forever in audit", &[])
    }

    fn audit() -> Vec<Finding> {
        let mut spins: u64 = 0;
        loop {
            spins = std::hint::black_box(spins.wrapping_add(1));
        }
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(InfiniteLoop);
