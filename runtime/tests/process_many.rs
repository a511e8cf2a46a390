//! 1,000 concurrent `true` children, pidfd path (see `process_cases/many.rs`).
#![cfg(all(unix, feature = "full"))]

#[path = "process_cases/many.rs"]
mod many;

#[test]
fn thousand_children_without_a_thread_each() {
    many::on_both_flavours();
}
