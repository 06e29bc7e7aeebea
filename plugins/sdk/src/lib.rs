//! The bulkhead plugin SDK: everything needed to write a bulkhead control in Rust.
//!
//! A *control* is a WebAssembly component that audits one security property of a Docker host
//! (and, when asked, fixes it). bulkhead loads it at run time and gives it narrow, read-only
//! capabilities through the `bulkhead:plugin` WIT interface: file facts under the audited
//! root, the `dockerd` command line, the containers' configuration, a log. Mutating
//! capabilities (`chmod`, "replace a container with a tighter copy") are separate and only
//! granted by `bulkhead fix --apply`. A control cannot reach anything else: no WASI
//! filesystem, no network, no environment.
//!
//! # Writing a control
//!
//! A control crate depends on this crate only (never on `wit-bindgen`), is built as a
//! `cdylib` for `wasm32-wasip2`, and exports one type implementing [`Guest`]:
//!
//! ```
//! use bulkhead_sdk::{
//!     Admin, ControlMetadata, Error, Facts, Finding, Guest, Host, Severity, Target, format_mode,
//! };
//!
//! pub struct DaemonJsonPresent;
//!
//! impl Guest for DaemonJsonPresent {
//!     fn metadata() -> ControlMetadata {
//!         ControlMetadata {
//!             id: "example-daemon-json-present".into(),
//!             title: "daemon.json exists".into(),
//!             version: "0.1.0".into(),
//!             description: "/etc/docker/daemon.json exists.".into(),
//!             rationale: "Hardening kept only in flags is easily lost.".into(),
//!             remediation: "Create /etc/docker/daemon.json.".into(),
//!             severity: Severity::Low,
//!             references: vec!["example".into()],
//!             // The benchmark items it implements (`bulkhead_sdk::cis::item("3.17")`), if any.
//!             items: Vec::new(),
//!             reads: vec!["/etc/docker".into()], // the only paths it may read
//!         }
//!     }
//!     fn audit() -> Vec<Finding> {
//!         audit(&Host)
//!     }
//!     fn remediate(target: Target) -> Result<(), Error> {
//!         remediate(&Host, target)
//!     }
//! }
//!
//! // The logic takes the capabilities as traits, so unit tests run it natively against
//! // `bulkhead_sdk::testing::FakeHost`.
//! fn audit(facts: &impl Facts) -> Vec<Finding> {
//!     let path = "/etc/docker/daemon.json";
//!     let finding = match facts.stat(path) {
//!         Ok(info) => Finding::pass(Target::file(path), "present")
//!             .with_evidence("mode", format_mode(info.mode)),
//!         Err(Error::NotFound) => Finding::fail(Target::file(path), "missing"),
//!         Err(err) => Finding::error(Target::file(path), bulkhead_sdk::describe_error(&err)),
//!     };
//!     vec![finding]
//! }
//!
//! fn remediate(_admin: &impl Admin, target: Target) -> Result<(), Error> {
//!     Err(Error::Invalid(format!("nothing to fix automatically for {target}")))
//! }
//!
//! // Generates the component's exports (on wasm32 only; natively it expands to nothing).
//! bulkhead_sdk::export!(DaemonJsonPresent);
//!
//! # let host = bulkhead_sdk::testing::FakeHost::new();
//! # assert_eq!(audit(&host)[0].status, bulkhead_sdk::Status::Fail);
//! ```
//!
//! Build it with `cargo build --release --target wasm32-wasip2` and run it with
//! `bulkhead run --plugin-dir target/wasm32-wasip2/release`. `examples/third-party-control`
//! in the bulkhead repository is a complete, small control to copy from.
//!
//! # Rules the host enforces
//!
//! - `metadata()` must not call any import.
//! - Mutating calls (`chmod`, `replace-container`) fail with [`Error::Denied`] in an audit,
//!   and every denial shows in the report.
//! - List every path the control reads in [`ControlMetadata::reads`]: users see it, and the
//!   host is moving to granting file reads only there (reads outside it will be denied).
//! - Every call has a deadline, memory is bounded, and so are the number and size of findings.
//! - A component that imports `wasi:filesystem` or `wasi:sockets` is refused: do not use
//!   `std::fs`, `std::net` or `std::env` in a control.
//!
//! # Findings
//!
//! Return one [`Finding`] per target the control looked at (`Target::File(path)`,
//! `Target::Container(name)`, or `Target::Host` for a host-wide verdict), built with
//! [`Finding::pass`], [`Finding::fail`], ... and [`Finding::with_evidence`]. A control that
//! cannot judge says so with `error` or `skip` and a reason; it never passes silently.
//!
//! # What else is here
//!
//! - [`caps`]: a container's effective capability set, computed exactly as Docker does.
//! - [`mode`]: "mode at most 0400" checks and `0644` formatting.
//! - [`files`]: ownership and permission rules for the host's files, and the
//!   [`file_control!`] macro that writes a whole file control from one.
//! - [`auditd`]: "auditing is configured for X" from the host's audit rule files.
//! - [`manual`]: benchmark items a person must judge, reported as `info`.
//! - [`swarm`]: the daemon's swarm state, for the swarm items.
//! - [`dockerd`] and [`daemon`]: dockerd options from its command line and `daemon.json`.
//! - [`options`]: daemon options judged per daemon (CIS section 2), and the
//!   [`option_control!`] macro that writes a whole daemon control from a rule.
//! - [`testing`]: an in-memory [`Facts`]/[`Admin`] host for unit tests.

