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
                runtime::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(super::$name());
            })*
        }
        mod multi_thread {
            $(#[test]
            fn $name() {
                runtime::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(super::$name());
            })*
        }
    };
}

/// The two runtimes of `both_flavours!`: current_thread, and multi_thread
/// with 2 workers, every driver on.
#[allow(dead_code)] // Not every file that takes the macro loops itself.
pub fn runtimes() -> [runtime::Runtime; 2] {
    [
        runtime::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        runtime::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    ]
}
