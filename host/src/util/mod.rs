//! Small helpers with no knowledge of controls: text for a person ([`human`]), dates,
//! glob patterns, a progress counter and phase timings.

pub mod date;
pub mod human;
pub mod pattern;
pub mod progress;
pub mod timings;
