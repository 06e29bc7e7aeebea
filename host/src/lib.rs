//! bulkhead: audits and hardens a Docker host with security controls that are
//! WebAssembly components.
//!
//! The host is the only code that touches the machine. It loads every control
//! ([`catalog`]), compiles it once on one wasmtime engine ([`engine`]), and runs
//! each call in a fresh, limited store ([`runner`]) whose only way out is the set of
//! capabilities in [`caps`], granted per call ([`grants`]). Results become a
//! [`report`].
#![deny(unsafe_code)]

pub mod app;
pub mod bindings;
pub mod budget;
pub mod cache;
pub mod caps;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod contract;
pub mod date;
pub mod engine;
pub mod fix;
pub mod formats;
pub mod gate;
pub mod grants;
pub mod human;
pub mod inspect;
pub mod journal;
pub mod pattern;
pub mod progress;
pub mod replace;
pub mod report;
pub mod runner;
pub mod scope;
pub mod select;
pub mod state;
pub mod timings;
pub mod waiver;
