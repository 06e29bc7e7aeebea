//! Finding, loading and describing controls: the bundled set embedded in the binary and
//! drop-in `.wasm` files from plugin directories.
//!
//! Loading a control means: read the bytes, compile and check the component's imports
//! ([`Runtime::prepare`]), then ask it for its `metadata()` with no grants and validate
//! what it says. A control that fails any step becomes a [`LoadFailure`] with the
//! reason; two controls claiming one id is an error for the whole run.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::bindings::PluginPre;
use crate::bindings::control::ControlMetadata;
use crate::bindings::types::Severity;
use crate::cache::Cache;
use crate::config::Trust;
use crate::engine::Runtime;
use crate::runner::Runner;
use crate::state::HostState;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The system-wide drop-in directory, used when it exists.
pub const SYSTEM_PLUGIN_DIR: &str = "/etc/bulkhead/plugins.d";

/// Where a control came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Built from `plugins/` and embedded in this binary.
    Bundled,
    /// A `.wasm` file from a plugin directory.
    File(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Bundled => f.write_str("bundled"),
            Source::File(path) => write!(f, "{}", path.display()),
        }
    }
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a control says about itself, as the host keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct Metadata {
    /// Stable id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// The control's own version.
    pub version: String,
    /// What it checks.
    pub description: String,
    /// Why it matters.
    pub rationale: String,
    /// How to fix a failure by hand.
    pub remediation: String,
    /// `info`, `low`, `medium`, `high` or `critical`.
    pub severity: &'static str,
    /// Benchmark references.
    pub references: Vec<String>,
    /// Paths it reads.
    pub reads: Vec<String>,
}

impl Metadata {
    pub fn validate(raw: ControlMetadata) -> Result<Self, String> {
        let id_ok = !raw.id.is_empty()
            && raw.id.len() <= 64
            && raw
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(format!(
                "metadata has an invalid id {:?} (want 1-64 of a-z, 0-9 and -)",
                truncate(&raw.id, 80)
            ));
        }
        crate::scope::validate_reads(&raw.id, &raw.reads)?;
        if raw.title.trim().is_empty() {
            return Err(format!("metadata of {} has an empty title", raw.id));
        }
        let texts = [
            &raw.title,
            &raw.version,
            &raw.description,
            &raw.rationale,
            &raw.remediation,
        ];
        let lists = raw.references.iter().chain(&raw.reads);
        if texts.into_iter().chain(lists).any(|s| s.len() > 16 << 10) {
            return Err(format!("metadata of {} has a field over 16 KiB", raw.id));
        }
        Ok(Metadata {
            severity: match raw.severity {
                Severity::Info => "info",
                Severity::Low => "low",
                Severity::Medium => "medium",
                Severity::High => "high",
                Severity::Critical => "critical",
            },
            id: raw.id,
            title: raw.title,
            version: raw.version,
            description: raw.description,
            rationale: raw.rationale,
            remediation: raw.remediation,
            references: raw.references,
            reads: raw.reads,
        })
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A control ready to run.
pub struct Control {
    /// What it says it is.
    pub meta: Metadata,
    /// Where it came from.
    pub source: Source,
    /// sha256 of its component bytes, hex.
    pub sha256: String,
    /// The pre-linked component.
    pub pre: PluginPre<HostState>,
}

/// A control that could not be loaded, and why.
#[derive(Debug, Clone, Serialize)]
pub struct LoadFailure {
    /// A name for it: the file stem, or the bundled crate name.
    pub name: String,
    /// Where it came from.
    pub source: Source,
    /// Why it cannot run.
    pub reason: String,
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Bundled => write!(
                f,
                "cannot load bundled control {}: {}",
                self.name, self.reason
            ),
            Source::File(path) => write!(f, "cannot load {}: {}", path.display(), self.reason),
        }
    }
}

/// Errors that stop a run before any control runs.
#[derive(Debug, Error)]
pub enum CatalogError {
    /// A `--plugin-dir` that is not a readable directory.
    #[error("cannot read plugin directory {path}: {reason}")]
    PluginDir {
        /// The directory.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Two controls claim the same id.
    #[error("control id {id:?} is claimed by both {first} and {second}; remove or rename one")]
    DuplicateId {
        /// The id.
        id: String,
        /// Where the first came from.
        first: Source,
        /// Where the second came from.
        second: Source,
    },
}

/// Every control found, loaded or not.
pub struct Catalog {
    /// Controls ready to run, bundled first, then by path.
    pub controls: Vec<Arc<Control>>,
    /// Controls that could not be loaded.
    pub failures: Vec<LoadFailure>,
}

/// The default drop-in directories that exist on this machine.
pub fn default_plugin_dirs() -> Vec<PathBuf> {
    let user = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|config| config.join("bulkhead").join("plugins"));
    [Some(PathBuf::from(SYSTEM_PLUGIN_DIR)), user]
        .into_iter()
        .flatten()
        .filter(|d| d.is_dir())
        .collect()
}

