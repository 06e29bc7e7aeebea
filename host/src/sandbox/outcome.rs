//! How a call into a control can fail, typed: the sandbox says which bound ended it,
//! and nothing downstream reads an error's text to find out.
//!
//! The bounds the host owns (the memory limiter, the log pipes, the budget, the
//! deadline) raise a [`Failure`] themselves, so a trap is classified by downcasting,
//! never by matching wasmtime's message. The one exception is wasmtime's own hostcall
//! copy limit, whose error type is private: [`classify`] names it by wasmtime's
//! message, and the hostile test `a_huge_message_is_refused_before_it_is_copied_whole`
//! fails if a wasmtime upgrade rewords it.

use std::time::Duration;

use thiserror::Error;

use crate::sandbox::bindings::types::Target;
use crate::sandbox::budget::Exceeded;

/// Why a call into a control produced no value. Its text is what the report's `error`
/// field has always said.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Failure {
    /// The call ran past its deadline.
    #[error("timed out after {0:?} (limit per call)")]
    Timeout(Duration),
    /// It asked for more linear memory than the limit (MiB).
    #[error("exceeded the memory limit of {0} MiB")]
    Memory(usize),
    /// It wrote more to stdout/stderr than the log limit (bytes).
    #[error(
        "wrote more than the log limit of {0} bytes to stdout/stderr (the limit [limits] \
         max_log_bytes)"
    )]
    Log(usize),
    /// It handed the host more in one host call or result than wasmtime's copy limit.
    #[error(
        "went over its budget: handed the host more in one host call or result than the \
         copy limit derived from [limits] max_output_bytes"
    )]
    Copy,
    /// It went over its budget (findings, text, denials, log lines, output).
    #[error("{0}")]
    Budget(Exceeded),
    /// It trapped (a panic, an unreachable, an out-of-bounds access).
    #[error("trapped: {0}")]
    Trap(String),
    /// It returned something no control may return (a target that is no target).
    #[error("{0}")]
    Invalid(String),
    /// The call was never made: the control could not be loaded.
    #[error("cannot load: {0}")]
    NotLoaded(String),
}

/// wasmtime's message when a call exhausts its hostcall fuel (its error type,
/// `HostcallFuelExhausted`, is private).
const HOSTCALL_FUEL: &str = "fuel allocated for hostcalls has been exhausted";

/// What ended a call that returned `err`.
pub fn classify(err: &wasmtime::Error) -> Failure {
    if let Some(failure) = err.downcast_ref::<Failure>() {
        return failure.clone();
    }
    if err.chain().any(|e| e.to_string().contains(HOSTCALL_FUEL)) {
        return Failure::Copy;
    }
    // The reason is the trap itself, not the backtrace wasmtime puts before it.
    match err.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => Failure::Trap(trap.to_string()),
        None => Failure::Trap(err.root_cause().to_string()),
    }
}

/// Reject targets a control should never produce.
pub fn check_target(target: &Target) -> Result<(), Failure> {
    check(target).map_err(Failure::Invalid)
}

fn check(target: &Target) -> Result<(), String> {
    match target {
        Target::Host => Ok(()),
        Target::File(path) if path.starts_with('/') && !path.contains('\0') => Ok(()),
        Target::File(path) => Err(format!(
            "returned a file target that is not an absolute path: {path:?}"
        )),
        Target::Container(name) if !name.is_empty() && !name.contains(char::is_control) => Ok(()),
        Target::Container(name) => Err(format!("returned an invalid container target: {name:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case::host(Target::Host, true)]
    #[case::absolute_file(Target::File("/etc/docker/key.pem".into()), true)]
    #[case::relative_file(Target::File("etc/docker/key.pem".into()), false)]
    #[case::container(Target::Container("web".into()), true)]
    #[case::empty_container(Target::Container(String::new()), false)]
    #[case::escape_in_name(Target::Container("a\u{1b}[2J".into()), false)]
    fn targets(#[case] target: Target, #[case] ok: bool) {
        assert_eq!(check_target(&target).is_ok(), ok);
    }

    #[test]
    fn a_failure_the_host_raised_is_found_under_any_context() {
        let err = wasmtime::Error::new(Failure::Memory(64)).context("while growing memory");
        assert_eq!(classify(&err), Failure::Memory(64));
        let err = wasmtime::Error::new(Failure::Log(10)).context("stream write");
        assert_eq!(classify(&err), Failure::Log(10));
    }

    #[test]
    fn a_plain_trap_says_what_trapped() {
        let err = wasmtime::Error::new(wasmtime::Trap::UnreachableCodeReached);
        assert_eq!(
            classify(&err).to_string(),
            format!("trapped: {}", wasmtime::Trap::UnreachableCodeReached)
        );
        let err = wasmtime::Error::msg("guest panicked");
        assert_eq!(classify(&err), Failure::Trap("guest panicked".to_owned()));
    }
}
