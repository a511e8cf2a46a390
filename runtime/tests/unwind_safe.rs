//! The runtime's handles, tasks and sockets are `UnwindSafe` and
//! `RefUnwindSafe` where Tokio's are, so `catch_unwind` around code that holds
//! them compiles without `AssertUnwindSafe`.
#![cfg(feature = "full")]

use std::panic::{RefUnwindSafe, UnwindSafe};

fn unwind_safe<T: UnwindSafe + RefUnwindSafe>() {}

#[test]
fn runtime_and_task_types_are_unwind_safe() {
    unwind_safe::<runtime::Runtime>();
    unwind_safe::<runtime::Handle>();
    unwind_safe::<runtime::task::JoinHandle<()>>();
    unwind_safe::<runtime::task::AbortHandle>();
    unwind_safe::<runtime::sync::Notify>();
}

#[test]
fn socket_types_are_unwind_safe() {
    unwind_safe::<runtime::net::TcpListener>();
    unwind_safe::<runtime::net::TcpStream>();
    unwind_safe::<runtime::net::TcpSocket>();
    unwind_safe::<runtime::net::UdpSocket>();
    unwind_safe::<runtime::net::UnixListener>();
    unwind_safe::<runtime::net::UnixStream>();
    unwind_safe::<runtime::net::UnixDatagram>();
}

#[test]
fn catch_unwind_around_a_runtime_needs_no_assert_unwind_safe() {
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    let handle = rt.spawn(async { 7 });
    let out = std::panic::catch_unwind(|| rt.block_on(handle).unwrap());
    assert_eq!(out.unwrap(), 7);
}
