//! One wasmtime engine and linker for the whole process, and the import policy a
//! component must pass before it is linked.
//!
//! The engine is async with epoch interruption: a ticker thread advances the epoch, and
//! every store yields to the executor at each tick, so a guest spinning in a loop never
//! starves the other controls and a `tokio::time::timeout` around the call can end it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use thiserror::Error;
use wasmtime::Engine;
use wasmtime::component::{Component, Linker};

use crate::capabilities;
use crate::sandbox::bindings::{PluginV1Pre, PluginV2Pre};
use crate::sandbox::contract::{self, Effect, Lookup, Role, VERSIONS};
use crate::sandbox::engine_config::engine_config;
use crate::sandbox::state::HostState;

/// How often the epoch advances, i.e. how often a running guest yields.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Why a component could not be made ready to run.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The bytes are not WebAssembly at all, or a core module rather than a component.
    #[error("not a WebAssembly component: {0}")]
    NotComponent(&'static str),
    /// The bytes are a WebAssembly component, but truncated or corrupt.
    #[error("not a valid WebAssembly component: {0}")]
    Invalid(String),
    /// The component imports something this host never provides.
    #[error("imports {import}, which bulkhead never grants ({why})")]
    ForbiddenImport {
        /// The import's full name.
        import: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// Several refused imports, every one named.
    #[error("{}", describe_refused(.0))]
    Refused(Vec<LoadError>),
    /// The component was built against a contract this host does not implement.
    #[error(
        "imports {import}, but this host implements {}; rebuild the control against one of them",
        VERSIONS.map(|v| v.package).join(", ")
    )]
    IncompatibleWit {
        /// The import's full name.
        import: String,
    },
    /// Linking failed for another reason.
    #[error("cannot be linked: {0}")]
    Link(String),
}

/// Several refusals in one sentence, imports grouped by reason.
fn describe_refused(errors: &[LoadError]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut others = Vec::new();
    for e in errors {
        match e {
            LoadError::ForbiddenImport { import, why } => {
                match groups.iter_mut().find(|(w, _)| w == why) {
                    Some((_, imports)) => imports.push(import),
                    None => groups.push((why, vec![import])),
                }
            }
            other => others.push(other.to_string()),
        }
    }
    let grouped = groups
        .iter()
        .map(|(why, imports)| format!("{} ({why})", imports.join(", ")));
    let mut parts: Vec<String> = others;
    let grouped: Vec<String> = grouped.collect();
    if !grouped.is_empty() {
        parts.push(format!(
            "imports {}, which bulkhead never grants",
            grouped.join("; ")
        ));
    }
    parts.join("; ")
}

/// What an import gives a component, as `plugins inspect` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// A read-only bulkhead capability (or the shared types).
    ReadOnly,
    /// A mutating bulkhead capability: only `fix --apply` grants it.
    Mutating,
    /// Standard WASI plumbing: stdio (captured), clocks, random, exit.
    Wasi,
}

impl ImportKind {
    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            ImportKind::ReadOnly => "read-only",
            ImportKind::Mutating => "mutating",
            ImportKind::Wasi => "wasi",
        }
    }
}

/// What this host provides to components, by import name; refusals say why.
pub fn classify_import(name: &str) -> Result<ImportKind, LoadError> {
    let forbidden = |why| {
        Err(LoadError::ForbiddenImport {
            import: name.to_owned(),
            why,
        })
    };
    match contract::lookup(name) {
        Some(Lookup::Known(interface)) => {
            return match interface.role {
                Role::Types => Ok(ImportKind::ReadOnly),
                Role::Import {
                    effect: Effect::ReadOnly,
                    ..
                } => Ok(ImportKind::ReadOnly),
                Role::Import {
                    effect: Effect::Mutating,
                    ..
                } => Ok(ImportKind::Mutating),
                Role::Export => forbidden("unknown interface"),
            };
        }
        Some(Lookup::UnknownInterface) => return forbidden("unknown interface"),
        Some(Lookup::UnknownVersion) => {
            return Err(LoadError::IncompatibleWit {
                import: name.to_owned(),
            });
        }
        None => {}
    }
    let wasi_interface = name
        .strip_prefix("wasi:")
        .map(|rest| rest.split('/').next().unwrap_or(""));
    match wasi_interface {
        Some("io" | "cli" | "clocks" | "random") => Ok(ImportKind::Wasi),
        Some("filesystem") => {
            forbidden("controls reach files only through bulkhead:plugin/filesystem")
        }
        Some("sockets") => forbidden("controls have no network"),
        Some(_) | None => forbidden("unknown interface"),
    }
}

