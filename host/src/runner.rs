//! Calls into controls: a fresh store per call, with a deadline, a memory cap, captured
//! output and bounded results. A control that traps, times out, runs out of memory or
//! returns garbage yields an error for that control; nothing it does stops the run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::{Store, StoreLimitsBuilder, UpdateDeadline};

use crate::bindings::control::{ControlMetadata, Finding};
use crate::bindings::control_v1;
use crate::bindings::types::{Error as WitError, Target};
use crate::budget::Exceeded;
pub use crate::budget::Limits;
use crate::engine::Pre;
use crate::grants::Grants;
use crate::state::{CallRecord, HostState, RunContext};

/// The outcome of one call, with what the control did along the way.
pub struct CallOutcome<T> {
    /// The value, or why there is none.
    pub result: Result<T, String>,
    /// Denials and log lines of the call.
    pub record: CallRecord,
    /// How long the call took.
    pub elapsed: Duration,
}

impl<T> CallOutcome<T> {
    /// The outcome of a call that could not be made at all.
    pub fn not_made(reason: String) -> Self {
        CallOutcome {
            result: Err(reason),
            record: CallRecord::default(),
            elapsed: Duration::ZERO,
        }
    }
}

/// A 0.1.0 control's metadata in the 0.2.0 shape: the same fields, no benchmark items.
fn from_v1(raw: control_v1::ControlMetadata) -> ControlMetadata {
    ControlMetadata {
        id: raw.id,
        title: raw.title,
        version: raw.version,
        description: raw.description,
        rationale: raw.rationale,
        remediation: raw.remediation,
        severity: raw.severity,
        references: raw.references,
        items: Vec::new(),
        reads: raw.reads,
    }
}

/// Runs calls into controls for one run.
#[derive(Clone)]
pub struct Runner {
    run: Arc<RunContext>,
    limits: Limits,
}

impl Runner {
    /// A runner serving capabilities from `run`, bounding every call by `limits`.
    pub fn new(run: Arc<RunContext>, limits: Limits) -> Self {
        Runner { run, limits }
    }

