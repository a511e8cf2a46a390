//! Waiting for readiness without doing I/O.

use super::UdpSocket;
use std::future::poll_fn;
use std::io;

impl UdpSocket {
    /// Waits until the socket is readable: a datagram is queued or an error
    /// is pending. Usually followed by [`try_recv_from`](UdpSocket::try_recv_from)
    /// (or [`try_recv`](UdpSocket::try_recv)), which may still return
    /// `WouldBlock`; loop back to `readable` then.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// use std::io::ErrorKind;
    ///
    /// a.send_to(b"ready", b.local_addr()?).await?;
    /// let mut buf = [0; 16];
    /// let (n, _) = loop {
    ///     b.readable().await?;
    ///     match b.try_recv_from(&mut buf) {
    ///         Ok(got) => break got,
    ///         Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"ready");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits for readiness and receives nothing.
    pub async fn readable(&self) -> io::Result<()> {
        poll_fn(|cx| self.io.poll_read_ready(cx).map_ok(|_| ())).await
    }

    /// Waits until the socket is writable: there is room in the send buffer
    /// or an error is pending. Usually followed by
    /// [`try_send_to`](UdpSocket::try_send_to) (or
    /// [`try_send`](UdpSocket::try_send)), looping back on `WouldBlock`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use runtime::net::UdpSocket;
    ///
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// b.writable().await?;
    /// assert_eq!(b.try_send_to(b"now", a.local_addr()?)?, 3);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only waits for readiness and sends nothing.
    pub async fn writable(&self) -> io::Result<()> {
        poll_fn(|cx| self.io.poll_write_ready(cx).map_ok(|_| ())).await
    }
}
