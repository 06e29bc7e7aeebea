//! Hostile control: recurses without a reachable end until the stack overflows.
//!
//! Contained when: the overflow traps and the host reports it, with the reason (`error`,
//! "trapped: ... call stack exhausted").

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct DeepRecursion;

/// Recurses about 2^64 levels deep. The work after the call (a multiply, then an xor) keeps
/// the compiler from turning the recursion into a loop, and no local lives in linear memory,
/// so it is the WebAssembly call stack that overflows.
fn descend(depth: u64) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    descend(depth.wrapping_add(1)).wrapping_mul(3) ^ depth
}

impl Guest for DeepRecursion {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-deep-recursion",
            "Recurses until the stack overflows",
            &[],
        )
    }

    fn audit() -> Vec<Finding> {
        let depth = descend(0);
        vec![Finding::info(
            Target::Host,
            format!("came back from {depth}"),
        )]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(DeepRecursion);
