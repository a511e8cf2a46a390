//! [`DirBuilder`]: creating directories with options.

use crate::blocking::asyncify;
use std::io;
use std::path::Path;

/// Creates directories with options (recursive, Unix mode), Tokio's
/// `tokio::fs::DirBuilder`: [`std::fs::DirBuilder`] on the blocking pool.
///
/// ```
/// use runtime::fs::DirBuilder;
///
/// #[runtime::main]
/// async fn main() -> std::io::Result<()> {
///     let root = std::env::temp_dir().join(format!("rt-doc-dir-builder-{}", std::process::id()));
///     DirBuilder::new().recursive(true).create(root.join("a/b/c")).await?;
///     assert!(root.join("a/b/c").is_dir());
///     std::fs::remove_dir_all(&root)
/// }
/// ```
#[derive(Debug, Default)]
pub struct DirBuilder {
    recursive: bool,
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// A builder that creates one directory (not its parents) with the
    /// default mode.
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() {
    ///     let root = std::env::temp_dir().join(format!("rt-doc-dir-builder-new-{}", std::process::id()));
    ///     let err = runtime::fs::DirBuilder::new().create(root.join("x/y")).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::NotFound); // no parent
    /// }
    /// ```
    #[must_use]
    pub fn new() -> DirBuilder {
        DirBuilder::default()
    }

    /// Also creates the missing parents, and accepts a directory that
    /// exists already (as [`create_dir_all`](super::create_dir_all)).
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let root = std::env::temp_dir().join(format!("rt-doc-dir-builder-rec-{}", std::process::id()));
    ///     let mut builder = runtime::fs::DirBuilder::new();
    ///     builder.recursive(true);
    ///     builder.create(root.join("p/q")).await?;
    ///     builder.create(root.join("p/q")).await?; // exists: fine
    ///     std::fs::remove_dir_all(&root)
    /// }
    /// ```
    pub fn recursive(&mut self, recursive: bool) -> &mut DirBuilder {
        self.recursive = recursive;
        self
    }

    /// Creates `path` with these options.
    ///
    /// # Errors
    /// std's: `AlreadyExists` (not recursive), `NotFound` (a missing parent,
    /// not recursive), `PermissionDenied`...
    ///
    /// ```
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-dir-builder-create-{}", std::process::id()));
    ///     runtime::fs::DirBuilder::new().create(&dir).await?;
    ///     let err = runtime::fs::DirBuilder::new().create(&dir).await.unwrap_err();
    ///     assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    ///     std::fs::remove_dir(&dir)
    /// }
    /// ```
    ///
    /// # Panics
    /// Outside a runtime.
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        asyncify(move || builder.create(path)).await
    }
}

#[cfg(unix)]
impl DirBuilder {
    /// The permission bits of the created directories (before the umask);
    /// 0o777 by default.
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// #[runtime::main]
    /// async fn main() -> std::io::Result<()> {
    ///     let dir = std::env::temp_dir().join(format!("rt-doc-dir-builder-mode-{}", std::process::id()));
    ///     runtime::fs::DirBuilder::new().mode(0o700).create(&dir).await?;
    ///     assert_eq!(std::fs::metadata(&dir)?.permissions().mode() & 0o777, 0o700);
    ///     std::fs::remove_dir(&dir)
    /// }
    /// ```
    pub fn mode(&mut self, mode: u32) -> &mut DirBuilder {
        self.mode = Some(mode);
        self
    }
}
