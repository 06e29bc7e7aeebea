//! Benchmark items a person must judge ("manual" in CIS terms), written once.
//!
//! A manual control never passes or fails: it reports one `info` finding saying what to
//! look at and how, with whatever facts the host can show to help (the daemon's version,
//! how many containers exist, ...). The [`manual_control!`](crate::manual_control) macro
//! writes the whole control.

use crate::{Finding, Target};

/// The finding of a manual item: `look` says what a person should check; `facts` are
/// key/value evidence gathered to help them.
pub fn finding(look: &str, facts: Vec<(String, String)>) -> Finding {
    facts.into_iter().fold(
        Finding::info(Target::Host, format!("manual check: {look}")),
        |f, (k, v)| f.with_evidence(k, v),
    )
}

/// Write a whole manual control: metadata, an `audit` that reports one `info` finding
/// (`look`, plus the evidence `facts` returns), and a `remediate` that refuses.
///
/// ```text
/// bulkhead_sdk::manual_control! {
///     id: "host-hardened",
///     cis: "1.2.1",
///     title: "The container host has been hardened",
///     description: "...", rationale: "...", remediation: "...",
///     severity: Medium,
///     reads: [],
///     look: "whether the host runs only what it must, patched, per your hardening guide",
///     facts: |_facts| vec![],
/// }
/// ```
#[macro_export]
macro_rules! manual_control {
    (
        id: $id:literal,
        cis: $cis:literal,
        title: $title:literal,
        description: $description:literal,
        rationale: $rationale:literal,
        remediation: $remediation:literal,
        severity: $severity:ident,
        reads: [$($read:expr),* $(,)?],
        look: $look:literal,
        facts: $facts:expr $(,)?
    ) => {
        /// Report what a person should look at.
        pub fn audit(facts: &impl $crate::Facts) -> ::std::vec::Vec<$crate::Finding> {
            let gather: fn(&_) -> ::std::vec::Vec<(::std::string::String, ::std::string::String)> =
                $facts;
            ::std::vec![$crate::manual::finding($look, gather(facts))]
        }

        $crate::cis_control! {
            id: $id,
            title: $title,
            description: $description,
            rationale: $rationale,
            remediation: $remediation,
            severity: $severity,
            cis: $cis,
            manual: true,
            reads: [$($read),*],
            remediate: |target| ::std::result::Result::Err($crate::Error::Invalid(::std::format!(
                "{} is a manual check; nothing to fix automatically for {target}",
                $id
            ))),
        }
    };
}

/// Facts from `docker info` a manual item can show: the listed top-level keys that are
/// present, as text. An unreachable daemon yields one `docker_info` fact saying why.
pub fn info_facts(facts: &impl crate::Facts, keys: &[&str]) -> Vec<(String, String)> {
    let doc = match facts.info() {
        Ok(json) => serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default(),
        Err(err) => {
            return vec![(
                "docker_info".to_owned(),
                format!("unavailable: {}", crate::describe_error(&err)),
            )];
        }
    };
    keys.iter()
        .filter_map(|key| {
            let value = doc.get(*key)?;
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some(((*key).to_owned(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;
    use crate::testing::FakeHost;

    #[test]
    fn manual_findings_are_info_with_facts() {
        let f = finding("look at x", vec![("k".into(), "v".into())]);
        assert_eq!(f.status, Status::Info);
        assert!(f.message.contains("look at x"));
        assert_eq!(f.evidence("k"), Some("v"));
    }

    #[test]
    fn info_facts_pick_present_keys() {
        let host = FakeHost::new().info_json(r#"{"ServerVersion":"20.10.24","Containers":3}"#);
        assert_eq!(
            info_facts(&host, &["ServerVersion", "Containers", "Missing"]),
            [
                ("ServerVersion".to_owned(), "20.10.24".to_owned()),
                ("Containers".to_owned(), "3".to_owned())
            ]
        );
    }
}
