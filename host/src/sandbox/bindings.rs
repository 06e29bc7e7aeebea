//! Host-side bindings for the `bulkhead:plugin` WIT packages, generated in exactly one place.
//!
//! The host implements four versions of the contract (their table is
//! [`crate::sandbox::contract`]). `wit/v0.2` (0.2.0) imports every interface of `wit/v0.1`
//! (0.1.0) unchanged and adds read-only interfaces and a
//! richer `control` export; `wit/v0.3` (0.3.0) is the 0.2.0 world plus the mutating
//! `ownership-admin` and the read-only `container-tasks`, with 0.2.0's export; `wit/v0.4`
//! (0.4.0) is the 0.3.0 world plus the read-only `container-fields`. The 0.4.0 world's
//! bindings are generated first: they serve 0.2.0, 0.3.0 and 0.4.0 controls alike (an
//! older control imports a subset). The 0.1.0
//! world reuses their modules for every shared interface, so each capability is implemented
//! once and a 0.1.0 control links against the very same imports. Only the exported
//! `control` interface differs, and [`crate::sandbox::wasm::Pre`] tells the two apart.
//!
//! Every other module uses the re-exports below; nobody else calls `bindgen!`.

mod v2 {
    wasmtime::component::bindgen!({
        path: "../wit/v0.4",
        world: "bulkhead:plugin/plugin@0.4.0",
        imports: { default: async },
        exports: { default: async },
    });
}

mod v1 {
    wasmtime::component::bindgen!({
        path: "../wit/v0.1",
        world: "bulkhead:plugin/plugin@0.1.0",
        imports: { default: async },
        exports: { default: async },
        with: {
            "bulkhead:plugin/types@0.1.0": super::v2::bulkhead::plugin0_1_0::types,
            "bulkhead:plugin/filesystem@0.1.0": super::v2::bulkhead::plugin0_1_0::filesystem,
            "bulkhead:plugin/process@0.1.0": super::v2::bulkhead::plugin0_1_0::process,
            "bulkhead:plugin/docker@0.1.0": super::v2::bulkhead::plugin0_1_0::docker,
            "bulkhead:plugin/log@0.1.0": super::v2::bulkhead::plugin0_1_0::log,
            "bulkhead:plugin/file-admin@0.1.0": super::v2::bulkhead::plugin0_1_0::file_admin,
            "bulkhead:plugin/container-admin@0.1.0": super::v2::bulkhead::plugin0_1_0::container_admin,
        },
    });
}

pub use v2::bulkhead::plugin0_1_0::container_admin;
pub use v2::bulkhead::plugin0_1_0::docker;
pub use v2::bulkhead::plugin0_1_0::file_admin;
pub use v2::bulkhead::plugin0_1_0::filesystem;
pub use v2::bulkhead::plugin0_1_0::log;
pub use v2::bulkhead::plugin0_1_0::process;
pub use v2::bulkhead::plugin0_1_0::types;
pub use v2::bulkhead::plugin0_2_0::{container_processes, images, machine, networks};
pub use v2::bulkhead::plugin0_3_0::{container_tasks, ownership_admin};
pub use v2::bulkhead::plugin0_4_0::container_fields;

pub use v1::Plugin as PluginV1;
pub use v1::PluginPre as PluginV1Pre;
/// The exported `control` interface of a 0.1.0 control.
pub use v1::exports::bulkhead::plugin::control as control_v1;
pub use v2::Plugin as PluginV2;
pub use v2::PluginPre as PluginV2Pre;
/// The exported `control` interface of a 0.2.0, 0.3.0 or 0.4.0 control (the host's own
/// metadata shape).
pub use v2::exports::bulkhead::plugin0_2_0::control;
