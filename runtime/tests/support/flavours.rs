//! `both_flavours!(a, b, ...)`: one `#[test]` per async fn per flavour
//! (current_thread, and multi_thread with 2 workers), each in its own
//! runtime with every driver on. Shared through
//! `#[macro_use] #[path = "support/flavours.rs"] mod flavours;`.

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