/// The `.wasm` files directly in `dir`, sorted.
fn wasm_files(dir: &Path) -> Result<Vec<PathBuf>, CatalogError> {
    let err = |reason: String| CatalogError::PluginDir {
        path: dir.to_path_buf(),
        reason,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| err(e.to_string()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| err(e.to_string()))?.path();
        if path.extension().is_some_and(|ext| ext == "wasm") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

impl Catalog {
    /// Load the bundled controls and every `.wasm` in `plugin_dirs`, compiling in
    /// parallel and asking each for its metadata.
    pub async fn load(
        runtime: &Arc<Runtime>,
        runner: &Runner,
        plugin_dirs: &[PathBuf],
        trust: &Trust,
        cache: Option<&Cache>,
    ) -> Result<Catalog, CatalogError> {
        let mut sources: Vec<(String, Source, Result<Vec<u8>, String>)> = bundled::BUNDLED
            .iter()
            .map(|(name, bytes)| (name.to_string(), Source::Bundled, Ok(bytes.to_vec())))
            .collect();
        for dir in plugin_dirs {
            for path in wasm_files(dir)? {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let bytes = std::fs::read(&path).map_err(|e| format!("cannot read: {e}"));
                sources.push((name, Source::File(path), bytes));
            }
        }

        let loads = sources.into_iter().map(|(name, source, bytes)| {
            let runtime = runtime.clone();
            let runner = runner.clone();
            // Bundled controls are part of this binary; pins are for drop-ins.
            let trust = match source {
                Source::Bundled => None,
                Source::File(_) => Some(trust.clone()),
            };
            let cache = cache.cloned();
            async move {
                let loaded = load_one(&runtime, &runner, bytes, trust.as_ref(), cache).await;
                (name, source, loaded)
            }
        });
        let mut catalog = Catalog {
            controls: Vec::new(),
            failures: Vec::new(),
        };
        for (name, source, loaded) in futures::future::join_all(loads).await {
            match loaded {
                Ok((meta, sha256, pre)) => {
                    if let Some(other) = catalog.controls.iter().find(|c| c.meta.id == meta.id) {
                        return Err(CatalogError::DuplicateId {
                            id: meta.id,
                            first: other.source.clone(),
                            second: source,
                        });
                    }
                    catalog.controls.push(Arc::new(Control {
                        meta,
                        source,
                        sha256,
                        pre,
                    }));
                }
                Err(reason) => catalog.failures.push(LoadFailure {
                    name,
                    source,
                    reason,
                }),
            }
        }
        Ok(catalog)
    }
}

async fn load_one(
    runtime: &Arc<Runtime>,
    runner: &Runner,
    bytes: Result<Vec<u8>, String>,
    trust: Option<&Trust>,
    cache: Option<Cache>,
) -> Result<(Metadata, String, PluginPre<HostState>), String> {
    let bytes = bytes?;
    // Hashing, checking the pins and compiling are CPU-bound: keep them off the async
    // workers, and in parallel across controls.
    let rt = runtime.clone();
    let pins = trust.cloned();
    let (sha256, pre) = tokio::task::spawn_blocking(move || {
        let sha256 = sha256_hex(&bytes);
        if let Some(trust) = &pins {
            trust.admit_bytes(&sha256)?;
        }
        let component = match &cache {
            Some(cache) => cache
                .load_or_compile(rt.engine(), &sha256, || rt.compile(&bytes))
                .map_err(|e| e.to_string())?,
            None => rt.compile(&bytes).map_err(|e| e.to_string())?,
        };
        let pre = rt.link(&component).map_err(|e| e.to_string())?;
        Ok::<_, String>((sha256, pre))
    })
    .await
    .map_err(|e| format!("compiler thread failed: {e}"))??;
    let outcome = runner.metadata(&pre).await;
    let raw = outcome
        .result
        .map_err(|e| format!("metadata() failed: {e}"))?;
    let meta = Metadata::validate(raw)?;
    if let Some(trust) = trust {
        trust.admit_id(&meta.id, &sha256)?;
    }
    Ok((meta, sha256, pre))
}

/// The sha256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
