//! Calls into controls: a fresh store per call, with a deadline, a memory cap, captured
//! output and bounded results. A control that traps, times out, runs out of memory or
//! returns garbage yields an error for that control; nothing it does stops the run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::{Store, UpdateDeadline};

use crate::sandbox::bindings::control::{ControlMetadata, Finding};
use crate::sandbox::bindings::types::{Error as WitError, Target};
use crate::sandbox::budget::Exceeded;
use crate::sandbox::grants::Grants;
pub use crate::sandbox::limits::Limits;
use crate::sandbox::outcome::{Failure, check_target, classify};
use crate::sandbox::record::CallRecord;
use crate::sandbox::state::{HostState, RunContext};
use crate::sandbox::versions::Instance;
use crate::sandbox::wasm::Pre;

/// The outcome of one call, with what the control did along the way.
pub struct CallOutcome<T> {
    /// The value, or why there is none.
    pub result: Result<T, Failure>,
    /// Denials and log lines of the call.
    pub record: CallRecord,
    /// How long the call took.
    pub elapsed: Duration,
}

impl<T> CallOutcome<T> {
    /// The outcome of a call that could not be made at all: the control could not be
    /// loaded, for `reason`.
    pub fn not_made(reason: String) -> Self {
        CallOutcome {
            result: Err(Failure::NotLoaded(reason)),
            record: CallRecord::default(),
            elapsed: Duration::ZERO,
        }
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
        let state = HostState::new(self.run.clone(), grants, self.limits, containers);
        let mut store = Store::new(pre.engine(), state);
        store.limiter(|s| &mut s.limiter);
        // Wasmtime's own bound on what it copies out of the guest in one host call or
        // one result, set from the limits rather than left at the library's default.
        store.set_hostcall_fuel(self.limits.hostcall_copy_bytes(containers));
        // Yield to the executor at every epoch tick: a spinning guest cannot hold a
        // worker thread, and the timeout below can always end it. A call over its
        // budget is ended at the next tick: nothing more it does would be kept.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(|ctx| match ctx.data().record.budget.exceeded() {
            Some(exceeded) => Err(wasmtime::Error::new(Failure::Budget(exceeded.clone()))),
            None => Ok(UpdateDeadline::Yield(1)),
        });
        store
    }

    /// Call `metadata()` with no grants at all (a 0.1.0 control's answer in the 0.2.0
    /// shape: see [`crate::sandbox::versions`]).
    pub async fn metadata(&self, pre: &Pre) -> CallOutcome<ControlMetadata> {
        let mut store = self.store(pre, Grants::none(), 0);
        let start = Instant::now();
        let call = async {
            let instance = Instance::new(pre, &mut store).await?;
            instance.metadata(&mut store).await
        };
        let result = self.bounded(call, start).await;
        let result = result.and_then(|meta| {
            charge(&mut store, |budget| budget.take_metadata(&meta))?;
            Ok(meta)
        });
        self.finish(store, result, start)
    }

    /// Call `audit()` with `grants`, and check what comes back against the limits;
    /// `docker` says whether the control reads the daemon (see `Runner::containers`).
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
            let instance = Instance::new(pre, &mut store).await?;
            instance.audit(&mut store).await
        };
        let result = self.bounded(call, start).await.and_then(|findings| {
            charge(&mut store, |budget| budget.take_findings(&findings))?;
            for finding in &findings {
                check_target(&finding.target)?;
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
            let instance = Instance::new(pre, &mut store).await?;
            instance.remediate(&mut store, &target).await
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
    ) -> Result<T, Failure> {
        let left = self.limits.deadline.saturating_sub(start.elapsed());
        match tokio::time::timeout(left, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(trap)) => Err(classify(&trap)),
            Err(_) => Err(Failure::Timeout(self.limits.deadline)),
        }
    }

    /// End a call: take its record, and turn a budget breach anywhere in the call (its
    /// log, its denials, a host call's arguments) into the call's error.
    fn finish<T>(
        &self,
        store: Store<HostState>,
        result: Result<T, Failure>,
        start: Instant,
    ) -> CallOutcome<T> {
        let record = store.into_data().finish();
        let result = match (result, record.budget.exceeded()) {
            (_, Some(exceeded)) => Err(Failure::Budget(exceeded.clone())),
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
    take: impl FnOnce(&mut crate::sandbox::budget::Budget) -> Result<(), Exceeded>,
) -> Result<(), Failure> {
    take(&mut store.data_mut().record.budget).map_err(Failure::Budget)
}
