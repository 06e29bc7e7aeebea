//! Hostile control: calls `stat` outside its declared reads with 1 MiB paths, over and
//! over, so that every denial the host records would keep 1 MiB of argument.
//!
//! Contained when: the first such denial already goes over the call's output budget
//! (`error`, "bytes of output"), the report keeps none of the paths, and host memory
//! stays bounded.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Facts, Finding, Guest, Host, Target};

pub struct DenialBomb;

impl Guest for DenialBomb {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-denial-bomb",
            "Piles up denials with huge arguments",
            &["/etc/docker"],
        )
    }

    fn audit() -> Vec<Finding> {
        let path = format!("/srv/{}", "D".repeat(1 << 20));
        for _ in 0..10_000 {
            let _ = std::hint::black_box(Host.stat(&path));
        }
        vec![Finding::info(Target::Host, "every stat was answered")]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(DenialBomb);
