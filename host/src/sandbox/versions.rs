//! The one place that adapts the exported `control` interface across contract
//! versions: a 0.1.0 control's calls and answers in the host's (0.2.0) shape. The
//! imported interfaces need no adapter: 0.1.0 links against the very same ones
//! ([`crate::sandbox::bindings`]).

use wasmtime::Store;

use crate::sandbox::bindings::control::{ControlMetadata, Finding};
use crate::sandbox::bindings::control_v1;
use crate::sandbox::bindings::types::{Error as WitError, Target};
use crate::sandbox::bindings::{PluginV1, PluginV2};
use crate::sandbox::state::HostState;
use crate::sandbox::wasm::Pre;

/// One instance of a control, whichever version of `control` it exports.
pub enum Instance {
    /// Built against `bulkhead:plugin@0.1.0`.
    V1(PluginV1),
    /// Exports 0.2.0's `control` (built against 0.2.0, 0.3.0 or 0.4.0).
    V2(PluginV2),
}

impl Instance {
    /// Instantiate `pre` in `store`.
    pub async fn new(pre: &Pre, store: &mut Store<HostState>) -> wasmtime::Result<Instance> {
        Ok(match pre {
            Pre::V1(pre) => Instance::V1(pre.instantiate_async(store).await?),
            Pre::V2(pre, _) => Instance::V2(pre.instantiate_async(store).await?),
        })
    }

    /// `metadata()`. A 0.1.0 control's answer names no benchmark items.
    pub async fn metadata(
        &self,
        store: &mut Store<HostState>,
    ) -> wasmtime::Result<ControlMetadata> {
        match self {
            Instance::V1(p) => p
                .bulkhead_plugin_control()
                .call_metadata(store)
                .await
                .map(from_v1),
            Instance::V2(p) => p.bulkhead_plugin0_2_0_control().call_metadata(store).await,
        }
    }

    /// `audit()`: the findings are the same type in every version.
    pub async fn audit(&self, store: &mut Store<HostState>) -> wasmtime::Result<Vec<Finding>> {
        match self {
            Instance::V1(p) => p.bulkhead_plugin_control().call_audit(store).await,
            Instance::V2(p) => p.bulkhead_plugin0_2_0_control().call_audit(store).await,
        }
    }

    /// `remediate(target)`.
    pub async fn remediate(
        &self,
        store: &mut Store<HostState>,
        target: &Target,
    ) -> wasmtime::Result<Result<(), WitError>> {
        match self {
            Instance::V1(p) => {
                p.bulkhead_plugin_control()
                    .call_remediate(store, target)
                    .await
            }
            Instance::V2(p) => {
                p.bulkhead_plugin0_2_0_control()
                    .call_remediate(store, target)
                    .await
            }
        }
    }
}

/// A 0.1.0 control's metadata in the 0.2.0 shape: the same fields, no benchmark items.
fn from_v1(raw: control_v1::ControlMetadata) -> ControlMetadata {
    ControlMetadata {
        id: raw.id,
        title: raw.title,
        version: raw.version,
        description: raw.description,
        rationale: raw.rationale,
        remediation: raw.remediation,
        severity: raw.severity,
        references: raw.references,
        items: Vec::new(),
        reads: raw.reads,
    }
}