/// Why `bytes` are not a WebAssembly component, judged by their preamble: the magic
/// number, then the version and layer (1, 0 for a core module; 0xd, 1 for a component).
fn not_a_component(bytes: &[u8]) -> Option<&'static str> {
    let Some(preamble) = bytes.get(..8) else {
        return Some("too short to be WebAssembly");
    };
    if &preamble[..4] != b"\0asm" {
        return Some("bad magic number");
    }
    match preamble[4..] {
        [1, 0, 0, 0] => Some(
            "it is a core WebAssembly module; build the control for wasm32-wasip2, which makes \
             a component",
        ),
        [_, _, 1, 0] => None,
        _ => Some("unknown WebAssembly version"),
    }
}

/// The process-wide engine and linker.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

/// Link every capability, each call's view made from its store: the run's contexts,
/// the call's grants and its record. The only place that knows both the store's shape
/// and the capabilities.
fn link_capabilities(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    use capabilities::admin::AdminView;
    use capabilities::container_tasks::TasksView;
    use capabilities::log::LogView;
    use capabilities::machine::MachineView;
    use capabilities::{
        View, container_admin, container_fields, container_processes, container_tasks, docker,
        file_admin, filesystem, images, log, machine, networks, ownership_admin, process,
    };
    filesystem::add_to_linker(linker, |s| View {
        ctx: &s.run.fs,
        grants: &s.grants,
        record: &mut s.record,
    })?;
    process::add_to_linker(linker, |s| View {
        ctx: &s.run.proc,
        grants: &s.grants,
        record: &mut s.record,
    })?;
    fn daemon(s: &mut HostState) -> View<'_, crate::sources::docker::DockerCtx> {
        View {
            ctx: &s.run.docker,
            grants: &s.grants,
            record: &mut s.record,
        }
    }
    docker::add_to_linker(linker, daemon)?;
    container_fields::add_to_linker(linker, daemon)?;
    images::add_to_linker(linker, daemon)?;
    container_processes::add_to_linker(linker, daemon)?;
    networks::add_to_linker(linker, daemon)?;
    log::add_to_linker(linker, |s| LogView {
        grants: &s.grants,
        record: &mut s.record,
    })?;
    fn admin(s: &mut HostState) -> AdminView<'_> {
        AdminView {
            fs: &s.run.fs,
            docker: &s.run.docker,
            admin: &s.run.admin,
            grants: &s.grants,
            record: &mut s.record,
        }
    }
    file_admin::add_to_linker(linker, admin)?;
    ownership_admin::add_to_linker(linker, admin)?;
    container_admin::add_to_linker(linker, admin)?;
    machine::add_to_linker(linker, |s| MachineView {
        ctx: &s.run.machine,
        fs: &s.run.fs,
        grants: &s.grants,
        record: &mut s.record,
    })?;
    container_tasks::add_to_linker(linker, |s| TasksView {
        tasks: &s.run.tasks,
        docker: &s.run.docker,
        machine: &s.run.machine,
        fs: &s.run.fs,
        grants: &s.grants,
        record: &mut s.record,
    })?;
    Ok(())
}

