//! Not hostile: a drop-in that imports only `container-fields` (0.4.0), to show that
//! the host knows from the contract table that it reads the daemon. Run with several
//! `--docker-host`s, it must be judged against each daemon, its results tagged with it.
//!
//! Fails every container that runs privileged, passes the others.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Facts, Finding, Guest, Host, Target, describe_error};

pub struct FieldsOnly;

impl Guest for FieldsOnly {
    fn metadata() -> ControlMetadata {
        metadata(
            "hostile-fields-only",
            "Judges containers by container-fields alone",
            &[],
        )
    }

    fn audit() -> Vec<Finding> {
        let pointers = ["/Name".to_owned(), "/HostConfig/Privileged".to_owned()];
        match Host.inspect_fields_of_all(&pointers) {
            Ok(rows) => rows
                .into_iter()
                .filter_map(|row| {
                    let name = row.first()?.as_deref()?.trim_matches('"');
                    let target = Target::Container(name.trim_start_matches('/').to_owned());
                    Some(if row.get(1)?.as_deref() == Some("true") {
                        Finding::fail(target, "runs privileged")
                    } else {
                        Finding::pass(target, "not privileged")
                    })
                })
                .collect(),
            Err(err) => vec![Finding::error(Target::Host, describe_error(&err))],
        }
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(FieldsOnly);
