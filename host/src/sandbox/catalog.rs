//! Finding, loading and describing controls: the bundled set embedded in the binary and
//! drop-in `.wasm` files from plugin directories.
//!
//! Loading a control means: read the bytes, hash them (and check the trust pins), compile
//! and check the component's imports ([`Runtime::link`]), then ask it for its
//! `metadata()` with no grants and validate what it says. A control that fails any step
//! becomes a [`LoadFailure`] with the reason; two controls claiming one id is an error
//! for the whole run. Each control goes through its steps on its own, at most one per
//! CPU at a time.
//!
//! With a warm compile cache the validated metadata comes from the cache (verified like
//! the code, see [`crate::sandbox::cache`]) and the compiled code is only mapped when the control
//! is first called ([`Control::pre`]): listing 100 controls, or running one of them,
//! does not load the other 99, and the first control can run while the rest load.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::sandbox::cache::Cache;
use crate::sandbox::contract;
pub use crate::sandbox::metadata::{Item, Metadata};
use crate::sandbox::runner::Runner;
use crate::sandbox::trust::Trust;
use crate::sandbox::wasm::{Pre, Runtime};

mod bundled {
    /// A control built from `plugins/` by `build.rs` and embedded in the binary.
    pub struct Bundled {
        /// Its crate's name.
        pub name: &'static str,
        /// The component, zstd-compressed: it is read only when the engine refuses the
        /// precompiled code.
        pub wasm: &'static [u8],
        /// sha256 of the component, hex.
        pub sha256: &'static str,
        /// The native code `build.rs` compiled from it, where it could.
        pub precompiled: Option<&'static [u8]>,
    }

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

/// A control ready to run.
pub struct Control {
    /// What it says it is.
    pub meta: Metadata,
    /// Where it came from.
    pub source: Source,
    /// sha256 of its component bytes, hex.
    pub sha256: String,
    /// What the component imports (interface names).
    pub imports: Vec<String>,
    /// The pre-linked component, once loaded.
    pre: tokio::sync::OnceCell<Pre>,
    /// What loads it when it is first needed.
    loader: Loader,
    /// The component's bytes, to compile from should the cache have lost its code.
    wasm: Wasm,
}

impl Control {
    /// Whether it reads the Docker daemon (an interface the contract table says reaches
    /// it): then it runs once per `--docker-host`.
    pub fn uses_docker(&self) -> bool {
        contract::reach_of_imports(self.imports.iter().map(String::as_str)).0
    }

    /// Whether it reads or changes this machine: files or processes.
    pub fn uses_host(&self) -> bool {
        contract::reach_of_imports(self.imports.iter().map(String::as_str)).1
    }

    /// The pre-linked component: loaded (from the cache, or compiled) on first use.
    pub async fn pre(&self) -> Result<&Pre, String> {
        self.pre
            .get_or_try_init(|| {
                let wasm = self.wasm.clone();
                let sha256 = self.sha256.clone();
                self.loader
                    .blocking(move |loader| Ok(loader.code(&wasm, &sha256)?.0))
            })
            .await
    }
}

/// A component's bytes: embedded in the binary (with the native code `build.rs`
/// precompiled from them), or read from a drop-in file.
#[derive(Clone)]
enum Wasm {
    Bundled {
        bytes: &'static [u8],
        precompiled: Option<&'static [u8]>,
    },
    File(Arc<[u8]>),
}

impl Wasm {
    /// The component: a bundled one is decompressed (it is kept compressed in the
    /// binary, and only read when its precompiled code cannot be used).
    fn bytes(&self) -> Result<Cow<'_, [u8]>, String> {
        match self {
            Wasm::Bundled { bytes, .. } => zstd::stream::decode_all(*bytes)
                .map(Cow::Owned)
                .map_err(|e| format!("cannot decompress the bundled component: {e}")),
            Wasm::File(bytes) => Ok(Cow::Borrowed(bytes)),
        }
    }
}

/// The engine, the compile cache, and a bound on how many loads use the CPU at once.
#[derive(Clone)]
struct Loader {
    runtime: Arc<Runtime>,
    cache: Option<Cache>,
    cpus: Arc<tokio::sync::Semaphore>,
    /// Why the engine refused the embedded code, once it has: then no other embedded
    /// artifact is tried (they were all built alike), and the controls are compiled.
    refused: Arc<std::sync::OnceLock<String>>,
}

