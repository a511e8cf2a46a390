//! The run's trace: every scheduling decision and network event, folded into
//! a 64-bit FNV-1a hash (always) and written as text lines (when a trace file
//! was asked for). Records hold only seed-determined values (step numbers,
//! virtual milliseconds, host indices, sizes), never addresses of memory or
//! real time, so one seed gives the same hash and the same file every run.

use std::fmt::Write as _;
use std::io::Write as _;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub(crate) struct Trace {
    hash: u64,
    /// Text of the records since the last flush, when tracing to a file or
    /// keeping lines in memory.
    text: Option<String>,
    file: Option<std::fs::File>,
}

impl Trace {
    pub(crate) fn new(text: bool, file: Option<std::fs::File>) -> Trace {
        Trace {
            hash: FNV_OFFSET,
            text: (text || file.is_some()).then(String::new),
            file,
        }
    }

    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }

    /// Folds numbers into the hash; `describe` writes the text line, and is
    /// only called when text is kept.
    pub(crate) fn record(&mut self, words: &[u64], describe: impl FnOnce(&mut String)) {
        for w in words {
            for b in w.to_le_bytes() {
                self.hash = (self.hash ^ u64::from(b)).wrapping_mul(FNV_PRIME);
            }
        }
        if let Some(text) = &mut self.text {
            describe(text);
            text.push('\n');
            if text.len() > 1 << 16 {
                self.flush();
            }
        }
    }

    /// A free-form line (host output), hashed byte by byte.
    pub(crate) fn note(&mut self, at_ms: u64, line: &str) {
        for b in line.bytes() {
            self.hash = (self.hash ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
        self.record(&[at_ms], |t| {
            let _ = write!(t, "{at_ms:>8}ms note {line}");
        });
    }

    /// Takes the text kept in memory (when there is no file).
    pub(crate) fn take_text(&mut self) -> String {
        match (&mut self.text, &self.file) {
            (Some(text), None) => std::mem::take(text),
            _ => String::new(),
        }
    }

    pub(crate) fn flush(&mut self) {
        if let (Some(text), Some(file)) = (&mut self.text, &mut self.file) {
            let _ = file.write_all(text.as_bytes());
            text.clear();
        }
    }
}

impl Drop for Trace {
    fn drop(&mut self) {
        self.flush();
    }
}
