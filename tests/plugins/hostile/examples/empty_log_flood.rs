//! Hostile control: floods its log with empty lines, on stdout (60 000 of them, within
//! the byte limit of captured output) and through `log` (a million).
//!
//! Contained when: lines are counted, not only bytes: the call ends in `error` ("log
//! lines"), the report keeps at most the line limit, and host memory stays bounded.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Facts, Finding, Guest, Host, Level, Target};

pub struct EmptyLogFlood;

impl Guest for EmptyLogFlood {
    fn metadata() -> ControlMetadata {
        metadata("hostile-empty-log-flood", "Logs empty lines", &[])
    }

    fn audit() -> Vec<Finding> {
        use std::io::Write;
        let _ = std::io::stdout().write_all(&[b'\n'; 60_000]);
        for _ in 0..1_000_000 {
            Host.log(Level::Info, "");
        }
        vec![Finding::info(Target::Host, "logged a million empty lines")]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(EmptyLogFlood);
