//! What a store holds: the run's shared capability contexts, the calling control's
//! grants, and the record of one call (denials, log), plus WASI and memory limits.

use std::sync::Arc;

use serde::Serialize;
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::budget::{Budget, Exceeded, Limits};
use crate::caps::admin::AdminCtx;
use crate::caps::docker::DockerCtx;
use crate::caps::fs::FsCtx;
use crate::caps::machine::MachineCtx;
use crate::caps::process::ProcCtx;
use crate::caps::tasks::TasksCtx;
use crate::grants::{Denial, Grants};

/// Everything one run shares between all controls and calls.
pub struct RunContext {
    /// Files under `--root`.
    pub fs: FsCtx,
    /// The process table under `--proc`.
    pub proc: ProcCtx,
    /// Parsed facts of the machine (accounts, mounts, audit rules, units, sockets).
    pub machine: MachineCtx,
    /// Containers' processes under `--proc`.
    pub tasks: TasksCtx,
    /// The Docker daemon and its snapshot.
    pub docker: DockerCtx,
    /// What mutating calls do in this run.
    pub admin: AdminCtx,
}

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
    pub status: &'static str,
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

/// The data of one store: one call into one control.
pub struct HostState {
    /// Capability contexts shared by the run.
    pub run: Arc<RunContext>,
    /// What this call may do.
    pub grants: Grants,
    /// What this call did besides returning.
    pub record: CallRecord,
    /// Memory and instance limits.
    pub limits: StoreLimits,
    wasi: WasiCtx,
    table: ResourceTable,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl HostState {
    /// A store's data for a call with `grants` under `limits`, served a snapshot of
    /// `containers`. WASI has no preopened directories, no environment, no arguments and
    /// no network; stdout and stderr are captured.
    pub fn new(
        run: Arc<RunContext>,
        grants: Grants,
        store_limits: StoreLimits,
        limits: Limits,
        containers: usize,
    ) -> Self {
        // Bytes past the log limit would be refused when the lines are counted anyway.
        let stdout = MemoryOutputPipe::new(limits.max_log_bytes);
        let stderr = MemoryOutputPipe::new(limits.max_log_bytes);
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_ip_name_lookup(false)
            .allow_tcp(false)
            .allow_udp(false)
            .build();
        HostState {
            run,
            grants,
            record: CallRecord::new(limits, containers),
            limits: store_limits,
            wasi,
            table: ResourceTable::new(),
            stdout,
            stderr,
        }
    }

    /// End the call: fold captured stdout/stderr into the log and return the record.
    pub fn finish(mut self) -> CallRecord {
        for (level, pipe) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let bytes = pipe.contents();
            for line in String::from_utf8_lossy(&bytes).lines() {
                self.record.log(level, line);
            }
        }
        self.record
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
