//! `ReadBuf`: a byte buffer, possibly partly uninitialized, that a read fills
//! from the front (Tokio's `tokio::io::ReadBuf`, re-exported by the facade as
//! `runtime::io::ReadBuf`).
//!
//! # Design
//!
//! The buffer is a borrowed `&mut [MaybeUninit<u8>]` with two cursors,
//! `filled <= initialized <= capacity`:
//!
//! ```text
//! [ filled | initialized, not filled | uninitialized ]
//! 0        filled                    initialized     capacity
//! ```
//!
//! Everything before `initialized` holds initialized bytes, which is what
//! makes handing out `&[u8]`/`&mut [u8]` views of that prefix sound. The safe
//! methods keep that invariant on their own: they only ever write
//! initialized bytes (`put_slice`, the zeroing of `initialize_unfilled_to`)
//! and only move `filled` within the initialized prefix (`set_filled`,
//! `advance` panic otherwise). The two escape hatches are `unsafe`:
//! `unfilled_mut`/`inner_mut` give the raw slots, whose caller promises not
//! to de-initialize bytes, and `assume_init` lets a caller that wrote bytes
//! through them (a `recv` into the slots, say) declare them initialized.
//!
//! `initialized` never goes backwards, even on `clear`: bytes once written
//! stay valid, so a buffer reused across reads is zeroed at most once.
//!
//! It lives in the task core, which depends on nothing, so that both the
//! sockets (`runtime-net`, for `UdpSocket::poll_recv` and the other `poll_*`
//! methods that fill a `ReadBuf`) and the facade's `io` module can use the
//! one type.

use std::fmt;
use std::mem::MaybeUninit;

