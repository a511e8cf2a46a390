//! 1,000 concurrent `true` children, SIGCHLD path forced with
//! `RUNTIME_PROCESS_REAPER=sigchld` (see `process_cases/many.rs`): every
//! SIGCHLD makes each waiting child try `waitpid` once.
#![cfg(all(unix, feature = "full"))]

#[path = "process_cases/many.rs"]
mod many;

#[test]
fn thousand_children_without_a_thread_each_on_sigchld() {
    // The only test of this process, before any spawn.
    std::env::set_var("RUNTIME_PROCESS_REAPER", "sigchld");
    many::on_both_flavours();
}
