//! Guest bindings for the `bulkhead:plugin` WIT package, generated here and nowhere else.
//!
//! Control crates never call `wit_bindgen::generate!` themselves: they use the types, the
//! import modules, the [`Guest`](exports::bulkhead::plugin0_2_0::control::Guest) trait and the
//! [`export!`](crate::export) macro that the crate root re-exports from this module.
//!
//! The WIT lives in the repository's `wit/` directory; the host generates its side from the
//! same files, so the WIT is the only contract the two share. Controls built with this SDK
//! target `bulkhead:plugin@0.4.0` (`wit/v0.4`): the 0.3.0 world (0.2.0's, which imports the
//! 0.1.0 interfaces unchanged, plus `ownership-admin` and `container-tasks`) plus
//! `container-fields`. Their modules are `bulkhead::plugin0_1_0::*` to
//! `bulkhead::plugin0_4_0::*`; the exported `control` is 0.2.0's. A component imports only
//! what its code calls, so a control that never picks container fields or changes an owner
//! still loads in a host that implements only 0.2.0.
#![allow(missing_docs)] // generated code; the WIT's own `///` comments become its docs

wit_bindgen::generate!({
    world: "bulkhead:plugin/plugin@0.4.0",
    path: "../../wit/v0.4",
    // The interfaces of 0.1.0 to 0.3.0 it imports live in dependency packages (`wit/v0.4/deps`).
    generate_all,
    // The export macro is used from control crates, which depend on this crate only.
    pub_export_macro: true,
    default_bindings_module: "bulkhead_sdk::bindings",
    runtime_path: "bulkhead_sdk::__private::rt",
    // Tests compare findings and metadata directly.
    additional_derives: [PartialEq, Eq],
});
