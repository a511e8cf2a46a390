//! Streams over the runtime's other sources of repeated events:
//! [`IntervalStream`], [`SignalStream`], [`TcpListenerStream`],
//! [`UnixListenerStream`], [`LinesStream`], [`SplitStream`],
//! [`ReadDirStream`] and [`JoinSetStream`]. Each is the
//! source's `poll_*` method as `poll_next`, and gives the source back with
//! `into_inner`/`as_ref`/`as_mut`.

use futures_core::Stream;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Writes `into_inner` and the `AsRef`/`AsMut` impls of a wrapper whose
/// source is in field `inner`.
macro_rules! source_access {
    ($wrapper:ident $(<$g:ident>)?, $source:ty, $example:literal) => {
        impl$(<$g>)? $wrapper$(<$g>)? {
            #[doc = concat!("Gives back the wrapped [`", stringify!($source), "`].\n\n", $example)]
            pub fn into_inner(self) -> $source {
                self.inner
            }
        }

        impl$(<$g>)? AsRef<$source> for $wrapper$(<$g>)? {
            fn as_ref(&self) -> &$source {
                &self.inner
            }
        }

        impl$(<$g>)? AsMut<$source> for $wrapper$(<$g>)? {
            fn as_mut(&mut self) -> &mut $source {
                &mut self.inner
            }
        }
    };
}

/// The ticks of an [`Interval`](crate::time::Interval), as an endless
/// stream of the instants they were due.
///
/// ```
/// # #[runtime::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use runtime::stream::{wrappers::IntervalStream, StreamExt};
/// use runtime::time::{interval, Duration};
///
/// let ticks = IntervalStream::new(interval(Duration::from_secs(1)));
/// let due: Vec<_> = ticks.take(3).collect().await;
/// assert_eq!(due[2] - due[0], Duration::from_secs(2));
/// # }
/// ```
#[cfg(feature = "time")]
#[derive(Debug)]
pub struct IntervalStream {
    inner: crate::time::Interval,
}

#[cfg(feature = "time")]
impl IntervalStream {
    /// Wraps an interval.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::wrappers::IntervalStream;
    /// use runtime::time::{interval, Duration};
    ///
    /// let ticks = IntervalStream::new(interval(Duration::from_millis(10)));
    /// assert_eq!(ticks.as_ref().period(), Duration::from_millis(10));
    /// # }
    /// ```
    pub fn new(interval: crate::time::Interval) -> Self {
        IntervalStream { inner: interval }
    }
}

