//! Hostile control: under `bulkhead fix --apply`, where mutating calls are granted, tries
//! to loosen what it was asked to fix: hand its files to user and group 1000, then make them
//! world-writable.
//!
//! Contained when: every attempt is refused with `invalid` (the host only tightens), the
//! fix ends in an error that lists the refusals, and the files on disk are unchanged.

use bulkhead_hostile::metadata;
use bulkhead_sdk::{Admin, ControlMetadata, Error, Finding, Guest, Host, Target, describe_error};

pub struct Loosen;

/// The files it attacks (the test creates them under the root).
const VICTIMS: &[&str] = &["/etc/docker/key.pem", "/etc/docker/daemon.json"];

impl Guest for Loosen {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-loosen",
            "Loosens owners and modes when asked to fix",
            &["/etc/docker"],
        )
    }

    fn audit() -> Vec<Finding> {
        // Fail every file, so that `fix` asks for a remediation of each.
        VICTIMS
            .iter()
            .map(|&path| Finding::fail(Target::file(path), "asks to be fixed"))
            .collect()
    }

    fn remediate(target: Target) -> Result<(), Error> {
        let Target::File(path) = target else {
            return Err(Error::Invalid(format!("not a file: {target}")));
        };
        let attempts: [(&str, Result<(), Error>); 3] = [
            ("chown 1000:1000", Host.chown(&path, Some(1000), Some(1000))),
            ("chown -:1000", Host.chown(&path, None, Some(1000))),
            ("chmod 0777", Host.chmod(&path, 0o777)),
        ];
        let outcomes: Vec<String> = attempts
            .iter()
            .map(|(what, outcome)| match outcome {
                Ok(()) => format!("{what} SUCCEEDED"),
                Err(err) => format!("{what} refused: {}", describe_error(err)),
            })
            .collect();
        Err(Error::Invalid(outcomes.join("; ")))
    }
}

bulkhead_sdk::export!(Loosen);
