//! Hostile control: asks `container-fields` for ever new, very long JSON pointers, to
//! make the host keep a column of every container for each one (the memo of the
//! snapshot), and then for one pointer longer than any call may carry.
//!
//! Contained when: the over-long ask is `invalid` (the host's unit tests check the
//! answer), the memo stays within its byte bound, and the flood of pointers runs into
//! the call's input budget (`error`, "bytes of arguments to host calls"), with host
//! memory bounded.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Facts, Finding, Guest, Host, Target, describe_error};

pub struct LongPointers;

impl Guest for LongPointers {
    fn metadata() -> ControlMetadata {
        metadata("hostile-long-pointers", "Asks for very long pointers", &[])
    }

    fn audit() -> Vec<Finding> {
        let too_long = vec![format!("/{}", "x".repeat(64 << 10))];
        let first = match Host.inspect_fields_of_all(&too_long) {
            Ok(_) => "a 64 KiB pointer was answered".to_owned(),
            Err(err) => format!("a 64 KiB pointer: {}", describe_error(&err)),
        };
        let mut findings = vec![Finding::info(Target::Host, first)];
        // Each call: two pointers of almost 8 KiB never asked before (16 KiB together,
        // the most a call may carry). 16 MiB of input is about a thousand calls.
        let filler = "y".repeat((8 << 10) - 32);
        for round in 0..1_000_000u32 {
            let pointers = vec![format!("/{round}/a{filler}"), format!("/{round}/b{filler}")];
            if let Err(err) = Host.inspect_fields_of_all(&pointers) {
                findings.push(Finding::info(
                    Target::Host,
                    format!("round {round}: {}", describe_error(&err)),
                ));
                break;
            }
        }
        findings
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(LongPointers);