impl Loader {
    /// Run the CPU-bound `work` on a blocking thread, at most one per CPU at a time.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Loader) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let _permit = self
            .cpus
            .acquire()
            .await
            .map_err(|_| "the loader has shut down".to_owned())?;
        let loader = self.clone();
        tokio::task::spawn_blocking(move || work(&loader))
            .await
            .map_err(|e| format!("loader thread failed: {e}"))?
    }

    /// The linked component and its imports: from the cache when it holds verified
    /// code, else compiled.
    fn code(&self, wasm: &Wasm, sha256: &str) -> Result<(Pre, Vec<String>), String> {
        let rt = &self.runtime;
        let component = match self.embedded(wasm) {
            Some(component) => component,
            None => {
                // Decompressed only when there is something to compile: not on a cache hit.
                let compile = || rt.compile(&wasm.bytes()?).map_err(|e| e.to_string());
                match &self.cache {
                    Some(cache) => cache.load_or_compile(rt.engine(), sha256, compile)?,
                    None => compile()?,
                }
            }
        };
        let pre = rt.link(&component).map_err(|e| e.to_string())?;
        Ok((pre, rt.imports(&component)))
    }

    /// A bundled control's precompiled code, when the engine accepts it. The first
    /// refusal is said once, with wasmtime's reason; from then on the bundled controls
    /// are compiled (and cached) like drop-ins.
    fn embedded(&self, wasm: &Wasm) -> Option<wasmtime::component::Component> {
        let Wasm::Bundled {
            precompiled: Some(artifact),
            ..
        } = wasm
        else {
            return None;
        };
        if self.refused.get().is_some() {
            return None;
        }
        let loaded = self.runtime.deserialize_embedded(artifact);
        release_embedded(artifact);
        match loaded {
            Ok(component) => Some(component),
            Err(why) => {
                if self.refused.set(why.clone()).is_ok() {
                    crate::util::human::warn(format_args!(
                        "warning: this machine cannot run the bundled controls' precompiled \
                         code ({why}); compiling them instead, a few seconds (kept in the \
                         compile cache, where there is one)"
                    ));
                }
                None
            }
        }
    }
}

/// Give back the memory of a bundled control's precompiled code once the engine has
/// copied it (or refused it): those pages are part of the binary's read-only data, so
/// they would otherwise stay counted in the process's memory beside the copy, 42 MB for
/// the bundled set. The kernel reads them from the binary again if they are ever touched.
/// Only bytes that are one of [`bundled::BUNDLED`]'s artifacts are released.
#[allow(unsafe_code)]
fn release_embedded(artifact: &'static [u8]) {
    let embedded = bundled::BUNDLED
        .iter()
        .any(|b| b.precompiled.is_some_and(|p| std::ptr::eq(p, artifact)));
    if !embedded {
        return;
    }
    let page = rustix::param::page_size();
    let start = (artifact.as_ptr() as usize).next_multiple_of(page);
    let end = (artifact.as_ptr() as usize + artifact.len()) / page * page;
    if end > start {
        // SAFETY: [start, end) is whole pages inside `artifact`, which is `include_bytes!`
        // data in the binary's read-only segment: a file-backed mapping that is never
        // written. MADV_DONTNEED only drops those pages from this process; the next read
        // of them, if any, faults them in from the binary unchanged.
        let _ = unsafe {
            rustix::mm::madvise(
                start as *mut std::ffi::c_void,
                end - start,
                rustix::mm::Advice::LinuxDontNeed,
            )
        };
    }
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
    let user = user_plugin_dir(&|name| std::env::var_os(name));
    [Some(PathBuf::from(SYSTEM_PLUGIN_DIR)), user]
        .into_iter()
        .flatten()
        .filter(|d| d.is_dir())
        .collect()
}

