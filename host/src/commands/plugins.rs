//! `bulkhead plugins list` and `bulkhead plugins inspect`: what a control is, what it
//! can reach, and whether this host would run it, before anyone trusts it.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use serde::Serialize;

use crate::capabilities::admin::AdminMode;
use crate::sandbox::catalog::{Catalog, Metadata, sha256_hex};
use crate::sandbox::contract::{self, VERSIONS};
use crate::sandbox::runner::Runner;
use crate::sandbox::scope;
use crate::sandbox::state::RunContext;
use crate::sandbox::wasm::{LoadError, Runtime, classify_import};
use crate::settings::cli::{Format, InspectArgs};
use crate::settings::file::Config;
use crate::sources::docker::{DEFAULT_DOCKER_HOST, Endpoint};
use crate::util::human::clean;

/// One import of an inspected component.
#[derive(Debug, Serialize)]
struct Import {
    name: String,
    /// `read-only`, `mutating`, `wasi` or `refused`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<String>,
}

/// What `plugins inspect` reports.
#[derive(Debug, Serialize)]
struct Inspection {
    file: String,
    sha256: String,
    size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    wit: Option<String>,
    imports: Vec<Import>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Metadata>,
    /// Whether this host would run it.
    runnable: bool,
    /// Why not, when it would not.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// `pinned`, `unpinned` or `refused: …`.
    trust: String,
    /// Declared reads that cover the whole root or all of `/etc` (an addition).
    broad_reads: Vec<String>,
}

/// `bulkhead plugins inspect FILE`.
pub async fn inspect(args: &InspectArgs, out: &mut dyn Write) -> anyhow::Result<u8> {
    let config = Config::load(args.config.as_deref())?;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let sha256 = sha256_hex(&bytes);
    let mut report = Inspection {
        file: args.file.display().to_string(),
        sha256: sha256.clone(),
        size: bytes.len(),
        wit: None,
        imports: Vec::new(),
        metadata: None,
        runnable: false,
        reason: None,
        trust: String::new(),
        broad_reads: Vec::new(),
    };
    let runtime = Arc::new(Runtime::new().context("cannot start the WebAssembly engine")?);
    let verdict = examine(&runtime, &bytes, &mut report).await;
    report.runnable = verdict.is_ok();
    report.reason = verdict.err();
    let id = report.metadata.as_ref().map(|m| m.id.clone());
    if let Some(meta) = &report.metadata {
        report.broad_reads = scope::broad_reads(&meta.reads);
    }
    let broad = !report.broad_reads.is_empty();
    report.trust = match config
        .trust
        .admit_bytes(&sha256)
        .and_then(|()| id.map_or(Ok(()), |id| config.trust.admit_id(&id, &sha256)))
        .and_then(|()| match &report.metadata {
            Some(meta) if broad => config.trust.admit_broad(&meta.id, &sha256),
            _ => Ok(()),
        }) {
        Err(why) => format!("refused: {why}"),
        Ok(())
            if config
                .trust
                .pins
                .values()
                .any(|p| p.eq_ignore_ascii_case(&sha256)) =>
        {
            "pinned".to_owned()
        }
        Ok(()) => "unpinned (allowed: [trust] require_pinned is off)".to_owned(),
    };
    let runnable = report.runnable && !report.trust.starts_with("refused");
    match config.defaults.format(args.format) {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Table => write_inspection(&report, out)?,
    }
    Ok(if runnable { 0 } else { 2 })
}

/// Fill in imports, WIT version and metadata; `Err` says why the host would not run it.
async fn examine(
    runtime: &Arc<Runtime>,
    bytes: &[u8],
    report: &mut Inspection,
) -> Result<(), String> {
    let component = runtime.compile(bytes).map_err(|e| e.to_string())?;
    let imports = runtime.imports(&component);
    // Until the component links, the newest contract version it imports stands for it.
    report.wit = imports
        .iter()
        .filter_map(|name| contract::minor_of(name))
        .max()
        .and_then(|newest| VERSIONS.iter().find(|v| v.minor == newest))
        .map(|v| v.package.to_owned())
        .or_else(|| {
            // None this host implements: the version it names, which is why it is refused.
            imports.iter().find_map(|name| {
                let (_, version) = name.strip_prefix("bulkhead:plugin/")?.split_once('@')?;
                Some(format!("bulkhead:plugin@{version}"))
            })
        });
    for name in imports {
        let (kind, why) = match classify_import(&name) {
            Ok(kind) => (kind.label(), None),
            Err(LoadError::ForbiddenImport { why, .. }) => ("refused", Some(why.to_owned())),
            Err(e) => ("refused", Some(e.to_string())),
        };
        report.imports.push(Import {
            name,
            kind,
            refused: why,
        });
    }
    // `link` names every refused import at once.
    let pre = runtime.link(&component).map_err(|e| e.to_string())?;
    report.wit = Some(pre.wit_package().to_owned());
    // metadata() runs with no grants at all; the context is never reached.
    let run = RunContext::new(
        Path::new("/"),
        Path::new("/proc"),
        Endpoint::plain(DEFAULT_DOCKER_HOST.to_owned()),
        AdminMode::Deny,
    )
    .map(Arc::new)
    .map_err(|e| e.to_string())?;
    let runner = Runner::new(run, Default::default());
    let raw = runner
        .metadata(&pre)
        .await
        .result
        .map_err(|e| format!("metadata() failed: {e}"))?;
    report.metadata = Some(Metadata::validate(raw)?);
    Ok(())
}

