//! `bulkhead rollback`: read a run's journal and undo its changes in reverse,
//! skipping what never happened or changed since ([`crate::fix::undo`]), so it is safe
//! to run twice and after a crash.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::fix::journal::{self, Change, Journal, Line};
use crate::fix::undo;
use crate::report::status::UndoStatus;
use crate::report::target_string;
use crate::sandbox::bindings::types::Target;
use crate::settings;
use crate::settings::cli::{Format, RollbackArgs};
use crate::sources::root::FsCtx;
use crate::util::human::clean;

/// One change as rollback saw it.
#[derive(Debug, Serialize)]
struct Undone {
    seq: u32,
    target: String,
    /// `restored`, `nothing-to-undo`, `skipped` or `failed`.
    status: UndoStatus,
    detail: String,
}

/// `bulkhead rollback`.
pub async fn rollback(args: &RollbackArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let (config, audit_only) = settings::lockdown(&args.settings)?;
    if audit_only {
        bail!(
            "refusing rollback: the audit-only lockdown is on (--audit-only, \
             BULKHEAD_AUDIT_ONLY or audit_only in the configuration)"
        );
    }
    let path = journal::find(&args.journal, args.run_id.as_deref())?;
    let run = journal::read(&path)?;
    let fs = FsCtx::open(Path::new(&run.root))
        .with_context(|| format!("cannot open the journal's root {}", run.root))?;
    let mut journal = Journal::reopen(&path)?;
    let mut results = Vec::new();
    for change in run.changes.iter().rev() {
        let (status, detail) = if change.undone {
            (UndoStatus::NothingToUndo, "already rolled back".to_owned())
        } else {
            match &change.change {
                Change::Chmod { .. } => undo::chmod(&fs, change),
                Change::Chown { .. } => undo::chown(&fs, change),
                Change::ReplaceContainer { .. } => undo::replace(&run.docker_host, change).await,
            }
        };
        if matches!(status, UndoStatus::Restored | UndoStatus::NothingToUndo) && !change.undone {
            journal.append(&Line::Undone { seq: change.seq })?;
        }
        results.push(Undone {
            seq: change.seq,
            target: target_of(&change.change),
            status,
            detail,
        });
    }
    let failed = results
        .iter()
        .any(|r| matches!(r.status, UndoStatus::Failed | UndoStatus::Skipped));
    match config.defaults.format(args.format) {
        Format::Json => {
            let doc = serde_json::json!({
                "schema": "bulkhead.rollback/v1",
                "run_id": run.run_id,
                "root": run.root,
                "docker_host": run.docker_host,
                "changes": results,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        Format::Table => {
            writeln!(out, "Rollback of run {}", clean(&run.run_id))?;
            for r in &results {
                writeln!(
                    out,
                    "{:<16} {}  {}",
                    r.status.as_str().to_uppercase(),
                    clean(&r.target),
                    clean(&r.detail)
                )?;
            }
        }
    }
    Ok(if failed { 2 } else { 0 })
}

fn target_of(change: &Change) -> String {
    match change {
        Change::Chmod { path, .. } | Change::Chown { path, .. } => {
            target_string(&Target::File(path.clone()))
        }
        Change::ReplaceContainer { name, .. } => target_string(&Target::Container(name.clone())),
    }
}
