//! The `container-admin` capability: replace the container the fix was asked for by a
//! copy that only adds `CapDrop` entries, journaled so that `rollback` can put the
//! original back ([`super::admin`]).

use wasmtime::component::Linker;

use super::admin::{AdminCap, AdminView};
use serde_json::Value;
use tokio::sync::Mutex;

use super::admin::{AdminCtx, AdminMode};
use super::check;
use crate::fix::journal::{Change, Journal, Line};
use crate::fix::replace;
use crate::report::status::ChangeStatus;
use crate::sandbox::bindings::container_admin::{self, Tightening};
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::{Call, FixTarget};
use crate::sandbox::record::ChangeRecord;
use crate::sources::docker::{DockerCtx, connect};

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
            .document_by_id(&container.id)
            .map(|doc| doc.root().to_value())
            .ok_or(WitError::NotFound)?;
        let mut record = ChangeRecord {
            action: "replace-container",
            target: format!("container:{name}"),
            before: format!("CapDrop={:?}", container.cap_drop),
            after: String::new(),
            docker_run: None,
            status: ChangeStatus::Unchanged,
            detail: None,
        };
        let Some(cap_drop) = cap_drop else {
            self.keep(record)?;
            return Ok(container.id);
        };
        record.after = format!("CapDrop={cap_drop:?}");
        record.docker_run = Some(replace::docker_run_line(&inspect, &cap_drop));
        record.status = ChangeStatus::Planned;
        let admin = self.admin;
        let AdminMode::Apply(journal) = &admin.mode else {
            self.keep(record)?;
            return Ok(container.id);
        };
        self.admit(&record)?;
        let outcome =
            apply_replace(admin, journal, self.docker, &name, &container.id, &cap_drop).await;
        match &outcome {
            Ok(_) => record.status = ChangeStatus::Applied,
            Err(Skip(why)) => {
                record.status = ChangeStatus::Skipped;
                record.detail = Some(why.clone());
            }
            Err(Failed(why)) => {
                record.status = ChangeStatus::Failed;
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

/// Add `container-admin` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> AdminView<'_>,
) -> wasmtime::Result<()> {
    container_admin::add_to_linker::<T, AdminCap>(linker, view)
}
