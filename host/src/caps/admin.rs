//! The mutating capabilities, `file-admin`, `ownership-admin` and `container-admin`.
//!
//! They do something only when the grants allow it (`bulkhead fix`) and then according
//! to the run's [`AdminMode`]: `Plan` records what would change and changes nothing;
//! `Apply` writes a synced journal entry, makes the change, and marks it done. Every
//! change must only tighten: a chmod may only clear bits, a container copy may only add
//! `CapDrop` entries, a chown may only hand a file to root. In `run` the grants refuse
//! every call, and the refusal is recorded.

use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;
use tokio::sync::Mutex;
use wasmtime::component::{HasData, Linker};

use super::docker::{DockerCtx, connect};
use super::fs::{FsCtx, host_path, normalize, scoped};
use super::{Args, Mode, check};
use crate::bindings::container_admin::{self, Tightening};
use crate::bindings::types::Error as WitError;
use crate::bindings::{file_admin, ownership_admin};
use crate::grants::{Call, Denial, FixTarget, Grants, Refusal};
use crate::journal::{Change, Ids, Journal, Line};
use crate::replace;
use crate::state::{CallRecord, ChangeRecord, HostState};

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
    mode: AdminMode,
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

    fn applied_one(&self) {
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
    fs: &'a FsCtx,
    docker: &'a DockerCtx,
    admin: &'a AdminCtx,
    grants: &'a Grants,
    record: &'a mut CallRecord,
}

fn journal_error(e: impl std::fmt::Display) -> WitError {
    WitError::Unavailable(format!("cannot write the journal, nothing changed: {e}"))
}

impl AdminView<'_> {
    /// Refuse a change to `changed` (`file:…` or `container:…`) when it is not the
    /// remediate call's target: a denial for the report, and a `denied` row in the plan.
    fn off_target(&mut self, call: Call, changed: String, args: &(impl Args + ?Sized)) -> WitError {
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
            status: "denied",
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
    fn on_target(
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
    fn admit(&mut self, change: &ChangeRecord) -> Result<(), WitError> {
        self.record
            .may_change(change)
            .map_err(|e| WitError::Invalid(e.to_string()))
    }

    /// Record a change that needs nothing done (planned, or already so).
    fn keep(&mut self, change: ChangeRecord) -> Result<(), WitError> {
        self.admit(&change)?;
        self.record.change(change);
        Ok(())
    }

    /// Record a file change; when applying, journal it, make it with `make`, and mark it
    /// done. `make` returns what else changed with it, for the record.
    async fn file_change(
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
                change.status = "applied";
                change.detail.clone_from(detail);
                journal.append(&Line::Done { seq }).map_err(journal_error)?;
                // Counted while the journal is held: no other change can slip in first.
                admin.applied_one();
            }
            Err(_) => change.status = "failed",
        }
        drop(journal);
        self.record.change(change);
        result.map(|_| ())
    }
}

fn file_record(
    action: &'static str,
    resolved: &str,
    before: String,
    after: String,
) -> ChangeRecord {
    ChangeRecord {
        action,
        target: format!("file:{resolved}"),
        status: if before == after {
            "unchanged"
        } else {
            "planned"
        },
        before,
        after,
        docker_run: None,
        detail: None,
    }
}

impl file_admin::Host for AdminView<'_> {
    async fn chmod(&mut self, path: String, mode: u32) -> Result<(), WitError> {
        check(self.grants, self.record, Call::Chmod, &(&path, Mode(mode)))?;
        // A control may only change what it may read, and only the target it was asked
        // to fix.
        let rel = scoped(self.fs, self.grants, self.record, Call::Chmod, &path, true)?;
        self.on_target(Call::Chmod, &rel, &(&path, Mode(mode)))?;
        let mode = mode & 0o7777;
        let before = self.fs.mode_of(&path, &rel)?;
        if mode & !before != 0 {
            return Err(WitError::Invalid(format!(
                "chmod {mode:04o} {path} would add permission bits to {before:04o}; \
                 bulkhead only tightens"
            )));
        }
        let resolved = host_path(&rel);
        let change = file_record(
            "chmod",
            &resolved,
            format!("{before:04o}"),
            format!("{mode:04o}"),
        );
        if before == mode {
            return self.keep(change);
        }
        let fs = self.fs;
        let journaled = Change::Chmod {
            path: resolved,
            before,
            after: mode,
        };
        self.file_change(change, journaled, || {
            fs.set_mode(&path, &rel, mode).map(|()| None)
        })
        .await
    }
}

