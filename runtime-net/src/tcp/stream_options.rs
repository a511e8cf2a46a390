//! `TcpStream`'s socket options: `TCP_NODELAY`, `SO_LINGER`, `IP_TTL`,
//! `TCP_QUICKACK`.

use super::TcpStream;
use std::io;
use std::time::Duration;

impl TcpStream {
    /// Sets the `TCP_NODELAY` option. `true` disables Nagle's algorithm:
    /// small writes are sent at once instead of being held back to coalesce
    /// with later ones, which lowers latency for request/response traffic.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.get_ref().set_nodelay(nodelay)
    }

    /// The `TCP_NODELAY` option; see [`set_nodelay`](TcpStream::set_nodelay).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(!stream.nodelay()?); // Nagle's algorithm is on by default
    /// # Ok(())
    /// # }
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.get_ref().nodelay()
    }

    /// Sets the `SO_LINGER` option: with `Some(duration)`, closing the
    /// socket waits up to `duration` for unsent data to go out; with
    /// `Some(Duration::ZERO)`, closing resets the connection at once; with
    /// `None` (the default), closing returns at once and the OS sends the
    /// remaining data in the background.
    ///
    /// Deprecated, as in Tokio: a non-zero linger makes dropping the socket
    /// block its thread (a runtime worker) until the data is out or the
    /// time is up. For an abortive close use
    /// [`set_zero_linger`](Self::set_zero_linger), which never blocks.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// use std::time::Duration;
    ///
    /// stream.set_linger(Some(Duration::from_secs(1)))?;
    /// assert_eq!(stream.linger()?, Some(Duration::from_secs(1)));
    /// # Ok(())
    /// # }
    /// ```
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop; use set_zero_linger for an abortive close"]
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(self.inner.get_ref()).set_linger(linger)
    }

    /// The `SO_LINGER` option; see [`set_linger`](TcpStream::set_linger).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.linger()?, None); // the default
    /// # Ok(())
    /// # }
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(self.inner.get_ref()).linger()
    }

    /// Sets the `IP_TTL` option: the time-to-live of the packets this
    /// socket sends.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(100)?;
    /// assert_eq!(stream.ttl()?, 100);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.inner.get_ref().set_ttl(ttl)
    }

    /// The `IP_TTL` option; see [`set_ttl`](TcpStream::set_ttl).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.ttl()? > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.inner.get_ref().ttl()
    }

    /// Sets `SO_LINGER` to zero: closing (dropping) the stream then resets
    /// the connection at once (the peer sees `ConnectionReset`), discarding
    /// unsent data, instead of the usual orderly close. Unlike a non-zero
    /// linger, closing never blocks the thread.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_zero_linger()?;
    /// assert_eq!(stream.linger()?, Some(std::time::Duration::ZERO));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        socket2::SockRef::from(self.inner.get_ref()).set_linger(Some(Duration::ZERO))
    }

    /// The `TCP_QUICKACK` option; see
    /// [`set_quickack`](TcpStream::set_quickack). Linux only.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(true)?;
    /// assert!(stream.quickack()?);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "fuchsia",
        target_os = "cygwin"
    ))]
    pub fn quickack(&self) -> io::Result<bool> {
        socket2::SockRef::from(self.inner.get_ref()).quickack()
    }

    /// Sets the `TCP_QUICKACK` option: `true` makes the kernel acknowledge
    /// received data at once instead of delaying the ACK to piggyback it on
    /// a reply. The kernel clears the flag again on its own as the
    /// connection's state changes, so it is set again where it matters
    /// (after each read, say). Linux only.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(false)?;
    /// assert!(!stream.quickack()?);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "fuchsia",
        target_os = "cygwin"
    ))]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        socket2::SockRef::from(self.inner.get_ref()).set_quickack(quickack)
    }
}
