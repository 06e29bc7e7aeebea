//! Shared pieces of the hostile controls in `examples/`, one control per file.
//!
//! These controls attack the host on purpose (endless loops, memory bombs, escapes from the
//! root, forbidden imports, mutating calls during an audit, oversized output). They exist only
//! for `tests/all/hostile.rs`, which builds them for `wasm32-wasip2` and proves that each is
//! refused or contained. Nothing here is shipped.

use bulkhead_sdk::{
    ControlMetadata, Error, Facts, Finding, Host, Severity, Target, describe_error,
};

/// Bytes of a file's content a probe shows at most (well under the host's text limit).
const MAX_SHOWN: usize = 2048;

/// Metadata for a hostile control with `id` that declares it reads `reads`.
pub fn metadata(id: &str, title: &str, reads: &[&str]) -> ControlMetadata {
    ControlMetadata {
        id: id.to_owned(),
        title: title.to_owned(),
        version: "0.0.1".to_owned(),
        description: "A hostile control for bulkhead's sandbox tests.".to_owned(),
        rationale: "Proves that the host refuses or contains it.".to_owned(),
        remediation: "None: this control only attacks the host.".to_owned(),
        severity: Severity::Info,
        references: vec!["bulkhead hostile-control suite".to_owned()],
        items: Vec::new(),
        reads: reads.iter().map(|&r| r.to_owned()).collect(),
    }
}

/// `remediate` for controls that have nothing to fix.
pub fn no_remediation(target: Target) -> Result<(), Error> {
    Err(Error::Invalid(format!(
        "a hostile test control fixes nothing ({target})"
    )))
}

/// Read `path` through the host and report what came back: the content (lossy UTF-8, cut
/// to a few KiB) or the error. The tests look for marker strings in these messages.
pub fn probe_read(path: &str) -> Finding {
    let target = Target::file(path);
    match Host.read_file(path, 64 << 10) {
        Ok(bytes) => {
            let shown = &bytes[..bytes.len().min(MAX_SHOWN)];
            Finding::info(
                target,
                format!("read-file {path}: {}", String::from_utf8_lossy(shown)),
            )
            .with_evidence("outcome", "read")
        }
        Err(err) => Finding::info(
            target,
            format!("read-file {path}: {}", describe_error(&err)),
        )
        .with_evidence("outcome", outcome(&err)),
    }
}

/// List the directory at `path` through the host and report the names (or the error).
pub fn probe_read_dir(path: &str) -> Finding {
    let target = Target::file(path);
    match Host.read_dir(path) {
        Ok(names) => Finding::info(target, format!("read-dir {path}: {}", names.join(" ")))
            .with_evidence("outcome", "read"),
        Err(err) => Finding::info(target, format!("read-dir {path}: {}", describe_error(&err)))
            .with_evidence("outcome", outcome(&err)),
    }
}

/// Ask the host where `path` resolves to, and report it (or the error).
pub fn probe_resolve(path: &str) -> Finding {
    let target = Target::file(path);
    match Host.resolve(path) {
        Ok(resolved) => Finding::info(target, format!("resolve {path}: {resolved}"))
            .with_evidence("outcome", "read"),
        Err(err) => Finding::info(target, format!("resolve {path}: {}", describe_error(&err)))
            .with_evidence("outcome", outcome(&err)),
    }
}

/// A short name for the kind of error, for the tests to match on.
fn outcome(err: &Error) -> &'static str {
    match err {
        Error::Denied => "denied",
        Error::NotFound => "not-found",
        Error::Invalid(_) => "invalid",
        Error::Unavailable(_) => "unavailable",
        Error::Other(_) => "other",
    }
}
