//! One progress line on standard error, redrawn in place, on a terminal only: a spinner
//! with a message and the time spent. Silent when stderr is not a terminal (pipes, CI,
//! tests), so logs and captured output never hold carriage returns.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(120);

/// The progress line. Cheap to clone; clones share the line.
#[derive(Clone, Debug)]
pub struct Progress {
    line: Option<Arc<Mutex<Line>>>,
}

#[derive(Debug)]
struct Line {
    message: String,
    started: Instant,
    frame: usize,
    drawn: bool,
    done: bool,
}

impl Progress {
    /// A line on stderr when it is a terminal (and `TERM` is not `dumb`); otherwise a
    /// progress that prints nothing. Must be called inside a Tokio runtime.
    pub fn stderr() -> Progress {
        let enabled =
            std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        if enabled {
            Progress::start()
        } else {
            Progress::hidden()
        }
    }

    /// A progress that prints nothing.
    pub fn hidden() -> Progress {
        Progress { line: None }
    }

    fn start() -> Progress {
        let line = Arc::new(Mutex::new(Line {
            message: String::new(),
            started: Instant::now(),
            frame: 0,
            drawn: false,
            done: false,
        }));
        let ticker = Arc::clone(&line);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(TICK).await;
                let mut l = ticker.lock().unwrap_or_else(PoisonError::into_inner);
                if l.done {
                    break;
                }
                l.frame = (l.frame + 1) % FRAMES.len();
                l.draw();
            }
        });
        Progress { line: Some(line) }
    }

    /// Replaces the message.
    pub fn set(&self, message: impl Into<String>) {
        if let Some(line) = &self.line {
            let mut l = line.lock().unwrap_or_else(PoisonError::into_inner);
            l.message = message.into();
            l.draw();
        }
    }

    /// Erases the line and stops redrawing it.
    pub fn finish(&self) {
        if let Some(line) = &self.line {
            let mut l = line.lock().unwrap_or_else(PoisonError::into_inner);
            l.done = true;
            if l.drawn {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
                l.drawn = false;
            }
        }
    }
}

impl Line {
    fn draw(&mut self) {
        if self.done || self.message.is_empty() {
            return;
        }
        let secs = self.started.elapsed().as_secs();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K{} {} ({secs} s)",
            FRAMES[self.frame], self.message
        );
        let _ = err.flush();
        self.drawn = true;
    }
}

/// A bar of `width` cells for `done` of `total`: `[#######-------]`.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done.min(total) * width)
        .checked_div(total)
        .unwrap_or(width);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars() {
        assert_eq!(bar(0, 4, 8), "[--------]");
        assert_eq!(bar(1, 4, 8), "[##------]");
        assert_eq!(bar(4, 4, 8), "[########]");
        assert_eq!(bar(9, 4, 8), "[########]");
        assert_eq!(bar(0, 0, 4), "[####]");
    }
}
