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
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine};

use crate::bindings::{PluginPre, WIT_PACKAGE};
use crate::caps;
use crate::state::HostState;

/// How often the epoch advances, i.e. how often a running guest yields.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Why a component could not be made ready to run.
#[derive(Debug, Error)]
pub enum LoadError {
    /// The bytes are not a WebAssembly component (or are truncated or corrupt).
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
    /// The component was built against a contract this host does not implement.
    #[error(
        "imports {import}, but this host implements {WIT_PACKAGE}; rebuild the control against it"
    )]
    IncompatibleWit {
        /// The import's full name.
        import: String,
    },
    /// Linking failed for another reason.
    #[error("cannot be linked: {0}")]
    Link(String),
}

/// What this host provides to components, by import name prefix.
fn import_policy(name: &str) -> Result<(), LoadError> {
    let forbidden = |why| {
        Err(LoadError::ForbiddenImport {
            import: name.to_owned(),
            why,
        })
    };
    if let Some(rest) = name.strip_prefix("bulkhead:plugin/") {
        // `interface@version`: wasmtime links any 0.1.x against 0.1.0.
        let compatible = rest
            .split_once('@')
            .is_some_and(|(_, version)| version.starts_with("0.1."));
        return if compatible {
            Ok(())
        } else {
            Err(LoadError::IncompatibleWit {
                import: name.to_owned(),
            })
        };
    }
    let wasi_interface = name
        .strip_prefix("wasi:")
        .map(|rest| rest.split('/').next().unwrap_or(""));
    match wasi_interface {
        Some("io" | "cli" | "clocks" | "random") => Ok(()),
        Some("filesystem") => {
            forbidden("controls reach files only through bulkhead:plugin/filesystem")
        }
        Some("sockets") => forbidden("controls have no network"),
        Some(_) | None => forbidden("unknown interface"),
    }
}

/// The process-wide engine and linker.
pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

impl Runtime {
    /// Configure the engine, link every capability, and start the epoch ticker.
    pub fn new() -> anyhow::Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        let engine = Engine::new(&config)?;

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        caps::fs::add_to_linker(&mut linker)?;
        caps::process::add_to_linker(&mut linker)?;
        caps::docker::add_to_linker(&mut linker)?;
        caps::log::add_to_linker(&mut linker)?;
        caps::admin::add_to_linker(&mut linker)?;

        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let engine = engine.clone();
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("bulkhead-epoch".to_owned())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(EPOCH_TICK);
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

    /// Compile `bytes`, check its imports against the policy, and pre-link it.
    pub fn prepare(&self, bytes: &[u8]) -> Result<PluginPre<HostState>, LoadError> {
        let component = Component::new(&self.engine, bytes)
            .map_err(|e| LoadError::Invalid(format!("{e:#}")))?;
        for (name, _) in component.component_type().imports(&self.engine) {
            import_policy(name)?;
        }
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| LoadError::Link(format!("{e:#}")))?;
        PluginPre::new(pre).map_err(|e| LoadError::Link(format!("{e:#}")))
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case::own_contract("bulkhead:plugin/filesystem@0.1.0", true)]
    #[case::own_contract_newer_patch("bulkhead:plugin/docker@0.1.3", true)]
    #[case::future_contract("bulkhead:plugin/docker@0.2.0", false)]
    #[case::stdio("wasi:cli/stderr@0.2.6", true)]
    #[case::io("wasi:io/streams@0.2.6", true)]
    #[case::wasi_filesystem("wasi:filesystem/types@0.2.6", false)]
    #[case::wasi_sockets("wasi:sockets/tcp@0.2.6", false)]
    #[case::unknown("acme:backdoor/shell", false)]
    fn import_policy_cases(#[case] name: &str, #[case] allowed: bool) {
        assert_eq!(import_policy(name).is_ok(), allowed, "{name}");
    }
}