impl Runtime {
    /// Configure the engine, link every capability, and start the epoch ticker.
    pub fn new() -> anyhow::Result<Self> {
        #[allow(unused_mut)] // changed only by a test hook
        let mut config = engine_config(None)?;
        // Test hook, only in builds with the `test-hooks` feature (which only the test
        // suite turns on): an engine whose settings differ from the ones the bundled
        // controls were precompiled with, as a binary built with other settings would
        // have. wasmtime must refuse the embedded code, and the controls are compiled.
        #[cfg(feature = "test-hooks")]
        if std::env::var_os("BULKHEAD_TEST_ENGINE_DRIFT").is_some() {
            config.memory_guard_size(1 << 16);
        }
        let engine = Engine::new(&config)?;

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        link_capabilities(&mut linker)?;

        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let engine = engine.clone();
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("bulkhead-epoch".to_owned())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        // Parked rather than asleep, so `drop` can wake it at once.
                        std::thread::park_timeout(EPOCH_TICK);
                        engine.increment_epoch();
                    }
                })?
        };
        Ok(Runtime {
            engine,
            linker,
            stop,
            ticker: Some(ticker),
        })
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Compile `bytes` into a component (no imports checked yet). What is wrong with
    /// bytes that are no component is said in one line, not the parser's byte dump.
    pub fn compile(&self, bytes: &[u8]) -> Result<Component, LoadError> {
        if let Some(why) = not_a_component(bytes) {
            return Err(LoadError::NotComponent(why));
        }
        Component::new(&self.engine, bytes).map_err(|e| {
            let text = format!("{e:#}");
            let line = text.lines().next().unwrap_or_default();
            LoadError::Invalid(line.trim_end_matches(':').trim().to_owned())
        })
    }

    /// Load code that `build.rs` precompiled for this binary. The engine checks that it
    /// was built by this wasmtime with settings and CPU features this machine runs;
    /// where it was not, the reason is returned, and nothing is loaded.
    // Loading native code is trusting it (see SAFETY); the cache is the other place.
    #[allow(unsafe_code)]
    pub fn deserialize_embedded(&self, artifact: &'static [u8]) -> Result<Component, String> {
        // SAFETY: `artifact` is embedded in this binary by its own build script, which
        // made it with `Engine::precompile_component` of the same wasmtime (one version
        // in Cargo.lock): it is as trusted as the binary. The engine still checks its
        // compatibility and refuses what this engine or CPU cannot run.
        unsafe { Component::deserialize(&self.engine, artifact) }.map_err(|e| {
            let text = format!("{e:#}");
            text.lines().next().unwrap_or_default().to_owned()
        })
    }

    /// The names of everything `component` imports.
    pub fn imports(&self, component: &Component) -> Vec<String> {
        component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_owned())
            .collect()
    }

    /// Check the imports of `component` against the policy, then pre-link it for the
    /// contract version whose `control` interface it exports.
    pub fn link(&self, component: &Component) -> Result<Pre, LoadError> {
        let mut refused: Vec<LoadError> = self
            .imports(component)
            .iter()
            .filter_map(|name| classify_import(name).err())
            .collect();
        // A contract mismatch explains everything else: say it first.
        refused.sort_by_key(|e| !matches!(e, LoadError::IncompatibleWit { .. }));
        match refused.len() {
            0 => {}
            1 => return Err(refused.remove(0)),
            _ => return Err(LoadError::Refused(refused)),
        }
        let pre = self
            .linker
            .instantiate_pre(component)
            .map_err(|e| LoadError::Link(format!("{e:#}")))?;
        let link_error = |e: wasmtime::Error| LoadError::Link(format!("{e:#}"));
        let ty = component.component_type();
        let exports_v2 = ty
            .exports(&self.engine)
            .any(|(name, _)| name.starts_with("bulkhead:plugin/control@0.2."));
        if exports_v2 {
            // 0.3.0 and 0.4.0 export 0.2.0's control; the newest contract it imports from
            // tells them apart.
            let imports = ty.imports(&self.engine).map(|(name, _)| name);
            let package = contract::package_of_imports(2, imports).package;
            PluginV2Pre::new(pre)
                .map(|pre| Pre::V2(pre, package))
                .map_err(link_error)
        } else {
            PluginV1Pre::new(pre).map(Pre::V1).map_err(link_error)
        }
    }

    /// Compile and link `bytes`.
    pub fn prepare(&self, bytes: &[u8]) -> Result<Pre, LoadError> {
        self.link(&self.compile(bytes)?)
    }
}