/// A buffer that a read fills from the front, and that may start out
/// uninitialized, so a reader need not zero it first.
///
/// It tracks how much of the buffer is *filled* (holds data a read put
/// there) and how much is *initialized* (is safe to look at); the rest of
/// the capacity is neither. A reader writes into the unfilled part and then
/// [`advance`](ReadBuf::advance)s the filled cursor; the caller looks at
/// [`filled`](ReadBuf::filled). The `poll_*` methods of the sockets, such as
/// `UdpSocket::poll_recv`, take one.
///
/// ```
/// use runtime::io::ReadBuf;
///
/// let mut storage = [0u8; 8];
/// let mut buf = ReadBuf::new(&mut storage);
/// buf.put_slice(b"abc");
/// assert_eq!(buf.filled(), b"abc");
/// assert_eq!(buf.remaining(), 5);
///
/// // A reader that writes into the unfilled part, then advances.
/// let dst = buf.initialize_unfilled_to(2);
/// dst.copy_from_slice(b"de");
/// buf.advance(2);
/// assert_eq!(buf.filled(), b"abcde");
/// ```
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// A `ReadBuf` over `buf`, all of it initialized and none of it filled.
    ///
    /// ```
    /// use runtime::io::ReadBuf;
    ///
    /// let mut storage = [7u8; 4];
    /// let buf = ReadBuf::new(&mut storage);
    /// assert_eq!(buf.capacity(), 4);
    /// assert_eq!(buf.initialized(), &[7, 7, 7, 7]);
    /// assert!(buf.filled().is_empty());
    /// ```
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        // SAFETY: `MaybeUninit<u8>` has the layout of `u8`, so the slice is
        // reinterpreted in place with the same length. The caller's `[u8]`
        // must never hold an uninitialized byte once the borrow ends; that
        // holds because `initialized` starts at the full length and the safe
        // methods write only initialized bytes, and the unsafe ones
        // (`unfilled_mut`, `inner_mut`) forbid de-initializing.
        let buf = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        ReadBuf {
            buf,
            filled: 0,
            initialized,
        }
    }

    /// A `ReadBuf` over `buf`, none of it initialized or filled.
    ///
    /// ```
    /// use runtime::io::ReadBuf;
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 16];
    /// let mut buf = ReadBuf::uninit(&mut storage);
    /// assert_eq!(buf.initialized().len(), 0);
    /// buf.put_slice(b"hi");
    /// assert_eq!(buf.filled(), b"hi");
    /// ```
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf {
            buf,
            filled: 0,
            initialized: 0,
        }
    }

    /// The size of the whole buffer.
    ///
    /// ```
    /// let mut storage = [0u8; 32];
    /// assert_eq!(runtime::io::ReadBuf::new(&mut storage).capacity(), 32);
    /// ```
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// The filled part: the data read so far.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"data");
    /// assert_eq!(buf.filled(), b"data");
    /// ```
    pub fn filled(&self) -> &[u8] {
        // SAFETY: `filled <= initialized`, so these bytes are initialized.
        unsafe { slice_assume_init(&self.buf[..self.filled]) }
    }

    /// The filled part, mutably.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"data");
    /// buf.filled_mut().make_ascii_uppercase();
    /// assert_eq!(buf.filled(), b"DATA");
    /// ```
    pub fn filled_mut(&mut self) -> &mut [u8] {
        // SAFETY: `filled <= initialized`, so these bytes are initialized,
        // and a `&mut [u8]` can only store initialized bytes back.
        unsafe { slice_assume_init_mut(&mut self.buf[..self.filled]) }
    }

    /// A new `ReadBuf` over at most `n` bytes of this one's unfilled part,
    /// for a reader that must not read more than `n` bytes. It starts with
    /// nothing filled and nothing counted as initialized, as Tokio's does.
    /// What it fills is not counted here: afterwards, declare the bytes
    /// initialized here ([`assume_init`](ReadBuf::assume_init)) unless they
    /// already were, then [`advance`](ReadBuf::advance) this buffer by the
    /// new one's `filled().len()`.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// let n = {
    ///     let mut limited = buf.take(3);
    ///     assert_eq!(limited.capacity(), 3);
    ///     limited.put_slice(b"cde");
    ///     limited.filled().len()
    /// };
    /// buf.advance(n);
    /// assert_eq!(buf.filled(), b"abcde");
    /// ```
    pub fn take(&mut self, n: usize) -> ReadBuf<'_> {
        let len = n.min(self.remaining());
        ReadBuf::uninit(&mut self.buf[self.filled..self.filled + len])
    }

    /// The initialized part: the filled part and any initialized bytes
    /// after it.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// assert_eq!(buf.initialized().len(), 8); // `new` starts all initialized
    /// buf.put_slice(b"x");
    /// assert_eq!(buf.initialized()[0], b'x');
    /// ```
    pub fn initialized(&self) -> &[u8] {
        // SAFETY: the invariant: the first `initialized` bytes are initialized.
        unsafe { slice_assume_init(&self.buf[..self.initialized]) }
    }

    /// The initialized part, mutably.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.initialized_mut()[3] = 9;
    /// assert_eq!(buf.initialized(), &[0, 0, 0, 9]);
    /// ```
    pub fn initialized_mut(&mut self) -> &mut [u8] {
        // SAFETY: the first `initialized` bytes are initialized, and a
        // `&mut [u8]` can only store initialized bytes back.
        unsafe { slice_assume_init_mut(&mut self.buf[..self.initialized]) }
    }

    /// The whole buffer as raw slots, filled or not.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialize any byte: writing
    /// `MaybeUninit::uninit()` into a slot the buffer counts as initialized
    /// would let the safe methods read uninitialized memory.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// // SAFETY: only initialized bytes are written.
    /// unsafe { buf.inner_mut()[0].write(b'z') };
    /// buf.set_filled(1);
    /// assert_eq!(buf.filled(), b"z");
    /// ```
    pub unsafe fn inner_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf
    }

    /// The unfilled part as raw slots, for a reader that writes into
    /// uninitialized memory (a `recv` into `MaybeUninit` bytes, say). After
    /// writing `n` bytes at its start, call [`assume_init(n)`](ReadBuf::assume_init)
    /// and then [`advance(n)`](ReadBuf::advance).
    ///
    /// # Safety
    ///
    /// The caller must not de-initialize any byte (see
    /// [`inner_mut`](ReadBuf::inner_mut)).
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 8];
    /// let mut buf = runtime::io::ReadBuf::uninit(&mut storage);
    /// // SAFETY: only initialized bytes are written.
    /// let slots = unsafe { buf.unfilled_mut() };
    /// for (slot, byte) in slots.iter_mut().zip(b"raw") {
    ///     slot.write(*byte);
    /// }
    /// // SAFETY: the three bytes were just written.
    /// unsafe { buf.assume_init(3) };
    /// buf.advance(3);
    /// assert_eq!(buf.filled(), b"raw");
    /// ```
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// The whole unfilled part, initialized first (zeroed where it was not)
    /// so that it can be handed to a reader taking `&mut [u8]`.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = runtime::io::ReadBuf::uninit(&mut storage);
    /// let dst = buf.initialize_unfilled();
    /// assert_eq!(dst, &[0, 0, 0, 0]);
    /// dst[0] = 1;
    /// buf.advance(1);
    /// assert_eq!(buf.filled(), &[1]);
    /// ```
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        self.initialize_unfilled_to(self.remaining())
    }

    /// The first `n` bytes of the unfilled part, initialized first (zeroed
    /// where they were not).
    ///
    /// # Panics
    ///
    /// If `n` is more than [`remaining`](ReadBuf::remaining).
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.initialize_unfilled_to(3).copy_from_slice(b"xyz");
    /// buf.advance(3);
    /// assert_eq!(buf.filled(), b"xyz");
    /// ```
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(
            n <= self.remaining(),
            "ReadBuf::initialize_unfilled_to: asked for {n} bytes but only {} remain unfilled",
            self.remaining()
        );
        let end = self.filled + n;
        if self.initialized < end {
            for slot in &mut self.buf[self.initialized..end] {
                slot.write(0);
            }
            self.initialized = end;
        }
        // SAFETY: `end <= initialized` now, so `filled..end` is initialized,
        // and a `&mut [u8]` can only store initialized bytes back.
        unsafe { slice_assume_init_mut(&mut self.buf[self.filled..end]) }
    }

    /// How many bytes are left unfilled: `capacity() - filled().len()`.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"abc");
    /// assert_eq!(buf.remaining(), 5);
    /// ```
    pub fn remaining(&self) -> usize {
        self.capacity() - self.filled
    }

    /// Empties the filled part. The bytes stay initialized, so the next
    /// reader need not zero them again.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"abc");
    /// buf.clear();
    /// assert!(buf.filled().is_empty());
    /// assert_eq!(buf.remaining(), 8);
    /// ```
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Counts `n` more bytes as filled, after a reader wrote them into the
    /// unfilled part.
    ///
    /// # Panics
    ///
    /// If the filled part would go past the initialized part (the bytes
    /// were not initialized: call [`assume_init`](ReadBuf::assume_init)
    /// first when they were written through
    /// [`unfilled_mut`](ReadBuf::unfilled_mut)).
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.initialize_unfilled()[..2].copy_from_slice(b"ok");
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), b"ok");
    /// ```
    pub fn advance(&mut self, n: usize) {
        let new = self
            .filled
            .checked_add(n)
            .expect("ReadBuf::advance: the filled length overflows usize");
        self.set_filled(new);
    }

    /// Sets the length of the filled part to `n` (which may shrink it).
    ///
    /// # Panics
    ///
    /// If `n` is more than the initialized length.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"abcdef");
    /// buf.set_filled(2);
    /// assert_eq!(buf.filled(), b"ab");
    /// ```
    pub fn set_filled(&mut self, n: usize) {
        assert!(
            n <= self.initialized,
            "ReadBuf::set_filled: {n} bytes would be filled but only {} are initialized \
             (call assume_init after writing through unfilled_mut)",
            self.initialized
        );
        self.filled = n;
    }

    /// Declares the first `n` bytes of the unfilled part initialized, after
    /// they were written through [`unfilled_mut`](ReadBuf::unfilled_mut) or
    /// [`inner_mut`](ReadBuf::inner_mut). Does not fill them: call
    /// [`advance`](ReadBuf::advance) for that. Bytes already counted as
    /// initialized stay so.
    ///
    /// # Safety
    ///
    /// The first `n` unfilled bytes must have been initialized.
    ///
    /// ```
    /// let mut storage = [std::mem::MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = runtime::io::ReadBuf::uninit(&mut storage);
    /// // SAFETY: only initialized bytes are written.
    /// unsafe { buf.unfilled_mut()[0].write(42) };
    /// // SAFETY: byte 0 was just written.
    /// unsafe { buf.assume_init(1) };
    /// assert_eq!(buf.initialized(), &[42]);
    /// ```
    pub unsafe fn assume_init(&mut self, n: usize) {
        let end = self.filled + n;
        if end > self.initialized {
            self.initialized = end;
        }
    }

    /// Appends `buf` to the filled part, initializing what it writes.
    ///
    /// # Panics
    ///
    /// If `buf` is longer than [`remaining`](ReadBuf::remaining).
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// buf.put_slice(b"cd");
    /// assert_eq!(buf.filled(), b"abcd");
    /// ```
    pub fn put_slice(&mut self, buf: &[u8]) {
        assert!(
            buf.len() <= self.remaining(),
            "ReadBuf::put_slice: {} bytes do not fit in the {} that remain unfilled",
            buf.len(),
            self.remaining()
        );
        let end = self.filled + buf.len();
        for (slot, byte) in self.buf[self.filled..end].iter_mut().zip(buf) {
            slot.write(*byte);
        }
        if self.initialized < end {
            self.initialized = end;
        }
        self.filled = end;
    }
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// # Safety
/// Every byte of `slice` must be initialized.
unsafe fn slice_assume_init(slice: &[MaybeUninit<u8>]) -> &[u8] {
    // SAFETY: same layout; the caller guarantees the bytes are initialized.
    unsafe { &*(slice as *const [MaybeUninit<u8>] as *const [u8]) }
}

