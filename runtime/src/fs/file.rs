//! [`File`]: an open file whose reads, writes and seeks run on the blocking
//! pool, one at a time, through an internal buffer (the state machine is in
//! `file/state.rs`).

mod state;

use super::OpenOptions;
use crate::blocking::{asyncify, DEFAULT_MAX_BUF_SIZE};
use futures_io::{AsyncRead, AsyncSeek, AsyncWrite};
use runtime_sync::Mutex;
use state::{Inner, Operation};
use std::fmt;
use std::fs::{File as StdFile, Metadata, Permissions};
use std::future::poll_fn;
use std::io::{self, Seek, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

/// An open file, Tokio's `tokio::fs::File`: the async version of
/// [`std::fs::File`].
///
/// Reading, writing and seeking go through [`AsyncRead`], [`AsyncWrite`] and
/// [`AsyncSeek`] (with [`AsyncReadExt`](crate::io::AsyncReadExt) and
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt) for `read_to_end`,
/// `write_all`...). Each operation runs on the blocking pool; one is in flight
/// at a time, using a buffer of at most [`max_buf_size`](File::max_buf_size)
/// bytes (2 MiB by default).
///
/// # Writes complete in the background
///
/// A write returns `Ready(n)` as soon as its bytes are copied into the
/// buffer; the blocking pool then writes them to the file. The next operation
/// on the file waits for it first, and its error, if it failed, is returned by
/// the next `write`, `flush` or `shutdown` (or `sync_all`/`sync_data`/
/// `set_len`). So **call [`flush`](crate::io::AsyncWriteExt::flush) (or
/// `shutdown`) to know that everything written reached the OS**, and
/// [`sync_all`](File::sync_all) to know it reached the disk. A write on a
/// runtime that has shut down (its blocking pool takes no new work) is
/// refused: it returns an error, as Tokio's, and nothing is written.
///
/// Dropping a `File` with a write in flight does not cancel the write: the
/// blocking pool finishes it, then closes the file. An error from it is lost,
/// and a program that exits before the pool got to it (`std::process::exit`)
/// loses the data; returning from `#[runtime::main]` (or dropping the
/// `Runtime`) waits for the blocking pool, so the write happens.
///
/// ```
/// use runtime::fs::File;
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-file-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     let path = dir.join("hello.txt");
///
///     let mut file = File::create(&path).await?;
///     file.write_all(b"hello, world!").await?;
///     file.flush().await?; // the write has reached the OS
///
///     let mut contents = String::new();
///     File::open(&path).await?.read_to_string(&mut contents).await?;
///     assert_eq!(contents, "hello, world!");
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
pub struct File {
    std: Arc<StdFile>,
    inner: Mutex<Inner>,
    max_buf_size: usize,
    /// A seek started through Tokio's `AsyncSeek::start_seek` (feature
    /// `tokio-io`), completed by `poll_complete`.
    #[cfg_attr(not(feature = "tokio-io"), allow(dead_code))]
    pending_seek: Option<SeekFrom>,
}

