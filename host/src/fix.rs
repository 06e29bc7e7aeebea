//! `bulkhead fix` (plan, or apply with a journal) and `bulkhead rollback`.
//!
//! `fix` audits, then asks each failing control's `remediate(target)` for its fix. The
//! changes it requests through the mutating capabilities are recorded (plan) or made
//! with a write-ahead journal (`--apply`); after applying, the touched targets are
//! audited again. `rollback` reads a run's journal and undoes its changes in reverse,
//! skipping what never happened or changed since, so it is safe to run twice and after
//! a crash.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use crate::app::{self, Mode, Session, audit_all, session};
use crate::bindings::types::{Status, Target};
use crate::caps::docker::{self, connect};
use crate::caps::fs::FsCtx;
use crate::catalog::Control;
use crate::cli::{FixArgs, Format, RollbackArgs};
use crate::config::Config;
use crate::grants::Grants;
use crate::human::{self, clean};
use crate::journal::{self, Change, Ids, Journal, Line, RecordedChange};
use crate::pattern::glob;
use crate::replace;
use crate::report::{ResultEntry, WaiverNote, status_str, target_string};
use crate::runner::CallOutcome;
use crate::scope;
use crate::state::ChangeRecord;

/// One control's answer for one target.
#[derive(Debug, Serialize)]
struct Fixed {
    control: String,
    target: String,
    /// `ok`, `error`, or `skipped` (an active waiver covers the target, or
    /// `--fix-timeout` passed before its turn).
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// The waiver that kept this target from being fixed.
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<WaiverNote>,
    changes: Vec<ChangeRecord>,
}

/// The `fix` report.
#[derive(Debug, Serialize)]
struct FixReport {
    schema: &'static str,
    /// `plan` or `apply`.
    mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_id: Option<String>,
    root: String,
    docker_host: String,
    fixes: Vec<Fixed>,
    /// After `--apply`: the touched targets audited again.
    reaudit: Vec<ResultEntry>,
}

/// `bulkhead fix`.
pub async fn fix(args: &FixArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    if args.apply && app::audit_only(&args.sel.settings)? {
        bail!(
            "refusing fix --apply: the audit-only lockdown is on (--audit-only, \
             BULKHEAD_AUDIT_ONLY or audit_only in the configuration); run `bulkhead fix` \
             without --apply to see the plan"
        );
    }
    let mode = if args.apply {
        Mode::Apply(args.journal.clone())
    } else {
        Mode::Plan
    };
    let format = app::listing_format(&args.sel, args.format)?;
    let s = session(&args.sel, mode, format).await?;
    // Computed once: the audit and every remediate call share the same read scope.
    let dockerd_paths = app::dockerd_paths(&s);
    let outcomes = audit_all(&s, &dockerd_paths).await?;

    let mut fixes = Vec::new();
    let mut errors = 0;
    let mut ledger = app::waivers(&s);
    let mut ran = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(args.fix_timeout);
    for (control, outcome) in s.selected.iter().zip(outcomes) {
        let findings = match outcome.result {
            Ok(findings) => findings,
            Err(reason) => {
                errors += 1;
                human::warn(format_args!(
                    "{} could not audit: {reason}",
                    control.meta.id
                ));
                continue;
            }
        };
        ran.push(control.meta.id.as_str());
        let mut todo = Vec::new();
        for finding in findings {
            let target = target_string(&finding.target);
            let waiver = ledger.judge(&control.meta.id, &target, status_str(finding.status));
            if finding.status != Status::Fail
                || (!args.targets.is_empty() && !args.targets.iter().any(|p| glob(p, &target)))
            {
                continue;
            }
            if let Some(waiver) = waiver.filter(|w| w.active) {
                fixes.push(Fixed {
                    control: control.meta.id.clone(),
                    target,
                    status: "skipped",
                    error: None,
                    reason: None,
                    waiver: Some(waiver),
                    changes: Vec::new(),
                });
                continue;
            }
            // Remediate takes only the target: one call per target, so that the calls
            // that run at once never touch the same thing.
            if !todo.iter().any(|(t, _)| *t == target) {
                todo.push((target, finding.target));
            }
        }
        let done = remediate_all(&s, control, &dockerd_paths, todo, deadline, args).await;
        errors += done.iter().filter(|f| f.counts_as_error()).count();
        fixes.extend(done);
    }
    for notice in ledger.finish(&app::known_ids(&s), &ran) {
        human::warn(notice);
    }

    let run_id = s.runner.run().admin.run_id().await;
    let reaudit = if args.apply {
        reaudit(args, &s, &fixes).await?
    } else {
        Vec::new()
    };
    let report = FixReport {
        schema: "bulkhead.fix/v1",
        mode: if args.apply { "apply" } else { "plan" },
        run_id,
        root: s.root.clone(),
        docker_host: s.docker_host.clone(),
        fixes,
        reaudit,
    };
    match s.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Table => write_fix(&report, out)?,
    }
    Ok(if errors > 0 {
        2
    } else if report.reaudit.iter().any(|r| r.status == "fail") {
        1
    } else {
        0
    })
}

