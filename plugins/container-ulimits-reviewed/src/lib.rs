//! # `container-ulimits-reviewed`: CIS Docker Benchmark v1.6.0 5.19
//!
//! ### What it checks
//! Shows, per container, the ulimits it sets at run time (`HostConfig.Ulimits`,
//! `--ulimit`), for a person to confirm each override of the daemon's defaults is needed.
//! Containers without overrides use the daemon's `default-ulimits`.
//!
//! This is a manual benchmark item: the control never passes or fails, it reports `info`
//! per container with the facts a person should look at.
//!
//! Every container is judged, running or not (like `docker ps --all`), from its full
//! inspect document; no containers gives one `skip`.
//!
//! ### Why it matters
//! See the `rationale` in the metadata below: it is written once, there, and reports carry it.
//!
//! ### Remediation
//! Set ulimits in the daemon (`--default-ulimit`) and override them per container
//! (`--ulimit`) only where needed. Nothing is changed automatically: this is a manual item.
//!
//! ### Example
//! A container created with `docker create --name db --ulimit nofile=1048576:1048576
//! postgres` yields
//!
//! ```text
//! info  container:db
//!       container db overrides the daemon's default ulimits: nofile=1048576:1048576; check each is needed
//!       ulimits=nofile=1048576:1048576 state=created
//! ```

use bulkhead_sdk::Finding;
use bulkhead_sdk::runtime::Inspected;

bulkhead_sdk::container_control! {
    id: "container-ulimits-reviewed",
    cis: "5.19 (manual)",
    title: "Default ulimits overridden only where needed (manual review)",
    description: "Shows, per container, the ulimits it sets at run time (`HostConfig.Ulimits`, `--ulimit`), for a person to confirm each override of the daemon's defaults is needed. Containers without overrides use the daemon's `default-ulimits`.",
    rationale: "Ulimits bound what one container can take (open files, processes, locked memory); an override raises or lowers that for one container, which should be a deliberate choice.",
    remediation: "Set ulimits in the daemon (`--default-ulimit`) and override them per container (`--ulimit`) only where needed.",
    severity: Info,
    fix: "overriding ulimits (--ulimit) only where needed",
    judge: judge,
}

/// Always `info`, with the ulimits.
pub fn judge(doc: &Inspected) -> Finding {
    let name = doc.name();
    let ulimits: Vec<String> = doc
        .items("/HostConfig/Ulimits")
        .iter()
        .map(|u| {
            let name = u.get("Name").and_then(|v| v.as_str()).unwrap_or_default();
            let soft = u.get("Soft").and_then(|v| v.as_i64()).unwrap_or_default();
            let hard = u.get("Hard").and_then(|v| v.as_i64()).unwrap_or_default();
            format!("{name}={soft}:{hard}")
        })
        .collect();
    let message = if ulimits.is_empty() {
        format!("container {name} uses the daemon's default ulimits")
    } else {
        format!(
            "container {name} overrides the daemon's default ulimits: {}; check each is needed",
            ulimits.join(", ")
        )
    };
    Finding::info(doc.target(), message).with_evidence("ulimits", ulimits.join(","))
}

#[cfg(test)]
mod tests {
    use bulkhead_sdk::runtime::inspected;

    bulkhead_sdk::container_control_tests! {
        fix: "overriding ulimits (--ulimit) only where needed",
        judges: {
            overridden: (r#"{"Name":"/w","HostConfig":{"Ulimits":[{"Name":"nofile","Soft":1024,"Hard":2048}]}}"#, "null") => Info,
            none: (r#"{"Name":"/w","HostConfig":{"Ulimits":[]}}"#, "null") => Info,
        },
    }

    #[test]
    fn shows_the_overrides() {
        let doc =
            r#"{"Name":"/w","HostConfig":{"Ulimits":[{"Name":"nofile","Soft":1024,"Hard":2048}]}}"#;
        let got = super::judge(&inspected(doc, "null"));
        assert_eq!(got.evidence("ulimits"), Some("nofile=1024:2048"));
        let got = super::judge(&inspected(r#"{"Name":"/w"}"#, "null"));
        assert!(
            got.message.contains("daemon's default ulimits"),
            "{}",
            got.message
        );
    }
}
