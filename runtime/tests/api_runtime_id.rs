//! `runtime::Id` (`Handle::id`, `LocalSet::id`), `is_rt_shutdown_err` and
//! `LocalRuntime::metrics`.

use runtime::runtime::{is_rt_shutdown_err, Builder, Handle, Id, LocalRuntime};
use runtime::task::LocalSet;
use std::collections::HashSet;

#[test]
fn ids_are_stable_per_runtime_and_distinct_between_runtimes() {
    let mut seen = HashSet::new();
    let mut runtimes = Vec::new();
    for i in 0..8 {
        let rt = if i % 2 == 0 {
            Builder::new_current_thread().build().unwrap()
        } else {
            Builder::new_multi_thread()
                .worker_threads(1)
                .build()
                .unwrap()
        };
        let id = rt.handle().id();
        // The same from a clone of the handle and from inside the runtime.
        assert_eq!(rt.handle().clone().id(), id);
        assert_eq!(rt.block_on(async { Handle::current().id() }), id);
        assert_eq!(
            rt.block_on(rt.spawn(async { Handle::current().id() }))
                .unwrap(),
            id
        );
        assert!(seen.insert(id), "id {id} given twice");
        runtimes.push(rt);
    }
    // Dropping runtimes does not make their ids come back.
    drop(runtimes);
    for _ in 0..8 {
        let rt = Builder::new_current_thread().build().unwrap();
        assert!(seen.insert(rt.handle().id()));
    }
}

#[test]
fn local_set_ids_are_distinct_from_each_other_and_from_runtimes() {
    let rt = Builder::new_current_thread().build().unwrap();
    let (a, b) = (LocalSet::new(), LocalSet::new());
    let ids: HashSet<Id> = [a.id(), b.id(), rt.handle().id()].into_iter().collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(a.id(), a.id());
    // Display is the number, Debug names the type.
    assert!(a.id().to_string().parse::<u64>().unwrap() > 0);
    assert!(format!("{:?}", a.id()).starts_with("Id("));
}

#[test]
fn shutdown_error_is_recognised_and_others_are_not() {
    let rt1 = Builder::new_current_thread().enable_all().build().unwrap();
    let socket = rt1
        .block_on(runtime::net::UdpSocket::bind("127.0.0.1:0"))
        .unwrap();
    drop(rt1);
    let rt2 = Builder::new_current_thread().enable_all().build().unwrap();
    let mut buf = [0u8; 8];
    let err = rt2.block_on(socket.recv(&mut buf)).unwrap_err();
    assert!(is_rt_shutdown_err(&err), "{err}");
    assert!(!is_rt_shutdown_err(&std::io::Error::other(
        "the runtime that owns this I/O resource has shut down"
    )));
    assert!(!is_rt_shutdown_err(&std::io::ErrorKind::NotFound.into()));
}

#[test]
fn local_runtime_metrics_count_local_tasks() {
    let rt = LocalRuntime::new().unwrap();
    let metrics = rt.metrics();
    assert_eq!(metrics.num_workers(), 1);
    let tasks: Vec<_> = (0..3).map(|_| rt.spawn_local(async {})).collect();
    assert_eq!(metrics.num_alive_tasks(), 3);
    for task in tasks {
        rt.block_on(task).unwrap();
    }
    assert_eq!(metrics.num_alive_tasks(), 0);
}
