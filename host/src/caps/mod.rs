//! The capabilities a control can reach, one module per WIT interface (`objects` serves
//! the three Docker interfaces 0.2.0 adds: images, container processes, networks; `admin`
//! the mutating ones), and
//! `endpoint`: where a daemon is and how to reach it.
//!
//! Every module has the same shape: a context struct holding per-run state (`*Ctx`),
//! a view that pairs it with the calling control's grants and call record (`*View`),
//! and one `add_to_linker` function. A reader who knows one knows them all.

pub mod admin;
pub mod docker;
pub mod endpoint;
pub mod fields;
pub mod fs;
pub mod log;
pub mod machine;
pub mod objects;
pub mod process;
pub mod tasks;

use crate::bindings::types::Error as WitError;
use crate::grants::{Call, Denial, Grants};
use crate::state::CallRecord;

/// Check `call` against `grants`; a refusal is recorded and returned as `denied`.
pub(crate) fn check(
    grants: &Grants,
    record: &mut CallRecord,
    call: Call,
    argument: &str,
) -> Result<(), WitError> {
    if grants.allows(call) {
        Ok(())
    } else {
        record.deny(Denial::new(call, argument));
        Err(WitError::Denied)
    }
}