impl Fixed {
    /// Whether it makes `fix` exit 2: an error, a change that failed or was refused, or
    /// a target left unfixed for lack of time.
    fn counts_as_error(&self) -> bool {
        self.error.is_some()
            || (self.status == "skipped" && self.waiver.is_none())
            || self
                .changes
                .iter()
                .any(|c| matches!(c.status, "failed" | "denied"))
    }
}

/// Remediate calls at once for the targets of one control.
const FIX_CONCURRENCY: usize = 8;

/// Ask `control` to fix each of `todo` (target string, target), up to
/// [`FIX_CONCURRENCY`] at once, each under the per-call deadline; none starts after
/// `deadline` (`--fix-timeout`). Answers in `todo` order.
async fn remediate_all(
    s: &Session,
    control: &Control,
    dockerd_paths: &[String],
    todo: Vec<(String, Target)>,
    deadline: Instant,
    args: &FixArgs,
) -> Vec<Fixed> {
    use futures::StreamExt;
    let reads = scope::scope_for(&control.meta.reads, dockerd_paths);
    let one = |(target, finding_target): (String, Target)| {
        let reads = reads.clone();
        async move {
            let id = control.meta.id.clone();
            if Instant::now() >= deadline {
                return Fixed {
                    control: id,
                    target,
                    status: "skipped",
                    error: None,
                    reason: Some(format!(
                        "not started: --fix-timeout of {} s passed; nothing changed",
                        args.fix_timeout
                    )),
                    waiver: None,
                    changes: Vec::new(),
                };
            }
            let grants = Grants::remediate(reads, &finding_target);
            let outcome = match control.pre().await {
                Ok(pre) => {
                    s.runner
                        .remediate(pre, grants, control.uses_docker(), finding_target)
                        .await
                }
                Err(reason) => CallOutcome::not_made(format!("cannot load: {reason}")),
            };
            let error = match outcome.result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(format!("remediate refused: {}", describe(&e))),
                Err(reason) => Some(format!("control failed: {reason}")),
            };
            Fixed {
                control: id,
                target,
                status: if error.is_some() { "error" } else { "ok" },
                error,
                reason: None,
                waiver: None,
                changes: outcome.record.changes,
            }
        }
    };
    futures::stream::iter(todo)
        .map(one)
        .buffered(FIX_CONCURRENCY)
        .collect()
        .await
}

fn describe(e: &crate::bindings::types::Error) -> String {
    use crate::bindings::types::Error as E;
    match e {
        E::Denied => "denied".to_owned(),
        E::NotFound => "not found".to_owned(),
        E::Invalid(m) | E::Unavailable(m) | E::Other(m) => m.clone(),
    }
}

/// Audit again, on a fresh snapshot, the controls that changed something, and keep the
/// results for the targets they touched.
async fn reaudit(args: &FixArgs, s: &Session, fixes: &[Fixed]) -> anyhow::Result<Vec<ResultEntry>> {
    let touched: Vec<&Fixed> = fixes
        .iter()
        .filter(|f| f.changes.iter().any(|c| c.status == "applied"))
        .collect();
    if touched.is_empty() {
        return Ok(Vec::new());
    }
    let mut sel_only: Vec<String> = touched.iter().map(|f| f.control.clone()).collect();
    sel_only.dedup();
    let fresh = session(
        &crate::cli::Selection {
            only: sel_only,
            skip: Vec::new(),
            plugin_dirs: args.sel.plugin_dirs.clone(),
            root: args.sel.root.clone(),
            proc: args.sel.proc.clone(),
            docker_hosts: vec![s.docker_host.clone()],
            tlscacert: args.sel.tlscacert.clone(),
            tlscert: args.sel.tlscert.clone(),
            tlskey: args.sel.tlskey.clone(),
            timeout: args.sel.timeout,
            settings: args.sel.settings.clone(),
        },
        Mode::Audit,
        s.format,
    )
    .await?;
    let outcomes = audit_all(&fresh, &app::dockerd_paths(&fresh)).await?;
    let mut report =
        crate::report::Report::new("audit", fresh.root.clone(), fresh.docker_host.clone());
    for (control, outcome) in fresh.selected.iter().zip(outcomes) {
        report.add_run(control, outcome);
    }
    Ok(report
        .results
        .into_iter()
        .filter(|r| {
            touched
                .iter()
                .any(|f| f.control == r.control && f.target == r.target)
        })
        .collect())
}

