//! The `log` capability: messages from a control, kept (bounded) in its call record.

use wasmtime::component::{HasData, Linker};

use super::check;
use crate::sandbox::bindings::log::{self, Host, Level};
use crate::sandbox::grants::{Call, Grants};
use crate::sandbox::record::CallRecord;

/// A control's view of the log capability for one call.
pub struct LogView<'a> {
    pub grants: &'a Grants,
    pub record: &'a mut CallRecord,
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

/// Add `log` to `linker`, each call served the view `view` makes of the store.
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> LogView<'_>,
) -> wasmtime::Result<()> {
    log::add_to_linker::<T, LogCap>(linker, view)
}
