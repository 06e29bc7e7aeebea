//! Hostile control: opens a TCP connection with `std::net`, which makes the component
//! import `wasi:sockets`.
//!
//! Refused when: the host will not load it, naming the `wasi:sockets/...` import.

use bulkhead_hostile::{metadata, no_remediation};
use bulkhead_sdk::{ControlMetadata, Error, Finding, Guest, Target};

pub struct WasiSockets;

impl Guest for WasiSockets {
    fn metadata() -> ControlMetadata {
        metadata("hostile-wasi-sockets", "Opens a network connection", &[])
    }

    fn audit() -> Vec<Finding> {
        // TEST-NET-1: never routed; the component must not even get this far.
        let got = match std::net::TcpStream::connect(("192.0.2.1", 2375)) {
            Ok(stream) => format!("connected from {:?}", stream.local_addr()),
            Err(err) => format!("connect failed: {err}"),
        };
        vec![Finding::info(Target::Host, got)]
    }

    fn remediate(target: Target) -> Result<(), Error> {
        no_remediation(target)
    }
}

bulkhead_sdk::export!(WasiSockets);