fn write_fix(r: &FixReport, out: &mut dyn Write) -> std::io::Result<()> {
    match &r.run_id {
        None => writeln!(
            out,
            "Plan (dry run: nothing was changed; add --apply to make these changes)"
        )?,
        Some(id) => writeln!(
            out,
            "Applied, run {id} (undo with `bulkhead rollback {id}`)"
        )?,
    }
    if r.fixes.is_empty() {
        writeln!(out, "nothing to fix: no failing target")?;
    }
    for f in &r.fixes {
        let (control, target) = (clean(&f.control), clean(&f.target));
        if let Some(e) = &f.error {
            writeln!(out, "ERROR    {control}  {target}  {}", clean(e))?;
        }
        if let Some(w) = &f.waiver {
            writeln!(
                out,
                "SKIPPED  {control}  {target}  waived until {}: {}",
                clean(&w.expires),
                clean(&w.justification)
            )?;
        } else if let Some(why) = &f.reason {
            writeln!(out, "SKIPPED  {control}  {target}  {}", clean(why))?;
        }
        for c in &f.changes {
            if c.status == "denied" {
                writeln!(
                    out,
                    "DENIED   {control}  {}  {} {} ({})",
                    clean(&c.target),
                    c.action,
                    clean(&c.after),
                    clean(c.detail.as_deref().unwrap_or_default())
                )?;
                continue;
            }
            writeln!(
                out,
                "{:<8} {control}  {}  {}: {} -> {}{}",
                c.status.to_uppercase(),
                clean(&c.target),
                c.action,
                clean(&c.before),
                clean(&c.after),
                c.detail
                    .as_deref()
                    .map(|d| format!(" ({})", clean(d)))
                    .unwrap_or_default()
            )?;
            if let Some(line) = &c.docker_run {
                writeln!(out, "         equivalent: {}", clean(line))?;
            }
        }
    }
    for res in &r.reaudit {
        writeln!(
            out,
            "re-audit {}  {}  {}: {}",
            res.status.to_uppercase(),
            clean(&res.control),
            clean(&res.target),
            clean(&res.message)
        )?;
    }
    Ok(())
}

/// One change as rollback saw it.
#[derive(Debug, Serialize)]
struct Undone {
    seq: u32,
    target: String,
    /// `restored`, `nothing-to-undo`, `skipped` or `failed`.
    status: &'static str,
    detail: String,
}

