//! Phase timings of one run, printed to stderr when `BULKHEAD_TIMINGS=1`: where the
//! time goes between start and the first call into a control, for benchmarks.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();
static MARKS: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());

/// Start the clock (idempotent).
pub fn start() {
    START.get_or_init(Instant::now);
}

/// Record that phase `name` ended now.
pub fn mark(name: &'static str) {
    let since = START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0;
    if let Ok(mut marks) = MARKS.lock() {
        marks.push((name, since));
    }
}

/// Record that phase `name` ended now, unless it already has.
pub fn mark_once(name: &'static str) {
    let since = START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0;
    if let Ok(mut marks) = MARKS.lock()
        && !marks.iter().any(|(n, _)| *n == name)
    {
        marks.push((name, since));
    }
}

/// Print `bulkhead timings: name=<ms> ...` to stderr when `BULKHEAD_TIMINGS=1`.
pub fn report() {
    if std::env::var_os("BULKHEAD_TIMINGS").is_none_or(|v| v != "1") {
        return;
    }
    if let Ok(marks) = MARKS.lock() {
        let line: Vec<String> = marks.iter().map(|(n, ms)| format!("{n}={ms:.2}")).collect();
        eprintln!("bulkhead timings: {}", line.join(" "));
    }
}
