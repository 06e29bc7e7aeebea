//! The `log` capability: messages from a control, kept (bounded) in its call record.

use wasmtime::component::{HasData, Linker};

use super::check;
use crate::bindings::log::{self, Host, Level};
use crate::grants::{Call, Grants};
use crate::state::{CallRecord, HostState};

/// A control's view of the log capability for one call.
pub struct LogView<'a> {
    grants: &'a Grants,
    record: &'a mut CallRecord,
}

impl Host for LogView<'_> {
    async fn log(&mut self, level: Level, message: String) {
        if check(self.grants, self.record, Call::Log, &message).is_ok() {
            let level = match level {
                Level::Debug => "debug",
                Level::Info => "info",
                Level::Warn => "warn",
                Level::Error => "error",
            };
            self.record.log(level, &message);
        }
    }
}

struct LogCap;

impl HasData for LogCap {
    type Data<'a> = LogView<'a>;
}

/// Add the `log` interface to `linker`.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    log::add_to_linker::<HostState, LogCap>(linker, |s| LogView {
        grants: &s.grants,
        record: &mut s.record,
    })
}
