//! `bulkhead fix`: plan, or apply with a journal.
//!
//! `fix` audits, then asks each failing control's `remediate(target)` for its fix. The
//! changes it requests through the mutating capabilities are recorded (plan) or made
//! with a write-ahead journal (`--apply`); after applying, the touched targets are
//! audited again. `bulkhead rollback` ([`super::rollback`]) undoes an applied run.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::bail;
use serde::Serialize;

use crate::engine::{Engine, Mode};
use crate::report::status::{ChangeStatus, FixStatus, Verdict};
use crate::report::{ResultEntry, WaiverNote, target_string};
use crate::sandbox::bindings::types::{Status, Target};
use crate::sandbox::catalog::Control;
use crate::sandbox::grants::Grants;
use crate::sandbox::record::ChangeRecord;
use crate::sandbox::scope;
use crate::settings::cli::{FixArgs, Format};
use crate::settings::{self, Settings};
use crate::util::human::{self, clean};
use crate::util::pattern::glob;

/// One control's answer for one target.
#[derive(Debug, Serialize)]
struct Fixed {
    control: String,
    target: String,
    /// `ok`, `error`, or `skipped` (an active waiver covers the target, or
    /// `--fix-timeout` passed before its turn).
    status: FixStatus,
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
    let (config, audit_only) = settings::lockdown(&args.sel.settings)?;
    if args.apply && audit_only {
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
    let format = config.defaults.format(args.format);
    let settings = Settings::with_config(&args.sel, config, audit_only)?;
    let s = Engine::load(settings, mode, format == Format::Table).await?;
    // Computed once: the audit and every remediate call share the same read scope.
    let dockerd_paths = s.dockerd_paths().await;
    let outcomes = s.audit(&dockerd_paths).await?;

    let mut fixes = Vec::new();
    let mut errors = 0;
    let mut ledger = s.waivers();
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
            let waiver = ledger.judge(&control.meta.id, &target, finding.status.into());
            if finding.status != Status::Fail
                || (!args.targets.is_empty() && !args.targets.iter().any(|p| glob(p, &target)))
            {
                continue;
            }
            if let Some(waiver) = waiver.filter(|w| w.active) {
                fixes.push(Fixed {
                    control: control.meta.id.clone(),
                    target,
                    status: FixStatus::Skipped,
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
    for notice in ledger.finish(&s.known_ids(), &ran) {
        human::warn(notice);
    }

    let run_id = s.runner().run().admin.run_id().await;
    let reaudit = if args.apply {
        reaudit(&s, &fixes).await?
    } else {
        Vec::new()
    };
    let report = FixReport {
        schema: "bulkhead.fix/v1",
        mode: if args.apply { "apply" } else { "plan" },
        run_id,
        root: s.root().to_owned(),
        docker_host: s.docker_host().to_owned(),
        fixes,
        reaudit,
    };
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Table => write_fix(&report, out)?,
    }
    Ok(report.exit_code(errors))
}

impl FixReport {
    /// 2 when `errors` answers could not be made as asked, else 1 when a re-audited
    /// target still fails, else 0.
    fn exit_code(&self, errors: usize) -> u8 {
        if errors > 0 {
            2
        } else if self.reaudit.iter().any(|r| r.status == Verdict::Fail) {
            1
        } else {
            0
        }
    }
}

impl Fixed {
    /// Whether it makes `fix` exit 2: an error, a change that failed or was refused, or
    /// a target left unfixed for lack of time.
    fn counts_as_error(&self) -> bool {
        self.error.is_some()
            || (self.status == FixStatus::Skipped && self.waiver.is_none())
            || self
                .changes
                .iter()
                .any(|c| matches!(c.status, ChangeStatus::Failed | ChangeStatus::Denied))
    }
}

/// Remediate calls at once for the targets of one control.
const FIX_CONCURRENCY: usize = 8;

/// Ask `control` to fix each of `todo` (target string, target), up to
/// [`FIX_CONCURRENCY`] at once, each under the per-call deadline; none starts after
/// `deadline` (`--fix-timeout`). Answers in `todo` order.
async fn remediate_all(
    s: &Engine,
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
                    status: FixStatus::Skipped,
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
            let outcome = s.remediate(control, grants, finding_target).await;
            let error = match outcome.result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(format!("remediate refused: {}", describe(&e))),
                Err(reason) => Some(format!("control failed: {reason}")),
            };
            Fixed {
                control: id,
                target,
                status: if error.is_some() {
                    FixStatus::Error
                } else {
                    FixStatus::Ok
                },
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

fn describe(e: &crate::sandbox::bindings::types::Error) -> String {
    use crate::sandbox::bindings::types::Error as E;
    match e {
        E::Denied => "denied".to_owned(),
        E::NotFound => "not found".to_owned(),
        E::Invalid(m) | E::Unavailable(m) | E::Other(m) => m.clone(),
    }
}

/// Audit again, on a fresh snapshot, the controls that changed something, and keep the
/// results for the targets they touched.
async fn reaudit(s: &Engine, fixes: &[Fixed]) -> anyhow::Result<Vec<ResultEntry>> {
    let touched: Vec<&Fixed> = fixes
        .iter()
        .filter(|f| f.changes.iter().any(|c| c.status == ChangeStatus::Applied))
        .collect();
    if touched.is_empty() {
        return Ok(Vec::new());
    }
    // The settings this command resolved (the file is not read again), narrowed to the
    // controls that changed something, on the daemon they changed.
    let mut settings = s.settings.clone();
    settings.only = touched.iter().map(|f| f.control.clone()).collect();
    settings.only.dedup();
    settings.only_origin = "--only".to_owned();
    settings.skip.clear();
    settings.endpoints.truncate(1);
    // Said once already, when the command began.
    settings.warnings.clear();
    let fresh = Engine::load(settings, Mode::Audit, s.progress()).await?;
    let outcomes = fresh.audit(&fresh.dockerd_paths().await).await?;
    let mut report = crate::report::Report::new(
        "audit",
        fresh.root().to_owned(),
        fresh.docker_host().to_owned(),
    );
    for (control, outcome) in fresh.selected.iter().zip(outcomes) {
        report.add_run(control, outcome);
    }
    Ok(report
        .results
        .into_iter()
        .filter(|r| {
            touched
                .iter()
                .any(|f| *f.control == *r.control && *f.target == *r.target)
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
            if c.status == ChangeStatus::Denied {
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
                c.status.as_str().to_uppercase(),
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
            res.status.as_str().to_uppercase(),
            clean(&res.control),
            clean(&res.target),
            clean(&res.message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    use super::*;

    fn change(status: ChangeStatus) -> ChangeRecord {
        ChangeRecord {
            action: "chmod",
            target: "file:/etc/docker/key.pem".into(),
            before: "0644".into(),
            after: "0400".into(),
            docker_run: None,
            status,
            detail: None,
        }
    }

    fn fixed(status: FixStatus, changes: Vec<ChangeRecord>) -> Fixed {
        Fixed {
            control: "docker-tls-key-permissions".into(),
            target: "file:/etc/docker/key.pem".into(),
            status,
            error: None,
            reason: None,
            waiver: None,
            changes,
        }
    }

    fn report(fixes: Vec<Fixed>, reaudit: &[Verdict], run_id: Option<&str>) -> FixReport {
        FixReport {
            schema: "bulkhead.fix/v1",
            mode: if run_id.is_some() { "apply" } else { "plan" },
            run_id: run_id.map(str::to_owned),
            root: "/".into(),
            docker_host: "unix:///var/run/docker.sock".into(),
            fixes,
            reaudit: reaudit
                .iter()
                .map(|&status| ResultEntry {
                    control: "docker-tls-key-permissions".into(),
                    target: "file:/etc/docker/key.pem".into(),
                    status,
                    message: "mode 0400".into(),
                    evidence: Default::default(),
                    waiver: None,
                    docker_host: None,
                })
                .collect(),
        }
    }

    #[test]
    fn what_makes_fix_exit_2() {
        assert!(!fixed(FixStatus::Ok, vec![change(ChangeStatus::Planned)]).counts_as_error());
        assert!(!fixed(FixStatus::Ok, vec![change(ChangeStatus::Applied)]).counts_as_error());
        assert!(!fixed(FixStatus::Ok, vec![change(ChangeStatus::Unchanged)]).counts_as_error());
        // A change the machine refused, or one off the target: the fix did not do
        // what was asked.
        assert!(fixed(FixStatus::Ok, vec![change(ChangeStatus::Failed)]).counts_as_error());
        assert!(fixed(FixStatus::Ok, vec![change(ChangeStatus::Denied)]).counts_as_error());
        let mut refused = fixed(FixStatus::Error, Vec::new());
        refused.error = Some("remediate refused: denied".into());
        assert!(refused.counts_as_error());
        // Skipped for lack of time is an error; skipped under a waiver is not.
        assert!(fixed(FixStatus::Skipped, Vec::new()).counts_as_error());
        let mut waived = fixed(FixStatus::Skipped, Vec::new());
        waived.waiver = Some(WaiverNote {
            justification: "vendor image".into(),
            expires: "2999-01-01".into(),
            active: true,
        });
        assert!(!waived.counts_as_error());
    }

    #[test]
    fn the_exit_code_is_2_on_errors_then_1_while_a_reaudit_fails() {
        let r = report(Vec::new(), &[Verdict::Pass, Verdict::Fail], Some("r1"));
        assert_eq!(r.exit_code(1), 2);
        assert_eq!(r.exit_code(0), 1);
        assert_eq!(
            report(Vec::new(), &[Verdict::Pass], Some("r1")).exit_code(0),
            0
        );
        assert_eq!(report(Vec::new(), &[], None).exit_code(0), 0);
    }

    #[test]
    fn the_table_says_plan_or_run_and_cleans_what_controls_wrote() {
        let mut c = change(ChangeStatus::Planned);
        c.detail = Some("with \u{1b}[2J escape".into());
        let r = report(vec![fixed(FixStatus::Ok, vec![c])], &[], None);
        let mut out = Vec::new();
        write_fix(&r, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("Plan (dry run: nothing was changed"),
            "{text}"
        );
        assert!(
            text.contains(
                "PLANNED  docker-tls-key-permissions  file:/etc/docker/key.pem  chmod: 0644 -> 0400"
            ),
            "{text}"
        );
        assert!(
            !text.contains('\u{1b}'),
            "an escape reached the terminal: {text:?}"
        );

        let r = report(Vec::new(), &[Verdict::Pass], Some("20261203-1"));
        let mut out = Vec::new();
        write_fix(&r, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("Applied, run 20261203-1 (undo with `bulkhead rollback 20261203-1`)")
        );
        assert!(text.contains("nothing to fix: no failing target"));
        assert!(text.contains("re-audit PASS  docker-tls-key-permissions"));
    }
}
