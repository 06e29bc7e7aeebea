//! `bulkhead controls`: the controls that would run, with where they come from.

use std::io::Write;

use crate::engine::{Engine, Mode};
use crate::settings::Settings;
use crate::settings::cli::{Format, Selection};
use crate::util::human::{self, clean};

/// `bulkhead controls`.
pub async fn controls(
    sel: &Selection,
    flag: Option<Format>,
    out: &mut dyn Write,
) -> anyhow::Result<u8> {
    let settings = Settings::resolve(sel)?;
    let format = settings.config.defaults.format(flag);
    let s = Engine::load(settings, Mode::Audit, false).await?;
    match format {
        Format::Json => {
            let list: Vec<_> = s
                .selected
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.meta.id,
                        "title": c.meta.title,
                        "version": c.meta.version,
                        "source": c.source,
                        "sha256": c.sha256,
                        "severity": c.meta.severity,
                        "references": c.meta.references,
                        "items": c.meta.items,
                        "reads": c.meta.reads,
                        "description": c.meta.description,
                    })
                })
                .collect();
            let failures = &s.catalog.failures;
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({"controls": list, "failures": failures}),
            )?;
            writeln!(out)?;
        }
        Format::Table => {
            let w_id = s
                .selected
                .iter()
                .map(|c| c.meta.id.len())
                .max()
                .unwrap_or(2)
                .max(2);
            let w_ver = s
                .selected
                .iter()
                .map(|c| clean(&c.meta.version).chars().count())
                .max()
                .unwrap_or(7)
                .max(7);
            writeln!(
                out,
                "{:<w_id$}  {:<w_ver$}  {:<10}  {:<5}  TITLE",
                "ID", "VERSION", "SOURCE", "LEVEL"
            )?;
            for c in &s.selected {
                let version = clean(&c.meta.version);
                let mut levels: Vec<String> = c
                    .meta
                    .items
                    .iter()
                    .map(|i| format!("L{}", i.level))
                    .collect();
                levels.dedup();
                let level = if levels.is_empty() {
                    "-".to_owned()
                } else {
                    levels.join(",")
                };
                writeln!(
                    out,
                    "{:<w_id$}  {:<w_ver$}  {:<10}  {:<5}  {} [{}]",
                    clean(&c.meta.id),
                    version,
                    clean(&c.source.to_string()),
                    level,
                    clean(&c.meta.title),
                    clean(&c.meta.references.join("; "))
                )?;
            }
        }
    }
    for failure in &s.catalog.failures {
        human::warn(failure);
    }
    Ok(if s.catalog.failures.is_empty() { 0 } else { 2 })
}
