//! Runaway computation: the deadline, the memory limit, traps.

use super::*;

#[test]
fn an_endless_loop_times_out() {
    let lab = Lab::new("infinite-loop", &["infinite_loop"], false);
    let out = lab.run(&["hostile-infinite-loop", TLS], &[]);
    out.assert_timed_out("hostile-infinite-loop");
}

#[test]
fn a_loop_of_host_calls_is_stopped_by_its_budget_and_its_records_stay_bounded() {
    let lab = Lab::new("host-call-loop", &["host_call_loop"], false);
    let out = lab.run(&["hostile-host-call-loop", TLS], &[]);
    let id = "hostile-host-call-loop";
    // It logs and is denied every round: the first of the two limits it reaches ends
    // the call at once, long before its deadline.
    out.assert_contained(id, "went over its budget: more than 1000 ");
    let ms = out.control(id)["duration_ms"].as_u64().unwrap();
    assert!(ms < 1900, "ended after {ms} ms, not by its budget");
    // The report keeps a bounded share of what it did (`Lab::run` bounds the report's
    // size).
    let control = out.control(id);
    assert!(
        control["log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["message"]
                .as_str()
                .unwrap()
                .contains("still calling the host")),
        "{control:#}"
    );
    let denials = out.denials(id);
    assert!(!denials.is_empty());
    assert!(
        denials
            .iter()
            .all(|(call, arg)| call == "file-admin.chmod" && arg.starts_with("/etc/docker/key.pem")),
        "{denials:?}"
    );
    assert_eq!(lab.host.mode("/etc/docker/key.pem"), 0o400);
}

/// A unix socket that accepts connections and never answers: a wedged Docker daemon.
struct SilentDaemon {
    dir: tempfile::TempDir,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<usize>>,
}

impl SilentDaemon {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let listener = UnixListener::bind(dir.path().join("slow.sock")).unwrap();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut held: Vec<UnixStream> = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => held.push(stream),
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(10));
                        }
                        Err(e) => panic!("accept on slow.sock: {e}"),
                    }
                }
                held.len()
            })
        };
        SilentDaemon {
            dir,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("unix://{}", self.dir.path().join("slow.sock").display())
    }

    /// Stop listening; returns how many connections were accepted (and never answered).
    fn stop(mut self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap()
    }
}

impl Drop for SilentDaemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn a_call_blocked_inside_the_host_times_out() {
    let lab = Lab::new("blocked", &["blocked_in_host_call"], false);
    let daemon = SilentDaemon::start();
    let url = daemon.url();
    let out = lab.run(
        &["hostile-blocked-in-host-call", TLS],
        &["--docker-host", &url],
    );
    out.assert_timed_out("hostile-blocked-in-host-call");
    assert!(
        daemon.stop() > 0,
        "the control never reached the silent daemon, so nothing blocked"
    );
}

#[test]
fn a_memory_bomb_hits_the_memory_limit() {
    let lab = Lab::new("memory-bomb", &["memory_bomb"], false);
    let out = lab.run(&["hostile-memory-bomb", TLS], &[]);
    out.assert_contained("hostile-memory-bomb", "exceeded the memory limit");
}

#[test]
fn deep_recursion_traps() {
    let lab = Lab::new("recursion", &["deep_recursion"], false);
    let out = lab.run(&["hostile-deep-recursion", TLS], &[]);
    out.assert_trapped("hostile-deep-recursion", "call stack exhausted");
}

#[test]
fn a_panic_traps_and_its_message_is_kept() {
    let lab = Lab::new("panic", &["panic"], false);
    let out = lab.run(&["hostile-panic", TLS], &[]);
    // With `panic = "abort"`, a panic ends in the `unreachable` instruction.
    out.assert_trapped("hostile-panic", "unreachable");
    let log = &out.control("hostile-panic")["log"];
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|l| l["level"] == "stderr"
                && l["message"].as_str().unwrap().contains("panics on purpose")),
        "the panic message is in the control's log: {log:#}"
    );
}