impl ownership_admin::Host for AdminView<'_> {
    async fn chown(
        &mut self,
        path: String,
        uid: Option<u32>,
        gid: Option<u32>,
    ) -> Result<(), WitError> {
        let args = (&path, uid, gid);
        check(self.grants, self.record, Call::Chown, &args)?;
        let rel = scoped(self.fs, self.grants, self.record, Call::Chown, &path, true)?;
        self.on_target(Call::Chown, &rel, &args)?;
        let (uid_before, gid_before, mode) = self.fs.owner_of(&path, &rel)?;
        let before = Ids {
            uid: uid_before,
            gid: gid_before,
        };
        let after = Ids {
            uid: uid.unwrap_or(before.uid),
            gid: gid.unwrap_or(before.gid),
        };
        // Handing a file to root takes access from nobody but its old owner.
        if (after.uid != before.uid && after.uid != 0)
            || (after.gid != before.gid && after.gid != 0)
        {
            return Err(WitError::Invalid(format!(
                "chown {after} {path} would hand it to an owner other than root (it is {before}); \
                 bulkhead only hands files to user 0 and group 0"
            )));
        }
        let resolved = host_path(&rel);
        let change = file_record("chown", &resolved, before.to_string(), after.to_string());
        if before == after {
            return self.keep(change);
        }
        let fs = self.fs;
        let journaled = Change::Chown {
            path: resolved,
            before,
            after,
            mode,
        };
        let changed = |old: u32, new: u32| (old != new).then_some(new);
        let make = || {
            fs.set_owner(
                &path,
                &rel,
                changed(before.uid, after.uid),
                changed(before.gid, after.gid),
            )?;
            // The chown is made: what follows only describes it.
            Ok(match fs.owner_of(&path, &rel) {
                Ok((_, _, now)) if now == mode => None,
                Ok((_, _, now)) => Some(format!(
                    "the kernel cleared set-id bits on the chown: mode {mode:04o} -> {now:04o}; \
                     rollback restores them"
                )),
                Err(e) => Some(format!("cannot read the mode back: {e:?}")),
            })
        };
        self.file_change(change, journaled, make).await
    }
}

impl container_admin::Host for AdminView<'_> {
    async fn replace_container(
        &mut self,
        name: String,
        change: Tightening,
    ) -> Result<String, WitError> {
        let args = (&name, &change);
        check(self.grants, self.record, Call::ReplaceContainer, &args)?;
        if self.grants.change_target() != Some(&FixTarget::Container(name.clone())) {
            return Err(self.off_target(
                Call::ReplaceContainer,
                format!("container:{name}"),
                &args,
            ));
        }
        let snapshot = self.docker.snapshot().await?;
        let container = snapshot
            .containers()
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .ok_or(WitError::NotFound)?;
        let cap_drop = replace::tightened_cap_drop(&container.cap_drop, &change.cap_drop)
            .map_err(WitError::Invalid)?;
        let inspect: Value = snapshot
            .inspect_value(&container.id)
            .cloned()
            .ok_or(WitError::NotFound)?;
        let mut record = ChangeRecord {
            action: "replace-container",
            target: format!("container:{name}"),
            before: format!("CapDrop={:?}", container.cap_drop),
            after: String::new(),
            docker_run: None,
            status: "unchanged",
            detail: None,
        };
        let Some(cap_drop) = cap_drop else {
            self.keep(record)?;
            return Ok(container.id);
        };
        record.after = format!("CapDrop={cap_drop:?}");
        record.docker_run = Some(replace::docker_run_line(&inspect, &cap_drop));
        record.status = "planned";
        let admin = self.admin;
        let AdminMode::Apply(journal) = &admin.mode else {
            self.keep(record)?;
            return Ok(container.id);
        };
        self.admit(&record)?;
        let outcome =
            apply_replace(admin, journal, self.docker, &name, &container.id, &cap_drop).await;
        match &outcome {
            Ok(_) => record.status = "applied",
            Err(Skip(why)) => {
                record.status = "skipped";
                record.detail = Some(why.clone());
            }
            Err(Failed(why)) => {
                record.status = "failed";
                record.detail = Some(why.clone());
            }
        }
        self.record.change(record);
        match outcome {
            Ok(id) => Ok(id),
            Err(Skip(why) | Failed(why)) => Err(WitError::Unavailable(why)),
        }
    }
}

