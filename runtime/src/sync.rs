//! Synchronisation primitives; see the runtime-sync crate.

pub use runtime_sync::*;