    /// The run's shared capability contexts.
    pub fn run(&self) -> &RunContext {
        &self.run
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The containers a call that reads the daemon is served: the snapshot is taken
    /// first (the call would wait for it at its first Docker call anyway), so that its
    /// budget can grow with them. The wait counts against the deadline of the call that
    /// began at `start`.
    async fn containers(&self, docker: bool, start: Instant) -> usize {
        if !docker {
            return 0;
        }
        let left = self.limits.deadline.saturating_sub(start.elapsed());
        match tokio::time::timeout(left, self.run.docker.snapshot()).await {
            Ok(Ok(snapshot)) => snapshot.containers().len(),
            Ok(Err(_)) | Err(_) => 0,
        }
    }

    fn store(&self, pre: &Pre, grants: Grants, containers: usize) -> Store<HostState> {
        let memory = StoreLimitsBuilder::new()
            .memory_size(self.limits.memory_bytes)
            .trap_on_grow_failure(true)
            .build();
        let state = HostState::new(self.run.clone(), grants, memory, self.limits, containers);
        let mut store = Store::new(pre.engine(), state);
        store.limiter(|s| &mut s.limits);
        // Wasmtime's own bound on what it copies out of the guest in one host call or
        // one result, set from the limits rather than left at the library's default.
        store.set_hostcall_fuel(self.limits.hostcall_copy_bytes(containers));
        // Yield to the executor at every epoch tick: a spinning guest cannot hold a
        // worker thread, and the timeout below can always end it. A call over its
        // budget is ended at the next tick: nothing more it does would be kept.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|ctx| match ctx.data().record.budget.exceeded() {
            Some(exceeded) => Err(wasmtime::Error::msg(exceeded.to_string())),
            None => Ok(UpdateDeadline::Yield(1)),
        });
        store
    }

    /// Call `metadata()` with no grants at all. A 0.1.0 control's answer is carried over
    /// into the 0.2.0 shape: it names no benchmark items.
    pub async fn metadata(&self, pre: &Pre) -> CallOutcome<ControlMetadata> {
        let mut store = self.store(pre, Grants::none(), 0);
        let start = Instant::now();
        let call = async {
            match pre {
                Pre::V2(pre, _) => {
                    let plugin = pre.instantiate_async(&mut store).await?;
                    let control = plugin.bulkhead_plugin0_2_0_control();
                    control.call_metadata(&mut store).await
                }
                Pre::V1(pre) => {
                    let plugin = pre.instantiate_async(&mut store).await?;
                    let control = plugin.bulkhead_plugin_control();
                    control.call_metadata(&mut store).await.map(from_v1)
                }
            }
        };
        let result = self.bounded(call, start).await;
        let result = result.and_then(|meta| {
            charge(&mut store, |budget| budget.take_metadata(&meta))?;
            Ok(meta)
        });
        self.finish(store, result, start)
    }

    /// Call `audit()` with `grants`, and check what comes back against the limits;
    /// `docker` says whether the control reads the daemon (see [`Runner::containers`]).
    pub async fn audit(
        &self,
        pre: &Pre,
        grants: Grants,
        docker: bool,
    ) -> CallOutcome<Vec<Finding>> {
        let start = Instant::now();
        let containers = self.containers(docker, start).await;
        let mut store = self.store(pre, grants, containers);
        let call = async {
            match pre {
                Pre::V2(pre, _) => {
                    let plugin = pre.instantiate_async(&mut store).await?;
                    let control = plugin.bulkhead_plugin0_2_0_control();
                    control.call_audit(&mut store).await
                }
                Pre::V1(pre) => {
                    let plugin = pre.instantiate_async(&mut store).await?;
                    let control = plugin.bulkhead_plugin_control();
                    control.call_audit(&mut store).await
                }
            }
        };
        let result = self.bounded(call, start).await.and_then(|findings| {
            charge(&mut store, |budget| budget.take_findings(&findings))?;
            for finding in &findings {
                crate::report::check_target(&finding.target)?;
            }
            Ok(findings)
        });
        self.finish(store, result, start)
    }

    /// Call `remediate(target)` with `grants`; the run's admin mode decides whether the
    /// changes it asks for are planned or applied.
    pub async fn remediate(
        &self,
        pre: &Pre,
        grants: Grants,
        docker: bool,
        target: Target,
    ) -> CallOutcome<Result<(), WitError>> {
        let start = Instant::now();
        let containers = self.containers(docker, start).await;
        let mut store = self.store(pre, grants, containers);
        let call = async {
            match pre {
                Pre::V2(pre, _) => {
                    let plugin = pre.instantiate_async(&mut store).await?;
                    let control = plugin.bulkhead_plugin0_2_0_control();
                    control.call_remediate(&mut store, &target).await
                }
                Pre::V1(pre) => {
                    let plugin = pre.instantiate_async(&mut store).await?;
                    let control = plugin.bulkhead_plugin_control();
                    control.call_remediate(&mut store, &target).await
                }
            }
        };
        let result = self.bounded(call, start).await.and_then(|outcome| {
            if let Err(error) = &outcome {
                charge(&mut store, |budget| budget.take_error(error))?;
            }
            Ok(outcome)
        });
        self.finish(store, result, start)
    }

    /// Run `call` until the deadline of a call that began at `start`.
    async fn bounded<T>(
        &self,
        call: impl Future<Output = wasmtime::Result<T>>,
        start: Instant,
    ) -> Result<T, String> {
        let left = self.limits.deadline.saturating_sub(start.elapsed());
        match tokio::time::timeout(left, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(trap)) => Err(self.describe_trap(&trap)),
            Err(_) => Err(format!(
                "timed out after {:?} (limit per call)",
                self.limits.deadline
            )),
        }
    }

    fn describe_trap(&self, err: &wasmtime::Error) -> String {
        let text = format!("{err:#}");
        if text.contains("forcing trap when growing memory")
            || text.contains("forcing a memory growth failure")
        {
            return format!(
                "exceeded the memory limit of {} MiB",
                self.limits.memory_bytes >> 20
            );
        }
        if text.contains("write beyond capacity of MemoryOutputPipe") {
            return format!(
                "wrote more than the log limit of {} bytes to stdout/stderr (the limit \
                 [limits] max_log_bytes)",
                self.limits.max_log_bytes
            );
        }
        if text.contains("fuel allocated for hostcalls has been exhausted") {
            return "went over its budget: handed the host more in one host call or result \
                    than the copy limit derived from [limits] max_output_bytes"
                .to_owned();
        }
        // `{err:#}` starts with a backtrace header; the reason is the trap itself.
        match err.downcast_ref::<wasmtime::Trap>() {
            Some(trap) => format!("trapped: {trap}"),
            None => format!("trapped: {}", err.root_cause()),
        }
    }

    /// End a call: take its record, and turn a budget breach anywhere in the call (its
    /// log, its denials, a host call's arguments) into the call's error.
    fn finish<T>(
        &self,
        store: Store<HostState>,
        result: Result<T, String>,
        start: Instant,
    ) -> CallOutcome<T> {
        let record = store.into_data().finish();
        let result = match (result, record.budget.exceeded()) {
            (_, Some(exceeded)) => Err(exceeded.to_string()),
            (other, None) => other,
        };
        CallOutcome {
            result,
            record,
            elapsed: start.elapsed(),
        }
    }
}

/// Charge what a call returned to its store's budget; over it, the call's error.
fn charge(
    store: &mut Store<HostState>,
    take: impl FnOnce(&mut crate::budget::Budget) -> Result<(), Exceeded>,
) -> Result<(), String> {
    take(&mut store.data_mut().record.budget).map_err(|e| e.to_string())
}
