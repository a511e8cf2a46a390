//! The descriptor traits every socket type implements, as Tokio's do:
//! `AsRawFd` and `AsFd` (so `socket2::SockRef::from(&socket)` and other
//! fd-level code can reach the socket without taking it), and
//! `TryFrom<std type>`, which is `from_std`.
//!
//! Written once as macros and stamped out per type; each takes an accessor
//! from `&Self` to the wrapped `mio` source, which owns the descriptor.

/// `AsRawFd` and `AsFd` for `$ty`, through `|$s| $source`.
macro_rules! impl_as_fd {
    ($ty:ty, |$s:ident| $source:expr) => {
        impl std::os::fd::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                let $s = self;
                std::os::fd::AsRawFd::as_raw_fd($source)
            }
        }

        impl std::os::fd::AsFd for $ty {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                let $s = self;
                std::os::fd::AsFd::as_fd($source)
            }
        }
    };
}

/// `TryFrom<$std>` for `$ty`, as `$ty::from_std`.
macro_rules! impl_try_from_std {
    ($ty:ident, $std:ty) => {
        #[doc = concat!("Same as [`", stringify!($ty), "::from_std`]: switches the socket to")]
        /// non-blocking mode and registers it with the current runtime's
        /// reactor.
        ///
        /// # Panics
        ///
        /// Outside a runtime.
        impl TryFrom<$std> for $ty {
            type Error = std::io::Error;

            #[track_caller]
            fn try_from(socket: $std) -> std::io::Result<$ty> {
                $ty::from_std(socket)
            }
        }
    };
}

pub(crate) use impl_as_fd;
pub(crate) use impl_try_from_std;
