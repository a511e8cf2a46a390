//! `RUNTIME_WORKER_THREADS` (Tokio's `TOKIO_WORKER_THREADS`): the default
//! worker count of a multi-thread runtime, read when the runtime is built;
//! `Builder::worker_threads` wins over it, and a value that is not a
//! positive number panics with the variable's name. One test in its own
//! process: it sets the process's environment.
#![cfg(feature = "rt-multi-thread")]

use std::panic::{catch_unwind, AssertUnwindSafe};

fn workers(builder: &mut runtime::Builder) -> usize {
    builder.build().unwrap().handle().metrics().num_workers()
}

#[test]
fn the_environment_sets_the_default_worker_count() {
    std::env::remove_var("RUNTIME_WORKER_THREADS");
    let default = workers(&mut runtime::Builder::new_multi_thread());
    std::env::set_var("RUNTIME_WORKER_THREADS", "3");
    assert_eq!(workers(&mut runtime::Builder::new_multi_thread()), 3);
    // The builder's own setting wins, and the variable is not even read.
    assert_eq!(
        workers(runtime::Builder::new_multi_thread().worker_threads(2)),
        2
    );
    std::env::set_var("RUNTIME_WORKER_THREADS", "lots");
    assert_eq!(
        workers(runtime::Builder::new_multi_thread().worker_threads(1)),
        1
    );
    // The current-thread runtime ignores it.
    assert_eq!(workers(&mut runtime::Builder::new_current_thread()), 1);

    for bad in ["lots", "0", "-1", ""] {
        std::env::set_var("RUNTIME_WORKER_THREADS", bad);
        let err = catch_unwind(AssertUnwindSafe(|| {
            runtime::Builder::new_multi_thread().build()
        }))
        .expect_err(bad);
        let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(
            msg.contains("RUNTIME_WORKER_THREADS") && msg.contains("at least 1"),
            "{bad:?}: {msg}"
        );
    }
    std::env::remove_var("RUNTIME_WORKER_THREADS");
    assert_eq!(workers(&mut runtime::Builder::new_multi_thread()), default);
}
