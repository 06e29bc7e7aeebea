//! bulkhead: audits and hardens a Docker host with security controls that are
//! WebAssembly components.
//!
//! # The pipeline
//!
//! ```text
//!  argv, env, config file            one validated value per command
//!  ────────────────────── settings ─────────────────────────────────┐
//!                                                                    ▼
//!  commands (run, controls, plugins, fix, rollback)  ──asks──▶  engine
//!      │ render                                                   │ loads once, then
//!      ▼                                                          │ audits / fixes / judges
//!  report (v1 JSON, table, formats, gate, waivers)  ◀─outcomes──  sandbox
//!                                                                 │ a fresh store per call:
//!                                                                 │ budget, grants, deadline
//!                                                                 ▼
//!                                                   capabilities (one per WIT interface)
//!                                                                 │
//!                                                                 ▼
//!                                 the machine: files under --root, /proc, each Docker daemon
//! ```
//!
//! - [`settings`]: what was typed ([`settings::cli`]), what the file says
//!   ([`settings::file`]), resolved once into [`settings::Settings`].
//! - [`commands`]: one module per subcommand, each thin: settle settings, build an
//!   [`engine::Engine`], ask it, render.
//! - [`engine`]: the controls loaded and linked once with the run's contexts; every
//!   command (and, next, `watch` and `authz`) asks it.
//! - [`sandbox`]: everything between the host and a control: the contract table
//!   ([`sandbox::contract`]), loading and trust ([`sandbox::catalog`]), one call in a
//!   fresh store ([`sandbox::runner`]) under a budget, grants and typed outcomes.
//! - [`capabilities`]: what a control can reach, one module per WIT interface.
//! - [`report`]: the v1 report, its statuses, formats, gate and waivers.
//! - [`fix`]: the journal and container replacement behind `fix --apply` and
//!   `rollback`.
//! - [`util`]: text for a person, dates, patterns, progress, timings.
//!
//! No module imports one that imports it back (the `layers` unit test reads the
//! sources and fails on a cycle).
//!
//! # Where new things go
//!
//! - **A capability**: its interface in a new `wit/vX.Y`, one row per interface in
//!   [`sandbox::contract`] (a test fails until it is there), its host side in
//!   `capabilities/<interface>.rs` (a view over the run's contexts with
//!   `add_to_linker`), linked in [`sandbox::wasm`].
//! - **A command**: its flags in [`settings::cli`], a module in `commands/` that
//!   resolves [`settings::Settings`], builds an [`engine::Engine`] and asks it; if it
//!   needs a new kind of question (one container, one request), a method on the
//!   engine.
//! - **An output format**: a module in `report/formats/` rendering a
//!   [`report::Report`], one arm in [`report::formats::render`] and a
//!   [`settings::cli::ReportFormat`] variant.
#![deny(unsafe_code)]

pub mod capabilities;
pub mod commands;
pub mod engine;
pub mod fix;
pub mod report;
pub mod sandbox;
pub mod settings;
pub mod sources;
pub mod util;

#[cfg(test)]
mod layers;
