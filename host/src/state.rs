//! What a store holds: the run's shared capability contexts, the calling control's
//! grants, and the record of one call (denials, log), plus WASI and memory limits.

use std::sync::Arc;

use serde::Serialize;
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

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
    /// `planned`, `applied`, `unchanged`, `skipped` or `failed`.
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

/// What one call into a control did besides returning: refused calls and log lines.
#[derive(Debug, Default)]
pub struct CallRecord {
    /// Calls the host refused.
    pub denials: Vec<Denial>,
    /// Log lines, up to the limit.
    pub log: Vec<LogLine>,
    /// Changes asked for through the mutating capabilities.
    pub changes: Vec<ChangeRecord>,
    log_bytes: usize,
    /// Whether lines were dropped for the log limit.
    pub log_truncated: bool,
    max_log_bytes: usize,
}

impl CallRecord {
    /// An empty record keeping at most `max_log_bytes` of log text.
    pub fn new(max_log_bytes: usize) -> Self {
        CallRecord {
            max_log_bytes,
            ..CallRecord::default()
        }
    }

    /// Record a refused call.
    pub fn deny(&mut self, denial: Denial) {
        // A control looping on a denied call must not grow the report without bound.
        if self.denials.len() < 1000 {
            self.denials.push(denial);
        }
    }

    /// Record a change (planned or made).
    pub fn change(&mut self, change: ChangeRecord) {
        if self.changes.len() < 1000 {
            self.changes.push(change);
        }
    }

    /// Record a log line, dropping it once the log limit is reached.
    pub fn log(&mut self, level: &'static str, message: &str) {
        if self.log_bytes + message.len() > self.max_log_bytes {
            self.log_truncated = true;
            return;
        }
        self.log_bytes += message.len();
        self.log.push(LogLine {
            level,
            message: message.to_owned(),
        });
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
    /// A store's data for a call with `grants`. WASI has no preopened directories, no
    /// environment, no arguments and no network; stdout and stderr are captured.
    pub fn new(
        run: Arc<RunContext>,
        grants: Grants,
        limits: StoreLimits,
        max_log_bytes: usize,
    ) -> Self {
        let stdout = MemoryOutputPipe::new(max_log_bytes);
        let stderr = MemoryOutputPipe::new(max_log_bytes);
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
            record: CallRecord::new(max_log_bytes),
            limits,
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