#[cfg(feature = "time")]
source_access!(
    IntervalStream,
    crate::time::Interval,
    "```
# #[runtime::main(flavor = \"current_thread\")]
# async fn main() {
use runtime::stream::wrappers::IntervalStream;
use runtime::time::{interval, Duration};

let mut iv = IntervalStream::new(interval(Duration::from_millis(10))).into_inner();
iv.tick().await;
# }
```"
);

#[cfg(feature = "time")]
impl Stream for IntervalStream {
    type Item = crate::time::Instant;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_tick(cx).map(Some)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

#[cfg(feature = "time")]
impl futures_core::stream::FusedStream for IntervalStream {
    fn is_terminated(&self) -> bool {
        false
    }
}

/// The deliveries of a Unix [`Signal`](crate::signal::unix::Signal), as a
/// stream of `()`.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::signal::unix::{signal, SignalKind};
/// use runtime::stream::{wrappers::SignalStream, StreamExt};
///
/// let mut hangups = SignalStream::new(signal(SignalKind::hangup())?);
/// // SAFETY: raising SIGHUP in this process, whose handler is installed.
/// unsafe { libc::raise(libc::SIGHUP) };
/// assert_eq!(hangups.next().await, Some(()));
/// # Ok(())
/// # }
/// ```
#[cfg(all(unix, feature = "signal"))]
#[derive(Debug)]
pub struct SignalStream {
    inner: crate::signal::unix::Signal,
}

#[cfg(all(unix, feature = "signal"))]
impl SignalStream {
    /// Wraps a signal listener.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::signal::unix::{signal, SignalKind};
    /// use runtime::stream::wrappers::SignalStream;
    ///
    /// let stream = SignalStream::new(signal(SignalKind::user_defined1())?);
    /// # drop(stream);
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(signal: crate::signal::unix::Signal) -> Self {
        SignalStream { inner: signal }
    }
}

#[cfg(all(unix, feature = "signal"))]
source_access!(
    SignalStream,
    crate::signal::unix::Signal,
    "```
# #[runtime::main(flavor = \"current_thread\")]
# async fn main() -> std::io::Result<()> {
use runtime::signal::unix::{signal, SignalKind};
use runtime::stream::wrappers::SignalStream;

let signal = SignalStream::new(signal(SignalKind::user_defined2())?).into_inner();
# drop(signal);
# Ok(())
# }
```"
);

#[cfg(all(unix, feature = "signal"))]
impl Stream for SignalStream {
    type Item = ();

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.inner.poll_recv(cx)
    }
}

/// The connections a [`TcpListener`](crate::net::TcpListener) accepts, as
/// an endless stream (an accept error is an item; the stream goes on).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::net::{TcpListener, TcpStream};
/// use runtime::stream::{wrappers::TcpListenerStream, StreamExt};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// let mut incoming = TcpListenerStream::new(listener);
/// let client = TcpStream::connect(addr).await?;
/// let server_side = incoming.next().await.unwrap()?;
/// assert_eq!(server_side.peer_addr()?, client.local_addr()?);
/// # Ok(())
/// # }
/// ```
#[cfg(feature = "net")]
#[derive(Debug)]
pub struct TcpListenerStream {
    inner: crate::net::TcpListener,
}

#[cfg(feature = "net")]
impl TcpListenerStream {
    /// Wraps a listener.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::TcpListener;
    /// use runtime::stream::wrappers::TcpListenerStream;
    ///
    /// let incoming = TcpListenerStream::new(TcpListener::bind("127.0.0.1:0").await?);
    /// assert!(incoming.as_ref().local_addr()?.ip().is_loopback());
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(listener: crate::net::TcpListener) -> Self {
        TcpListenerStream { inner: listener }
    }
}

#[cfg(feature = "net")]
source_access!(
    TcpListenerStream,
    crate::net::TcpListener,
    "```
# #[runtime::main(flavor = \"current_thread\")]
# async fn main() -> std::io::Result<()> {
use runtime::net::TcpListener;
use runtime::stream::wrappers::TcpListenerStream;

let incoming = TcpListenerStream::new(TcpListener::bind(\"127.0.0.1:0\").await?);
let listener: TcpListener = incoming.into_inner();
# drop(listener);
# Ok(())
# }
```"
);

#[cfg(feature = "net")]
impl Stream for TcpListenerStream {
    type Item = io::Result<crate::net::TcpStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner
            .poll_accept(cx)
            .map(|accepted| Some(accepted.map(|(stream, _)| stream)))
    }
}

/// The connections a [`UnixListener`](crate::net::UnixListener) accepts,
/// as an endless stream (an accept error is an item; the stream goes on).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::net::{UnixListener, UnixStream};
/// use runtime::stream::{wrappers::UnixListenerStream, StreamExt};
///
/// let path = std::env::temp_dir().join(format!("stream-doc-{}.sock", std::process::id()));
/// let _ = std::fs::remove_file(&path);
/// let mut incoming = UnixListenerStream::new(UnixListener::bind(&path)?);
/// let _client = UnixStream::connect(&path).await?;
/// assert!(incoming.next().await.unwrap().is_ok());
/// std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
#[cfg(all(unix, feature = "net"))]
#[derive(Debug)]
pub struct UnixListenerStream {
    inner: crate::net::UnixListener,
}

#[cfg(all(unix, feature = "net"))]
impl UnixListenerStream {
    /// Wraps a listener.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UnixListener;
    /// use runtime::stream::wrappers::UnixListenerStream;
    ///
    /// let path = std::env::temp_dir().join(format!("stream-new-{}.sock", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// let incoming = UnixListenerStream::new(UnixListener::bind(&path)?);
    /// assert!(incoming.as_ref().local_addr().is_ok());
    /// std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(listener: crate::net::UnixListener) -> Self {
        UnixListenerStream { inner: listener }
    }
}

#[cfg(all(unix, feature = "net"))]
source_access!(
    UnixListenerStream,
    crate::net::UnixListener,
    "```
# #[runtime::main(flavor = \"current_thread\")]
# async fn main() -> std::io::Result<()> {
use runtime::net::UnixListener;
use runtime::stream::wrappers::UnixListenerStream;

let path = std::env::temp_dir().join(format!(\"stream-inner-{}.sock\", std::process::id()));
let _ = std::fs::remove_file(&path);
let listener = UnixListenerStream::new(UnixListener::bind(&path)?).into_inner();
drop(listener);
std::fs::remove_file(&path)?;
# Ok(())
# }
```"
);

#[cfg(all(unix, feature = "net"))]
impl Stream for UnixListenerStream {
    type Item = io::Result<crate::net::UnixStream>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner
            .poll_accept(cx)
            .map(|accepted| Some(accepted.map(|(stream, _)| stream)))
    }
}

/// The lines of an [`io::Lines`](crate::io::Lines), as a stream of
/// `io::Result<String>` that ends at the end of the input.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::io::{AsyncBufReadExt, BufReader};
/// use runtime::stream::{wrappers::LinesStream, StreamExt};
///
/// let lines = LinesStream::new(BufReader::new(&b"one\ntwo\n"[..]).lines());
/// let all: Vec<String> = lines.map(Result::unwrap).collect().await;
/// assert_eq!(all, ["one", "two"]);
/// # }
/// ```
#[derive(Debug)]
pub struct LinesStream<R> {
    inner: crate::io::Lines<R>,
}

impl<R> LinesStream<R> {
    /// Wraps a line reader.
    ///
    /// ```
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    /// use runtime::stream::wrappers::LinesStream;
    ///
    /// let lines = LinesStream::new(BufReader::new(&b"x\n"[..]).lines());
    /// # drop(lines);
    /// ```
    pub fn new(lines: crate::io::Lines<R>) -> Self {
        LinesStream { inner: lines }
    }

    /// The wrapped line reader, pinned.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    /// use runtime::stream::wrappers::LinesStream;
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    ///
    /// let mut lines = LinesStream::new(BufReader::new(&b"x\n"[..]).lines());
    /// let line = poll_fn(|cx| Pin::new(&mut lines).as_pin_mut().poll_next_line(cx)).await?;
    /// assert_eq!(line.as_deref(), Some("x"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn as_pin_mut(self: Pin<&mut Self>) -> Pin<&mut crate::io::Lines<R>> {
        // SAFETY: `inner` is structurally pinned: `LinesStream` has no
        // `Drop` impl, is `Unpin` exactly when `Lines<R>` is (auto trait),
        // and never moves `inner` out of a pinned `self`.
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }
}

source_access!(
    LinesStream<R>,
    crate::io::Lines<R>,
    "```
use runtime::io::{AsyncBufReadExt, BufReader};
use runtime::stream::wrappers::LinesStream;

let lines = LinesStream::new(BufReader::new(&b\"x\\n\"[..]).lines()).into_inner();
# drop(lines);
```"
);

impl<R: crate::io::AsyncBufRead + Unpin> Stream for LinesStream<R> {
    type Item = io::Result<String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.inner)
            .poll_next_line(cx)
            .map(Result::transpose)
    }
}

/// The segments of an [`io::Split`](crate::io::Split) (the input cut at a
/// delimiter byte), as a stream of `io::Result<Vec<u8>>` that ends at the
/// end of the input.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::io::{AsyncBufReadExt, BufReader};
/// use runtime::stream::{wrappers::SplitStream, StreamExt};
///
/// let parts = SplitStream::new(BufReader::new(&b"a,b,c"[..]).split(b','));
/// let all: Vec<Vec<u8>> = parts.map(Result::unwrap).collect().await;
/// assert_eq!(all, [b"a".to_vec(), b"b".to_vec(), b"c".to_vec()]);
/// # }
/// ```
#[derive(Debug)]
pub struct SplitStream<R> {
    inner: crate::io::Split<R>,
}

impl<R> SplitStream<R> {
    /// Wraps a segment reader.
    ///
    /// ```
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    /// use runtime::stream::wrappers::SplitStream;
    ///
    /// let parts = SplitStream::new(BufReader::new(&b"x;y"[..]).split(b';'));
    /// # drop(parts);
    /// ```
    pub fn new(split: crate::io::Split<R>) -> Self {
        SplitStream { inner: split }
    }

    /// The wrapped segment reader, pinned.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::io::{AsyncBufReadExt, BufReader};
    /// use runtime::stream::wrappers::SplitStream;
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    ///
    /// let mut parts = SplitStream::new(BufReader::new(&b"x;y"[..]).split(b';'));
    /// let first = poll_fn(|cx| Pin::new(&mut parts).as_pin_mut().poll_next_segment(cx)).await?;
    /// assert_eq!(first, Some(b"x".to_vec()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn as_pin_mut(self: Pin<&mut Self>) -> Pin<&mut crate::io::Split<R>> {
        // SAFETY: `inner` is structurally pinned: `SplitStream` has no
        // `Drop` impl, is `Unpin` exactly when `Split<R>` is (auto trait),
        // and never moves `inner` out of a pinned `self`.
        unsafe { self.map_unchecked_mut(|this| &mut this.inner) }
    }
}

source_access!(
    SplitStream<R>,
    crate::io::Split<R>,
    "```
use runtime::io::{AsyncBufReadExt, BufReader};
use runtime::stream::wrappers::SplitStream;

let split = SplitStream::new(BufReader::new(&b\"x;y\"[..]).split(b';')).into_inner();
# drop(split);
```"
);

impl<R: crate::io::AsyncBufRead + Unpin> Stream for SplitStream<R> {
    type Item = io::Result<Vec<u8>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.inner)
            .poll_next_segment(cx)
            .map(Result::transpose)
    }
}

/// The entries of a [`ReadDir`](crate::fs::ReadDir), as a stream of
/// `io::Result<DirEntry>` that ends after the last entry.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::stream::{wrappers::ReadDirStream, StreamExt};
///
/// let dir = std::env::temp_dir().join(format!("stream-readdir-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("sub"))?;
/// let mut entries = ReadDirStream::new(runtime::fs::read_dir(&dir).await?);
/// let entry = entries.next().await.unwrap()?;
/// assert_eq!(entry.file_name(), "sub");
/// assert!(entries.next().await.is_none());
/// std::fs::remove_dir_all(&dir)
/// # }
/// ```
#[cfg(feature = "fs")]
#[derive(Debug)]
pub struct ReadDirStream {
    inner: crate::fs::ReadDir,
}

#[cfg(feature = "fs")]
impl ReadDirStream {
    /// Wraps a directory listing.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::stream::wrappers::ReadDirStream;
    ///
    /// let entries = ReadDirStream::new(runtime::fs::read_dir(std::env::temp_dir()).await?);
    /// # drop(entries);
    /// # Ok(())
    /// # }
    /// ```
    pub fn new(read_dir: crate::fs::ReadDir) -> Self {
        ReadDirStream { inner: read_dir }
    }
}

#[cfg(feature = "fs")]
source_access!(
    ReadDirStream,
    crate::fs::ReadDir,
    "```
# #[runtime::main(flavor = \"current_thread\")]
# async fn main() -> std::io::Result<()> {
use runtime::stream::wrappers::ReadDirStream;

let entries = ReadDirStream::new(runtime::fs::read_dir(std::env::temp_dir()).await?);
let read_dir: runtime::fs::ReadDir = entries.into_inner();
# drop(read_dir);
# Ok(())
# }
```"
);

#[cfg(feature = "fs")]
impl Stream for ReadDirStream {
    type Item = io::Result<crate::fs::DirEntry>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_entry(cx).map(Result::transpose)
    }
}

/// The outputs of the tasks of a [`JoinSet`](crate::task::JoinSet), in the
/// order they finish, as a stream that ends when the set is empty.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() {
/// use runtime::stream::{wrappers::JoinSetStream, StreamExt};
/// use runtime::task::JoinSet;
///
/// let mut set = JoinSet::new();
/// set.spawn(async { 1 });
/// set.spawn(async { 2 });
/// let mut outputs: Vec<i32> = JoinSetStream::new(set).map(Result::unwrap).collect().await;
/// outputs.sort();
/// assert_eq!(outputs, [1, 2]);
/// # }
/// ```
#[derive(Debug)]
pub struct JoinSetStream<T> {
    inner: crate::task::JoinSet<T>,
}

impl<T> JoinSetStream<T> {
    /// Wraps a join set.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use runtime::stream::wrappers::JoinSetStream;
    ///
    /// let mut set = runtime::task::JoinSet::new();
    /// set.spawn(async {});
    /// assert_eq!(JoinSetStream::new(set).as_ref().len(), 1);
    /// # }
    /// ```
    pub fn new(join_set: crate::task::JoinSet<T>) -> Self {
        JoinSetStream { inner: join_set }
    }
}

source_access!(JoinSetStream<T>, crate::task::JoinSet<T>, "```
# #[runtime::main(flavor = \"current_thread\")]
# async fn main() {
use runtime::stream::wrappers::JoinSetStream;

let set: runtime::task::JoinSet<()> = JoinSetStream::new(runtime::task::JoinSet::new()).into_inner();
assert!(set.is_empty());
# }
```");

impl<T: 'static> Stream for JoinSetStream<T> {
    type Item = Result<T, crate::task::JoinError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_join_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.inner.len();
        (n, Some(n))
    }
}

impl<T> From<crate::task::JoinSet<T>> for JoinSetStream<T> {
    fn from(join_set: crate::task::JoinSet<T>) -> Self {
        JoinSetStream::new(join_set)
    }
}
