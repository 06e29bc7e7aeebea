//! The bounds on every call into a control ([`Limits`], set from `[limits]` and
//! `--timeout`), each one a [`Limit`] that names itself in errors; what charging
//! against them means is [`crate::sandbox::budget`].

use std::time::Duration;

use crate::sandbox::bindings::control::Finding;

/// Bounds on every call into a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time for one call, host calls included.
    pub deadline: Duration,
    /// Linear memory a control may grow to, in bytes.
    pub memory_bytes: usize,
    /// Findings one audit may return.
    pub max_findings: usize,
    /// Bytes of one text: a finding's target, message, evidence key or evidence value, a
    /// log line, a remediate error, a metadata field.
    pub max_text_bytes: usize,
    /// Evidence entries of one finding.
    pub max_evidence: usize,
    /// Log lines (captured stdout/stderr included) kept per call.
    pub max_log_lines: usize,
    /// Bytes of log (captured stdout/stderr included) kept per call.
    pub max_log_bytes: usize,
    /// Refused calls one call may make.
    pub max_denials: usize,
    /// Bytes the host keeps from one call, as the report spells them (see the module).
    pub max_output_bytes: usize,
    /// Output bytes a call that reads the Docker daemon may keep in addition, for each
    /// container of the daemon's snapshot: a container control's findings grow with the
    /// containers it judges.
    pub max_output_bytes_per_container: usize,
    /// Bytes of arguments a control may pass to host functions in one call.
    pub max_input_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline: Duration::from_secs(30),
            memory_bytes: 64 << 20,
            max_findings: 10_000,
            max_text_bytes: 8 << 10,
            max_evidence: 64,
            max_log_lines: 1_000,
            max_log_bytes: 64 << 10,
            max_denials: 1_000,
            max_output_bytes: 1 << 20,
            max_output_bytes_per_container: 4 << 10,
            max_input_bytes: 16 << 20,
        }
    }
}

/// Output bytes one finding costs besides its texts (its fields in the report).
pub const FINDING_OVERHEAD: usize = 128;
/// Output bytes one evidence entry costs besides its key and value.
pub const ENTRY_OVERHEAD: usize = 16;
/// Output bytes one log line costs besides its text.
pub const LINE_OVERHEAD: usize = 48;
/// Output bytes one refused call costs besides its argument.
pub const DENIAL_OVERHEAD: usize = 96;
/// Changes one call may ask for: a remediate call changes its own target, so a few.
pub const MAX_CHANGES: usize = 64;

impl Limits {
    /// The output bytes a call may keep when it is served a snapshot of `containers`.
    pub fn output_bytes(&self, containers: usize) -> usize {
        self.max_output_bytes.saturating_add(
            self.max_output_bytes_per_container
                .saturating_mul(containers),
        )
    }

    /// Wasmtime's limit on the bytes it copies out of a guest in one host call or one
    /// result, derived from these limits for a call served `containers`: the largest
    /// result within them (findings with their evidence, at the size wasmtime counts for
    /// each) plus room for the largest argument list a host function takes.
    pub fn hostcall_copy_bytes(&self, containers: usize) -> usize {
        let output = self.output_bytes(containers);
        let findings = (output / FINDING_OVERHEAD).min(self.max_findings);
        let entries = output / ENTRY_OVERHEAD;
        output
            .saturating_add(findings.saturating_mul(size_of::<Finding>()))
            .saturating_add(entries.saturating_mul(size_of::<(String, String)>()))
            .saturating_add(1 << 20)
    }
}

/// A limit a control went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::max_findings`].
    Findings,
    /// [`Limits::max_text_bytes`].
    TextBytes,
    /// [`Limits::max_evidence`].
    Evidence,
    /// [`Limits::max_log_lines`].
    LogLines,
    /// [`Limits::max_log_bytes`].
    LogBytes,
    /// [`Limits::max_denials`].
    Denials,
    /// [`MAX_CHANGES`].
    Changes,
    /// [`Limits::max_output_bytes`].
    OutputBytes,
    /// [`Limits::max_input_bytes`].
    InputBytes,
}

impl Limit {
    /// The key that sets it in the configuration's `[limits]`.
    pub fn key(self) -> &'static str {
        match self {
            Limit::Findings => "max_findings",
            Limit::TextBytes => "max_text_bytes",
            Limit::Evidence => "max_evidence",
            Limit::LogLines => "max_log_lines",
            Limit::LogBytes => "max_log_bytes",
            Limit::Denials => "max_denials",
            Limit::Changes => "changes per call (fixed)",
            Limit::OutputBytes => "max_output_bytes",
            Limit::InputBytes => "max_input_bytes",
        }
    }

    /// Its value in `limits`.
    pub fn value(self, limits: &Limits) -> usize {
        match self {
            Limit::Findings => limits.max_findings,
            Limit::TextBytes => limits.max_text_bytes,
            Limit::Evidence => limits.max_evidence,
            Limit::LogLines => limits.max_log_lines,
            Limit::LogBytes => limits.max_log_bytes,
            Limit::Denials => limits.max_denials,
            Limit::Changes => MAX_CHANGES,
            Limit::OutputBytes => limits.max_output_bytes,
            Limit::InputBytes => limits.max_input_bytes,
        }
    }

    /// What it counts, after "more than N".
    pub fn unit(self) -> &'static str {
        match self {
            Limit::Findings => "findings",
            Limit::TextBytes => "bytes of text",
            Limit::Evidence => "evidence entries in one finding",
            Limit::LogLines => "log lines",
            Limit::LogBytes => "bytes of log",
            Limit::Denials => "refused calls",
            Limit::Changes => "changes",
            Limit::OutputBytes => "bytes of output (findings, log, denials and errors)",
            Limit::InputBytes => "bytes of arguments to host calls",
        }
    }
}