fn write_inspection(r: &Inspection, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "file:      {}", clean(&r.file))?;
    writeln!(out, "sha256:    {}", r.sha256)?;
    writeln!(out, "size:      {} bytes", r.size)?;
    if let Some(m) = &r.metadata {
        writeln!(out, "id:        {}", clean(&m.id))?;
        writeln!(out, "title:     {}", clean(&m.title))?;
        writeln!(out, "version:   {}", clean(&m.version))?;
        writeln!(out, "severity:  {}", m.severity)?;
        writeln!(out, "refs:      {}", clean(&m.references.join("; ")))?;
        for i in &m.items {
            writeln!(
                out,
                "item:      {} {} (level {}, {})",
                clean(&i.benchmark),
                clean(&i.item),
                i.level,
                i.assessment
            )?;
        }
        writeln!(out, "reads:     {}", clean(&m.reads.join(", ")))?;
    }
    if !r.broad_reads.is_empty() {
        writeln!(
            out,
            "broad:     reads {} (the whole root or all of /etc); it can read every file \
             there but private keys and password hashes",
            clean(&r.broad_reads.join(", "))
        )?;
    }
    writeln!(
        out,
        "wit:       {}",
        clean(
            r.wit
                .as_deref()
                .unwrap_or("(imports no bulkhead interface)")
        )
    )?;
    writeln!(out, "imports:")?;
    for i in &r.imports {
        match &i.refused {
            Some(why) => writeln!(
                out,
                "  {:<9}  {} ({})",
                "REFUSED",
                clean(&i.name),
                clean(why)
            )?,
            None => writeln!(out, "  {:<9}  {}", i.kind, clean(&i.name))?,
        }
    }
    writeln!(out, "trust:     {}", clean(&r.trust))?;
    match &r.reason {
        None => writeln!(out, "runnable:  yes"),
        Some(why) => writeln!(out, "runnable:  no: {}", clean(why)),
    }
}

/// `bulkhead plugins list`: every control, loaded or not.
pub fn list(catalog: &Catalog, format: Format, out: &mut dyn Write) -> anyhow::Result<u8> {
    #[derive(Serialize)]
    struct Row<'a> {
        id: &'a str,
        version: &'a str,
        source: String,
        sha256: &'a str,
        status: String,
    }
    let mut rows: Vec<Row<'_>> = catalog
        .controls
        .iter()
        .map(|c| Row {
            id: &c.meta.id,
            version: &c.meta.version,
            source: c.source.to_string(),
            sha256: &c.sha256,
            status: "ok".to_owned(),
        })
        .collect();
    rows.extend(catalog.failures.iter().map(|f| Row {
        id: &f.name,
        version: "",
        source: f.source.to_string(),
        sha256: "",
        status: format!("error: {}", f.reason),
    }));
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Table => {
            let shown: Vec<[String; 5]> = rows
                .iter()
                .map(|r| {
                    [
                        clean(r.id),
                        clean(r.version),
                        r.sha256.get(..12).unwrap_or("-").to_owned(),
                        clean(&r.source),
                        clean(&r.status),
                    ]
                })
                .collect();
            let width = |i: usize, min: usize| {
                shown
                    .iter()
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(min)
                    .max(min)
            };
            let (w_id, w_ver, w_src) = (width(0, 2), width(1, 8), width(3, 6));
            writeln!(
                out,
                "{:<w_id$}  {:<w_ver$}  {:<12}  {:<w_src$}  STATUS",
                "ID", "VERSION", "SHA256", "SOURCE"
            )?;
            for [id, version, short, source, status] in &shown {
                writeln!(
                    out,
                    "{id:<w_id$}  {version:<w_ver$}  {short:<12}  {source:<w_src$}  {status}"
                )?;
            }
        }
    }
    Ok(if catalog.failures.is_empty() { 0 } else { 2 })
}
