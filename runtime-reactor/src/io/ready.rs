//! [`Interest`] and [`Ready`]: what a task waits for on an I/O resource, and
//! what the reactor saw happen to it (the facade's `runtime::io::Interest`
//! and `runtime::io::Ready`).
//!
//! `Ready` is also the flag set the reactor stores per registered source
//! (`scheduled_io.rs` packs it into its readiness word, next to a shutdown
//! bit and the event tick), so the bit values here are the ones that word
//! holds: the flags below `1 << 5` keep the values the loom model
//! (`loom_scheduled_io.rs`) mirrors, bit 5 is the word's shutdown bit, and
//! `PRIORITY` sits above it.
//!
//! An interest maps to the set of readiness flags that satisfy it
//! ([`Interest::mask`]): readable data or a closed read side for
//! `READABLE`, room or a closed write side for `WRITABLE`, urgent data or a
//! closed read side for `PRIORITY`, and `ERROR` for `ERROR`. A pending error
//! satisfies every interest as well, so a task waiting to read or write wakes
//! up and sees the error from its next operation instead of sleeping forever
//! on a broken socket.

use std::fmt;
use std::ops;

const I_READABLE: u8 = 0b0001;
const I_WRITABLE: u8 = 0b0010;
const I_ERROR: u8 = 0b0100;
#[cfg(any(target_os = "linux", target_os = "android"))]
const I_PRIORITY: u8 = 0b1000;

/// The readiness a task waits for on an I/O resource: a non-empty set of
/// `READABLE`, `WRITABLE`, `ERROR` and (Linux, Android) `PRIORITY`, combined
/// with `|` or [`add`](Interest::add).
///
/// Passed to `ready`, `try_io` and `async_io` of the sockets and of
/// `runtime::io::unix::AsyncFd`, and to `AsyncFd::with_interest` to choose
/// what the descriptor is registered for.
///
/// ```
/// use runtime::io::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert!(!both.is_error());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// assert_eq!(format!("{both:?}"), "READABLE | WRITABLE");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Interest(u8);

impl Interest {
    /// Interest in reading: data to read, or the read side closed.
    ///
    /// ```
    /// assert!(runtime::io::Interest::READABLE.is_readable());
    /// ```
    pub const READABLE: Interest = Interest(I_READABLE);

    /// Interest in writing: room to write, or the write side closed.
    ///
    /// ```
    /// assert!(runtime::io::Interest::WRITABLE.is_writable());
    /// ```
    pub const WRITABLE: Interest = Interest(I_WRITABLE);

    /// Interest in error readiness only: an error pending on the resource
    /// (`EPOLLERR`), which the OS reports whatever else was asked for.
    ///
    /// ```
    /// assert!(runtime::io::Interest::ERROR.is_error());
    /// ```
    pub const ERROR: Interest = Interest(I_ERROR);

    /// Interest in priority (out-of-band, `EPOLLPRI`) readiness: urgent TCP
    /// data, or a state change of files such as `/proc/self/mounts`.
    ///
    /// ```
    /// assert!(runtime::io::Interest::PRIORITY.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Interest = Interest(I_PRIORITY);

