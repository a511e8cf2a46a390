//! Waiting, boundedly, for something another thread publishes after the
//! call that caused it returned: a metric, a hook's log entry. Included by
//! the test binaries that need it (`#[path = "support/eventually.rs"] mod
//! eventually;`).

use std::time::{Duration, Instant};

/// Waits until `cond` holds, checking every 2 ms; fails naming `what` after
/// 20 s (generous: a loaded CI machine, or ASan, can lag by seconds).
pub fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}
