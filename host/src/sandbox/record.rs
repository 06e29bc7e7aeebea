//! The record of one call into a control, besides what it returns: the calls the host
//! refused, the lines it logged and the changes it asked for, each charged to the
//! call's [`Budget`] before it is kept.

use serde::Serialize;

use crate::report::status::ChangeStatus;
use crate::sandbox::budget::{Budget, Exceeded};
use crate::sandbox::grants::Denial;
use crate::sandbox::limits::Limits;

/// One change a control asked for, as planned or made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRecord {
    /// `chmod`, `chown` or `replace-container`.
    pub action: &'static str,
    /// `file:<path>` or `container:<name>`.
    pub target: String,
    /// The state before.
    pub before: String,
    /// The state after.
    pub after: String,
    /// For containers, the equivalent `docker run` line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_run: Option<String>,
    /// `planned`, `applied`, `unchanged`, `skipped`, `failed`, or `denied` (not the
    /// target of the remediate call: nothing was changed).
    pub status: ChangeStatus,
    /// Why it was skipped or failed, or what else changed with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One line a control logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// `debug`, `info`, `warn`, `error`, `stdout` or `stderr`.
    pub level: &'static str,
    /// The text.
    pub message: String,
}

/// What one call into a control did besides returning: refused calls, log lines and
/// changes, each charged to the call's [`Budget`] before it is kept.
#[derive(Debug)]
pub struct CallRecord {
    /// Calls the host refused.
    pub denials: Vec<Denial>,
    /// Log lines, up to the limit.
    pub log: Vec<LogLine>,
    /// Changes asked for through the mutating capabilities.
    pub changes: Vec<ChangeRecord>,
    /// What the call may still hand the host.
    pub budget: Budget,
}

impl Default for CallRecord {
    fn default() -> Self {
        CallRecord::new(Limits::default(), 0)
    }
}

impl CallRecord {
    /// An empty record of a call under `limits`, served a snapshot of `containers`.
    pub fn new(limits: Limits, containers: usize) -> Self {
        CallRecord {
            denials: Vec::new(),
            log: Vec::new(),
            changes: Vec::new(),
            budget: Budget::new(limits, containers),
        }
    }

    /// Record a refused call, if the budget still allows it (else the call is over its
    /// budget, which ends it in `error` anyway).
    pub fn deny(&mut self, denial: Denial) {
        if self.budget.take_denial(&denial.argument).is_ok() {
            self.denials.push(denial);
        }
    }

    /// Check that one more change may be recorded, before it is made.
    pub fn may_change(&mut self, change: &ChangeRecord) -> Result<(), Exceeded> {
        let texts = [
            change.target.as_str(),
            &change.before,
            &change.after,
            change.docker_run.as_deref().unwrap_or_default(),
            change.detail.as_deref().unwrap_or_default(),
        ];
        self.budget.take_change(&texts)
    }

    /// Record a change (planned or made) that [`CallRecord::may_change`] admitted.
    pub fn change(&mut self, change: ChangeRecord) {
        self.changes.push(change);
    }

    /// Record a log line, if the budget still allows it.
    pub fn log(&mut self, level: &'static str, message: &str) {
        if self.budget.take_log_line(message).is_ok() {
            self.log.push(LogLine {
                level,
                message: message.to_owned(),
            });
        }
    }
}
