//! A progress bar on the terminal (standard error), one line per part, redrawn in place.

use std::io::Write;
use std::time::Instant;

pub struct Progress {
    label: &'static str,
    total: usize,
    done: usize,
    started: Instant,
    quiet: bool,
    drawn: usize,
}

impl Progress {
    pub fn new(label: &'static str, total: usize, quiet: bool) -> Progress {
        let p = Progress {
            label,
            total: total.max(1),
            done: 0,
            started: Instant::now(),
            quiet,
            drawn: usize::MAX,
        };
        p.draw();
        p
    }

    pub fn step(&mut self) {
        self.done += 1;
        // Redrawn at each whole percent, not at each step.
        let percent = self.done * 100 / self.total;
        if percent != self.drawn {
            self.drawn = percent;
            self.draw();
        }
    }

    fn draw(&self) {
        if self.quiet {
            return;
        }
        let width = 30;
        let filled = self.done.min(self.total) * width / self.total;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{:<24} [{}{}] {:>6}/{:<6} {:>5.0} s",
            self.label,
            "#".repeat(filled),
            " ".repeat(width - filled),
            self.done,
            self.total,
            self.started.elapsed().as_secs_f64()
        );
        let _ = err.flush();
    }

    pub fn finish(self) {
        if !self.quiet {
            self.draw();
            eprintln!();
        }
    }
}
