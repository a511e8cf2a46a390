//! [`read_dir`], [`ReadDir`] and [`DirEntry`]: listing a directory in
//! batches.

use crate::blocking::{asyncify, poll_join, spawn_blocking};
use runtime_core::JoinHandle;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::{FileType, Metadata};
use std::future::poll_fn;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// Entries read per blocking call: one trip to the pool serves this many
/// `next_entry` calls.
const BATCH: usize = 32;

/// A batch of entries, the std iterator, and whether it may have more.
type Batch = (VecDeque<io::Result<DirEntry>>, std::fs::ReadDir, bool);

/// Opens the directory `path` for listing its entries, as
/// [`std::fs::read_dir`] (the entries come in no particular order, without
/// `.` and `..`).
///
/// The opening and the first batch of entries are one blocking call; the
/// others are read [`BATCH`](ReadDir) entries per call.
///
/// # Errors
/// std's: `NotFound`, `PermissionDenied`, `NotADirectory`...
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-read-dir-{}", std::process::id()));
///     fs::create_dir_all(&dir).await?;
///     fs::write(dir.join("a.txt"), b"a").await?;
///     fs::write(dir.join("b.txt"), b"b").await?;
///
///     let mut names = Vec::new();
///     let mut entries = fs::read_dir(&dir).await?;
///     while let Some(entry) = entries.next_entry().await? {
///         names.push(entry.file_name().into_string().unwrap());
///     }
///     names.sort();
///     assert_eq!(names, ["a.txt", "b.txt"]);
///     fs::remove_dir_all(&dir).await
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let batch = asyncify(move || {
        let mut std = std::fs::read_dir(path)?;
        let mut entries = VecDeque::with_capacity(BATCH);
        let more = next_batch(&mut entries, &mut std);
        Ok((entries, std, more))
    })
    .await?;
    Ok(ReadDir(State::Idle(Some(batch))))
}

/// Reads up to [`BATCH`] entries; `false` when the directory is exhausted.
fn next_batch(entries: &mut VecDeque<io::Result<DirEntry>>, std: &mut std::fs::ReadDir) -> bool {
    for _ in 0..BATCH {
        let Some(entry) = std.next() else {
            return false;
        };
        entries.push_back(entry.map(|std| {
            // Known without a `stat` on most file systems (`d_type`), so read
            // here, on the pool, and kept.
            let file_type = std.file_type().ok();
            DirEntry {
                std: Arc::new(std),
                file_type,
            }
        }));
    }
    true
}

/// The entries of a directory, from [`read_dir`]: Tokio's
/// `tokio::fs::ReadDir`. Entries are read 32 per blocking call.
///
/// ```
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-readdir-type-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     for i in 0..100 {
///         std::fs::write(dir.join(i.to_string()), b"")?;
///     }
///     let mut entries: runtime::fs::ReadDir = runtime::fs::read_dir(&dir).await?;
///     let mut count = 0;
///     while entries.next_entry().await?.is_some() {
///         count += 1;
///     }
///     assert_eq!(count, 100);
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
#[derive(Debug)]
#[must_use = "a ReadDir does nothing unless its entries are read"]
pub struct ReadDir(State);

#[derive(Debug)]
enum State {
    /// `None` after a batch read failed to complete (the iterator is gone).
    Idle(Option<Batch>),
    Busy(JoinHandle<Batch>),
}

impl ReadDir {
    /// The next entry, or `None` at the end. An error reading one entry is
    /// returned in its place; the listing goes on after it.
    ///
    /// # Cancel safety
    /// Cancel-safe: a batch being read stays in the `ReadDir`.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-next-entry-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     std::fs::write(dir.join("only"), b"")?;
    ///     let mut entries = runtime::fs::read_dir(&dir).await?;
    ///     assert_eq!(entries.next_entry().await?.unwrap().file_name(), "only");
    ///     assert!(entries.next_entry().await?.is_none());
    ///     assert!(entries.next_entry().await?.is_none()); // stays at the end
    ///     std::fs::remove_dir_all(&dir)
    /// }
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: `Ready(Ok(None))` at the end, `Pending`
    /// while a batch is read on the blocking pool (`cx` is woken after it).
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-poll-next-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     let mut entries = runtime::fs::read_dir(&dir).await?;
    ///     let next = poll_fn(|cx| entries.poll_next_entry(cx)).await?;
    ///     assert!(next.is_none()); // empty directory
    ///     std::fs::remove_dir_all(&dir)
    /// }
    /// ```
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.0 {
                State::Idle(None) => return Poll::Ready(Ok(None)),
                State::Idle(Some((entries, _, more))) => {
                    if let Some(entry) = entries.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if !*more {
                        return Poll::Ready(Ok(None));
                    }
                    let Some((mut entries, mut std, _)) = self.take_batch() else {
                        unreachable!("checked above");
                    };
                    self.0 = State::Busy(spawn_blocking(move || {
                        let more = next_batch(&mut entries, &mut std);
                        (entries, std, more)
                    }));
                }
                State::Busy(handle) => {
                    let res = ready!(poll_join(cx, handle));
                    match res {
                        Ok(batch) => self.0 = State::Idle(Some(batch)),
                        Err(e) => {
                            self.0 = State::Idle(None);
                            return Poll::Ready(Err(e));
                        }
                    }
                }
            }
        }
    }

    fn take_batch(&mut self) -> Option<Batch> {
        match &mut self.0 {
            State::Idle(batch) => batch.take(),
            State::Busy(_) => None,
        }
    }
}