    /// Whether the set includes `READABLE`.
    ///
    /// ```
    /// use runtime::io::Interest;
    ///
    /// assert!((Interest::READABLE | Interest::ERROR).is_readable());
    /// assert!(!Interest::WRITABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & I_READABLE != 0
    }

    /// Whether the set includes `WRITABLE`.
    ///
    /// ```
    /// use runtime::io::Interest;
    ///
    /// assert!(Interest::WRITABLE.is_writable());
    /// assert!(!Interest::READABLE.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & I_WRITABLE != 0
    }

    /// Whether the set includes `ERROR`.
    ///
    /// ```
    /// use runtime::io::Interest;
    ///
    /// assert!(Interest::ERROR.is_error());
    /// assert!(!Interest::READABLE.is_error());
    /// ```
    pub const fn is_error(self) -> bool {
        self.0 & I_ERROR != 0
    }

    /// Whether the set includes `PRIORITY`.
    ///
    /// ```
    /// use runtime::io::Interest;
    ///
    /// assert!(Interest::PRIORITY.is_priority());
    /// assert!(!Interest::READABLE.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const fn is_priority(self) -> bool {
        self.0 & I_PRIORITY != 0
    }

    /// The union of `self` and `other`; the same as `self | other`, usable
    /// in a `const`.
    ///
    /// ```
    /// use runtime::io::Interest;
    ///
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert_eq!(BOTH, Interest::READABLE | Interest::WRITABLE);
    /// ```
    #[must_use = "this returns the union, without modifying `self`"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// `self` without the interests in `other` (those of `other` not in
    /// `self` are ignored); `None` when nothing would be left, since an
    /// interest is never empty.
    ///
    /// ```
    /// use runtime::io::Interest;
    ///
    /// let both = Interest::READABLE | Interest::WRITABLE;
    /// assert_eq!(both.remove(Interest::READABLE), Some(Interest::WRITABLE));
    /// assert_eq!(both.remove(Interest::ERROR), Some(both));
    /// assert_eq!(Interest::READABLE.remove(both), None);
    /// ```
    #[must_use = "this returns the difference, without modifying `self`"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }

    /// The readiness flags that satisfy this interest (see the module
    /// documentation); a pending error satisfies every interest.
    pub(crate) fn mask(self) -> Ready {
        let mut mask = Ready::ERROR;
        if self.is_readable() {
            mask = mask | Ready::READABLE | Ready::READ_CLOSED;
        }
        if self.is_writable() {
            mask = mask | Ready::WRITABLE | Ready::WRITE_CLOSED;
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.is_priority() {
            mask = mask | Ready::PRIORITY | Ready::READ_CLOSED;
        }
        mask
    }

    /// The `mio` interest to register a source with. `mio` has no error
    /// interest (errors are always reported) and refuses an empty one, so
    /// `ERROR` alone registers for reading; `mask` keeps the read readiness
    /// this brings in from satisfying an `ERROR`-only waiter.
    pub(crate) fn to_mio(self) -> mio::Interest {
        let mut mio: Option<mio::Interest> = None;
        let mut add = |i: mio::Interest| mio = Some(mio.map_or(i, |m| m | i));
        if self.is_readable() {
            add(mio::Interest::READABLE);
        }
        if self.is_writable() {
            add(mio::Interest::WRITABLE);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.is_priority() {
            add(mio::Interest::PRIORITY);
        }
        mio.unwrap_or(mio::Interest::READABLE)
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    fn bitor_assign(&mut self, other: Interest) {
        *self = self.add(other);
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (self.is_readable(), "READABLE"),
            (self.is_writable(), "WRITABLE"),
            (self.is_error(), "ERROR"),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            (self.is_priority(), "PRIORITY"),
        ];
        let mut first = true;
        for (_, name) in names.iter().filter(|(set, _)| *set) {
            if !first {
                f.write_str(" | ")?;
            }
            f.write_str(name)?;
            first = false;
        }
        Ok(())
    }
}

const R_READABLE: usize = 0b0_0001;
const R_WRITABLE: usize = 0b0_0010;
const R_READ_CLOSED: usize = 0b0_0100;
const R_WRITE_CLOSED: usize = 0b0_1000;
const R_ERROR: usize = 0b1_0000;
/// Bit 5 (`0b10_0000`) is the readiness word's shutdown bit.
#[cfg(any(target_os = "linux", target_os = "android"))]
const R_PRIORITY: usize = 0b100_0000;

/// The readiness an I/O resource was seen in: a set of flags, combined with
/// `|`, `&` and `-`.
///
/// Returned by the sockets' `ready(interest)` (the part of `interest` that
/// is ready, closed states and errors included) and by the ready guards of
/// `runtime::io::unix::AsyncFd`. Readiness can be stale: the operation it
/// announces may still return `WouldBlock`.
///
/// ```
/// use runtime::io::Ready;
///
/// let seen = Ready::READABLE | Ready::READ_CLOSED;
/// assert!(seen.is_readable() && seen.is_read_closed());
/// assert!(!seen.is_writable());
/// assert_eq!(seen - Ready::READ_CLOSED, Ready::READABLE);
/// assert_eq!(seen & Ready::WRITABLE, Ready::EMPTY);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Ready(usize);

impl Ready {
    /// No readiness.
    ///
    /// ```
    /// assert!(runtime::io::Ready::EMPTY.is_empty());
    /// ```
    pub const EMPTY: Ready = Ready(0);

    /// Data can be read.
    ///
    /// ```
    /// assert!(runtime::io::Ready::READABLE.is_readable());
    /// ```
    pub const READABLE: Ready = Ready(R_READABLE);

    /// Data can be written.
    ///
    /// ```
    /// assert!(runtime::io::Ready::WRITABLE.is_writable());
    /// ```
    pub const WRITABLE: Ready = Ready(R_WRITABLE);

    /// The read side is closed: the peer shut down its write side, reads
    /// return end of stream. Never cleared once seen.
    ///
    /// ```
    /// assert!(runtime::io::Ready::READ_CLOSED.is_read_closed());
    /// ```
    pub const READ_CLOSED: Ready = Ready(R_READ_CLOSED);

    /// The write side is closed: writes fail. Never cleared once seen.
    ///
    /// ```
    /// assert!(runtime::io::Ready::WRITE_CLOSED.is_write_closed());
    /// ```
    pub const WRITE_CLOSED: Ready = Ready(R_WRITE_CLOSED);

    /// An error is pending on the resource.
    ///
    /// ```
    /// assert!(runtime::io::Ready::ERROR.is_error());
    /// ```
    pub const ERROR: Ready = Ready(R_ERROR);

    /// Priority (out-of-band) data can be read.
    ///
    /// ```
    /// assert!(runtime::io::Ready::PRIORITY.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Ready = Ready(R_PRIORITY);

    /// Every flag.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!(Ready::ALL.is_readable() && Ready::ALL.is_write_closed());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const ALL: Ready =
        Ready(R_READABLE | R_WRITABLE | R_READ_CLOSED | R_WRITE_CLOSED | R_ERROR | R_PRIORITY);

    /// Every flag.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!(Ready::ALL.is_readable() && Ready::ALL.is_write_closed());
    /// ```
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub const ALL: Ready =
        Ready(R_READABLE | R_WRITABLE | R_READ_CLOSED | R_WRITE_CLOSED | R_ERROR);

    /// The flags of a `mio` event.
    pub(crate) fn from_event(event: &mio::event::Event) -> Ready {
        let flags = [
            (event.is_readable(), Ready::READABLE),
            (event.is_writable(), Ready::WRITABLE),
            (event.is_read_closed(), Ready::READ_CLOSED),
            (event.is_write_closed(), Ready::WRITE_CLOSED),
            (event.is_error(), Ready::ERROR),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            (event.is_priority(), Ready::PRIORITY),
        ];
        flags
            .iter()
            .filter(|(set, _)| *set)
            .fold(Ready::EMPTY, |acc, (_, flag)| acc | *flag)
    }

    /// The raw bits, for the readiness word.
    pub(crate) const fn bits(self) -> usize {
        self.0
    }

    /// The flags among `bits` (other bits of the word dropped).
    pub(crate) const fn from_bits(bits: usize) -> Ready {
        Ready(bits & Ready::ALL.0)
    }

    /// Whether no flag is set.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!(Ready::EMPTY.is_empty());
    /// assert!(!Ready::READABLE.is_empty());
    /// ```
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `READABLE` is set.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!((Ready::READABLE | Ready::WRITABLE).is_readable());
    /// assert!(!Ready::READ_CLOSED.is_readable());
    /// ```
    pub fn is_readable(self) -> bool {
        self.0 & R_READABLE != 0
    }

    /// Whether `WRITABLE` is set.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!(Ready::WRITABLE.is_writable());
    /// assert!(!Ready::WRITE_CLOSED.is_writable());
    /// ```
    pub fn is_writable(self) -> bool {
        self.0 & R_WRITABLE != 0
    }

    /// Whether `READ_CLOSED` is set.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!(Ready::READ_CLOSED.is_read_closed());
    /// assert!(!Ready::READABLE.is_read_closed());
    /// ```
    pub fn is_read_closed(self) -> bool {
        self.0 & R_READ_CLOSED != 0
    }

    /// Whether `WRITE_CLOSED` is set.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!(Ready::WRITE_CLOSED.is_write_closed());
    /// assert!(!Ready::WRITABLE.is_write_closed());
    /// ```
    pub fn is_write_closed(self) -> bool {
        self.0 & R_WRITE_CLOSED != 0
    }

    /// Whether `ERROR` is set.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!(Ready::ERROR.is_error());
    /// assert!(!Ready::READABLE.is_error());
    /// ```
    pub fn is_error(self) -> bool {
        self.0 & R_ERROR != 0
    }

    /// Whether `PRIORITY` is set.
    ///
    /// ```
    /// use runtime::io::Ready;
    ///
    /// assert!(Ready::PRIORITY.is_priority());
    /// assert!(!Ready::READABLE.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn is_priority(self) -> bool {
        self.0 & R_PRIORITY != 0
    }

    /// Whether any flag of `other` is set.
    pub(crate) fn intersects(self, other: Ready) -> bool {
        self.0 & other.0 != 0
    }
}

