//! `UCred`: the credentials of the process at the other end of a Unix
//! stream, from [`UnixStream::peer_cred`](super::UnixStream::peer_cred).
//!
//! The kernel records them when the connection is made (at `connect`, or
//! at `socketpair`), so they name the process that connected, even if the
//! socket was passed on to another process since. On Linux and Android they
//! come from the `SO_PEERCRED` socket option, which has the peer's pid too;
//! on the other Unix systems from `getpeereid`, which has no pid.

use std::io;
use std::os::fd::{AsFd, AsRawFd};

/// A user id, as in `libc::uid_t`.
#[allow(non_camel_case_types)]
pub type uid_t = u32;
/// A group id, as in `libc::gid_t`.
#[allow(non_camel_case_types)]
pub type gid_t = u32;
/// A process id, as in `libc::pid_t`.
#[allow(non_camel_case_types)]
pub type pid_t = i32;

/// The credentials of a Unix stream's peer process: its user id, group id
/// and (where the OS reports it) process id.
///
/// ```
/// # #[runtime::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use runtime::net::UnixStream;
///
/// let (a, _b) = UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// // The peer is this very process.
/// # #[cfg(target_os = "linux")]
/// assert_eq!(cred.pid(), Some(std::process::id() as i32));
/// println!("uid {} gid {}", cred.uid(), cred.gid());
/// # Ok(())
/// # }
/// ```
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct UCred {
    uid: uid_t,
    gid: gid_t,
    pid: Option<pid_t>,
}

impl UCred {
    /// The peer's effective user id.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # let rt = runtime::runtime::Builder::new_current_thread().enable_all().build()?;
    /// # let _guard = rt.enter();
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// let uid: runtime::net::unix::uid_t = a.peer_cred()?.uid();
    /// # let _ = uid;
    /// # Ok(())
    /// # }
    /// ```
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The peer's effective group id.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # let rt = runtime::runtime::Builder::new_current_thread().enable_all().build()?;
    /// # let _guard = rt.enter();
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// let gid: runtime::net::unix::gid_t = a.peer_cred()?.gid();
    /// # let _ = gid;
    /// # Ok(())
    /// # }
    /// ```
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The peer's process id, where the OS reports it (Linux and Android
    /// do; `None` elsewhere).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # let rt = runtime::runtime::Builder::new_current_thread().enable_all().build()?;
    /// # let _guard = rt.enter();
    /// let (a, _b) = runtime::net::UnixStream::pair()?;
    /// if let Some(pid) = a.peer_cred()?.pid() {
    ///     assert_eq!(pid as u32, std::process::id());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

/// The credentials of the peer of the Unix stream socket `sock`.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn peer_cred(sock: impl AsFd) -> io::Result<UCred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` is a writable `ucred` and `len` holds its exact size,
    // as `SO_PEERCRED` requires; the kernel writes at most `len` bytes and
    // stores the written length back in `len`. The descriptor is open: it
    // is borrowed from `sock` for the call.
    let ret = unsafe {
        libc::getsockopt(
            sock.as_fd().as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if ret != 0 {
        return Err(io::Error::last_os_error());
    }
    if len as usize != std::mem::size_of::<libc::ucred>() {
        return Err(io::Error::other(
            "SO_PEERCRED returned a credentials structure of an unexpected size",
        ));
    }
    Ok(UCred {
        uid: cred.uid,
        gid: cred.gid,
        pid: Some(cred.pid),
    })
}

/// The credentials of the peer of the Unix stream socket `sock`.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn peer_cred(sock: impl AsFd) -> io::Result<UCred> {
    let mut uid: libc::uid_t = 0;
    let mut gid: libc::gid_t = 0;
    // SAFETY: both out-pointers are valid for writes of their types for
    // the call, and the descriptor is open (borrowed from `sock`).
    let ret = unsafe { libc::getpeereid(sock.as_fd().as_raw_fd(), &mut uid, &mut gid) };
    if ret != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(UCred {
        uid: uid as uid_t,
        gid: gid as gid_t,
        pid: None,
    })
}