/// `bulkhead rollback`.
pub async fn rollback(args: &RollbackArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    if app::audit_only(&args.settings)? {
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
            ("nothing-to-undo", "already rolled back".to_owned())
        } else {
            match &change.change {
                Change::Chmod { .. } => undo_chmod(&fs, change),
                Change::Chown { .. } => undo_chown(&fs, change),
                Change::ReplaceContainer { .. } => undo_replace(&run.docker_host, change).await,
            }
        };
        if matches!(status, "restored" | "nothing-to-undo") && !change.undone {
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
        .any(|r| matches!(r.status, "failed" | "skipped"));
    match Config::load(args.settings.config.as_deref())?
        .defaults
        .format(args.format)
    {
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
                    r.status.to_uppercase(),
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

fn undo_chmod(fs: &FsCtx, change: &RecordedChange) -> (&'static str, String) {
    let Change::Chmod {
        path,
        before,
        after,
    } = &change.change
    else {
        unreachable!("called for chmod changes only");
    };
    let current = match fs
        .resolve(path, true)
        .and_then(|rel| fs.mode_of(path, &rel).map(|m| (rel, m)))
    {
        Ok(found) => found,
        Err(e) => return ("failed", format!("cannot read {path}: {e:?}")),
    };
    let (rel, mode) = current;
    if mode == *before {
        return (
            "nothing-to-undo",
            format!("mode is {before:04o}, as before the fix"),
        );
    }
    if mode != *after {
        return (
            "skipped",
            format!(
                "mode is now {mode:04o}, neither {before:04o} nor {after:04o}: changed since; not forced"
            ),
        );
    }
    match fs.set_mode(path, &rel, *before) {
        Ok(()) => ("restored", format!("mode {after:04o} -> {before:04o}")),
        Err(e) => ("failed", format!("chmod: {e:?}")),
    }
}

fn undo_chown(fs: &FsCtx, change: &RecordedChange) -> (&'static str, String) {
    let Change::Chown {
        path,
        before,
        after,
        mode,
    } = &change.change
    else {
        unreachable!("called for chown changes only");
    };
    let (rel, now) = match fs
        .resolve(path, true)
        .and_then(|rel| fs.owner_of(path, &rel).map(|o| (rel, o)))
    {
        Ok(found) => found,
        Err(e) => return ("failed", format!("cannot read {path}: {e:?}")),
    };
    let (uid, gid, now_mode) = now;
    let owner = Ids { uid, gid };
    if owner == *before {
        return (
            "nothing-to-undo",
            format!("owner is {before}, as before the fix"),
        );
    }
    if owner != *after {
        return (
            "skipped",
            format!(
                "owner is now {owner}, neither {before} nor {after}: changed since; not forced"
            ),
        );
    }
    // A chown clears set-id bits at most (ours, or the one back); any other mode means
    // someone changed it since, and it is left alone.
    let untouched = now_mode == *mode || now_mode == mode & !0o6000;
    let changed = |old: u32, new: u32| (old != new).then_some(old);
    if let Err(e) = fs.set_owner(
        path,
        &rel,
        changed(before.uid, after.uid),
        changed(before.gid, after.gid),
    ) {
        return ("failed", format!("chown: {e:?}"));
    }
    let restored = format!("owner {after} -> {before}");
    match fs.owner_of(path, &rel) {
        Ok((_, _, m)) if m == *mode => ("restored", restored),
        Ok(_) if untouched => match fs.set_mode(path, &rel, *mode) {
            Ok(()) => ("restored", format!("{restored}, mode {mode:04o} again")),
            Err(e) => ("failed", format!("{restored}, but chmod {mode:04o}: {e:?}")),
        },
        Ok((_, _, m)) => (
            "restored",
            format!(
                "{restored}; mode is {m:04o}, not {mode:04o} as before the fix: changed since; not forced"
            ),
        ),
        Err(e) => (
            "failed",
            format!("{restored}, but cannot read it back: {e:?}"),
        ),
    }
}

async fn undo_replace(docker_host: &str, change: &RecordedChange) -> (&'static str, String) {
    let Change::ReplaceContainer {
        name,
        original_id,
        was_running,
        restart_policy,
        ..
    } = &change.change
    else {
        unreachable!("called for container changes only");
    };
    // The journal keeps the URL; TLS files come from the environment, as for the CLI.
    let endpoint = docker::endpoints(
        &[docker_host.to_owned()],
        &docker::TlsFlags::default(),
        &|name| std::env::var(name).ok(),
        None,
    )
    .map(|mut e| e.remove(0))
    .unwrap_or_else(|_| docker::Endpoint::plain(docker_host.to_owned()));
    let docker = match connect(&endpoint).await {
        Ok(d) => d,
        Err(e) => {
            return (
                "failed",
                format!("cannot reach the Docker daemon at {docker_host}: {e}"),
            );
        }
    };
    let original = match replace::inspect(&docker, original_id).await {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            return (
                "failed",
                format!("the original container {original_id} is gone"),
            );
        }
        Err(e) => return ("failed", e),
    };
    let created: Option<&str> = change.steps.iter().find_map(|s| s.strip_prefix("created "));
    let holder = match replace::inspect(&docker, name).await {
        Ok(h) => h,
        Err(e) => return ("failed", e),
    };
    let mut did = Vec::new();
    if let Some(holder) = holder.filter(|h| h["Id"] != original_id.as_str()) {
        let ours = match created {
            Some(id) => holder["Id"] == id,
            // Created but not yet journaled: the copy runs the original's image.
            None => holder["Config"]["Image"] == original["Config"]["Image"],
        };
        if !ours {
            return (
                "skipped",
                format!("a container bulkhead did not create holds the name {name}; not removed"),
            );
        }
        if let Err(e) = replace::remove(&docker, holder["Id"].as_str().unwrap_or_default()).await {
            return ("failed", e);
        }
        did.push("removed the copy");
    }
    if original["Name"].as_str().map(|n| n.trim_start_matches('/')) != Some(name.as_str()) {
        if let Err(e) = replace::rename(&docker, original_id, name).await {
            return ("failed", e);
        }
        did.push("renamed the original back");
    }
    if let Err(e) = replace::set_restart_policy(&docker, original_id, restart_policy).await {
        return ("failed", e);
    }
    let running = original["State"]["Running"].as_bool().unwrap_or(false);
    if *was_running && !running {
        if let Err(e) = replace::start(&docker, original_id).await {
            return ("failed", e);
        }
        did.push("started the original");
    }
    if did.is_empty() {
        (
            "nothing-to-undo",
            "the original holds its name and state".to_owned(),
        )
    } else {
        ("restored", did.join(", "))
    }
}
