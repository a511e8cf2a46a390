//! Unix pipes and FIFOs: the writing end, [`Sender`], and the reading end,
//! [`Receiver`], registered with the reactor.
//!
//! An anonymous pipe comes from [`pipe()`]; a named pipe (a FIFO made with
//! `mkfifo`) is opened with [`OpenOptions`]; a descriptor made elsewhere (a
//! child process's stdin/stdout, a `File`) comes in through `from_file` or
//! `from_owned_fd`, and leaves through `into_blocking_fd` or
//! `into_nonblocking_fd`.
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//! use runtime::net::unix::pipe;
//!
//! #[runtime::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let (mut tx, mut rx) = pipe::pipe()?;
//!     tx.write_all(b"through the pipe").await?;
//!     drop(tx); // the reader sees end of stream
//!     let mut got = String::new();
//!     rx.read_to_string(&mut got).await?;
//!     assert_eq!(got, "through the pipe");
//!     Ok(())
//! }
//! ```
//!
//! # Design
//!
//! Each end is a `mio::unix::pipe` end inside the reactor's `PollEvented`,
//! so reads and writes run the same edge-triggered readiness loop as the
//! sockets (see the crate documentation): `AsyncRead`/`AsyncWrite` (the
//! `futures-io` traits, as every other I/O type here) wait for readiness
//! and retry on `WouldBlock`, the `try_*` methods make one attempt.
//!
//! The descriptor must be in non-blocking mode, or a read on an empty pipe
//! would stall a worker thread: every way in sets `O_NONBLOCK` (opening a
//! FIFO passes it to `open`, which also keeps opening the read end from
//! waiting for a writer). The checked ways in also refuse, with
//! `InvalidInput`, a descriptor that is not a pipe (`fstat`) or that is not
//! open for the end's direction (`fcntl(F_GETFL)`): epoll rejects regular
//! files, and a read end opened write-only could never become readable.
//! The `_unchecked` variants and [`OpenOptions::unchecked`] skip those
//! checks, for character devices and other pollable files.

mod receiver;
mod sender;

pub use receiver::Receiver;
pub use sender::Sender;

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Creates an anonymous pipe and returns its two ends, both registered
/// with the current runtime's reactor (non-blocking, close-on-exec).
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
///
/// let (mut tx, mut rx) = runtime::net::unix::pipe::pipe()?;
/// tx.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok(())
/// # }
/// ```
///
/// # Panics
///
/// Outside a runtime.
#[track_caller]
pub fn pipe() -> io::Result<(Sender, Receiver)> {
    let (tx, rx) = mio::unix::pipe::new()?;
    Ok((Sender::from_mio(tx)?, Receiver::from_mio(rx)?))
}

/// Options for opening a named pipe (FIFO) as a [`Receiver`] or a
/// [`Sender`], as std's `OpenOptions` is for files.
///
/// The FIFO is opened non-blocking. So opening the read end returns at
/// once even with no writer (reads then return end of stream until one
/// opens it), and opening the write end with no reader fails with
/// `ENXIO` (raw OS error 6), unless [`read_write`](OpenOptions::read_write)
/// is set.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// use runtime::io::{AsyncReadExt, AsyncWriteExt};
/// use runtime::net::unix::pipe::OpenOptions;
///
/// let path = dir.join("fifo");
/// let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
/// # // SAFETY: a valid NUL-terminated path.
/// assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
///
/// let mut rx = OpenOptions::new().open_receiver(&path)?; // first: a writer needs a reader
/// let mut tx = OpenOptions::new().open_sender(&path)?;
/// tx.write_all(b"named").await?;
/// let mut buf = [0; 5];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"named");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    read_write: bool,
    unchecked: bool,
}

