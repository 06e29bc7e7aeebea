//! Guest bindings for the `bulkhead:plugin` WIT package, generated here and nowhere else.
//!
//! Control crates never call `wit_bindgen::generate!` themselves: they use the types, the
//! import modules, the [`Guest`](exports::bulkhead::plugin::control::Guest) trait and the
//! [`export!`](crate::export) macro that the crate root re-exports from this module.
//!
//! The WIT lives in the repository's `wit/` directory; the host generates its side from the
//! same files, so the WIT is the only contract the two share.
#![allow(missing_docs)] // generated code; the WIT's own `///` comments become its docs

wit_bindgen::generate!({
    world: "plugin",
    path: "../../wit",
    // The export macro is used from control crates, which depend on this crate only.
    pub_export_macro: true,
    default_bindings_module: "bulkhead_sdk::bindings",
    runtime_path: "bulkhead_sdk::__private::rt",
    // Tests compare findings and metadata directly.
    additional_derives: [PartialEq, Eq],
});
