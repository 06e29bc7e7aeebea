//! What the mutating capabilities (`file-admin`, `ownership-admin`,
//! `container-admin`) share: the run's [`AdminMode`] and journal, and a call's view of
//! them with the checks every change goes through.
//!
//! They do something only when the grants allow it (`bulkhead fix`) and then according
//! to the run's [`AdminMode`]: `Plan` records what would change and changes nothing;
//! `Apply` writes a synced journal entry, makes the change, and marks it done. Every
//! change must only tighten: a chmod may only clear bits, a container copy may only add
//! `CapDrop` entries, a chown may only hand a file to root. In `run` the grants refuse
//! every call, and the refusal is recorded.

use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::Mutex;
use wasmtime::component::HasData;

use super::Args;
use crate::fix::journal::{Change, Journal, Line};
use crate::report::status::ChangeStatus;
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::{Call, Denial, FixTarget, Grants, Refusal};
use crate::sandbox::record::{CallRecord, ChangeRecord};
use crate::sources::docker::DockerCtx;
use crate::sources::root::{FsCtx, host_path, normalize};

/// What a granted mutating call does.
pub enum AdminMode {
    /// Nothing may change (`run`); grants refuse every call anyway.
    Deny,
    /// Record the change, make none (`fix`).
    Plan,
    /// Make the change, journaled (`fix --apply`).
    Apply(Mutex<Journal>),
}

/// Per-run state of the mutating capabilities.
pub struct AdminCtx {
    pub(crate) mode: AdminMode,
    applied: AtomicU32,
    /// Test hook, only in builds with the `test-hooks` feature (which only the test
    /// suite enables): abort the process after this many applied changes.
    #[cfg(feature = "test-hooks")]
    crash_after: Option<u32>,
}

impl AdminCtx {
    /// A context in `mode`.
    pub fn new(mode: AdminMode) -> Self {
        AdminCtx {
            mode,
            applied: AtomicU32::new(0),
            #[cfg(feature = "test-hooks")]
            crash_after: std::env::var("BULKHEAD_TEST_CRASH_AFTER_CHANGES")
                .ok()
                .and_then(|n| n.parse().ok()),
        }
    }

    /// The journal's run id, when applying.
    pub async fn run_id(&self) -> Option<String> {
        match &self.mode {
            AdminMode::Apply(journal) => Some(journal.lock().await.run_id.clone()),
            _ => None,
        }
    }

    pub(crate) fn applied_one(&self) {
        let n = self.applied.fetch_add(1, Ordering::SeqCst) + 1;
        #[cfg(feature = "test-hooks")]
        if self.crash_after == Some(n) {
            eprintln!("bulkhead: test hook: aborting after {n} applied change(s)");
            std::process::abort();
        }
        let _ = n;
    }
}

/// A control's view of the mutating capabilities for one call.
pub struct AdminView<'a> {
    pub fs: &'a FsCtx,
    pub docker: &'a DockerCtx,
    pub admin: &'a AdminCtx,
    pub grants: &'a Grants,
    pub record: &'a mut CallRecord,
}

pub(crate) fn journal_error(e: impl std::fmt::Display) -> WitError {
    WitError::Unavailable(format!("cannot write the journal, nothing changed: {e}"))
}

impl AdminView<'_> {
    /// Refuse a change to `changed` (`file:…` or `container:…`) when it is not the
    /// remediate call's target: a denial for the report, and a `denied` row in the plan.
    pub(crate) fn off_target(
        &mut self,
        call: Call,
        changed: String,
        args: &(impl Args + ?Sized),
    ) -> WitError {
        let target = match self.grants.change_target() {
            Some(FixTarget::File(path)) => format!("file:{path}"),
            Some(FixTarget::Container(name)) => format!("container:{name}"),
            Some(FixTarget::Host) | None => "host".to_owned(),
        };
        let argument = args.show();
        let change = ChangeRecord {
            action: call.wit_name(),
            target: changed,
            before: String::new(),
            after: argument.clone(),
            docker_run: None,
            status: ChangeStatus::Denied,
            detail: Some(format!(
                "not the target this fix was asked for ({target}); nothing changed"
            )),
        };
        if self.record.may_change(&change).is_ok() {
            self.record.change(change);
        }
        self.record
            .deny(Denial::new(call, argument, Refusal::Target));
        WitError::Denied
    }

    /// Admit a file change at the link-free `rel` (`path` as the control wrote it) only
    /// when it is the remediate call's file target, as written or where it leads.
    pub(crate) fn on_target(
        &mut self,
        call: Call,
        rel: &std::path::Path,
        args: &(impl Args + ?Sized),
    ) -> Result<(), WitError> {
        let changed = host_path(rel);
        let allowed = match self.grants.change_target() {
            Some(FixTarget::File(target)) => {
                normalize(target).is_ok_and(|t| t == changed)
                    || self
                        .fs
                        .resolve(target, true)
                        .is_ok_and(|t| host_path(&t) == changed)
            }
            _ => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(self.off_target(call, format!("file:{changed}"), args))
        }
    }

    /// Charge a change record to the call's budget, before anything is changed: over
    /// it, the change is refused and the call ends in `error`.
    pub(crate) fn admit(&mut self, change: &ChangeRecord) -> Result<(), WitError> {
        self.record
            .may_change(change)
            .map_err(|e| WitError::Invalid(e.to_string()))
    }

    /// Record a change that needs nothing done (planned, or already so).
    pub(crate) fn keep(&mut self, change: ChangeRecord) -> Result<(), WitError> {
        self.admit(&change)?;
        self.record.change(change);
        Ok(())
    }

    /// Record a file change; when applying, journal it, make it with `make`, and mark it
    /// done. `make` returns what else changed with it, for the record.
    pub(crate) async fn file_change(
        &mut self,
        mut change: ChangeRecord,
        journaled: Change,
        make: impl FnOnce() -> Result<Option<String>, WitError>,
    ) -> Result<(), WitError> {
        let admin = self.admin;
        let AdminMode::Apply(journal) = &admin.mode else {
            return self.keep(change);
        };
        self.admit(&change)?;
        let mut journal = journal.lock().await;
        let seq = journal.intent(journaled).map_err(journal_error)?;
        let result = make();
        match &result {
            Ok(detail) => {
                change.status = ChangeStatus::Applied;
                change.detail.clone_from(detail);
                journal.append(&Line::Done { seq }).map_err(journal_error)?;
                // Counted while the journal is held: no other change can slip in first.
                admin.applied_one();
            }
            Err(_) => change.status = ChangeStatus::Failed,
        }
        drop(journal);
        self.record.change(change);
        result.map(|_| ())
    }
}

pub(crate) fn file_record(
    action: &'static str,
    resolved: &str,
    before: String,
    after: String,
) -> ChangeRecord {
    ChangeRecord {
        action,
        target: format!("file:{resolved}"),
        status: if before == after {
            ChangeStatus::Unchanged
        } else {
            ChangeStatus::Planned
        },
        before,
        after,
        docker_run: None,
        detail: None,
    }
}

/// The linker's marker for the mutating interfaces: each call is served an [`AdminView`].
pub(crate) struct AdminCap;

impl HasData for AdminCap {
    type Data<'a> = AdminView<'a>;
}
