//! `bulkhead run`: audit, change nothing, and report in the format asked for; the exit
//! code is the gate's ([`crate::report::gate`]).

use std::io::Write;

use crate::engine::{Engine, Mode};
use crate::report::status::Ran;
use crate::report::{Report, formats, gate};
use crate::settings::Settings;
use crate::settings::cli::{ReportFormat, RunArgs};
use crate::util::{human, timings};

/// `bulkhead run`.
pub async fn run(args: &RunArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let sel = &args.sel;
    // Settle everything about the output before the audit, so a typo costs nothing.
    let settings = Settings::resolve(sel)?;
    let format = settings.config.defaults.report_format(args.format);
    let aws = match format {
        ReportFormat::Asff => Some(formats::asff::Account::resolve(
            args.aws_account_id.as_deref(),
            args.aws_region.as_deref(),
        )?),
        _ => None,
    };
    if let Some(path) = &args.output {
        formats::output_dir(path)?;
    }
    if let Some(name) = &args.hostname {
        formats::report_hostname(Some(name), true, || None)?;
    }
    // With --quiet, a table goes nowhere unless --output asks for it.
    let table_shown = format == ReportFormat::Table && !(args.quiet && args.output.is_none());
    let s = Engine::load(settings, Mode::Audit, table_shown).await?;
    let mut report = Report::new("audit", s.root().to_owned(), s.docker_host().to_owned());
    report.audit_only = s.settings.audit_only;
    // With --only, a broken drop-in that was not asked for does not fail the run.
    if s.settings.only.is_empty() {
        for failure in &s.catalog.failures {
            report.add_failure(failure);
        }
    }
    s.audit_into(&mut report).await?;
    let mut ledger = s.waivers();
    ledger.mark(&mut report.results);
    report.finish();
    let ran: Vec<&str> = report
        .controls
        .iter()
        .filter(|c| c.status == Ran::Ok)
        .map(|c| c.id.as_str())
        .collect();
    for notice in ledger.finish(&s.known_ids(), &ran) {
        human::warn(notice);
    }
    let options = formats::RenderOptions {
        color: format == ReportFormat::Table && formats::use_color(args.output.is_some()),
        aws,
        now: std::time::SystemTime::now(),
        hostname: formats::report_hostname(args.hostname.as_deref(), s.root() == "/", || {
            s.runner().run().fs.read_small_file("/etc/hostname").ok()
        })?,
    };
    let render = |w: &mut dyn Write| formats::render_to(&report, format, &options, w);
    match &args.output {
        Some(path) => formats::write_atomically_with(path, render)?,
        None if args.quiet && format == ReportFormat::Table => {}
        None => {
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
            render(&mut buffered)?;
            buffered.flush()?;
        }
    }
    for failure in &s.catalog.failures {
        human::warn(failure);
    }
    timings::mark("total");
    timings::report();
    let verdict = gate::evaluate(&report, args.fail_on);
    eprintln!("{}", gate::summary_line(&report, &verdict));
    // The report is written; what the run built goes with the process.
    leave_to_exit((s, report));
    Ok(verdict.code)
}

/// Let `value` be freed by the process's exit instead of piece by piece: after a run's
/// report is out, taking down 118 compiled components, the snapshot of every container
/// and the report itself cost ~10% of a run at 500 containers. Only for what holds no
/// file or journal to finish (a run's session and report).
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}