/// The user's drop-in directory: `$XDG_CONFIG_HOME/bulkhead/plugins`, else
/// `$HOME/.config/bulkhead/plugins`. As the XDG base directory spec says, a value that is
/// empty or not absolute is ignored, so a relative one never resolves against the
/// working directory.
fn user_plugin_dir(env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let absolute = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
    absolute("XDG_CONFIG_HOME")
        .or_else(|| absolute("HOME").map(|h| h.join(".config")))
        .map(|config| config.join("bulkhead").join("plugins"))
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
    /// Load the bundled controls and every `.wasm` in `plugin_dirs`, each on its own
    /// (at most one per CPU at a time), asking each for its metadata.
    pub async fn load(
        runtime: &Arc<Runtime>,
        runner: &Runner,
        plugin_dirs: &[PathBuf],
        trust: &Trust,
        cache: Option<&Cache>,
    ) -> Result<Catalog, CatalogError> {
        let mut sources: Vec<(String, Source)> = bundled::BUNDLED
            .iter()
            .map(|b| (b.name.to_owned(), Source::Bundled))
            .collect();
        for dir in plugin_dirs {
            for path in wasm_files(dir)? {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                sources.push((name, Source::File(path)));
            }
        }

        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let loader = Loader {
            runtime: runtime.clone(),
            cache: cache.cloned(),
            cpus: Arc::new(tokio::sync::Semaphore::new(cpus)),
            refused: Arc::default(),
        };
        let loads = sources
            .into_iter()
            .enumerate()
            .map(|(index, (name, source))| {
                let loader = loader.clone();
                let runner = runner.clone();
                // Bundled controls are part of this binary; pins are for drop-ins.
                let (wasm, trust) = match &source {
                    Source::Bundled => {
                        let b = &bundled::BUNDLED[index];
                        let wasm = Wasm::Bundled {
                            bytes: b.wasm,
                            precompiled: b.precompiled,
                        };
                        (Ok((wasm, Some(b.sha256))), None)
                    }
                    Source::File(path) => (Err(path.clone()), Some(trust.clone())),
                };
                async move {
                    let loaded = load_one(loader, &runner, source.clone(), wasm, trust).await;
                    (name, source, loaded)
                }
            });
        let mut catalog = Catalog {
            controls: Vec::new(),
            failures: Vec::new(),
        };
        for (name, source, loaded) in futures::future::join_all(loads).await {
            match loaded {
                Ok(control) => {
                    if let Some(other) = catalog
                        .controls
                        .iter()
                        .find(|c| c.meta.id == control.meta.id)
                    {
                        return Err(CatalogError::DuplicateId {
                            id: control.meta.id,
                            first: other.source.clone(),
                            second: control.source,
                        });
                    }
                    catalog.controls.push(Arc::new(control));
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

/// Read (for a drop-in, given as `Err(path)`), hash (a bundled control's hash was taken
/// at build time), check the pins, then take the metadata from the cache, or load the
/// code and ask the control.
async fn load_one(
    loader: Loader,
    runner: &Runner,
    source: Source,
    wasm: Result<(Wasm, Option<&'static str>), PathBuf>,
    trust: Option<Trust>,
) -> Result<Control, String> {
    let pins = trust.clone();
    let (wasm, sha256, cached) = loader
        .blocking(move |loader| {
            let (wasm, sha256) = match wasm {
                Ok((wasm, Some(sha256))) => (wasm, sha256.to_owned()),
                Ok((wasm, None)) => {
                    let sha256 = sha256_hex(&wasm.bytes()?);
                    (wasm, sha256)
                }
                Err(path) => {
                    let wasm = Wasm::File(
                        std::fs::read(&path)
                            .map_err(|e| format!("cannot read: {e}"))?
                            .into(),
                    );
                    let sha256 = sha256_hex(&wasm.bytes()?);
                    (wasm, sha256)
                }
            };
            if let Some(trust) = &pins {
                trust.admit_bytes(&sha256)?;
            }
            let in_binary = matches!(
                wasm,
                Wasm::Bundled {
                    precompiled: Some(_),
                    ..
                }
            );
            let cached = loader
                .cache
                .as_ref()
                .and_then(|c| c.metadata(loader.runtime.engine(), &sha256, in_binary));
            Ok((wasm, sha256, cached))
        })
        .await?;
    let pre = tokio::sync::OnceCell::new();
    let (meta, imports) = match cached {
        Some((meta, imports)) => (meta.check()?, imports),
        None => {
            let (code, imports) = loader
                .blocking({
                    let (wasm, sha256) = (wasm.clone(), sha256.clone());
                    move |loader| loader.code(&wasm, &sha256)
                })
                .await?;
            let code = pre.get_or_init(|| async { code }).await;
            let raw = runner
                .metadata(code)
                .await
                .result
                .map_err(|e| format!("metadata() failed: {e}"))?;
            let meta = Metadata::validate(raw)?;
            if let Some(cache) = &loader.cache {
                cache.store_metadata(loader.runtime.engine(), &sha256, &meta, &imports);
            }
            (meta, imports)
        }
    };
    if let Some(trust) = &trust {
        trust.admit_id(&meta.id, &sha256)?;
        if !crate::sandbox::scope::broad_reads(&meta.reads).is_empty() {
            trust.admit_broad(&meta.id, &sha256)?;
        }
    }
    Ok(Control {
        meta,
        source,
        sha256,
        imports,
        pre,
        loader,
        wasm,
    })
}

/// The sha256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plugin_directory_yields_its_wasm_files_sorted_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.wasm", "a.wasm", "notes.txt", "c.wasm.bak"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.wasm")).unwrap();
        std::fs::write(dir.path().join("sub.wasm").join("d.wasm"), b"x").unwrap();
        let files = wasm_files(dir.path()).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        // Directly in the directory only; a directory named *.wasm is listed, and
        // loading it fails as a file would (reading it is an error), not silently.
        assert_eq!(names, ["a.wasm", "b.wasm", "sub.wasm"]);

        let missing = dir.path().join("nope");
        let err = wasm_files(&missing).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "cannot read plugin directory {}",
                missing.display()
            )),
            "{err}"
        );
    }

    #[test]
    fn a_source_and_a_failure_say_where_the_control_came_from() {
        let file = Source::File(PathBuf::from("/etc/bulkhead/plugins.d/x.wasm"));
        assert_eq!(Source::Bundled.to_string(), "bundled");
        assert_eq!(
            serde_json::to_value(&file).unwrap(),
            "/etc/bulkhead/plugins.d/x.wasm"
        );
        let failure = |source| LoadFailure {
            name: "x".into(),
            source,
            reason: "not a WebAssembly component".into(),
        };
        assert_eq!(
            failure(file).to_string(),
            "cannot load /etc/bulkhead/plugins.d/x.wasm: not a WebAssembly component"
        );
        assert_eq!(
            failure(Source::Bundled).to_string(),
            "cannot load bundled control x: not a WebAssembly component"
        );
    }

    #[test]
    fn two_controls_with_one_id_name_both_sources() {
        let err = CatalogError::DuplicateId {
            id: "tls-key".into(),
            first: Source::Bundled,
            second: Source::File("/p/tls.wasm".into()),
        };
        assert_eq!(
            err.to_string(),
            "control id \"tls-key\" is claimed by both bundled and /p/tls.wasm; remove or \
             rename one"
        );
    }

    #[test]
    fn the_users_plugin_directory_ignores_empty_and_relative_xdg_and_home() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        let at = |vars| user_plugin_dir(&env(vars));
        assert_eq!(
            at(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")]),
            Some(PathBuf::from("/x/bulkhead/plugins"))
        );
        assert_eq!(
            at(&[("XDG_CONFIG_HOME", "relative"), ("HOME", "/h")]),
            Some(PathBuf::from("/h/.config/bulkhead/plugins"))
        );
        assert_eq!(
            at(&[("XDG_CONFIG_HOME", ""), ("HOME", "/h")]),
            Some(PathBuf::from("/h/.config/bulkhead/plugins"))
        );
        assert_eq!(at(&[("HOME", "h")]), None);
        assert_eq!(at(&[]), None);
    }

    #[test]
    fn the_hash_is_sha256_in_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn embedded_code_the_engine_refuses_is_compiled_instead_never_loaded() {
        let loader = Loader {
            runtime: Arc::new(Runtime::new().unwrap()),
            cache: None,
            cpus: Arc::new(tokio::sync::Semaphore::new(1)),
            refused: Arc::default(),
        };
        let bundled::Bundled {
            wasm: bytes,
            sha256,
            precompiled,
            ..
        } = bundled::BUNDLED[0];
        assert!(
            precompiled.is_some(),
            "build.rs precompiled the bundled controls"
        );
        let fits = Wasm::Bundled { bytes, precompiled };
        assert!(
            loader.embedded(&fits).is_some(),
            "{:?}",
            loader.refused.get()
        );

        // The same component, precompiled by an engine set up otherwise (no epoch
        // interruption, so a spinning guest could never be stopped): refused.
        let mut other = crate::sandbox::engine_config::engine_config(None).unwrap();
        other.epoch_interruption(false);
        let component = zstd::stream::decode_all(bytes).unwrap();
        assert!(
            component.starts_with(b"\0asm") && component.len() > bytes.len(),
            "the binary keeps the component compressed"
        );
        let other = wasmtime::Engine::new(&other)
            .unwrap()
            .precompile_component(&component)
            .unwrap();
        let drifted = Wasm::Bundled {
            bytes,
            precompiled: Some(Box::leak(other.into_boxed_slice())),
        };
        assert!(loader.embedded(&drifted).is_none());
        let why = loader.refused.get().expect("the refusal is kept");
        assert!(why.contains("epoch interruption"), "{why}");
        // The control still loads: compiled from its component bytes.
        let (_, imports) = loader.code(&drifted, sha256).unwrap();
        assert!(!imports.is_empty());
        // After one refusal no embedded code is tried again: all of it was built alike.
        assert!(loader.embedded(&fits).is_none());
    }

    #[test]
    fn every_bundled_control_is_named_once() {
        let mut names: Vec<&str> = bundled::BUNDLED.iter().map(|b| b.name).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "a bundled control is embedded twice");
        assert!(all >= 118, "{all} bundled controls");
    }
}