/// One entry of a directory listing, Tokio's `tokio::fs::DirEntry`.
///
/// ```
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-dir-entry-{}", std::process::id()));
///     std::fs::create_dir_all(dir.join("sub"))?;
///     let mut entries = runtime::fs::read_dir(&dir).await?;
///     let entry: runtime::fs::DirEntry = entries.next_entry().await?.unwrap();
///     assert_eq!(entry.path(), dir.join("sub"));
///     assert!(entry.file_type().await?.is_dir());
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
#[derive(Debug)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// Read with the batch when the OS gave it for free.
    file_type: Option<FileType>,
}

impl DirEntry {
    /// The entry's full path: the path given to [`read_dir`] joined with
    /// the file name.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-entry-path-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     std::fs::write(dir.join("f"), b"")?;
    ///     let entry = runtime::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.path(), dir.join("f"));
    ///     std::fs::remove_dir_all(&dir)
    /// }
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's file name (the last component of its path).
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-entry-name-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     std::fs::write(dir.join("name.txt"), b"")?;
    ///     let entry = runtime::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.file_name(), "name.txt");
    ///     std::fs::remove_dir_all(&dir)
    /// }
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's metadata, not following a symlink (as
    /// [`std::fs::DirEntry::metadata`]).
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-entry-meta-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     std::fs::write(dir.join("five"), b"12345")?;
    ///     let entry = runtime::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.metadata().await?.len(), 5);
    ///     std::fs::remove_dir_all(&dir)
    /// }
    /// ```
    ///
    /// # Panics
    /// Outside a runtime.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// The entry's file type, not following a symlink (as
    /// [`std::fs::DirEntry::file_type`]); usually known from the listing
    /// itself, without another call.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-entry-type-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     std::fs::write(dir.join("file"), b"")?;
    ///     let entry = runtime::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert!(entry.file_type().await?.is_file());
    ///     std::fs::remove_dir_all(&dir)
    /// }
    /// ```
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = self.std.clone();
        asyncify(move || std.file_type()).await
    }
}

#[cfg(unix)]
impl DirEntry {
    /// The entry's inode number, as read from the directory (as
    /// [`std::os::unix::fs::DirEntryExt::ino`]).
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-entry-ino-{}", std::process::id()));
    ///     std::fs::create_dir_all(&dir)?;
    ///     std::fs::write(dir.join("f"), b"")?;
    ///     let entry = runtime::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
    ///     assert_eq!(entry.ino(), std::fs::metadata(dir.join("f"))?.ino());
    ///     std::fs::remove_dir_all(&dir)
    /// }
    /// ```
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }
}
