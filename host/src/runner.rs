//! Calls into controls: a fresh store per call, with a deadline, a memory cap, captured
//! output and bounded results. A control that traps, times out, runs out of memory or
//! returns garbage yields an error for that control; nothing it does stops the run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::{Store, StoreLimitsBuilder, UpdateDeadline};

use crate::bindings::control::{ControlMetadata, Finding};
use crate::bindings::control_v1;
use crate::bindings::types::{Error as WitError, Target};
use crate::engine::Pre;
use crate::grants::Grants;
use crate::state::{CallRecord, HostState, RunContext};

/// Bounds on every call into a control.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock time for one call, host calls included.
    pub deadline: Duration,
    /// Linear memory a control may grow to, in bytes.
    pub memory_bytes: usize,
    /// Findings one audit may return.
    pub max_findings: usize,
    /// Bytes in one finding's message or evidence value.
    pub max_text_bytes: usize,
    /// Bytes of log (including captured stdout/stderr) kept per call.
    pub max_log_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline: Duration::from_secs(30),
            memory_bytes: 64 << 20,
            max_findings: 10_000,
            max_text_bytes: 8 << 10,
            max_log_bytes: 64 << 10,
        }
    }
}

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

    fn store(&self, pre: &Pre, grants: Grants) -> Store<HostState> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.limits.memory_bytes)
            .trap_on_grow_failure(true)
            .build();
        let state = HostState::new(self.run.clone(), grants, limits, self.limits.max_log_bytes);
        let mut store = Store::new(pre.engine(), state);
        store.limiter(|s| &mut s.limits);
        // Yield to the executor at every epoch tick: a spinning guest cannot hold a
        // worker thread, and the timeout below can always end it.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|_| Ok(UpdateDeadline::Yield(1)));
        store
    }

    /// Call `metadata()` with no grants at all. A 0.1.0 control's answer is carried over
    /// into the 0.2.0 shape: it names no benchmark items.
    pub async fn metadata(&self, pre: &Pre) -> CallOutcome<ControlMetadata> {
        let mut store = self.store(pre, Grants::none());
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
        let result = self.bounded(call).await;
        self.finish(store, result, start)
    }

    /// Call `audit()` with `grants`, and check what comes back against the limits.
    pub async fn audit(&self, pre: &Pre, grants: Grants) -> CallOutcome<Vec<Finding>> {
        let mut store = self.store(pre, grants);
        let start = Instant::now();
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
        let result = self
            .bounded(call)
            .await
            .and_then(|findings| self.check_findings(findings));
        self.finish(store, result, start)
    }

    /// Call `remediate(target)` with `grants`; the run's admin mode decides whether the
    /// changes it asks for are planned or applied.
    pub async fn remediate(
        &self,
        pre: &Pre,
        grants: Grants,
        target: Target,
    ) -> CallOutcome<Result<(), WitError>> {
        let mut store = self.store(pre, grants);
        let start = Instant::now();
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
        let result = self.bounded(call).await;
        self.finish(store, result, start)
    }

    async fn bounded<T>(
        &self,
        call: impl Future<Output = wasmtime::Result<T>>,
    ) -> Result<T, String> {
        match tokio::time::timeout(self.limits.deadline, call).await {
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
                "wrote more than the log limit of {} bytes to stdout/stderr",
                self.limits.max_log_bytes
            );
        }
        // `{err:#}` starts with a backtrace header; the reason is the trap itself.
        match err.downcast_ref::<wasmtime::Trap>() {
            Some(trap) => format!("trapped: {trap}"),
            None => format!("trapped: {}", err.root_cause()),
        }
    }

    fn check_findings(&self, findings: Vec<Finding>) -> Result<Vec<Finding>, String> {
        let limits = &self.limits;
        if findings.len() > limits.max_findings {
            return Err(format!(
                "returned {} findings, more than the limit of {}",
                findings.len(),
                limits.max_findings
            ));
        }
        for finding in &findings {
            let too_long = finding.message.len() > limits.max_text_bytes
                || finding
                    .evidence
                    .iter()
                    .any(|(k, v)| k.len() + v.len() > limits.max_text_bytes);
            if too_long {
                return Err(format!(
                    "returned a finding with more than {} bytes of text",
                    limits.max_text_bytes
                ));
            }
            crate::report::check_target(&finding.target)?;
        }
        Ok(findings)
    }

    /// End a call: take its record, and turn a log-limit breach into an error.
    fn finish<T>(
        &self,
        store: Store<HostState>,
        result: Result<T, String>,
        start: Instant,
    ) -> CallOutcome<T> {
        let record = store.into_data().finish();
        let result = match result {
            Ok(_) if record.log_truncated => Err(format!(
                "logged more than the limit of {} bytes",
                self.limits.max_log_bytes
            )),
            other => other,
        };
        CallOutcome {
            result,
            record,
            elapsed: start.elapsed(),
        }
    }
}