#![deny(missing_docs)]

// Lets the generated bindings name this crate the same way from inside it and from the
// control crates that expand its `export!` macro.
extern crate self as bulkhead_sdk;

pub mod auditd;
pub mod bindings;
pub mod caps;
pub mod cis;
pub mod daemon;
pub mod dockerd;
pub mod facts;
pub mod files;
mod finding;
pub mod manual;
pub mod mode;
pub mod options;
pub mod runtime;
pub mod swarm;
pub mod testing;
pub mod text;

pub use bindings::bulkhead::plugin0_1_0::{
    container_admin, docker, file_admin, filesystem, log, process, types,
};
pub use bindings::bulkhead::plugin0_2_0::{container_processes, images, machine, networks};
pub use bindings::bulkhead::plugin0_3_0::{container_tasks, ownership_admin};
pub use bindings::bulkhead::plugin0_4_0::container_fields;
pub use bindings::exports::bulkhead::plugin0_2_0::control::{
    Assessment, BenchmarkItem, ControlMetadata, Guest,
};
pub use caps::{Capabilities, CapabilityOrigin, capability_origin, effective_capabilities};
pub use container_admin::Tightening;
pub use container_processes::{ExecSession, ProcessTable};
pub use daemon::{Daemon, DaemonScan, scan_daemons};
pub use docker::{Container, Mount};
pub use dockerd::{CommandLine, DEFAULT_CONFIG_FILE, DaemonJson};
pub use facts::{Admin, Facts, Host, MAX_POINTER_BYTES, MAX_POINTERS, MAX_READ};
pub use finding::describe_error;
pub use images::{HistoryEntry, Image};
pub use log::Level;
pub use machine::{AuditRule, Group, Listener, MountEntry, User};
pub use mode::{format_mode, mode_at_most};
pub use networks::Network;
pub use process::DaemonProcess;
pub use types::{Error, FileInfo, FileKind, Finding, Severity, Status, Target};

/// How bundled controls name the benchmark in their references: `CIS Docker Benchmark
/// v1.6.0 3.1`. bulkhead selects controls by the item number after it (`--only 3.1`).
pub const CIS_DOCKER: &str = "CIS Docker Benchmark v1.6.0";

/// Write a CIS control's exported `Control`: its metadata (the crate's version, the item
/// `cis` named in `references` and, with its level, in `items`), `audit` as the crate's
/// `audit(&Host)`, and `remediate` as the expression given; then export it.
///
/// The kits' macros ([`file_control!`], [`container_control!`], ...) write controls with
/// it; a hand-written control uses it the same way:
///
/// ```text
/// bulkhead_sdk::cis_control! {
///     id: "container-sshd-absent", title: "...", description: "...", rationale: "...",
///     remediation: "...", severity: Medium, cis: "5.7", reads: [],
///     remediate: |target| remediate(target),
/// }
/// ```
///
/// `manual: true` marks the reference `(manual)`, as the manual items' references are.
#[macro_export]
macro_rules! cis_control {
    (
        id: $id:expr,
        title: $title:expr,
        description: $description:expr,
        rationale: $rationale:expr,
        remediation: $remediation:expr,
        severity: $severity:ident,
        cis: $cis:expr,
        $(manual: $manual:literal,)?
        reads: [$($read:expr),* $(,)?],
        remediate: |$target:ident| $fix:expr $(,)?
    ) => {
        /// The exported control.
        pub struct Control;

        impl $crate::Guest for Control {
            fn metadata() -> $crate::ControlMetadata {
                let manual = <[bool]>::first(&[$($manual)?]).copied().unwrap_or(false);
                let reference = ::std::format!("{} {}", $crate::CIS_DOCKER, $cis);
                $crate::ControlMetadata {
                    id: ::std::string::String::from($id),
                    title: ::std::string::String::from($title),
                    version: ::std::string::String::from(env!("CARGO_PKG_VERSION")),
                    description: ::std::string::String::from($description),
                    rationale: ::std::string::String::from($rationale),
                    remediation: ::std::string::String::from($remediation),
                    severity: $crate::Severity::$severity,
                    references: ::std::vec![if manual {
                        ::std::format!("{reference} (manual)")
                    } else {
                        reference
                    }],
                    items: ::std::vec![$crate::cis::item($cis)],
                    reads: ::std::vec![$(::std::string::String::from($read)),*],
                }
            }
            fn audit() -> ::std::vec::Vec<$crate::Finding> {
                audit(&$crate::Host)
            }
            fn remediate($target: $crate::Target) -> ::std::result::Result<(), $crate::Error> {
                $fix
            }
        }

        $crate::export!(Control);
    };
}

/// Export `$ty` (a type implementing [`Guest`]) as the component's `control` interface.
///
/// Call it once, at the top level of the control crate: `bulkhead_sdk::export!(MyControl);`.
/// It expands to nothing off wasm32, so the same crate also builds natively (as an `rlib` or
/// `cdylib`) for unit tests and clippy: a native linker cannot export the component's
/// `bulkhead:plugin/control@0.2.0#audit`-style symbol names.
#[macro_export]
macro_rules! export {
    ($ty:ident) => {
        #[cfg(target_arch = "wasm32")]
        $crate::bindings::export!($ty with_types_in $crate::bindings);
    };
}

/// Implementation details used by the generated bindings; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use wit_bindgen::rt;
}
