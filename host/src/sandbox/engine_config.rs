//! The wasmtime configuration every compile of a control uses: the runtime's engine, and
//! `build.rs`, which precompiles the bundled controls with it. One function, so the
//! embedded code can never be built with settings the runtime does not run with (and
//! where it still differs, wasmtime refuses the artifact and the control is compiled).
//!
//! This file is also compiled into the build script (`#[path]`), so it uses nothing
//! but wasmtime.

use wasmtime::Config;

/// The engine configuration. `target` is a target triple to compile for, without the
/// CPU features of the machine that compiles: the x86-64 (or aarch64) baseline every
/// machine of that architecture has. `None` is this machine, with its CPU features.
pub fn engine_config(target: Option<&str>) -> wasmtime::Result<Config> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    // No map from native code back to wasm offsets: it only adds offsets to a trap's
    // backtrace, and it is a tenth of each compiled control (the binary embeds 118).
    // Code with and without it loads into either engine.
    config.generate_address_map(false);
    if let Some(triple) = target {
        config.target(triple)?;
    }
    Ok(config)
}