impl ops::BitOr for Ready {
    type Output = Ready;

    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

impl ops::BitOrAssign for Ready {
    fn bitor_assign(&mut self, other: Ready) {
        self.0 |= other.0;
    }
}

impl ops::BitAnd for Ready {
    type Output = Ready;

    fn bitand(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::Sub for Ready {
    type Output = Ready;

    fn sub(self, other: Ready) -> Ready {
        Ready(self.0 & !other.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Ready");
        s.field("is_readable", &self.is_readable())
            .field("is_writable", &self.is_writable())
            .field("is_read_closed", &self.is_read_closed())
            .field("is_write_closed", &self.is_write_closed())
            .field("is_error", &self.is_error());
        #[cfg(any(target_os = "linux", target_os = "android"))]
        s.field("is_priority", &self.is_priority());
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_alone_is_not_satisfied_by_read_readiness() {
        // `ERROR` alone registers for reading with mio; the mask keeps that
        // read readiness from waking an error-only waiter.
        assert!(!Interest::ERROR.mask().intersects(Ready::READABLE));
        assert!(Interest::READABLE.mask().intersects(Ready::ERROR));
        assert!(Interest::WRITABLE.mask().intersects(Ready::WRITE_CLOSED));
        assert!(!Interest::WRITABLE.mask().intersects(Ready::READ_CLOSED));
    }

    #[test]
    fn from_bits_drops_the_shutdown_bit_and_tick() {
        let word = Ready::READABLE.bits() | 0b10_0000 | (7 << 16);
        assert_eq!(Ready::from_bits(word), Ready::READABLE);
    }
}