/// # Safety
/// Every byte of `slice` must be initialized.
unsafe fn slice_assume_init_mut(slice: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    // SAFETY: same layout; the caller guarantees the bytes are initialized,
    // and through `&mut [u8]` only initialized bytes can be stored.
    unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
}

#[cfg(test)]
mod tests {
    //! Small enough for Miri (`cargo +nightly miri test -p runtime-core
    //! --lib read_buf`), which checks that no uninitialized byte is read.
    use super::ReadBuf;
    use std::mem::MaybeUninit;

    #[test]
    fn cursors_move_as_documented() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        assert_eq!((buf.filled().len(), buf.initialized().len()), (0, 0));
        buf.put_slice(b"abc");
        assert_eq!(
            (buf.filled(), buf.initialized()),
            (&b"abc"[..], &b"abc"[..])
        );
        assert_eq!(buf.initialize_unfilled_to(2), &[0, 0]);
        assert_eq!(buf.initialized().len(), 5);
        assert_eq!(buf.filled().len(), 3);
        buf.advance(2);
        assert_eq!(buf.filled(), b"abc\0\0");
        buf.clear();
        assert_eq!(buf.filled().len(), 0);
        assert_eq!(buf.initialized().len(), 5, "clear keeps bytes initialized");
        buf.set_filled(4);
        assert_eq!(buf.filled(), b"abc\0");
        assert_eq!(buf.remaining(), 4);
        assert_eq!(buf.initialize_unfilled().len(), 4);
        assert_eq!(buf.initialized().len(), 8);
    }

    #[test]
    fn assume_init_after_raw_writes() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.put_slice(b"x");
        // SAFETY: writes initialized bytes only.
        let slots = unsafe { buf.unfilled_mut() };
        assert_eq!(slots.len(), 3);
        slots[0].write(b'y');
        slots[1].write(b'z');
        // SAFETY: two bytes were written at the start of the unfilled part.
        unsafe { buf.assume_init(2) };
        assert_eq!(buf.initialized(), b"xyz");
        buf.advance(2);
        assert_eq!(buf.filled(), b"xyz");
        // A smaller assume_init never shrinks what is initialized.
        buf.set_filled(0);
        // SAFETY: nothing new is claimed (0 <= initialized).
        unsafe { buf.assume_init(0) };
        assert_eq!(buf.initialized(), b"xyz");
    }

    #[test]
    fn take_limits_and_starts_uninitialized() {
        let mut storage = [1u8; 6];
        let mut buf = ReadBuf::new(&mut storage);
        buf.put_slice(b"ab");
        let mut sub = buf.take(10);
        assert_eq!(sub.capacity(), 4, "capped at what remains");
        assert_eq!(sub.initialized().len(), 0, "as Tokio's take");
        sub.put_slice(b"cd");
        let n = sub.filled().len();
        buf.advance(n);
        assert_eq!(buf.filled(), b"abcd");

        let mut storage = [MaybeUninit::<u8>::uninit(); 6];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.put_slice(b"a");
        let mut sub = buf.take(2);
        assert_eq!((sub.capacity(), sub.initialized().len()), (2, 0));
        sub.put_slice(b"bc");
        // SAFETY: the sub-buffer initialized the two bytes after "a".
        unsafe { buf.assume_init(2) };
        buf.advance(2);
        assert_eq!(buf.filled(), b"abc");
    }

    #[test]
    fn new_slice_sees_what_was_written() {
        let mut storage = [0u8; 4];
        {
            let mut buf = ReadBuf::new(&mut storage);
            buf.put_slice(b"hi");
            buf.filled_mut()[0] = b'H';
            buf.initialized_mut()[3] = b'!';
            // SAFETY: writes an initialized byte.
            unsafe { buf.inner_mut()[2].write(b'?') };
        }
        assert_eq!(&storage, b"Hi?!");
    }

    #[test]
    #[should_panic(expected = "only 0 are initialized")]
    fn advance_past_initialized_panics() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 4];
        ReadBuf::uninit(&mut storage).advance(1);
    }

    #[test]
    #[should_panic(expected = "do not fit")]
    fn put_slice_too_long_panics() {
        let mut storage = [0u8; 2];
        ReadBuf::new(&mut storage).put_slice(b"abc");
    }

    #[test]
    #[should_panic(expected = "only 1 remain")]
    fn initialize_unfilled_to_too_far_panics() {
        let mut storage = [0u8; 2];
        let mut buf = ReadBuf::new(&mut storage);
        buf.put_slice(b"a");
        buf.initialize_unfilled_to(2);
    }

    #[test]
    fn debug_shows_cursors() {
        let mut storage = [0u8; 3];
        let mut buf = ReadBuf::new(&mut storage);
        buf.put_slice(b"a");
        assert_eq!(
            format!("{buf:?}"),
            "ReadBuf { filled: 1, initialized: 3, capacity: 3 }"
        );
    }
}
