//! Hostile control: built against a future contract, `bulkhead:plugin@1.0.0`
//! (`wit-future/`), with its own bindings instead of the SDK's.
//!
//! Refused when: a host implementing 0.1.x and 0.2.x will not load it, and says to rebuild the
//! control against the contract it implements.

wit_bindgen::generate!({
    world: "plugin",
    path: "wit-future",
});

use bulkhead::plugin::docker;
use bulkhead::plugin::types::{ControlMetadata, Error, Finding, Severity, Status, Target};
use exports::bulkhead::plugin::control::Guest;

pub struct FutureWit;

impl Guest for FutureWit {
    fn metadata() -> ControlMetadata {
        ControlMetadata {
            id: "hostile-future-wit".to_owned(),
            title: "Built against bulkhead:plugin@1.0.0".to_owned(),
            version: "0.0.1".to_owned(),
            description: "A hostile control for bulkhead's sandbox tests.".to_owned(),
            rationale: "Proves that the host refuses a contract it does not implement.".to_owned(),
            remediation: "None.".to_owned(),
            severity: Severity::Info,
            references: Vec::new(),
            reads: Vec::new(),
        }
    }

    fn audit() -> Vec<Finding> {
        let seen = docker::containers().map(|c| c.len()).unwrap_or(0);
        vec![Finding {
            target: Target::Host,
            status: Status::Info,
            message: format!("a 1.0.0 control ran and saw {seen} containers"),
            evidence: Vec::new(),
        }]
    }

    fn remediate(_target: Target) -> Result<(), Error> {
        Err(Error::Other("nothing to fix".to_owned()))
    }
}

// Off wasm32 the exported symbol names cannot be linked; natively this crate only builds
// for clippy.
#[cfg(target_arch = "wasm32")]
export!(FutureWit);
