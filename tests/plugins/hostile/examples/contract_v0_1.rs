//! Not hostile: a well-behaved control built against the first contract,
//! `bulkhead:plugin@0.1.0` (`wit/v0.1/plugin.wit`), with its own bindings instead of the SDK's
//! (which targets 0.2.0).
//!
//! Proves: a host implementing 0.2.0 still loads and runs a 0.1.0 control, serving its
//! file and Docker imports and keeping its grants (it reads only what it declared).

wit_bindgen::generate!({
    world: "plugin",
    path: "../../../wit/v0.1",
});

use bulkhead::plugin::types::{ControlMetadata, Error, Finding, Severity, Status, Target};
use bulkhead::plugin::{docker, filesystem};
use exports::bulkhead::plugin::control::Guest;

pub struct ContractV01;

const KEY: &str = "/etc/docker/key.pem";

impl Guest for ContractV01 {
    fn metadata() -> ControlMetadata {
        ControlMetadata {
            id: "hostile-contract-v0-1".to_owned(),
            title: "Built against bulkhead:plugin@0.1.0".to_owned(),
            version: "0.0.1".to_owned(),
            description: "A control of the first contract, for bulkhead's compatibility tests."
                .to_owned(),
            rationale: "Controls built against 0.1.0 must keep working.".to_owned(),
            remediation: "None.".to_owned(),
            severity: Severity::Info,
            references: vec!["CIS Docker Benchmark v1.6.0 3.14".to_owned()],
            reads: vec!["/etc/docker".to_owned()],
        }
    }

    fn audit() -> Vec<Finding> {
        let containers = match docker::containers() {
            Ok(list) => list.len().to_string(),
            Err(e) => format!("{e:?}"),
        };
        let outside = match filesystem::stat("/etc/shadow") {
            Ok(_) => "read".to_owned(),
            Err(e) => format!("{e:?}"),
        };
        let (status, mode) = match filesystem::stat(KEY) {
            Ok(info) => (Status::Pass, format!("{:04o}", info.mode)),
            Err(e) => (Status::Error, format!("{e:?}")),
        };
        vec![Finding {
            target: Target::File(KEY.to_owned()),
            status,
            message: "a 0.1.0 control ran".to_owned(),
            evidence: vec![
                ("mode".to_owned(), mode),
                ("containers".to_owned(), containers),
                ("outside".to_owned(), outside),
            ],
        }]
    }

    fn remediate(_target: Target) -> Result<(), Error> {
        Err(Error::Other("nothing to fix".to_owned()))
    }
}

// Off wasm32 the exported symbol names cannot be linked; natively this crate only builds
// for clippy.
#[cfg(target_arch = "wasm32")]
export!(ContractV01);
