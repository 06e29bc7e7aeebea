//! What a control can reach: one thin adapter per WIT interface, named after it, over
//! the data the run reads once ([`crate::sources`]). An adapter checks each call
//! against the call's grants (`check`), charges its arguments to the call's budget,
//! and answers from the sources; it holds no state of its own.
//!
//! Every adapter has the same shape: a view of one call (the run's contexts it reads,
//! the call's grants and its record; [`View`] when it reads one context), its `Host`
//! impl, and one `add_to_linker` taking the function that makes the view from the
//! store ([`crate::sandbox::wasm`] passes it). A reader who knows one knows them all.
//! The mutating interfaces share [`admin`]: the run's mode and journal.

pub mod admin;
pub mod container_admin;
pub mod container_fields;
pub mod container_processes;
pub mod container_tasks;
pub mod docker;
pub mod file_admin;
pub mod filesystem;
pub mod images;
pub mod log;
pub mod machine;
pub mod networks;
pub mod ownership_admin;
pub mod process;

use crate::sandbox::bindings::container_admin::Tightening;
use crate::sandbox::bindings::types::Error as WitError;
use crate::sandbox::grants::{Call, Denial, Grants, Refusal};
use crate::sandbox::record::CallRecord;

/// A control's view of one capability for one call: the run's context it reads, what
/// the call may do, and what it did.
pub struct View<'a, C> {
    /// The run's context (the root, the process table, a daemon).
    pub ctx: &'a C,
    /// What this call may do.
    pub grants: &'a Grants,
    /// What this call did besides returning.
    pub record: &'a mut CallRecord,
}

/// What a control passed to one host function: the strings and lists it handed over,
/// charged to the call's budget, and shown in the report when the call is refused.
pub(crate) trait Args {
    /// The bytes the host received (strings, and list elements at their host size).
    fn bytes(&self) -> usize;
    /// The arguments as a denial shows them.
    fn show(&self) -> String;
}

impl Args for () {
    fn bytes(&self) -> usize {
        0
    }
    fn show(&self) -> String {
        String::new()
    }
}

impl Args for str {
    fn bytes(&self) -> usize {
        self.len()
    }
    fn show(&self) -> String {
        self.to_owned()
    }
}

impl Args for String {
    fn bytes(&self) -> usize {
        self.len()
    }
    fn show(&self) -> String {
        self.clone()
    }
}

impl Args for u32 {
    fn bytes(&self) -> usize {
        0
    }
    fn show(&self) -> String {
        self.to_string()
    }
}

impl Args for Option<u32> {
    fn bytes(&self) -> usize {
        0
    }
    fn show(&self) -> String {
        self.map_or_else(|| "-".to_owned(), |n| n.to_string())
    }
}

/// A file mode, shown in octal.
pub(crate) struct Mode(pub u32);

impl Args for Mode {
    fn bytes(&self) -> usize {
        0
    }
    fn show(&self) -> String {
        format!("{:04o}", self.0)
    }
}

impl Args for [String] {
    fn bytes(&self) -> usize {
        self.iter().map(|s| size_of::<String>() + s.len()).sum()
    }
    fn show(&self) -> String {
        self.join(",")
    }
}

impl Args for Vec<String> {
    fn bytes(&self) -> usize {
        self.as_slice().bytes()
    }
    fn show(&self) -> String {
        self.as_slice().show()
    }
}

impl Args for Tightening {
    fn bytes(&self) -> usize {
        self.cap_drop.bytes()
    }
    fn show(&self) -> String {
        format!("cap-drop={}", self.cap_drop.show())
    }
}

impl<A: Args + ?Sized> Args for &A {
    fn bytes(&self) -> usize {
        (**self).bytes()
    }
    fn show(&self) -> String {
        (**self).show()
    }
}

impl<A: Args, B: Args> Args for (A, B) {
    fn bytes(&self) -> usize {
        self.0.bytes() + self.1.bytes()
    }
    fn show(&self) -> String {
        format!("{} {}", self.0.show(), self.1.show())
    }
}

impl<A: Args, B: Args, C: Args> Args for (A, B, C) {
    fn bytes(&self) -> usize {
        self.0.bytes() + self.1.bytes() + self.2.bytes()
    }
    fn show(&self) -> String {
        format!("{} {}:{}", self.0.show(), self.1.show(), self.2.show())
    }
}

/// Admit one host call: charge what the control passed (`args`) to the call's budget,
/// then check `call` against `grants`. Every host function calls this first, so no
/// argument reaches a capability uncharged, and a refusal is recorded and returned as
/// `denied`. Over the budget, the call answers `invalid` and the whole call into the
/// control ends in `error`.
pub(crate) fn check(
    grants: &Grants,
    record: &mut CallRecord,
    call: Call,
    args: &(impl Args + ?Sized),
) -> Result<(), WitError> {
    record
        .budget
        .take_input(args.bytes())
        .map_err(|e| WitError::Invalid(e.to_string()))?;
    if grants.allows(call) {
        Ok(())
    } else {
        record.deny(Denial::new(call, args.show(), Refusal::Grant));
        Err(WitError::Denied)
    }
}
