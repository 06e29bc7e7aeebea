//! Host-side bindings for the `bulkhead:plugin` WIT package, generated in exactly one place.
//!
//! Every other module uses the re-exports below; nobody else calls `bindgen!`.

mod generated {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "plugin",
        imports: { default: async },
        exports: { default: async },
    });
}

pub use generated::bulkhead::plugin::container_admin;
pub use generated::bulkhead::plugin::docker;
pub use generated::bulkhead::plugin::file_admin;
pub use generated::bulkhead::plugin::filesystem;
pub use generated::bulkhead::plugin::log;
pub use generated::bulkhead::plugin::process;
pub use generated::bulkhead::plugin::types;
pub use generated::exports::bulkhead::plugin::control;
pub use generated::{Plugin, PluginPre};

/// The WIT package version this host implements, as a guest names it in its imports.
pub const WIT_PACKAGE: &str = "bulkhead:plugin@0.1.0";
