//! Async I/O helpers in the shape of `tokio::io`, built on the runtime-neutral
//! [`futures-io`](https://docs.rs/futures-io) traits.
//!
//! The traits ([`AsyncRead`], [`AsyncWrite`], [`AsyncBufRead`],
//! [`AsyncSeek`]) are re-exported from `futures-io`; the extension traits
//! ([`AsyncReadExt`], [`AsyncWriteExt`], [`AsyncBufReadExt`],
//! [`AsyncSeekExt`]) add the `read_exact`/`write_all`/`read_line`/`seek`-style
//! methods, each returning a named future, including the number helpers
//! (`read_i32_le`, `write_f64`...) and, with the `bytes` feature, `read_buf`
//! into a `bytes::BufMut` and `write_buf` from a `bytes::Buf`. Around
//! them: buffering ([`BufReader`], [`BufWriter`], [`BufStream`]), copying
//! ([`copy`], [`copy_buf`], [`copy_bidirectional`],
//! [`copy_bidirectional_with_sizes`]), [`split`] and its inverse [`join`],
//! and in-memory pipes, [`duplex`] and the one-way [`simplex`], which are
//! handy for tests.
//!
//! The adapters implement the I/O traits when the wrapped type is `Unpin`,
//! which every socket and file type is; wrap anything else in `Box::pin` first.
//!
//! ```
//! use runtime::io::{self, AsyncBufReadExt, AsyncWriteExt, BufReader};
//!
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() -> io::Result<()> {
//!     let (mut client, server) = io::duplex(64);
//!     client.write_all(b"hello\nworld\n").await?;
//!     client.shutdown().await?;
//!     let mut lines = BufReader::new(server).lines();
//!     assert_eq!(lines.next_line().await?.as_deref(), Some("hello"));
//!     assert_eq!(lines.next_line().await?.as_deref(), Some("world"));
//!     assert_eq!(lines.next_line().await?, None);
//!     Ok(())
//! }
//! ```
//!
//! # Cancel safety
//!
//! A future is cancel-safe when dropping it before it completes (for example
//! because another `select!` branch won) loses no data. Each async method
//! says which it is in its `# Cancel safety` section; in short:
//!
//! | cancel-safe | not cancel-safe |
//! |---|---|
//! | [`read`](AsyncReadExt::read), [`read_u8`](AsyncReadExt::read_u8)/`i8`, `read_buf`, `write_buf`, `write_all_buf` (progress kept in the `Buf`), [`fill_buf`](AsyncBufReadExt::fill_buf), [`Split::next_segment`], [`write`](AsyncWriteExt::write), [`write_vectored`](AsyncWriteExt::write_vectored), [`write_u8`](AsyncWriteExt::write_u8), [`flush`](AsyncWriteExt::flush), [`shutdown`](AsyncWriteExt::shutdown), [`Lines::next_line`] | [`read_exact`](AsyncReadExt::read_exact), [`read_to_string`](AsyncReadExt::read_to_string), [`read_u16`](AsyncReadExt::read_u16) and every larger number, [`write_all`](AsyncWriteExt::write_all), [`write_u16`](AsyncWriteExt::write_u16) and every larger number, [`read_line`](AsyncBufReadExt::read_line), [`copy`], [`copy_bidirectional`] |
//!
//! In between, [`read_to_end`](AsyncReadExt::read_to_end),
//! [`read_until`](AsyncBufReadExt::read_until) and [`copy_buf`] lose no
//! data (what they read is already in your buffer, or still in the reader),
//! only the count they would have returned.
//!
//! # Cooperative budget
//!
//! Every operation of the helpers that are their own source or destination
//! and can be ready at once ([`empty`], [`sink`], [`repeat`], a [`duplex`]
//! with data or room) spends one unit of the task's cooperative budget, and
//! once it is spent returns `Pending` after waking the task, as Tokio's do.
//! Without that, `loop { io::empty().read(&mut buf).await; }` would never let
//! its task go: no other task, timer (a surrounding `timeout`) or I/O event
//! would get a turn. The adapters ([`BufReader`], [`Take`], [`Chain`],
//! [`split`]...) spend nothing themselves: they are ready without their inner
//! stream only while serving what they buffered, and otherwise ask it.

mod buf_read_ext;
mod buf_reader;
mod buf_split;
mod buf_stream;
mod buf_writer;
#[cfg(feature = "bytes")]
mod bytes_buf;
mod chain;
mod copy;
mod copy_bidirectional;
mod duplex;
mod empty;
mod int;
mod join;
mod lines;
mod read_ext;
mod repeat;
mod seek_ext;
mod simplex;
mod sink;
mod split;
#[cfg(feature = "io-std")]
mod stdio;
mod take;
#[cfg(feature = "tokio-io")]
mod tokio_io;
#[cfg(all(unix, feature = "net"))]
pub mod unix;
mod write_ext;

pub use buf_read_ext::{AsyncBufReadExt, FillBuf, ReadLine, ReadUntil};
pub use buf_reader::BufReader;
pub use buf_split::Split;
pub use buf_stream::BufStream;
pub use buf_writer::BufWriter;
#[cfg(feature = "bytes")]
pub use bytes_buf::{ReadBufFuture, WriteAllBuf, WriteBuf};
pub use chain::Chain;
pub use copy::{copy, copy_buf};
pub use copy_bidirectional::{copy_bidirectional, copy_bidirectional_with_sizes};
pub use duplex::{duplex, DuplexStream};
pub use empty::{empty, Empty};
pub use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
pub use int::*;
pub use join::{join, Join};
pub use lines::Lines;
pub use read_ext::{AsyncReadExt, Read, ReadExact, ReadToEnd, ReadToString};
pub use repeat::{repeat, Repeat};
pub use runtime_core::ReadBuf;
#[cfg(feature = "net")]
pub use runtime_reactor::io::{Interest, Ready};
pub use seek_ext::{AsyncSeekExt, Seek};
pub use simplex::{simplex, SimplexStream};
pub use sink::{sink, Sink};
pub use split::{split, ReadHalf, WriteHalf};
pub use std::io::{Error, ErrorKind, IoSlice, IoSliceMut, Result, SeekFrom};
#[cfg(feature = "io-std")]
pub use stdio::{stderr, stdin, stdout, Stderr, Stdin, Stdout};
pub use take::Take;
pub use write_ext::{AsyncWriteExt, Flush, Shutdown, Write, WriteAll, WriteVectored};

/// Spends one unit of the task's cooperative budget on an operation that is
/// always ready, or returns `Pending` (having woken the task, so it runs again
/// once it has yielded) when the budget is spent.
fn poll_proceed_and_make_progress(cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
    let coop = std::task::ready!(runtime_core::coop::poll_proceed(cx));
    coop.made_progress();
    std::task::Poll::Ready(())
}

/// Size of the buffers used by [`BufReader`], [`BufWriter`] and [`copy`].
const DEFAULT_BUF_SIZE: usize = 8 * 1024;

fn write_zero() -> Error {
    Error::new(ErrorKind::WriteZero, "failed to write the whole buffer")
}

fn invalid_utf8() -> Error {
    Error::new(ErrorKind::InvalidData, "stream did not contain valid UTF-8")
}
