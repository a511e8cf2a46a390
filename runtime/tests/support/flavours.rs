//! `both_flavours!(a, b, ...)`: one `#[test]` per async fn per flavour
//! (current_thread, and multi_thread with 2 workers), each in its own
//! runtime with every driver on. Shared through
//! `#[macro_use] #[path = "support/flavours.rs"] mod flavours;`.
//! `flavours::runtimes()` gives the same two runtimes, for a test that
//! loops over them itself.

#[allow(unused_macros)] // Files that only call `runtimes()`.
macro_rules! both_flavours {
    ($($name:ident),* $(,)?) => {
        mod current_thread {
            $(#[test]
            fn $name() {
                crate::flavours::current_thread().block_on(super::$name());
            })*
        }
        mod multi_thread {
            $(#[test]
            fn $name() {
                crate::flavours::multi_thread().block_on(super::$name());
            })*
        }
    };
}

/// A current-thread runtime with every driver on.
#[allow(dead_code)] // Used through the macro or `runtimes()`.
pub fn current_thread() -> runtime::Runtime {
    runtime::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A multi-thread runtime with 2 workers and every driver on.
#[allow(dead_code)] // Used through the macro or `runtimes()`.
pub fn multi_thread() -> runtime::Runtime {
    runtime::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The two runtimes of `both_flavours!`, for a test that loops over them
/// itself.
#[allow(dead_code)] // Not every file that takes the macro loops itself.
pub fn runtimes() -> [runtime::Runtime; 2] {
    [current_thread(), multi_thread()]
}
