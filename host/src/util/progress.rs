//! The progress line on a terminal: `[12/117] controls done`, redrawn in place on
//! stderr as controls finish and erased at the end, so the report that follows on
//! stdout stands alone. Nothing is written when stderr is not a terminal (a pipe, a
//! file, CI logs) or when the report is not the table, whose reader is a person.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

/// The shortest time between two redraws; the last count is always drawn.
const REDRAW_EVERY: Duration = Duration::from_millis(40);

/// Progress of one batch of controls; erases itself when dropped.
pub struct Progress<W: Write> {
    /// Where to draw; `None` when progress is off (or the terminal went away).
    out: Option<W>,
    total: usize,
    done: usize,
    drawn_at: Instant,
    /// Characters on the line now, to blank them out at the end.
    width: usize,
}

impl Progress<io::Stderr> {
    /// Progress on stderr, only when it is a terminal and `table` is the format.
    pub fn on_stderr(total: usize, table: bool) -> Self {
        let stderr = io::stderr();
        let on = table && stderr.is_terminal();
        Progress::new(on.then_some(stderr), total)
    }
}

impl<W: Write> Progress<W> {
    /// Start at `[0/total]`, drawn on `out` when there is one.
    pub fn new(out: Option<W>, total: usize) -> Self {
        let mut progress = Progress {
            out,
            total,
            done: 0,
            drawn_at: Instant::now(),
            width: 0,
        };
        progress.draw();
        progress
    }

    /// One more control done.
    pub fn tick(&mut self) {
        self.done += 1;
        if self.done >= self.total || self.drawn_at.elapsed() >= REDRAW_EVERY {
            self.draw();
        }
    }

    fn draw(&mut self) {
        let line = format!("\r[{}/{}] controls done", self.done, self.total);
        self.width = self.width.max(line.len() - 1);
        self.write(&line);
        self.drawn_at = Instant::now();
    }

    /// Write, or give up on progress for good: it is never worth failing a run over.
    fn write(&mut self, text: &str) {
        if let Some(out) = &mut self.out
            && out
                .write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .is_err()
        {
            self.out = None;
        }
    }
}

impl<W: Write> Drop for Progress<W> {
    /// Erase the line: blank it out with spaces and return to its start (no escape
    /// sequences: `NO_COLOR` users and dumb terminals get none from bulkhead).
    fn drop(&mut self) {
        let blank = format!("\r{}\r", " ".repeat(self.width));
        self.write(&blank);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_in_place_and_erases_itself() {
        let mut out = Vec::new();
        {
            let mut progress = Progress::new(Some(&mut out), 3);
            progress.tick();
            progress.tick();
            progress.tick();
        }
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("\r[0/3] controls done"), "{text:?}");
        assert!(text.contains("\r[3/3] controls done"), "{text:?}");
        let blank = format!("\r{}\r", " ".repeat("[3/3] controls done".len()));
        assert!(text.ends_with(&blank), "{text:?}");
        assert!(!text.contains('\x1b'), "no escape sequences: {text:?}");
        assert!(!text.contains('\n'), "one line, redrawn: {text:?}");
    }

    #[test]
    fn redraws_are_throttled_but_the_last_count_is_drawn() {
        let mut out = Vec::new();
        {
            let mut progress = Progress::new(Some(&mut out), 1000);
            for _ in 0..1000 {
                progress.tick();
            }
        }
        let text = String::from_utf8(out).unwrap();
        let draws = text.matches("controls done").count();
        assert!(draws < 100, "{draws} redraws for 1000 quick ticks");
        assert!(text.contains("[1000/1000]"), "{text:?}");
    }

    #[test]
    fn only_the_table_gets_progress() {
        // Whatever stderr is while testing, a JSON report never gets a progress line.
        assert!(Progress::on_stderr(2, false).out.is_none());
    }

    /// A terminal that went away.
    struct Gone;
    impl Write for Gone {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_turns_progress_off() {
        let mut progress = Progress::new(Some(Gone), 2);
        assert!(progress.out.is_none());
        progress.tick();
    }
}
