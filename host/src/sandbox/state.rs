//! What a store holds: the run's shared capability contexts, the calling control's
//! grants, and the record of one call (denials, log), plus WASI and memory limits.

use std::path::Path;
use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::capabilities::admin::{AdminCtx, AdminMode};
use crate::sandbox::bounds::{Limiter, LogPipe};
use crate::sandbox::grants::Grants;
use crate::sandbox::limits::Limits;
use crate::sandbox::record::CallRecord;
use crate::sources::docker::{DockerCtx, Endpoint};
use crate::sources::machine::MachineCtx;
use crate::sources::proc::ProcCtx;
use crate::sources::root::FsCtx;
use crate::sources::tasks::TasksCtx;

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

impl RunContext {
    /// The contexts of a run over the files under `root`, the processes under `proc`
    /// and the daemon at `endpoint`, its mutating calls doing what `admin` says. The
    /// only place a run's contexts are put together.
    pub fn new(
        root: &Path,
        proc: &Path,
        endpoint: Endpoint,
        admin: AdminMode,
    ) -> std::io::Result<RunContext> {
        Ok(RunContext {
            fs: FsCtx::open(root)?,
            proc: ProcCtx::new(proc),
            machine: MachineCtx::new(proc),
            tasks: TasksCtx::new(proc),
            docker: DockerCtx::new(endpoint),
            admin: AdminCtx::new(admin),
        })
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
    pub limiter: Limiter,
    wasi: WasiCtx,
    table: ResourceTable,
    stdout: LogPipe,
    stderr: LogPipe,
}

impl HostState {
    /// A store's data for a call with `grants` under `limits`, served a snapshot of
    /// `containers`. WASI has no preopened directories, no environment, no arguments and
    /// no network; stdout and stderr are captured.
    pub fn new(run: Arc<RunContext>, grants: Grants, limits: Limits, containers: usize) -> Self {
        // Bytes past the log limit would be refused when the lines are counted anyway.
        let stdout = LogPipe::new(limits.max_log_bytes);
        let stderr = LogPipe::new(limits.max_log_bytes);
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
            limiter: Limiter::new(limits.memory_bytes),
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
