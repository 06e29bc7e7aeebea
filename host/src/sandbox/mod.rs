//! Everything between the host and a control: which contract versions exist and what
//! each interface may do ([`contract`]), finding, checking and compiling controls
//! ([`catalog`], [`cache`], [`wasm`]), and one call in a fresh store ([`runner`])
//! under a [`budget`], [`grants`] and the store's own [`bounds`], ending in a typed
//! [`outcome`].

pub mod bindings;
pub mod bounds;
pub mod budget;
pub mod cache;
pub mod cache_dir;
pub mod catalog;
pub mod contract;
pub mod engine_config;
pub mod grants;
pub mod limits;
pub mod metadata;
pub mod outcome;
pub mod record;
pub mod runner;
pub mod scope;
pub mod select;
pub mod state;
pub mod trust;
pub mod versions;
pub mod wasm;
