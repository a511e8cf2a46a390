//! The free functions of `fs`: each runs its std counterpart once on the
//! blocking pool and returns its result (errors included, with their OS
//! code). Tokio's `tokio::fs::{read, write, ...}`.

use crate::blocking::asyncify;
use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

/// Reads the whole file at `path`, as [`std::fs::read`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-read-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     let path = dir.join("data.bin");
///     std::fs::write(&path, [1u8, 2, 3])?;
///     assert_eq!(fs::read(&path).await?, [1, 2, 3]);
///     assert_eq!(fs::read(dir.join("missing")).await.unwrap_err().kind(), std::io::ErrorKind::NotFound);
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads the whole file at `path` as UTF-8, as [`std::fs::read_to_string`]
/// (`InvalidData` if it is not).
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-read_to_string-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     let path = dir.join("text.txt");
///     std::fs::write(&path, "héllo")?;
///     assert_eq!(fs::read_to_string(&path).await?, "héllo");
///     std::fs::write(&path, [0xff, 0xfe])?;
///     assert_eq!(fs::read_to_string(&path).await.unwrap_err().kind(), std::io::ErrorKind::InvalidData);
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Writes `contents` as the whole file at `path`, creating or truncating it, as
/// [`std::fs::write`]. The bytes are copied once, to move them to the blocking
/// pool.
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-write-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     let path = dir.join("out.txt");
///     fs::write(&path, "first").await?;
///     fs::write(&path, b"second").await?; // replaces
///     assert_eq!(std::fs::read_to_string(&path)?, "second");
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Copies the contents and permissions of the file `from` to `to` (replaced if
/// it exists), as [`std::fs::copy`]; returns the number of bytes copied.
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-copy-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::write(dir.join("a"), b"12345")?;
///     assert_eq!(fs::copy(dir.join("a"), dir.join("b")).await?, 5);
///     assert_eq!(std::fs::read(dir.join("b"))?, b"12345");
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::copy(from, to)).await
}

/// Creates the directory `path` (its parent must exist), as
/// [`std::fs::create_dir`]. `AlreadyExists` if it exists.
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-create_dir-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     fs::create_dir(dir.join("sub")).await?;
///     assert!(dir.join("sub").is_dir());
///     assert_eq!(fs::create_dir(dir.join("sub")).await.unwrap_err().kind(), std::io::ErrorKind::AlreadyExists);
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Creates the directory `path` and its missing parents, as
/// [`std::fs::create_dir_all`]; a directory that exists already is fine.
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-create_dir_all-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     fs::create_dir_all(dir.join("a/b/c")).await?;
///     fs::create_dir_all(dir.join("a/b/c")).await?; // exists: fine
///     assert!(dir.join("a/b/c").is_dir());
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Removes the file (or symlink) `path`, as [`std::fs::remove_file`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-remove_file-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::write(dir.join("gone"), b"")?;
///     fs::remove_file(dir.join("gone")).await?;
///     assert!(!dir.join("gone").exists());
///     assert_eq!(fs::remove_file(dir.join("gone")).await.unwrap_err().kind(), std::io::ErrorKind::NotFound);
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes the empty directory `path`, as [`std::fs::remove_dir`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-remove_dir-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::create_dir(dir.join("empty"))?;
///     fs::remove_dir(dir.join("empty")).await?;
///     assert!(!dir.join("empty").exists());
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes the directory `path` with everything in it (not following symlinks),
/// as [`std::fs::remove_dir_all`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-remove_dir_all-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::create_dir_all(dir.join("tree/branch"))?;
///     std::fs::write(dir.join("tree/branch/leaf"), b"")?;
///     fs::remove_dir_all(dir.join("tree")).await?;
///     assert!(!dir.join("tree").exists());
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Renames (moves) `from` to `to`, replacing `to` if it is a file, as
/// [`std::fs::rename`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-rename-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::write(dir.join("old"), b"x")?;
///     fs::rename(dir.join("old"), dir.join("new")).await?;
///     assert!(!dir.join("old").exists());
///     assert_eq!(std::fs::read(dir.join("new"))?, b"x");
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::rename(from, to)).await
}

/// The metadata of `path`, following symlinks, as [`std::fs::metadata`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-metadata-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::write(dir.join("f"), b"abc")?;
///     let meta = fs::metadata(dir.join("f")).await?;
///     assert!(meta.is_file());
///     assert_eq!(meta.len(), 3);
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// The metadata of `path` itself, not following a symlink, as
/// [`std::fs::symlink_metadata`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-symlink_metadata-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::write(dir.join("target"), b"")?;
///     # #[cfg(unix)]
///     std::os::unix::fs::symlink(dir.join("target"), dir.join("link"))?;
///     # #[cfg(unix)]
///     assert!(fs::symlink_metadata(dir.join("link")).await?.file_type().is_symlink());
///     assert!(fs::symlink_metadata(dir.join("target")).await?.is_file());
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// The target a symlink points to, as [`std::fs::read_link`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-read_link-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     # #[cfg(unix)]
///     std::os::unix::fs::symlink("somewhere", dir.join("link"))?;
///     # #[cfg(unix)]
///     assert_eq!(fs::read_link(dir.join("link")).await?, std::path::Path::new("somewhere"));
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_link(path)).await
}

/// The absolute form of `path` with every symlink, `.` and `..` resolved, as
/// [`std::fs::canonicalize`]; the path must exist.
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-canonicalize-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::create_dir(dir.join("sub"))?;
///     let canon = fs::canonicalize(dir.join("sub/../sub/.")).await?;
///     assert_eq!(canon, std::fs::canonicalize(dir.join("sub"))?);
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}

/// Creates `link` as a new name (hard link) for the file `original`, as
/// [`std::fs::hard_link`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-hard_link-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::write(dir.join("original"), b"shared")?;
///     fs::hard_link(dir.join("original"), dir.join("alias")).await?;
///     assert_eq!(std::fs::read(dir.join("alias"))?, b"shared");
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::fs::hard_link(original, link)).await
}

/// Changes the permissions of `path`, as [`std::fs::set_permissions`].
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-set_permissions-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::write(dir.join("f"), b"")?;
///     let mut perm = fs::metadata(dir.join("f")).await?.permissions();
///     perm.set_readonly(true);
///     fs::set_permissions(dir.join("f"), perm).await?;
///     assert!(std::fs::metadata(dir.join("f"))?.permissions().readonly());
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}

/// Whether `path` exists (following symlinks), as
/// [`std::path::Path::try_exists`]: `Ok(false)` for a missing path (or a broken
/// symlink), an error when it cannot be told (for example `PermissionDenied` on
/// a parent).
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-try_exists-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     assert!(fs::try_exists(&dir).await?);
///     assert!(!fs::try_exists(dir.join("missing")).await?);
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || path.try_exists()).await
}

/// Creates the symlink `link` pointing to `original` (Unix; Tokio's
/// `tokio::fs::symlink`), as [`std::os::unix::fs::symlink`]. The target need
/// not exist.
///
/// ```
/// use runtime::fs;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let dir = std::env::temp_dir().join(format!("rt-doc-fs-symlink-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     std::fs::write(dir.join("target"), b"through the link")?;
///     fs::symlink(dir.join("target"), dir.join("link")).await?;
///     assert_eq!(fs::read(dir.join("link")).await?, b"through the link");
///     std::fs::remove_dir_all(&dir)
/// }
/// ```
///
/// # Panics
/// Outside a runtime.
#[cfg(unix)]
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::os::unix::fs::symlink(original, link)).await
}
