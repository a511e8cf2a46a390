//! What the smoke binaries share: both runtime flavours, the servers'
//! addresses, and the report of a call that is expected to panic.
//!
//! Each binary asserts what must work (a failure exits non-zero) and prints
//! one line per probe of what a user would call first, working or not, with
//! the panic text where it panics.

use runtime::task::JoinError;
use runtime::Runtime;

// The runtime's own test flavours (current-thread; multi-thread with two
// workers; every driver on), so these checks run on the same two.
#[path = "../../../runtime/tests/support/flavours.rs"]
mod support;

/// The two flavours every check runs on, named.
pub fn flavours() -> [(&'static str, Runtime); 2] {
    [
        ("current_thread", support::current_thread()),
        ("multi_thread", support::multi_thread()),
    ]
}

/// `host:port` of the server `var` names (set by run.sh), or `default`.
pub fn addr(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

/// PostgreSQL's address, from `PG_ADDR`.
pub fn pg_addr() -> String {
    addr("PG_ADDR", "127.0.0.1:5432")
}

/// A connection URL for the `postgres` user's database on [`pg_addr`].
pub fn pg_url() -> String {
    format!("postgres://postgres@{}/postgres", pg_addr())
}

/// Prints how a probe ended: its own description of success, or the text of
/// its panic.
pub fn report(flavour: &str, what: &str, outcome: Result<String, JoinError>) {
    match outcome {
        Ok(done) => println!("{flavour}: {what}: ok: {done}"),
        Err(err) => {
            let payload = err.into_panic();
            let text = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "(not a string)".to_string());
            println!("{flavour}: {what}: PANICKED: {text:?}");
        }
    }
}
