//! Socket options: broadcast, TTL, multicast, type of service, device.

use super::UdpSocket;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

impl UdpSocket {
    /// Sets the `SO_BROADCAST` option, which allows sending to a broadcast
    /// address.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_broadcast(true)?;
    /// assert!(socket.broadcast()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_broadcast(on)
    }

    /// The `SO_BROADCAST` option; see [`set_broadcast`](UdpSocket::set_broadcast).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(!socket.broadcast()?); // off by default
    /// # Ok(())
    /// # }
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.get_ref().broadcast()
    }

    /// Sets the `IP_TTL` option: the time-to-live of the datagrams this
    /// socket sends.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_ttl(16)?;
    /// assert_eq!(socket.ttl()?, 16);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// The `IP_TTL` option; see [`set_ttl`](UdpSocket::set_ttl).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.ttl()? > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Sets the `IP_MULTICAST_LOOP` option: whether IPv4 multicast
    /// datagrams this socket sends are looped back to the local host.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_multicast_loop_v4(false)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v4(on)
    }

    /// Sets the `IP_MULTICAST_TTL` option: the time-to-live of the IPv4
    /// multicast datagrams this socket sends (1, the default, keeps them on
    /// the local network).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_multicast_ttl_v4(4)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_multicast_ttl_v4(ttl)
    }

    /// Sets the `IPV6_MULTICAST_LOOP` option: whether IPv6 multicast
    /// datagrams this socket sends are looped back to the local host. Only
    /// valid on an IPv6 socket.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // Needs an IPv6 socket; skip where the host has no IPv6.
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     socket.set_multicast_loop_v6(false)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v6(on)
    }

    /// Joins the IPv4 multicast group `group` on the interface with address
    /// `interface` (`Ipv4Addr::UNSPECIFIED` lets the OS choose); datagrams
    /// sent to the group then reach this socket.
    ///
    /// Joining needs a network interface that supports multicast, so the
    /// example does not run in every environment.
    ///
    /// ```no_run
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::net::Ipv4Addr;
    ///
    /// let socket = runtime::net::UdpSocket::bind("0.0.0.0:5353").await?;
    /// let group = Ipv4Addr::new(224, 0, 0, 251);
    /// socket.join_multicast_v4(group, Ipv4Addr::UNSPECIFIED)?;
    /// socket.leave_multicast_v4(group, Ipv4Addr::UNSPECIFIED)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().join_multicast_v4(&group, &interface)
    }

    /// Leaves an IPv4 multicast group joined with
    /// [`join_multicast_v4`](UdpSocket::join_multicast_v4). Fails if the
    /// socket is not a member.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::net::Ipv4Addr;
    ///
    /// let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// // Never joined: leaving is an error.
    /// let not_joined = socket.leave_multicast_v4(Ipv4Addr::new(224, 0, 0, 251), Ipv4Addr::UNSPECIFIED);
    /// assert!(not_joined.is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v4(&self, group: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v4(&group, &interface)
    }

    /// Joins the IPv6 multicast group `group` on the interface with index
    /// `interface` (0 lets the OS choose); datagrams sent to the group then
    /// reach this socket.
    ///
    /// Joining needs a network interface that supports multicast, so the
    /// example does not run in every environment.
    ///
    /// ```no_run
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::net::Ipv6Addr;
    ///
    /// let socket = runtime::net::UdpSocket::bind("[::]:5353").await?;
    /// let group: Ipv6Addr = "ff02::fb".parse().unwrap();
    /// socket.join_multicast_v6(&group, 0)?;
    /// socket.leave_multicast_v6(&group, 0)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().join_multicast_v6(group, interface)
    }

    /// Leaves an IPv6 multicast group joined with
    /// [`join_multicast_v6`](UdpSocket::join_multicast_v6). Fails if the
    /// socket is not a member.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // Needs an IPv6 socket; skip where the host has no IPv6.
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     let group: std::net::Ipv6Addr = "ff02::fb".parse().unwrap();
    ///     assert!(socket.leave_multicast_v6(&group, 0).is_err()); // never joined
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v6(group, interface)
    }

    /// The `IP_MULTICAST_LOOP` option; see
    /// [`set_multicast_loop_v4`](UdpSocket::set_multicast_loop_v4).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(socket.multicast_loop_v4()?); // on by default
    /// socket.set_multicast_loop_v4(false)?;
    /// assert!(!socket.multicast_loop_v4()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.get_ref().multicast_loop_v4()
    }

    /// The `IP_MULTICAST_TTL` option; see
    /// [`set_multicast_ttl_v4`](UdpSocket::set_multicast_ttl_v4).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(socket.multicast_ttl_v4()?, 1); // the default
    /// socket.set_multicast_ttl_v4(8)?;
    /// assert_eq!(socket.multicast_ttl_v4()?, 8);
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.get_ref().multicast_ttl_v4()
    }

    /// The `IPV6_MULTICAST_LOOP` option; see
    /// [`set_multicast_loop_v6`](UdpSocket::set_multicast_loop_v6). Only
    /// valid on an IPv6 socket.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // Needs an IPv6 socket; skip where the host has no IPv6.
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     socket.set_multicast_loop_v6(false)?;
    ///     assert!(!socket.multicast_loop_v6()?);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.get_ref().multicast_loop_v6()
    }

    /// The `IP_TOS` option: the type-of-service byte of the IPv4 packets
    /// this socket sends. See [`set_tos_v4`](UdpSocket::set_tos_v4).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(socket.tos_v4()?, 0); // the default
    /// # Ok(())
    /// # }
    /// ```
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.sock().tos()
    }

    /// The old name of [`tos_v4`](UdpSocket::tos_v4).
    #[deprecated(note = "`tos` is IPv4-only: use `tos_v4`")]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets the `IP_TOS` option: the type-of-service byte (DSCP and ECN
    /// bits) of the IPv4 packets this socket sends.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// socket.set_tos_v4(0x10)?; // "low delay"
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.sock().set_tos(tos)
    }

    /// The old name of [`set_tos_v4`](UdpSocket::set_tos_v4).
    #[deprecated(note = "`set_tos` is IPv4-only: use `set_tos_v4`")]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// The `IPV6_TCLASS` option: the traffic class of the IPv6 packets this
    /// socket sends. Only valid on an IPv6 socket.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // Needs an IPv6 socket; skip where the host has no IPv6.
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     assert_eq!(socket.tclass_v6()?, 0);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.sock().tclass_v6()
    }

    /// Sets the `IPV6_TCLASS` option: the traffic class of the IPv6
    /// packets this socket sends. Only valid on an IPv6 socket.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// if let Ok(socket) = runtime::net::UdpSocket::bind("[::1]:0").await {
    ///     socket.set_tclass_v6(0x10)?;
    ///     assert_eq!(socket.tclass_v6()?, 0x10);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.sock().set_tclass_v6(tclass)
    }

    /// The interface the socket is bound to with
    /// [`bind_device`](UdpSocket::bind_device) (`SO_BINDTODEVICE`), or
    /// `None`. Linux only.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(socket.device()?, None);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.sock().device()
    }

    /// Binds the socket to the network interface named `interface`
    /// (`SO_BINDTODEVICE`), so it only sends and receives through it;
    /// `None` removes the binding. Binding needs the `CAP_NET_RAW`
    /// capability on most kernels. Linux only.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let socket = runtime::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// // Without privileges this may be refused; removing works.
    /// if socket.bind_device(Some(b"lo")).is_ok() {
    ///     assert_eq!(socket.device()?.as_deref(), Some(&b"lo"[..]));
    /// }
    /// socket.bind_device(None)?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.sock().bind_device(interface)
    }
}
