//! Files and directories, Tokio's `tokio::fs`: std's file system calls run on
//! the blocking pool.
//!
//! # Design
//!
//! Regular files cannot be polled for readiness (an OS says a file is always
//! ready and then blocks in `read`), so, as in Tokio, every operation is a
//! blocking std call sent to the runtime's blocking pool (the pool of
//! [`spawn_blocking`](crate::task::spawn_blocking)), awaited through its
//! `JoinHandle`. The results, errors included, are std's: an error keeps its
//! OS code and kind (`NotFound`, `PermissionDenied`, `AlreadyExists`...).
//!
//! - The free functions ([`read`], [`write()`], [`metadata`], [`rename`]...)
//!   are one blocking call each.
//! - [`read_dir`] opens the directory and reads a first batch of 32 entries
//!   in one call; [`ReadDir::next_entry`] serves entries from the batch and
//!   reads the next batch when it is empty. A [`DirEntry`] keeps the file type
//!   the listing gave, so [`DirEntry::file_type`] usually needs no call.
//! - A [`File`] has one operation in flight at a time, with an internal
//!   buffer (at most 2 MiB, [`File::set_max_buf_size`]): its state is
//!   `Idle(buffer)` or `Busy(join handle)`, the buffer travelling to the
//!   blocking pool and back. A read fills the buffer with up to the caller's
//!   length and serves it; bytes left over are served by the next reads (and
//!   undone by a seek or a write, which first move the cursor back). A write
//!   copies the bytes into the buffer, starts `write_all` in the background
//!   and returns at once: **a write that returned `Ready` is not lost**, the
//!   next operation waits for it, and [`flush`](crate::io::AsyncWriteExt::flush)
//!   (and `shutdown`, which is `flush`) returns its error. Dropping a `File`
//!   without flushing lets the write in flight finish on the blocking pool,
//!   then closes the file; only its error is lost (see [`File`]).
//!
//! The `&self` methods of [`File`] that must come after the operation in
//! flight (`sync_all`, `sync_data`, `set_len`) take an async lock on the
//! state; the `AsyncRead`/`AsyncWrite`/`AsyncSeek` impls need `&mut File`
//! and use it without locking.
//!
//! The helper shared with the standard streams
//! ([`io::stdin`](crate::io::stdin)...) is in `fs/blocking.rs`.
//!
//! Called outside a runtime, an operation panics when first polled with the
//! runtime's "must be called from the context of a runtime" message.
//!
//! ```
//! use runtime::fs;
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//!
//! #[runtime::main]
//! async fn main() -> std::io::Result<()> {
//!     let dir = std::env::temp_dir().join(format!("rt-doc-fs-{}", std::process::id()));
//!     fs::create_dir_all(&dir).await?;
//!
//!     let mut file = fs::File::create(dir.join("notes.txt")).await?;
//!     file.write_all(b"line one\n").await?;
//!     file.flush().await?;
//!
//!     let mut text = String::new();
//!     fs::File::open(dir.join("notes.txt")).await?.read_to_string(&mut text).await?;
//!     assert_eq!(text, "line one\n");
//!     assert_eq!(fs::read_to_string(dir.join("notes.txt")).await?, text);
//!
//!     fs::remove_dir_all(&dir).await
//! }
//! ```

mod dir_builder;
mod file;
mod file_times;
mod functions;
mod open_options;
mod read_dir;

pub use dir_builder::DirBuilder;
pub use file::File;
pub use file_times::FileTimes;
#[cfg(unix)]
pub use functions::symlink;
pub use functions::{
    canonicalize, copy, create_dir, create_dir_all, hard_link, metadata, read, read_link,
    read_to_string, remove_dir, remove_dir_all, remove_file, rename, set_permissions,
    symlink_metadata, try_exists, write,
};
pub use open_options::OpenOptions;
pub use read_dir::{read_dir, DirEntry, ReadDir};
