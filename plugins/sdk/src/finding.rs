//! Building findings: one constructor per status, evidence added builder-style.
//!
//! ```
//! use bulkhead_sdk::{Finding, Status, Target};
//!
//! let finding = Finding::fail(Target::file("/etc/docker/key.pem"), "mode 0644; run chmod 400")
//!     .with_evidence("mode", "0644")
//!     .with_evidence("uid", "0");
//! assert_eq!(finding.status, Status::Fail);
//! assert_eq!(finding.evidence("mode"), Some("0644"));
//! assert_eq!(finding.target.to_string(), "file:/etc/docker/key.pem");
//! ```

use crate::{Error, Finding, Status, Target};
use std::fmt;

impl Finding {
    /// A finding with no evidence yet.
    pub fn new(target: Target, status: Status, message: impl Into<String>) -> Self {
        Finding {
            target,
            status,
            message: message.into(),
            evidence: Vec::new(),
        }
    }

    /// The target meets the control.
    pub fn pass(target: Target, message: impl Into<String>) -> Self {
        Finding::new(target, Status::Pass, message)
    }

    /// The target violates the control.
    pub fn fail(target: Target, message: impl Into<String>) -> Self {
        Finding::new(target, Status::Fail, message)
    }

    /// Suspicious, but not a clear violation.
    pub fn warn(target: Target, message: impl Into<String>) -> Self {
        Finding::new(target, Status::Warn, message)
    }

    /// Informational: a person should look.
    pub fn info(target: Target, message: impl Into<String>) -> Self {
        Finding::new(target, Status::Info, message)
    }

    /// The control does not apply; the message says why.
    pub fn skip(target: Target, message: impl Into<String>) -> Self {
        Finding::new(target, Status::Skip, message)
    }

    /// The control could not judge the target; the message says why.
    pub fn error(target: Target, message: impl Into<String>) -> Self {
        Finding::new(target, Status::Error, message)
    }

    /// Add one key/value fact behind the verdict.
    pub fn with_evidence(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.evidence.push((key.into(), value.into()));
        self
    }

    /// The first evidence value recorded under `key`.
    pub fn evidence(&self, key: &str) -> Option<&str> {
        self.evidence
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl Target {
    /// A file, by its absolute path under the audited root.
    pub fn file(path: impl Into<String>) -> Self {
        Target::File(path.into())
    }

    /// A container, by name (without Docker's leading `/`).
    pub fn container(name: impl Into<String>) -> Self {
        Target::Container(name.into())
    }
}

/// `host`, `file:<path>` or `container:<name>`, as reports show targets.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Host => f.write_str("host"),
            Target::File(path) => write!(f, "file:{path}"),
            Target::Container(name) => write!(f, "container:{name}"),
        }
    }
}

/// `pass`, `fail`, `warn`, `info`, `skip` or `error`, as reports show statuses.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Info => "info",
            Status::Skip => "skip",
            Status::Error => "error",
        })
    }
}

/// A host error as a phrase for a finding's message ("permission denied by bulkhead ...").
///
/// Match on the [`Error`] case to decide; use this only to tell a person.
pub fn describe_error(error: &Error) -> String {
    match error {
        Error::Denied => "denied: bulkhead granted this control no such access".to_owned(),
        Error::NotFound => "not found".to_owned(),
        Error::Invalid(why) => format!("invalid request: {why}"),
        Error::Unavailable(why) => format!("unavailable: {why}"),
        Error::Other(why) => why.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::pass(Finding::pass(Target::Host, "m"), Status::Pass)]
    #[case::fail(Finding::fail(Target::Host, "m"), Status::Fail)]
    #[case::warn(Finding::warn(Target::Host, "m"), Status::Warn)]
    #[case::info(Finding::info(Target::Host, "m"), Status::Info)]
    #[case::skip(Finding::skip(Target::Host, "m"), Status::Skip)]
    #[case::error(Finding::error(Target::Host, "m"), Status::Error)]
    fn constructors(#[case] finding: Finding, #[case] status: Status) {
        assert_eq!(finding.status, status);
        assert_eq!(finding.message, "m");
        assert!(finding.evidence.is_empty());
    }

    #[test]
    fn evidence_keeps_order_and_first_wins_on_lookup() {
        let f = Finding::pass(Target::Host, "m")
            .with_evidence("a", "1")
            .with_evidence("a", "2");
        assert_eq!(
            f.evidence,
            [("a".into(), "1".into()), ("a".into(), "2".into())]
        );
        assert_eq!(f.evidence("a"), Some("1"));
        assert_eq!(f.evidence("b"), None);
    }

    #[rstest]
    #[case::host(Target::Host, "host")]
    #[case::file(
        Target::file("/etc/docker/daemon.json"),
        "file:/etc/docker/daemon.json"
    )]
    #[case::container(Target::container("web"), "container:web")]
    fn target_display(#[case] target: Target, #[case] expected: &str) {
        assert_eq!(target.to_string(), expected);
    }

    #[rstest]
    #[case::denied(Error::Denied, "denied: bulkhead granted this control no such access")]
    #[case::not_found(Error::NotFound, "not found")]
    #[case::unavailable(Error::Unavailable("socket /run/docker.sock".into()), "unavailable: socket /run/docker.sock")]
    #[case::other(Error::Other("boom".into()), "boom")]
    fn describes_errors(#[case] error: Error, #[case] expected: &str) {
        assert_eq!(describe_error(&error), expected);
    }
}
