//! Hostile control: reads a file with `std::fs`, which makes the component import
//! `wasi:filesystem`, bypassing bulkhead's own confined filesystem interface.
//!
//! Refused when: the host will not load it, naming the `wasi:filesystem/...` import.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct WasiFilesystem;

impl Guest for WasiFilesystem {
    fn metadata() -> ControlMetadata {
        metadata("hostile-wasi-filesystem", "Reads files through WASI", &[])
    }

    fn audit() -> Vec<Finding> {
        let got = match std::fs::read("/etc/shadow") {
            Ok(bytes) => format!("read {} bytes of /etc/shadow", bytes.len()),
            Err(err) => format!("std::fs::read failed: {err}"),
        };
        vec![Finding::info(Target::Host, got)]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(WasiFilesystem);
