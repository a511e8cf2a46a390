//! Reading into buffers that may be uninitialized: a [`ReadBuf`]'s unfilled
//! part (the `poll_recv`/`poll_peek` family) and a `bytes::BufMut`'s spare
//! capacity (`try_read_buf`, `recv_buf`).
//!
//! Each socket operation here is given the raw slots as
//! `&mut [MaybeUninit<u8>]` and returns how many bytes it wrote at their
//! start; only the kernel writes them (`recv`, `read`), and nothing reads
//! them before that count is known. The two `unsafe` steps, declaring the
//! written bytes initialized and handing out the slots, live once, here, with
//! their proofs, instead of in each socket type.

use runtime_core::ReadBuf;
use std::io;
use std::mem::MaybeUninit;
#[cfg(feature = "bytes")]
use std::os::fd::{AsFd, AsRawFd};

/// Runs `f` on `buf`'s unfilled slots; `f` returns how many bytes it wrote
/// at their start (and a value of its own), and those become filled.
pub(crate) fn fill_read_buf<R>(
    buf: &mut ReadBuf<'_>,
    f: impl FnOnce(&mut [MaybeUninit<u8>]) -> io::Result<(usize, R)>,
) -> io::Result<R> {
    // SAFETY: `f` is a socket operation that only stores bytes the kernel
    // received into the slots; it never writes `MaybeUninit::uninit()`.
    let slots = unsafe { buf.unfilled_mut() };
    let len = slots.len();
    let (n, value) = f(slots)?;
    assert!(n <= len, "the kernel reported more bytes than it was given");
    // SAFETY: `f` reported that it wrote the first `n` slots.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Ok(value)
}

/// Runs `f` on `buf`'s spare capacity (its `chunk_mut`, which a `Vec` or
/// `BytesMut` grows when full); `f` returns how many bytes it wrote at the
/// start, and `buf` advances past them.
#[cfg(feature = "bytes")]
pub(crate) fn fill_buf_mut<B: bytes::BufMut + ?Sized, R>(
    buf: &mut B,
    f: impl FnOnce(&mut [MaybeUninit<u8>]) -> io::Result<(usize, R)>,
) -> io::Result<R> {
    let chunk = buf.chunk_mut();
    // SAFETY: `f` only stores bytes the kernel received into the slots; it
    // never writes `MaybeUninit::uninit()` into them.
    let slots = unsafe { chunk.as_uninit_slice_mut() };
    let len = slots.len();
    let (n, value) = f(slots)?;
    assert!(n <= len, "the kernel reported more bytes than it was given");
    // SAFETY: `f` reported that it initialized the first `n` bytes of the
    // chunk, and `n` is within it.
    unsafe { buf.advance_mut(n) };
    Ok(value)
}

/// As [`fill_buf_mut`], for an operation that takes `&mut [u8]` (one whose
/// only form writes into initialized memory, such as a Unix `recv_from`,
/// whose source address std alone can build): the spare capacity is zeroed
/// first, which costs a `memset` of it per call.
#[cfg(all(feature = "bytes", unix))]
pub(crate) fn fill_buf_mut_zeroed<B: bytes::BufMut + ?Sized, R>(
    buf: &mut B,
    f: impl FnOnce(&mut [u8]) -> io::Result<(usize, R)>,
) -> io::Result<R> {
    fill_buf_mut(buf, |slots| {
        for slot in slots.iter_mut() {
            slot.write(0);
        }
        // SAFETY: every slot was just initialized (to 0), and `MaybeUninit<u8>`
        // has the layout of `u8`; `f` can only store initialized bytes back.
        let bytes = unsafe { &mut *(slots as *mut [MaybeUninit<u8>] as *mut [u8]) };
        f(bytes)
    })
}

#[cfg(feature = "bytes")]
/// `read(2)` on `fd` into `slots`, for descriptors that are not sockets
/// (pipes); returns how many bytes were written at the start of `slots`.
pub(crate) fn read_fd(fd: impl AsFd, slots: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: `slots` is valid for writes of `slots.len()` bytes for the
    // whole call, and `read` writes at most that many; the descriptor is
    // open, as `AsFd` borrows it.
    let n = unsafe {
        libc::read(
            fd.as_fd().as_raw_fd(),
            slots.as_mut_ptr().cast(),
            slots.len(),
        )
    };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
