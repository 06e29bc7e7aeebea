//! Hostile control: fails 400 files, and spins forever in every `remediate`.
//!
//! Contained when: `fix` runs the remediate calls concurrently, each ended by its
//! deadline (`--timeout`), starts none after `--fix-timeout`, reports the rest as not
//! fixed, and ends in bounded time with nothing changed.

use bulkhead_hostile::metadata;
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct SlowRemediation;

impl Guest for SlowRemediation {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-slow-remediation",
            "Remediates slowly",
            &["/etc/docker"],
        )
    }

    fn audit() -> Vec<Finding> {
        (0..400)
            .map(|n| Finding::fail(Target::file(format!("/etc/docker/slow/{n}.pem")), "slow"))
            .collect()
    }

    fn remediate(_target: Target) -> Result<(), Error> {
        let mut n: u64 = 0;
        loop {
            n = std::hint::black_box(n.wrapping_add(1));
        }
    }
}

bulkhead_sdk::export!(SlowRemediation);
