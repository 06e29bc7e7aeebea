//! The store's own bounds that a guest can run into mid-call: its linear memory and its
//! stdout/stderr. Each raises a typed [`Failure`] when it refuses, so the call's error
//! says which bound ended it (see [`crate::sandbox::outcome::classify`]).

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime::{ResourceLimiter, StoreLimits};
use wasmtime_wasi::async_trait;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};

use crate::sandbox::outcome::Failure;

/// Memory growth past `memory_bytes` ends the call with [`Failure::Memory`]; tables and
/// instance counts keep wasmtime's [`StoreLimits`].
pub struct Limiter {
    memory_bytes: usize,
    others: StoreLimits,
}

impl Limiter {
    /// A limiter for a store whose linear memory may grow to `memory_bytes`.
    pub fn new(memory_bytes: usize) -> Limiter {
        Limiter {
            memory_bytes,
            others: wasmtime::StoreLimitsBuilder::new()
                .trap_on_grow_failure(true)
                .build(),
        }
    }

    fn refused(&self) -> wasmtime::Error {
        wasmtime::Error::new(Failure::Memory(self.memory_bytes >> 20))
    }
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes || maximum.is_some_and(|max| desired > max) {
            return Err(self.refused());
        }
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        Err(self.refused())
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.others.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.others.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.others.instances()
    }

    fn tables(&self) -> usize {
        self.others.tables()
    }

    fn memories(&self) -> usize {
        self.others.memories()
    }
}

/// A guest's stdout or stderr, kept in memory up to `capacity` bytes; a write past it
/// ends the call with [`Failure::Log`].
#[derive(Debug, Clone)]
pub struct LogPipe {
    capacity: usize,
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl LogPipe {
    /// An empty pipe holding at most `capacity` bytes.
    pub fn new(capacity: usize) -> LogPipe {
        LogPipe {
            capacity,
            buffer: Arc::default(),
        }
    }

    /// What was written.
    pub fn contents(&self) -> Vec<u8> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        // A panic while holding it left bytes, not a broken invariant.
        self.buffer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl IsTerminal for LogPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for LogPipe {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl OutputStream for LogPipe {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        let mut buffer = self.lock();
        if bytes.len() > self.capacity - buffer.len() {
            return Err(StreamError::Trap(wasmtime::Error::new(Failure::Log(
                self.capacity,
            ))));
        }
        buffer.extend_from_slice(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        let used = self.lock().len();
        if used < self.capacity {
            Ok(self.capacity - used)
        } else {
            // Full: nothing more will ever be written.
            Err(StreamError::Closed)
        }
    }
}

#[async_trait]
impl Pollable for LogPipe {
    /// Always ready: a write either fits or ends the call.
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for LogPipe {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let mut buffer = self.lock();
        let n = buf.len().min(self.capacity - buffer.len());
        buffer.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_past_the_capacity_is_a_log_failure_and_keeps_nothing_of_it() {
        let mut pipe = LogPipe::new(8);
        pipe.write(Bytes::from_static(b"12345")).unwrap();
        assert_eq!(pipe.check_write().unwrap(), 3);
        match pipe.write(Bytes::from_static(b"6789")) {
            Err(StreamError::Trap(e)) => {
                assert_eq!(crate::sandbox::outcome::classify(&e), Failure::Log(8));
            }
            other => panic!("expected a trap, got {other:?}"),
        }
        assert_eq!(pipe.contents(), b"12345");
        pipe.write(Bytes::from_static(b"678")).unwrap();
        assert!(matches!(pipe.check_write(), Err(StreamError::Closed)));
    }

    #[test]
    fn memory_past_the_limit_is_a_memory_failure() {
        let mut limiter = Limiter::new(2 << 20);
        assert!(limiter.memory_growing(0, 1 << 20, None).unwrap());
        let err = limiter.memory_growing(0, 3 << 20, None).unwrap_err();
        assert_eq!(crate::sandbox::outcome::classify(&err), Failure::Memory(2));
        let err = limiter
            .memory_growing(0, 1 << 20, Some(1 << 19))
            .unwrap_err();
        assert_eq!(crate::sandbox::outcome::classify(&err), Failure::Memory(2));
    }
}