/// Why a replacement did not happen.
enum NotApplied {
    /// The target changed since the audit: left alone.
    Skip(String),
    /// Something failed; what was done was undone where possible.
    Failed(String),
}
use NotApplied::{Failed, Skip};

async fn apply_replace(
    admin: &AdminCtx,
    journal: &Mutex<Journal>,
    docker_ctx: &DockerCtx,
    name: &str,
    audited_id: &str,
    cap_drop: &[String],
) -> Result<String, NotApplied> {
    let docker = connect(docker_ctx.endpoint()).await.map_err(Failed)?;
    let current = replace::inspect(&docker, name).await.map_err(Failed)?;
    let Some(current) = current.filter(|c| c["Id"] == audited_id) else {
        return Err(Skip(format!(
            "container {name} changed since the audit (it is no longer {}); not replaced",
            &audited_id[..audited_id.len().min(12)]
        )));
    };
    let (body, networks) = replace::copy_body(&current, cap_drop).map_err(Failed)?;
    let was_running = current["State"]["Running"].as_bool().unwrap_or(false);
    let mut journal = journal.lock().await;
    let backup_name = format!("{name}.bulkhead-backup-{}", journal.run_id);
    let seq = journal
        .intent(Change::ReplaceContainer {
            name: name.to_owned(),
            original_id: audited_id.to_owned(),
            backup_name: backup_name.clone(),
            was_running,
            restart_policy: current["HostConfig"]["RestartPolicy"].clone(),
            cap_drop: cap_drop.to_vec(),
        })
        .map_err(|e| Failed(format!("cannot write the journal, nothing changed: {e}")))?;
    let policy = current["HostConfig"]["RestartPolicy"].clone();
    // Undo a half-done replacement at once, so a failure leaves the original in place.
    let undo = |created: Option<String>| {
        let docker = docker.clone();
        let policy = policy.clone();
        async move {
            if let Some(id) = created {
                let _ = replace::remove(&docker, &id).await;
            }
            let _ = replace::rename(&docker, audited_id, name).await;
            let _ = replace::set_restart_policy(&docker, audited_id, &policy).await;
            if was_running {
                let _ = replace::start(&docker, audited_id).await;
            }
        }
    };
    if let Err(e) = replace::retire_original(&docker, audited_id, &backup_name).await {
        undo(None).await;
        return Err(Failed(format!("{e}; the original was restored")));
    }
    let step = |s: String| Line::Progress { seq, step: s };
    let _ = journal.append(&step("retired".to_owned()));
    let new_id = match replace::create_copy(&docker, name, body, &networks).await {
        Ok(id) => id,
        Err(e) => {
            undo(None).await;
            return Err(Failed(format!("{e}; the original was restored")));
        }
    };
    let _ = journal.append(&step(format!("created {new_id}")));
    if was_running && let Err(e) = replace::start(&docker, &new_id).await {
        undo(Some(new_id)).await;
        return Err(Failed(format!("{e}; the original was restored")));
    }
    journal.append(&Line::Done { seq }).map_err(|e| {
        Failed(format!(
            "replaced, but the journal could not record it: {e}"
        ))
    })?;
    admin.applied_one();
    Ok(new_id)
}

struct AdminCap;

impl HasData for AdminCap {
    type Data<'a> = AdminView<'a>;
}

/// Add the `file-admin`, `ownership-admin` and `container-admin` interfaces to `linker`.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    fn view(s: &mut HostState) -> AdminView<'_> {
        AdminView {
            fs: &s.run.fs,
            docker: &s.run.docker,
            admin: &s.run.admin,
            grants: &s.grants,
            record: &mut s.record,
        }
    }
    file_admin::add_to_linker::<HostState, AdminCap>(linker, view)?;
    ownership_admin::add_to_linker::<HostState, AdminCap>(linker, view)?;
    container_admin::add_to_linker::<HostState, AdminCap>(linker, view)
}
