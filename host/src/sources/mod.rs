//! What the host reads from the machine, for the capabilities to serve, each once per
//! run: the files under `--root` ([`root`], never a private key or password hash:
//! [`secrets`]), the process table ([`proc`], [`tasks`]), the parsed machine facts
//! ([`machine`]), and each Docker daemon's snapshot and the objects kept beside it
//! ([`docker`], reached as [`endpoint`] says). No WIT adapters here: those are
//! [`crate::capabilities`], one per interface, over these.

pub mod docker;
pub mod endpoint;
pub mod machine;
pub mod proc;
pub mod root;
pub mod secrets;
pub mod tasks;
