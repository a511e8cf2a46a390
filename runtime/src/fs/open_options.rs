//! [`OpenOptions`]: std's options, with an async `open`.

use super::File;
use crate::blocking::asyncify;
use std::fs::OpenOptions as StdOpenOptions;
use std::io;
use std::path::Path;

/// Options for opening a file (read, write, append, create...), Tokio's
/// `tokio::fs::OpenOptions`: [`std::fs::OpenOptions`] whose
/// [`open`](OpenOptions::open) runs on the blocking pool. The options and
/// their errors are std's.
///
/// ```
/// use runtime::fs::OpenOptions;
/// use runtime::io::AsyncWriteExt;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let path = std::env::temp_dir().join(format!("rt-doc-open-options-{}", std::process::id()));
///     let mut file = OpenOptions::new().write(true).create(true).truncate(true).open(&path).await?;
///     file.write_all(b"hi").await?;
///     file.flush().await?;
///     assert_eq!(std::fs::read(&path)?, b"hi");
///     std::fs::remove_file(&path)
/// }
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(StdOpenOptions);

impl OpenOptions {
    /// Options with everything off; set at least `read`, `write` or `append`.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() {
    ///     let path = std::env::temp_dir();
    ///     // No access mode chosen: std's `InvalidInput`.
    ///     let err = runtime::fs::OpenOptions::new().open(&path).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// }
    /// ```
    #[must_use]
    pub fn new() -> OpenOptions {
        OpenOptions(StdOpenOptions::new())
    }

    /// Opens for reading.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-read-{}", std::process::id()));
    ///     std::fs::write(&path, b"x")?;
    ///     let file = runtime::fs::OpenOptions::new().read(true).open(&path).await?;
    ///     assert_eq!(file.metadata().await?.len(), 1);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self
    }

    /// Opens for writing (from the start, overwriting).
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-write-{}", std::process::id()));
    ///     std::fs::write(&path, b"abc")?;
    ///     let mut file = runtime::fs::OpenOptions::new().write(true).open(&path).await?;
    ///     file.write_all(b"X").await?;
    ///     file.flush().await?;
    ///     assert_eq!(std::fs::read(&path)?, b"Xbc");
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self
    }

    /// Opens for appending: every write goes to the end of the file.
    ///
    /// ```
    /// use runtime::io::AsyncWriteExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-append-{}", std::process::id()));
    ///     std::fs::write(&path, b"abc")?;
    ///     let mut file = runtime::fs::OpenOptions::new().append(true).open(&path).await?;
    ///     file.write_all(b"d").await?;
    ///     file.flush().await?;
    ///     assert_eq!(std::fs::read(&path)?, b"abcd");
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self
    }

    /// Truncates the file to 0 bytes when opened (needs `write`).
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-truncate-{}", std::process::id()));
    ///     std::fs::write(&path, b"abc")?;
    ///     runtime::fs::OpenOptions::new().write(true).truncate(true).open(&path).await?;
    ///     assert_eq!(std::fs::read(&path)?, b"");
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self
    }

    /// Creates the file if it does not exist (needs `write` or `append`).
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-create-{}", std::process::id()));
    ///     runtime::fs::OpenOptions::new().write(true).create(true).open(&path).await?;
    ///     assert!(path.exists());
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self
    }

    /// Creates the file, failing with `AlreadyExists` if it exists (checked
    /// atomically by the OS); `create` and `truncate` are then ignored.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-create-new-{}", std::process::id()));
    ///     let mut opts = runtime::fs::OpenOptions::new();
    ///     opts.write(true).create_new(true);
    ///     opts.open(&path).await?;
    ///     let err = opts.open(&path).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self
    }

    /// Opens `path` with these options on the blocking pool.
    ///
    /// # Errors
    /// std's: `NotFound`, `PermissionDenied`, `AlreadyExists` (with
    /// `create_new`), `InvalidInput` (no access mode)...
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-open-{}", std::process::id()));
    ///     let err = runtime::fs::OpenOptions::new().read(true).open(&path).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// }
    /// ```
    ///
    /// # Panics
    /// Outside a runtime.
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let opts = self.0.clone();
        let std = asyncify(move || opts.open(path)).await?;
        Ok(File::from_std(std))
    }
}

/// The Unix extensions, as inherent methods (as Tokio's).
#[cfg(unix)]
impl OpenOptions {
    /// The permission bits a created file gets (before the umask); 0o666 by
    /// default.
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-mode-{}", std::process::id()));
    ///     runtime::fs::OpenOptions::new().write(true).create(true).mode(0o600).open(&path).await?;
    ///     assert_eq!(std::fs::metadata(&path)?.permissions().mode() & 0o777, 0o600);
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self
    }

    /// Extra `open(2)` flags (`libc::O_NOFOLLOW`...); the access mode bits
    /// are ignored.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let path = std::env::temp_dir().join(format!("rt-doc-oo-flags-{}", std::process::id()));
    ///     std::fs::write(&path, b"x")?;
    ///     let link = path.with_extension("link");
    ///     std::os::unix::fs::symlink(&path, &link)?;
    ///     let mut opts = runtime::fs::OpenOptions::new();
    ///     opts.read(true).custom_flags(libc::O_NOFOLLOW);
    ///     opts.open(&path).await?; // a file: fine
    ///     assert!(opts.open(&link).await.is_err()); // a symlink: ELOOP
    ///     std::fs::remove_file(&link)?;
    ///     std::fs::remove_file(&path)
    /// }
    /// ```
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self
    }
}

impl From<StdOpenOptions> for OpenOptions {
    fn from(options: StdOpenOptions) -> OpenOptions {
        OpenOptions(options)
    }
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}
