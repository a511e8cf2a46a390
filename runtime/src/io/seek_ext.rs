//! [`AsyncSeekExt`] and its future, [`Seek`].
//!
//! `futures-io`'s [`AsyncSeek`] has one method, `poll_seek(cx, SeekFrom)`,
//! where Tokio's splits a seek into `start_seek` and `poll_complete`; the
//! extension trait is the same in both, so `seek(..).await` reads the same.

use futures_io::AsyncSeek;
use std::future::Future;
use std::io::{self, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Seeking helpers for every [`AsyncSeek`], as in Tokio's `AsyncSeekExt`.
///
/// ```
/// use runtime::io::{AsyncReadExt, AsyncSeekExt, BufReader, SeekFrom};
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     // `futures::io::Cursor`: an in-memory `AsyncRead + AsyncSeek`.
///     let mut data = BufReader::new(futures::io::Cursor::new(b"0123456789".to_vec()));
///     assert_eq!(data.seek(SeekFrom::End(-3)).await?, 7);
///     let mut tail = String::new();
///     data.read_to_string(&mut tail).await?;
///     assert_eq!(tail, "789");
///     data.rewind().await?;
///     assert_eq!(data.read_u8().await?, b'0');
///     assert_eq!(data.stream_position().await?, 1);
///     Ok(())
/// }
/// ```
pub trait AsyncSeekExt: AsyncSeek {
    /// Moves the position of the stream to `pos` and returns the new position
    /// from the start. Seeking before the start fails with
    /// [`ErrorKind::InvalidInput`](std::io::ErrorKind::InvalidInput) (for
    /// `Cursor` and files); seeking past the end is allowed.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncSeekExt, SeekFrom};
    /// use futures::io::Cursor; // an in-memory `AsyncRead + AsyncSeek`
    ///
    /// let mut cursor = Cursor::new(vec![0u8; 10]);
    /// assert_eq!(cursor.seek(SeekFrom::Start(4)).await?, 4);
    /// assert_eq!(cursor.seek(SeekFrom::Current(-1)).await?, 3);
    /// assert!(cursor.seek(SeekFrom::Current(-5)).await.is_err());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe as far as this future goes (one `poll_seek` per poll);
    /// but if it is dropped after a `Pending`, whether the stream moved is up
    /// to the stream, so ask it with [`stream_position`](Self::stream_position)
    /// before relying on the position.
    fn seek(&mut self, pos: SeekFrom) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        Seek { seeker: self, pos }
    }

    /// Moves back to the start of the stream: `seek(SeekFrom::Start(0))`,
    /// whose future (giving the new position, 0) it returns.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncSeekExt};
    /// use futures::io::Cursor; // an in-memory `AsyncRead + AsyncSeek`
    ///
    /// let mut cursor = Cursor::new(b"again".to_vec());
    /// let mut first = String::new();
    /// cursor.read_to_string(&mut first).await?;
    /// assert_eq!(cursor.rewind().await?, 0);
    /// let mut second = String::new();
    /// cursor.read_to_string(&mut second).await?;
    /// assert_eq!(first, second);
    /// # Ok(())
    /// # }
    /// ```
    fn rewind(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Start(0))
    }

    /// The current position from the start of the stream:
    /// `seek(SeekFrom::Current(0))`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncReadExt, AsyncSeekExt};
    /// use futures::io::Cursor; // an in-memory `AsyncRead + AsyncSeek`
    ///
    /// let mut cursor = Cursor::new(b"abcdef".to_vec());
    /// let mut two = [0; 2];
    /// cursor.read_exact(&mut two).await?;
    /// assert_eq!(cursor.stream_position().await?, 2);
    /// # Ok(())
    /// # }
    /// ```
    fn stream_position(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Current(0))
    }
}

impl<S: AsyncSeek + ?Sized> AsyncSeekExt for S {}

/// Future for [`AsyncSeekExt::seek`], [`rewind`](AsyncSeekExt::rewind) and
/// [`stream_position`](AsyncSeekExt::stream_position): awaiting it gives the
/// new position from the start of the stream.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{self, AsyncSeekExt, SeekFrom};
/// use futures::io::Cursor;
///
/// let mut cursor = Cursor::new(vec![0u8; 8]);
/// let fut: io::Seek<'_, _> = cursor.seek(SeekFrom::End(-2));
/// assert_eq!(fut.await?, 6);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Seek<'a, S: ?Sized> {
    seeker: &'a mut S,
    pos: SeekFrom,
}

impl<S: AsyncSeek + Unpin + ?Sized> Future for Seek<'_, S> {
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        Pin::new(&mut *this.seeker).poll_seek(cx, this.pos)
    }
}