/// A control linked and ready to instantiate, by the contract version it exports.
#[derive(Clone)]
pub enum Pre {
    /// Built against `bulkhead:plugin@0.1.0`.
    V1(PluginV1Pre<HostState>),
    /// Exports 0.2.0's `control`: built against `bulkhead:plugin@0.2.0`, or against 0.3.0
    /// or 0.4.0 (named second) when it imports what that version adds.
    V2(PluginV2Pre<HostState>, &'static str),
}

impl Pre {
    /// The engine it was linked in.
    pub fn engine(&self) -> &Engine {
        match self {
            Pre::V1(pre) => pre.engine(),
            Pre::V2(pre, _) => pre.engine(),
        }
    }

    /// The contract version it was built against.
    pub fn wit_package(&self) -> &'static str {
        match self {
            Pre::V1(_) => contract::package_of_imports(1, []).package,
            Pre::V2(_, package) => package,
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(ticker) = self.ticker.take() {
            ticker.thread().unpark();
            let _ = ticker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case::text(b"hello, world".as_slice(), "bad magic number")]
    #[case::empty(b"".as_slice(), "too short")]
    #[case::core_module(b"\0asm\x01\0\0\0".as_slice(), "core WebAssembly module")]
    #[case::odd_version(b"\0asm\x02\0\0\0".as_slice(), "unknown WebAssembly version")]
    fn what_is_no_component_says_why_in_one_line(#[case] bytes: &[u8], #[case] why: &str) {
        let runtime = Runtime::new().unwrap();
        let Err(err) = runtime.compile(bytes) else {
            panic!("{bytes:?} compiled");
        };
        let err = err.to_string();
        assert!(err.starts_with("not a WebAssembly component: "), "{err}");
        assert!(err.contains(why) && !err.contains('\n'), "{err}");
    }

    #[test]
    fn a_corrupt_component_is_one_line_too() {
        let runtime = Runtime::new().unwrap();
        let Err(err) = runtime.compile(b"\0asm\x0d\0\x01\0garbage") else {
            panic!("a corrupt component compiled");
        };
        let err = err.to_string();
        assert!(
            err.starts_with("not a valid WebAssembly component: "),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
    }

    #[rstest::rstest]
    #[case::own_contract("bulkhead:plugin/filesystem@0.1.0", true)]
    #[case::mutating("bulkhead:plugin/file-admin@0.1.0", true)]
    #[case::own_contract_newer_patch("bulkhead:plugin/docker@0.1.3", true)]
    #[case::new_interface("bulkhead:plugin/images@0.2.0", true)]
    #[case::new_interface_newer_patch("bulkhead:plugin/machine@0.2.4", true)]
    #[case::new_interface_old_version("bulkhead:plugin/images@0.1.0", false)]
    #[case::ownership_admin("bulkhead:plugin/ownership-admin@0.3.0", true)]
    #[case::ownership_admin_too_early("bulkhead:plugin/ownership-admin@0.2.0", false)]
    #[case::read_only_in_the_newest("bulkhead:plugin/machine@0.3.0", false)]
    #[case::container_tasks("bulkhead:plugin/container-tasks@0.3.0", true)]
    #[case::old_interface_new_version("bulkhead:plugin/docker@0.2.0", false)]
    #[case::container_fields("bulkhead:plugin/container-fields@0.4.0", true)]
    #[case::container_fields_too_early("bulkhead:plugin/container-fields@0.3.0", false)]
    #[case::future_contract("bulkhead:plugin/docker@0.5.0", false)]
    #[case::major_contract("bulkhead:plugin/docker@1.0.0", false)]
    #[case::stdio("wasi:cli/stderr@0.2.6", true)]
    #[case::io("wasi:io/streams@0.2.6", true)]
    #[case::wasi_filesystem("wasi:filesystem/types@0.2.6", false)]
    #[case::wasi_sockets("wasi:sockets/tcp@0.2.6", false)]
    #[case::unknown("acme:backdoor/shell", false)]
    #[case::unknown_own_interface("bulkhead:plugin/shell@0.1.0", false)]
    fn import_policy_cases(#[case] name: &str, #[case] allowed: bool) {
        assert_eq!(classify_import(name).is_ok(), allowed, "{name}");
    }
}