impl OpenOptions {
    /// Options to open a FIFO read-only (receiver) or write-only (sender),
    /// checking that the file is a FIFO.
    ///
    /// ```
    /// let options = runtime::net::unix::pipe::OpenOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            read_write: false,
            unchecked: false,
        }
    }

    /// Opens the FIFO for reading and writing (`O_RDWR`), whichever end is
    /// asked for. Then a sender opens even with no reader (it is a reader
    /// itself), and a receiver never sees end of stream (it is a writer
    /// itself). Linux and Android only (POSIX leaves `O_RDWR` on a FIFO
    /// undefined).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use runtime::net::unix::pipe::OpenOptions;
    ///
    /// let path = dir.join("fifo");
    /// let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    /// # // SAFETY: a valid NUL-terminated path.
    /// assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    ///
    /// // No reader yet: write-only fails, read-write works.
    /// assert!(OpenOptions::new().open_sender(&path).is_err());
    /// let tx = OpenOptions::new().read_write(true).open_sender(&path)?;
    /// assert_eq!(tx.try_write(b"buffered")?, 8);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn read_write(&mut self, value: bool) -> &mut Self {
        self.read_write = value;
        self
    }

    /// Skips the check that the file is a FIFO, to open other pollable
    /// files (a character device such as a terminal) as a pipe end.
    /// Opening a regular file this way fails when it is registered with
    /// the reactor (epoll does not take regular files).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::unix::pipe::OpenOptions;
    ///
    /// // /dev/null is no FIFO: refused by the check, and by epoll without it.
    /// let err = OpenOptions::new().open_receiver("/dev/null").unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// assert!(OpenOptions::new().unchecked(true).open_receiver("/dev/null").is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn unchecked(&mut self, value: bool) -> &mut Self {
        self.unchecked = value;
        self
    }

    /// Opens the FIFO at `path` as a [`Receiver`]. Returns at once, writer
    /// or not. Fails with `InvalidInput` if the file is not a FIFO (unless
    /// [`unchecked`](OpenOptions::unchecked)).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # let path = dir.join("fifo");
    /// # let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    /// # // SAFETY: a valid NUL-terminated path.
    /// # assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    /// let rx = runtime::net::unix::pipe::OpenOptions::new().open_receiver(&path)?;
    /// let mut buf = [0; 4];
    /// assert_eq!(rx.try_read(&mut buf)?, 0); // no writer: end of stream
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn open_receiver<P: AsRef<Path>>(&self, path: P) -> io::Result<Receiver> {
        let file = self.open(path.as_ref(), End::Receiver)?;
        Receiver::from_file_unchecked(file)
    }

    /// Opens the FIFO at `path` as a [`Sender`]. Fails with `ENXIO` when no
    /// reader has it open (unless [`read_write`](OpenOptions::read_write)),
    /// and with `InvalidInput` if the file is not a FIFO (unless
    /// [`unchecked`](OpenOptions::unchecked)).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let dir = std::env::temp_dir().join(format!("runtime-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # let path = dir.join("fifo");
    /// # let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    /// # // SAFETY: a valid NUL-terminated path.
    /// # assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    /// use runtime::net::unix::pipe::OpenOptions;
    ///
    /// let err = OpenOptions::new().open_sender(&path).unwrap_err();
    /// assert_eq!(err.raw_os_error(), Some(libc::ENXIO)); // nobody reads
    /// let _rx = OpenOptions::new().open_receiver(&path)?;
    /// let tx = OpenOptions::new().open_sender(&path)?;
    /// assert_eq!(tx.try_write(b"x")?, 1);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// Outside a runtime.
    #[track_caller]
    pub fn open_sender<P: AsRef<Path>>(&self, path: P) -> io::Result<Sender> {
        let file = self.open(path.as_ref(), End::Sender)?;
        Sender::from_file_unchecked(file)
    }

    fn open(&self, path: &Path, end: End) -> io::Result<File> {
        let mut options = std::fs::OpenOptions::new();
        options
            .read(end == End::Receiver)
            .write(end == End::Sender)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.read_write {
            options.read(true).write(true);
        }
        let file = options.open(path)?;
        if !self.unchecked && !is_fifo(file.as_fd())? {
            return Err(not_a_pipe());
        }
        Ok(file)
    }
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}

/// Which end of a pipe a descriptor is to become.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    Sender,
    Receiver,
}

fn not_a_pipe() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a pipe (FIFO)")
}

/// The checks of the checked constructors (`from_file`, `from_owned_fd`):
/// `fd` is a FIFO, open in a mode that allows `end`'s direction; then it
/// is switched to non-blocking mode.
fn check_and_prepare(fd: BorrowedFd<'_>, end: End) -> io::Result<()> {
    if !is_fifo(fd)? {
        return Err(not_a_pipe());
    }
    let mode = file_flags(fd)? & libc::O_ACCMODE;
    let allowed = match end {
        End::Receiver => mode == libc::O_RDONLY || mode == libc::O_RDWR,
        End::Sender => mode == libc::O_WRONLY || mode == libc::O_RDWR,
    };
    if !allowed {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            match end {
                End::Receiver => {
                    "a pipe Receiver needs a descriptor open for reading (O_RDONLY or O_RDWR)"
                }
                End::Sender => {
                    "a pipe Sender needs a descriptor open for writing (O_WRONLY or O_RDWR)"
                }
            },
        ));
    }
    set_nonblocking(fd, true)
}

/// Whether `fd` is a FIFO (named or anonymous pipe).
fn is_fifo(fd: BorrowedFd<'_>) -> io::Result<bool> {
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `stat` is valid for writes of a `libc::stat`, which `fstat`
    // fills on success; the descriptor is open for the call (borrowed).
    let ret = unsafe { libc::fstat(fd.as_raw_fd(), stat.as_mut_ptr()) };
    if ret != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fstat` returned 0, so it initialized `stat`.
    let stat = unsafe { stat.assume_init() };
    Ok(stat.st_mode & libc::S_IFMT == libc::S_IFIFO)
}

/// The file status flags of `fd` (`fcntl(F_GETFL)`).
fn file_flags(fd: BorrowedFd<'_>) -> io::Result<libc::c_int> {
    // SAFETY: `F_GETFL` takes no argument and only reads the descriptor's
    // flags; the descriptor is open for the call (borrowed).
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(flags)
    }
}

/// Sets or clears `O_NONBLOCK` on `fd`, keeping its other flags.
fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    let flags = file_flags(fd)?;
    let new = if nonblocking {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new == flags {
        return Ok(());
    }
    // SAFETY: `F_SETFL` with an int argument only changes the descriptor's
    // status flags; the descriptor is open for the call (borrowed).
    let ret = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, new) };
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Takes `fd` out of a registered pipe end's `PollEvented`, optionally back
/// in blocking mode (`into_blocking_fd` / `into_nonblocking_fd`).
fn into_fd<E>(io: runtime_reactor::io::PollEvented<E>, blocking: bool) -> io::Result<OwnedFd>
where
    E: mio::event::Source + Into<OwnedFd>,
{
    let fd: OwnedFd = io.into_inner()?.into();
    if blocking {
        set_nonblocking(fd.as_fd(), false)?;
    }
    Ok(fd)
}