impl File {
    /// Opens a file for reading, as [`std::fs::File::open`].
    ///
    /// # Errors
    /// Those of `open(2)`: `NotFound`, `PermissionDenied`..., as std's.
    ///
    /// ```
    /// use runtime::fs::File;
    ///
    /// #[runtime::main]
    /// async fn main() {
    ///     let missing = std::env::temp_dir().join(format!("rt-doc-open-{}", std::process::id()));
    ///     let err = File::open(&missing).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// }
    /// ```
    ///
    /// # Panics
    /// Outside a runtime (as every async function of `fs`).
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path).await
    }

    /// Opens a file for writing, creating it or truncating it, as
    /// [`std::fs::File::create`].
    ///
    /// ```
    /// use runtime::fs::File;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-create-{}", std::process::id()));
    ///     std::fs::write(&path, b"old contents")?;
    ///     let file = File::create(&path).await?;
    ///     assert_eq!(file.metadata().await?.len(), 0); // truncated
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .await
    }

    /// Creates a new file opened for reading and writing, failing with
    /// `AlreadyExists` if the path exists (atomically), as
    /// [`std::fs::File::create_new`].
    ///
    /// ```
    /// use runtime::fs::File;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-create-new-{}", std::process::id()));
    ///     let _file = File::create_new(&path).await?;
    ///     let err = File::create_new(&path).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn create_new<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// A new [`OpenOptions`], for opening a file in another mode.
    ///
    /// ```
    /// use runtime::fs::File;
    /// use runtime::io::AsyncWriteExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-options-{}", std::process::id()));
    ///     std::fs::write(&path, b"a")?;
    ///     let mut file = File::options().append(true).open(&path).await?;
    ///     file.write_all(b"b").await?;
    ///     file.flush().await?;
    ///     assert_eq!(std::fs::read(&path)?, b"ab");
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps a [`std::fs::File`]. Needs no runtime; the cursor is where the
    /// std file had it.
    ///
    /// ```
    /// use runtime::io::AsyncReadExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-from-std-{}", std::process::id()));
    ///     std::fs::write(&path, b"abc")?;
    ///     let mut file = runtime::fs::File::from_std(std::fs::File::open(&path)?);
    ///     let mut s = String::new();
    ///     file.read_to_string(&mut s).await?;
    ///     assert_eq!(s, "abc");
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn from_std(std: StdFile) -> File {
        File {
            std: Arc::new(std),
            inner: Mutex::new(Inner::new()),
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
            pending_seek: None,
        }
    }

    /// Waits for the operation in flight and reports a write error not
    /// reported yet (the `flush` of `&self` methods).
    async fn complete_inflight(inner: &mut Inner) -> io::Result<()> {
        poll_fn(|cx| inner.poll_flush(cx)).await
    }

    /// Writes what was written so far to the disk, data and metadata
    /// (`fsync`), as [`std::fs::File::sync_all`]. Waits for the write in
    /// flight first, and returns its error if it failed.
    ///
    /// ```
    /// use runtime::fs::File;
    /// use runtime::io::AsyncWriteExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-sync-all-{}", std::process::id()));
    ///     let mut file = File::create(&path).await?;
    ///     file.write_all(b"durable").await?;
    ///     file.sync_all().await?;
    ///     assert_eq!(std::fs::read(&path)?, b"durable");
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        Self::complete_inflight(&mut inner).await?;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// As [`sync_all`](File::sync_all) but may skip metadata that is not
    /// needed to read the data back (`fdatasync`), as
    /// [`std::fs::File::sync_data`].
    ///
    /// ```
    /// use runtime::fs::File;
    /// use runtime::io::AsyncWriteExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-sync-data-{}", std::process::id()));
    ///     let mut file = File::create(&path).await?;
    ///     file.write_all(b"data").await?;
    ///     file.sync_data().await?;
    ///     assert_eq!(std::fs::read(&path)?, b"data");
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        Self::complete_inflight(&mut inner).await?;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the file to `size` bytes (zeros), as
    /// [`std::fs::File::set_len`]; the cursor does not move. Waits for the
    /// write in flight first (returning its error), and drops bytes read
    /// ahead. Needs the file open for writing.
    ///
    /// ```
    /// use runtime::fs::File;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-set-len-{}", std::process::id()));
    ///     let file = File::create(&path).await?;
    ///     file.set_len(10).await?;
    ///     assert_eq!(std::fs::read(&path)?, vec![0; 10]);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        Self::complete_inflight(&mut inner).await?;
        let back = inner.idle_buf().discard_read();
        let std = self.std.clone();
        // As a state-machine operation, so that a cancelled `set_len` still
        // runs before the next read or write.
        inner.start(move |_| {
            let res = match back {
                0 => Ok(0),
                back => (&*std).seek(SeekFrom::Current(back)),
            };
            Operation::SetLen(res.and_then(|_| std.set_len(size)))
        });
        match poll_fn(|cx| inner.poll_complete(cx)).await {
            Some(Operation::SetLen(res)) => res,
            Some(Operation::Lost(e)) => Err(e),
            _ => unreachable!("set_len's operation is the one in flight"),
        }
    }

    /// The file's metadata, as [`std::fs::File::metadata`]. Does not wait
    /// for a write in flight (as Tokio): flush first for an exact length.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-file-meta-{}", std::process::id()));
    ///     std::fs::write(&path, b"12345")?;
    ///     let file = runtime::fs::File::open(&path).await?;
    ///     let meta = file.metadata().await?;
    ///     assert!(meta.is_file());
    ///     assert_eq!(meta.len(), 5);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// A second `File` for the same open file (`dup`), as
    /// [`std::fs::File::try_clone`]: both share the cursor. Bytes this handle
    /// read ahead into its buffer are not seen by the clone.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-try-clone-{}", std::process::id()));
    ///     std::fs::write(&path, b"x")?;
    ///     let file = runtime::fs::File::open(&path).await?;
    ///     let clone = file.try_clone().await?;
    ///     assert_eq!(clone.metadata().await?.len(), 1);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        let std = self.std.clone();
        let dup = asyncify(move || std.try_clone()).await?;
        Ok(File::from_std(dup))
    }

    /// Waits for the operation in flight, puts the cursor back where this
    /// `File`'s reads left it (undoing the read-ahead), and returns the std
    /// file. A write error not reported yet is lost: `flush` first to see it.
    ///
    /// If a cancelled `metadata`/`set_permissions`/`try_clone` call still
    /// holds the file on the blocking pool, the returned file is a duplicate
    /// (`try_clone`) of the descriptor instead, with the same cursor.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    /// use std::io::Read;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-into-std-{}", std::process::id()));
    ///     let mut file = runtime::fs::File::options()
    ///         .read(true).write(true).create(true).truncate(true)
    ///         .open(&path).await?;
    ///     file.write_all(b"abc").await?;
    ///     let mut std_file = file.into_std().await; // the write is done
    ///     std::io::Seek::rewind(&mut std_file)?;
    ///     let mut s = String::new();
    ///     std_file.read_to_string(&mut s)?;
    ///     assert_eq!(s, "abc");
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    ///
    /// # Panics
    /// In the rare case above, if duplicating the descriptor fails.
    pub async fn into_std(mut self) -> StdFile {
        let inner = self.inner.get_mut();
        let _ = Self::complete_inflight(inner).await;
        let back = inner.idle_buf().discard_read();
        if back != 0 {
            let std = self.std.clone();
            let _ = asyncify(move || (&*std).seek(SeekFrom::Current(back))).await;
        }
        match Arc::try_unwrap(self.std) {
            Ok(std) => std,
            Err(shared) => shared
                .try_clone()
                .unwrap_or_else(|e| panic!("File::into_std: could not duplicate the file: {e}")),
        }
    }

    /// The std file, if no operation is in flight (else `Err(self)`), without
    /// waiting. Bytes read ahead are given back by moving the cursor back
    /// (an `lseek`, done here). A write error not reported yet is lost.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-try-into-std-{}", std::process::id()));
    ///     std::fs::write(&path, b"abc")?;
    ///     let file = runtime::fs::File::open(&path).await?;
    ///     let std_file = file.try_into_std().expect("nothing in flight");
    ///     assert_eq!(std_file.metadata()?.len(), 3);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    #[allow(clippy::result_large_err)] // Tokio's signature
    pub fn try_into_std(mut self) -> Result<StdFile, Self> {
        let inner = self.inner.get_mut();
        if !inner.is_idle() {
            return Err(self);
        }
        let back = inner.idle_buf().discard_read();
        if back != 0 && (&*self.std).seek(SeekFrom::Current(back)).is_err() {
            return Err(self);
        }
        match Arc::try_unwrap(self.std) {
            Ok(std) => Ok(std),
            Err(std) => Err(File {
                std,
                inner: Mutex::new(Inner::new()),
                max_buf_size: self.max_buf_size,
                pending_seek: None,
            }),
        }
    }

    /// Changes the file's permissions, as
    /// [`std::fs::File::set_permissions`].
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-file-perm-{}", std::process::id()));
    ///     std::fs::write(&path, b"x")?;
    ///     let file = runtime::fs::File::open(&path).await?;
    ///     let mut perm = file.metadata().await?.permissions();
    ///     perm.set_readonly(true);
    ///     file.set_permissions(perm).await?;
    ///     assert!(std::fs::metadata(&path)?.permissions().readonly());
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Sets the access and modification times, as
    /// [`std::fs::File::set_times`].
    ///
    /// ```
    /// use runtime::fs::FileTimes;
    /// use std::time::{Duration, SystemTime};
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-set-times-{}", std::process::id()));
    ///     let file = runtime::fs::File::create(&path).await?;
    ///     let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    ///     file.set_times(FileTimes::new().set_accessed(then).set_modified(then)).await?;
    ///     assert_eq!(std::fs::metadata(&path)?.modified()?, then);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn set_times(&self, times: super::FileTimes) -> io::Result<()> {
        let std = self.std.clone();
        let times = times.into_std();
        asyncify(move || std.set_times(times)).await
    }

    /// Sets the modification time, as [`std::fs::File::set_modified`].
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-set-modified-{}", std::process::id()));
    ///     let file = runtime::fs::File::create(&path).await?;
    ///     let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    ///     file.set_modified(then).await?;
    ///     assert_eq!(std::fs::metadata(&path)?.modified()?, then);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub async fn set_modified(&self, time: SystemTime) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_modified(time)).await
    }

    /// Sets the largest buffer one blocking read or write uses (2 MiB by
    /// default): bigger writes are split, bigger reads return less.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-max-buf-{}", std::process::id()));
    ///     let mut file = runtime::fs::File::create(&path).await?;
    ///     file.set_max_buf_size(4);
    ///     assert_eq!(file.max_buf_size(), 4);
    ///     assert_eq!(file.write(b"abcdef").await?, 4); // at most 4 per write
    ///     file.flush().await?;
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    ///
    /// # Panics
    /// If `max_buf_size` is 0.
    #[track_caller]
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(
            max_buf_size > 0,
            "`File::set_max_buf_size`: the size must be greater than 0"
        );
        self.max_buf_size = max_buf_size;
    }

    /// The largest buffer one blocking read or write uses; see
    /// [`set_max_buf_size`](File::set_max_buf_size).
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let file = runtime::fs::File::from_std(tempfile()?);
    ///     assert_eq!(file.max_buf_size(), 2 * 1024 * 1024);
    ///     Ok(())
    /// }
    /// # fn tempfile() -> std::io::Result<std::fs::File> {
    /// #     let path = std::env::temp_dir().join(format!("rt-doc-max-buf-size-{}", std::process::id()));
    /// #     let f = std::fs::File::create(&path)?;
    /// #     std::fs::remove_file(&path)?;
    /// #     Ok(f)
    /// # }
    /// ```
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }
}

