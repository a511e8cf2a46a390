//! [`FileTimes`]: the timestamps [`File::set_times`](super::File::set_times)
//! sets.

use std::time::SystemTime;

/// Access and modification times to set on a file with
/// [`File::set_times`](super::File::set_times), Tokio's
/// `tokio::fs::FileTimes` (std's [`std::fs::FileTimes`], owned). A time left
/// unset is not changed.
///
/// ```
/// use runtime::fs::FileTimes;
/// use std::time::SystemTime;
///
/// let times = FileTimes::new().set_modified(SystemTime::UNIX_EPOCH);
/// # let _ = times;
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[must_use = "a FileTimes does nothing until given to `File::set_times`"]
pub struct FileTimes {
    accessed: Option<SystemTime>,
    modified: Option<SystemTime>,
}

impl FileTimes {
    /// Times with nothing set.
    ///
    /// ```
    /// let times = runtime::fs::FileTimes::new();
    /// # let _ = times;
    /// ```
    pub fn new() -> FileTimes {
        FileTimes::default()
    }

    /// Sets the last access time.
    ///
    /// ```
    /// let times = runtime::fs::FileTimes::new().set_accessed(std::time::SystemTime::now());
    /// # let _ = times;
    /// ```
    pub fn set_accessed(mut self, t: SystemTime) -> FileTimes {
        self.accessed = Some(t);
        self
    }

    /// Sets the last modification time.
    ///
    /// ```
    /// let times = runtime::fs::FileTimes::new().set_modified(std::time::SystemTime::now());
    /// # let _ = times;
    /// ```
    pub fn set_modified(mut self, t: SystemTime) -> FileTimes {
        self.modified = Some(t);
        self
    }

    pub(crate) fn into_std(self) -> std::fs::FileTimes {
        let mut times = std::fs::FileTimes::new();
        if let Some(t) = self.accessed {
            times = times.set_accessed(t);
        }
        if let Some(t) = self.modified {
            times = times.set_modified(t);
        }
        times
    }
}
