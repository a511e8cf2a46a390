//! `runtime::Id` and `is_rt_shutdown_err`: how a program tells runtimes
//! apart, and tells "my runtime is gone" from other I/O errors.
//!
//! An id is the number of the runtime's (or `LocalSet`'s) task list, which
//! runtime-core hands out from one process-wide counter: unique among all
//! runtimes and sets of the process, alive or not (Tokio promises less:
//! unique among those alive), and never zero.

use std::fmt;
use std::io;
use std::num::NonZeroU64;

/// An opaque id of a runtime or a [`LocalSet`](crate::task::LocalSet), from
/// [`Handle::id`](crate::Handle::id) or
/// [`LocalSet::id`](crate::task::LocalSet::id).
///
/// Ids are unique within the process (no two runtimes or sets ever share
/// one) and carry no order or other meaning.
///
/// ```
/// use runtime::runtime::Handle;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let id = Handle::current().id();
///     assert_eq!(id, Handle::current().id());
///     println!("current runtime id: {id}");
/// }
/// ```
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq)]
pub struct Id(NonZeroU64);

impl Id {
    pub(crate) fn new(id: u64) -> Id {
        Id(NonZeroU64::new(id).expect("runtime ids start at 1"))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Whether `err` was returned because the runtime that the I/O resource
/// belongs to has shut down (rather than by the operating system), as
/// Tokio's `runtime::is_rt_shutdown_err`.
///
/// ```
/// use runtime::runtime::{is_rt_shutdown_err, Runtime};
/// use runtime::net::TcpListener;
///
/// let rt1 = Runtime::new().unwrap();
/// let listener = rt1.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
/// drop(rt1); // the listener's reactor is gone
///
/// let rt2 = Runtime::new().unwrap();
/// let err = rt2.block_on(listener.accept()).unwrap_err();
/// assert!(is_rt_shutdown_err(&err));
/// assert!(!is_rt_shutdown_err(&std::io::Error::other("something else")));
/// ```
pub fn is_rt_shutdown_err(err: &io::Error) -> bool {
    crate::driver::is_shutdown_error(err)
}