/// Reads run on the blocking pool; bytes read beyond what the caller's
/// buffer holds stay in the `File`'s buffer for the next read. A write error
/// seen while waiting is kept for the next write or flush.
impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        me.inner
            .get_mut()
            .poll_read(cx, &me.std, me.max_buf_size, buf)
    }
}

/// Writes complete in the background (see [`File`]): `poll_write` returns
/// once the bytes are buffered, `poll_flush` waits for them to be written and
/// returns the error of a failed write, `poll_close` is `poll_flush` (the
/// file stays open until dropped).
impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        me.inner
            .get_mut()
            .poll_write(cx, &me.std, me.max_buf_size, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.get_mut().poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// Seeks run on the blocking pool after the operation in flight; bytes read
/// ahead are discarded (and accounted for in `SeekFrom::Current`). A poll
/// that returned `Pending` must be repeated with the same position to get the
/// result; a different position starts a new seek once the first is done.
impl AsyncSeek for File {
    fn poll_seek(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let me = self.get_mut();
        me.inner.get_mut().poll_seek(cx, &me.std, pos)
    }
}

/// Tokio's two-step seek over the one-call `poll_seek` above: `start_seek`
/// records the target, `poll_complete` drives `poll_seek` with it (which may
/// be called again with the same position after `Pending`).
#[cfg(feature = "tokio-io")]
impl runtime_core::tokio_io::tokio::io::AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        let me = self.get_mut();
        if me.pending_seek.is_some() {
            return Err(io::Error::other(
                "a seek is already in progress: call poll_complete before start_seek",
            ));
        }
        me.pending_seek = Some(pos);
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = self.get_mut();
        // Without a started seek: the current position, as Tokio's.
        let pos = me.pending_seek.unwrap_or(SeekFrom::Current(0));
        let result = std::task::ready!(me.inner.get_mut().poll_seek(cx, &me.std, pos));
        me.pending_seek = None;
        Poll::Ready(result)
    }
}

impl From<StdFile> for File {
    fn from(std: StdFile) -> File {
        File::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("std", &self.std)
            .field("max_buf_size", &self.max_buf_size)
            .finish()
    }
}

#[cfg(unix)]
mod unix {
    use super::File;
    use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

    impl AsRawFd for File {
        fn as_raw_fd(&self) -> RawFd {
            self.std.as_raw_fd()
        }
    }

    impl AsFd for File {
        fn as_fd(&self) -> BorrowedFd<'_> {
            self.std.as_fd()
        }
    }

    impl FromRawFd for File {
        /// # Safety
        /// As [`std::fs::File::from_raw_fd`]: `fd` is an open file
        /// descriptor that the new `File` owns.
        unsafe fn from_raw_fd(fd: RawFd) -> File {
            // SAFETY: our caller upholds `from_raw_fd`'s contract (an open,
            // owned descriptor), which is the one std's needs.
            File::from_std(unsafe { std::fs::File::from_raw_fd(fd) })
        }
    }

    impl From<OwnedFd> for File {
        fn from(fd: OwnedFd) -> File {
            File::from_std(std::fs::File::from(fd))
        }
    }
}
