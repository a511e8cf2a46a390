//! The readiness API of every socket type, written once: `ready`,
//! `readable`/`writable`, `poll_read_ready`/`poll_write_ready` (named
//! `poll_recv_ready`/`poll_send_ready` on datagram sockets), `try_io` and
//! `async_io`, on `TcpStream`, `UnixStream`, `UdpSocket`, `UnixDatagram`,
//! the stream halves and the Unix pipe ends (`ready` only: their other
//! waits live with them).
//!
//! # Design
//!
//! Every socket wraps one `PollEvented` (the stream types through their
//! `Evented`), and every method here is a thin call into it: the reactor
//! keeps the readiness and the wakers, and `PollEvented` implements waiting
//! for an [`Interest`] (`poll_ready`), one attempt that clears readiness on
//! `WouldBlock` (`try_io`) and the retry loop (`poll_io_for`). What differs
//! between types is only how to reach that `PollEvented`, which methods a
//! type has (a read half waits for reads only; datagram sockets name their
//! poll methods after `recv`/`send`), and the doc examples. So
//! [`readiness_methods!`] generates the inherent methods from a list of
//! method names, an accessor expression and per-type doc example snippets;
//! the invocations at the end of this file are the whole per-type part.
//!
//! Semantics, as Tokio's: readiness can be spurious (the operation that
//! follows may still return `WouldBlock`; then wait again), `ready` returns
//! the part of the interest that is ready, closed sides and errors
//! included, and waiting consumes nothing: only a `WouldBlock` inside
//! `try_io`/`async_io` (or the other `try_*` methods) clears readiness, and
//! only what was seen before the attempt, so an event that arrives meanwhile
//! is kept.

use runtime_reactor::io::{Interest, PollEvented, Ready};
use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll};

/// `ready(interest)`: waits for any part of `interest`.
pub(crate) async fn ready<E: mio::event::Source>(
    io: &PollEvented<E>,
    interest: Interest,
) -> io::Result<Ready> {
    poll_fn(|cx| io.poll_ready(cx, interest))
        .await
        .map(|event| event.ready)
}

/// `poll_read_ready`/`poll_write_ready` and the datagram names: the poll
/// form of waiting, with the readiness itself dropped.
pub(crate) fn poll_ready<E: mio::event::Source>(
    io: &PollEvented<E>,
    cx: &mut Context<'_>,
    interest: Interest,
) -> Poll<io::Result<()>> {
    io.poll_ready(cx, interest).map_ok(|_| ())
}

/// `async_io(interest, f)`: `f` until it does not return `WouldBlock`.
pub(crate) async fn async_io<E: mio::event::Source, R>(
    io: &PollEvented<E>,
    interest: Interest,
    mut f: impl FnMut() -> io::Result<R>,
) -> io::Result<R> {
    poll_fn(|cx| io.poll_io_for(cx, interest, &mut f)).await
}

/// Generates readiness methods on a socket type.
///
/// `readiness_methods!(Type, |s| <expr giving &PollEvented>, setup, ops;
/// method, method, ...)` where `setup` is a doc snippet (hidden lines) that
/// defines `socket` with data queued for it to read (where it can read) and
/// `ops` names its non-blocking read and write calls for the examples.
macro_rules! readiness_methods {
    (
        impl [$($gen:tt)*] $ty:ty, |$s:ident| $io:expr;
        setup: $setup:literal;
        try_read: $try_read:literal;
        try_write: $try_write:literal;
        methods: $($method:ident $(($name:ident))?),* $(,)?
    ) => {
        impl<$($gen)*> $ty {
            $( $crate::readiness::readiness_methods!(@$method $($name)?, |$s| $io, $setup, $try_read, $try_write); )*
        }
    };

    (@ready, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        #[doc = "Waits until the socket is ready for any part of `interest` and returns"]
        #[doc = "which part is: a [`Ready`](runtime_reactor::io::Ready) that may also hold"]
        #[doc = "`READ_CLOSED`/`WRITE_CLOSED` (the side is shut down) and `ERROR` (an error"]
        #[doc = "is pending; it wakes every interest, so that the next operation sees it)."]
        #[doc = ""]
        #[doc = "Readiness can be spurious: the operation that follows may still fail with"]
        #[doc = "`WouldBlock`, and then the task waits again. Waiting consumes nothing: only"]
        #[doc = "an operation's `WouldBlock` clears the readiness it was tried under."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = "use runtime::io::Interest;"]
        #[doc = $setup]
        #[doc = "let ready = socket.ready(Interest::READABLE | Interest::WRITABLE).await?;"]
        #[doc = "// Then try the operations `ready` names, and wait again on `WouldBlock`."]
        #[doc = "assert!(ready.is_readable() || ready.is_writable());"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        #[doc = ""]
        #[doc = "# Cancel safety"]
        #[doc = ""]
        #[doc = "Cancel-safe: it only waits, and consumes neither data nor readiness."]
        pub async fn ready(&self, interest: runtime_reactor::io::Interest) -> std::io::Result<runtime_reactor::io::Ready> {
            let $s = self;
            $crate::readiness::ready($io, interest).await
        }
    };

    (@readable, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        #[doc = "Waits until the socket is readable: data is queued, the read side is"]
        #[doc = "closed, or an error is pending. Usually followed by a non-blocking read,"]
        #[doc = "which may still return `WouldBlock` (readiness can be spurious): loop back"]
        #[doc = "to `readable` then."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = $setup]
        #[doc = "let mut buf = [0; 64];"]
        #[doc = "let n = loop {"]
        #[doc = "    socket.readable().await?;"]
        #[doc = concat!("    match ", $try_read, " {")]
        #[doc = "        Ok(n) => break n,"]
        #[doc = "        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,"]
        #[doc = "        Err(e) => return Err(e),"]
        #[doc = "    }"]
        #[doc = "};"]
        #[doc = "assert_eq!(&buf[..n], b\"hello\");"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        #[doc = ""]
        #[doc = "# Cancel safety"]
        #[doc = ""]
        #[doc = "Cancel-safe: it only waits, and consumes neither data nor readiness."]
        pub async fn readable(&self) -> std::io::Result<()> {
            let $s = self;
            $crate::readiness::ready($io, runtime_reactor::io::Interest::READABLE).await.map(drop)
        }
    };

    (@writable, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        #[doc = "Waits until the socket is writable: there is room in the send buffer, the"]
        #[doc = "write side is closed, or an error is pending. Usually followed by a"]
        #[doc = "non-blocking write, looping back on `WouldBlock`."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = $setup]
        #[doc = "let n = loop {"]
        #[doc = "    socket.writable().await?;"]
        #[doc = concat!("    match ", $try_write, " {")]
        #[doc = "        Ok(n) => break n,"]
        #[doc = "        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,"]
        #[doc = "        Err(e) => return Err(e),"]
        #[doc = "    }"]
        #[doc = "};"]
        #[doc = "assert_eq!(n, 5);"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        #[doc = ""]
        #[doc = "# Cancel safety"]
        #[doc = ""]
        #[doc = "Cancel-safe: it only waits, and writes nothing."]
        pub async fn writable(&self) -> std::io::Result<()> {
            let $s = self;
            $crate::readiness::ready($io, runtime_reactor::io::Interest::WRITABLE).await.map(drop)
        }
    };

    (@poll_read_ready $name:ident, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        #[doc = "Polls for read readiness: `Ready(Ok(()))` once the socket is readable"]
        #[doc = "(data, read side closed, or an error), else `Pending` with `cx`'s waker"]
        #[doc = "stored, to be woken by the next event. For `poll`-style code (a hand-written"]
        #[doc = "`Future` or `AsyncRead`); `async` code uses `readable`. Every task that"]
        #[doc = "polls is woken, not only the last one. Readiness can be spurious."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = $setup]
        #[doc = "use std::future::poll_fn;"]
        #[doc = ""]
        #[doc = "let mut buf = [0; 64];"]
        #[doc = "let n = poll_fn(|cx| loop {"]
        #[doc = concat!("    std::task::ready!(socket.", stringify!($name), "(cx))?;")]
        #[doc = concat!("    match ", $try_read, " {")]
        #[doc = "        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,"]
        #[doc = "        result => return std::task::Poll::Ready(result),"]
        #[doc = "    }"]
        #[doc = "})"]
        #[doc = ".await?;"]
        #[doc = "assert_eq!(&buf[..n], b\"hello\");"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        pub fn $name(&self, cx: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
            let $s = self;
            $crate::readiness::poll_ready($io, cx, runtime_reactor::io::Interest::READABLE)
        }
    };

    (@poll_write_ready $name:ident, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        #[doc = "Polls for write readiness: `Ready(Ok(()))` once the socket is writable"]
        #[doc = "(room, write side closed, or an error), else `Pending` with `cx`'s waker"]
        #[doc = "stored. For `poll`-style code; `async` code uses `writable`. Every task"]
        #[doc = "that polls is woken, not only the last one. Readiness can be spurious."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = $setup]
        #[doc = "use std::future::poll_fn;"]
        #[doc = ""]
        #[doc = "let n = poll_fn(|cx| loop {"]
        #[doc = concat!("    std::task::ready!(socket.", stringify!($name), "(cx))?;")]
        #[doc = concat!("    match ", $try_write, " {")]
        #[doc = "        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,"]
        #[doc = "        result => return std::task::Poll::Ready(result),"]
        #[doc = "    }"]
        #[doc = "})"]
        #[doc = ".await?;"]
        #[doc = "assert_eq!(n, 5);"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        pub fn $name(&self, cx: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
            let $s = self;
            $crate::readiness::poll_ready($io, cx, runtime_reactor::io::Interest::WRITABLE)
        }
    };

    (@try_io, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        #[doc = "Runs `f`, a non-blocking operation on the socket that the runtime does not"]
        #[doc = "provide (typically a raw system call on its descriptor, such as `recv` with"]
        #[doc = "flags), once, without waiting. If it fails with `WouldBlock`, the readiness"]
        #[doc = "for `interest` seen before the call is cleared, so that `ready`/`readable`/"]
        #[doc = "`writable` wait for the next event; any other result is returned as is."]
        #[doc = "`f` must only return `WouldBlock` when the socket really is not ready,"]
        #[doc = "or a wake-up may be lost."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = "use runtime::io::Interest;"]
        #[doc = $setup]
        #[doc = "let mut buf = [0; 64];"]
        #[doc = "let n = loop {"]
        #[doc = "    socket.readable().await?;"]
        #[doc = concat!("    match socket.try_io(Interest::READABLE, || ", $try_read, ") {")]
        #[doc = "        Ok(n) => break n,"]
        #[doc = "        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,"]
        #[doc = "        Err(e) => return Err(e),"]
        #[doc = "    }"]
        #[doc = "};"]
        #[doc = "assert_eq!(&buf[..n], b\"hello\");"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        pub fn try_io<R>(
            &self,
            interest: runtime_reactor::io::Interest,
            f: impl FnOnce() -> std::io::Result<R>,
        ) -> std::io::Result<R> {
            let $s = self;
            ($io).try_io(interest, f)
        }
    };

    // `try_io(read)` / `try_io(write)`: Tokio's pipe ends take only `f`: the
    // interest is the end's direction.
    (@try_io read, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        $crate::readiness::readiness_methods!(@try_io_fixed READABLE, readable, $try_read, "assert_eq!(n, 5);", |$s| $io, $setup);
    };
    (@try_io write, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        $crate::readiness::readiness_methods!(@try_io_fixed WRITABLE, writable, $try_write, "assert_eq!(n, 5);", |$s| $io, $setup);
    };
    (@try_io_fixed $interest:ident, $wait:ident, $op:literal, $check:literal, |$s:ident| $io:expr, $setup:literal) => {
        #[doc = concat!("Runs `f`, a non-blocking operation on the descriptor that the runtime does")]
        #[doc = concat!("not provide, once, without waiting. If it fails with `WouldBlock`, the")]
        #[doc = concat!("`", stringify!($interest), "` readiness seen before the call is cleared, so that `ready`/")]
        #[doc = concat!("`", stringify!($wait), "` wait for the next event; any other result is returned as is.")]
        #[doc = "`f` must only return `WouldBlock` when the descriptor really is not ready,"]
        #[doc = "or a wake-up may be lost."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = $setup]
        #[doc = "let mut buf = [0; 64];"]
        #[doc = "let n = loop {"]
        #[doc = concat!("    socket.", stringify!($wait), "().await?;")]
        #[doc = concat!("    match socket.try_io(|| ", $op, ") {")]
        #[doc = "        Ok(n) => break n,"]
        #[doc = "        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,"]
        #[doc = "        Err(e) => return Err(e),"]
        #[doc = "    }"]
        #[doc = "};"]
        #[doc = $check]
        #[doc = "# let _ = &mut buf;"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        pub fn try_io<R>(&self, f: impl FnOnce() -> std::io::Result<R>) -> std::io::Result<R> {
            let $s = self;
            ($io).try_io(runtime_reactor::io::Interest::$interest, f)
        }
    };

    (@async_io, |$s:ident| $io:expr, $setup:literal, $try_read:literal, $try_write:literal) => {
        #[doc = "Runs `f`, a non-blocking operation on the socket, until it does not fail"]
        #[doc = "with `WouldBlock`, waiting for `interest` before each attempt; returns"]
        #[doc = "its result. Each `WouldBlock` clears the readiness it was tried under. The"]
        #[doc = "`async` form of [`try_io`](Self::try_io), for operations the runtime does"]
        #[doc = "not provide."]
        #[doc = ""]
        #[doc = "```"]
        #[doc = "# #[runtime::main(flavor = \"current_thread\")]"]
        #[doc = "# async fn main() -> std::io::Result<()> {"]
        #[doc = "use runtime::io::Interest;"]
        #[doc = $setup]
        #[doc = "let mut buf = [0; 64];"]
        #[doc = concat!("let n = socket.async_io(Interest::READABLE, || ", $try_read, ").await?;")]
        #[doc = "assert_eq!(&buf[..n], b\"hello\");"]
        #[doc = "# Ok(())"]
        #[doc = "# }"]
        #[doc = "```"]
        #[doc = ""]
        #[doc = "# Cancel safety"]
        #[doc = ""]
        #[doc = "As cancel-safe as `f`: dropped between attempts, nothing was done; `f` runs"]
        #[doc = "whole within one poll."]
        pub async fn async_io<R>(
            &self,
            interest: runtime_reactor::io::Interest,
            f: impl FnMut() -> std::io::Result<R>,
        ) -> std::io::Result<R> {
            let $s = self;
            $crate::readiness::async_io($io, interest, f).await
        }
    };
}

pub(crate) use readiness_methods;

use crate::split::{
    sealed::Sealed, OwnedReadHalf, OwnedWriteHalf, ReadHalf, SplitStream, WriteHalf,
};

// Hidden setup lines of the examples: `socket` is the type's value, with
// `hello` queued for it to read where it reads.
use crate::{TcpStream, UdpSocket};

readiness_methods! {
    impl [] TcpStream, |s| &Sealed::evented(s).io;
    setup: "# let listener = runtime::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
            # let mut peer = runtime::net::TcpStream::connect(listener.local_addr()?).await?;\n\
            # let (socket, _) = listener.accept().await?;\n\
            # runtime::io::AsyncWriteExt::write_all(&mut peer, b\"hello\").await?;";
    try_read: "socket.try_read(&mut buf)";
    try_write: "socket.try_write(b\"hello\")";
    methods: ready, poll_read_ready(poll_read_ready), poll_write_ready(poll_write_ready), try_io, async_io
}

readiness_methods! {
    impl [] UdpSocket, |s| &s.io;
    setup: "# let socket = runtime::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n\
            # let peer = runtime::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n\
            # socket.connect(peer.local_addr()?).await?;\n\
            # peer.connect(socket.local_addr()?).await?;\n\
            # peer.send(b\"hello\").await?;";
    try_read: "socket.try_recv(&mut buf)";
    try_write: "socket.try_send(b\"hello\")";
    methods: ready, readable, writable, poll_read_ready(poll_recv_ready), poll_write_ready(poll_send_ready), try_io, async_io
}

#[cfg(unix)]
mod unix_impls {
    use crate::split::sealed::Sealed;
    use crate::{UnixDatagram, UnixStream};

    readiness_methods! {
        impl [] UnixStream, |s| &Sealed::evented(s).io;
        setup: "# let (socket, peer) = runtime::net::UnixStream::pair()?;\n\
                # peer.try_write(b\"hello\")?;";
        try_read: "socket.try_read(&mut buf)";
        try_write: "socket.try_write(b\"hello\")";
        methods: ready, poll_read_ready(poll_read_ready), poll_write_ready(poll_write_ready), try_io, async_io
    }

    readiness_methods! {
        impl [] UnixDatagram, |s| &s.io;
        setup: "# let (socket, peer) = runtime::net::UnixDatagram::pair()?;\n\
                # peer.try_send(b\"hello\")?;";
        try_read: "socket.try_recv(&mut buf)";
        try_write: "socket.try_send(b\"hello\")";
        methods: ready, readable, writable, poll_read_ready(poll_recv_ready), poll_write_ready(poll_send_ready), try_io, async_io
    }

    readiness_methods! {
        impl [] crate::unix::pipe::Receiver, |s| &s.io;
        setup: "# let (tx, socket) = runtime::net::unix::pipe::pipe()?;\n\
                # tx.try_write(b\"hello\")?;";
        try_read: "socket.try_read(&mut buf)";
        try_write: "";
        methods: ready, try_io(read)
    }

    readiness_methods! {
        impl [] crate::unix::pipe::Sender, |s| &s.io;
        setup: "# let (socket, _rx) = runtime::net::unix::pipe::pipe()?;";
        try_read: "";
        try_write: "socket.try_write(b\"hello\")";
        methods: ready, try_io(write)
    }
}

readiness_methods! {
    impl ['a, S: SplitStream] ReadHalf<'a, S>, |s| &Sealed::evented(s.0).io;
    setup: "# let (mut stream, peer) = runtime::net::UnixStream::pair()?;\n\
            # peer.try_write(b\"hello\")?;\n\
            let (socket, _write_half) = stream.split();";
    try_read: "socket.try_read(&mut buf)";
    try_write: "";
    methods: ready, readable
}

readiness_methods! {
    impl ['a, S: SplitStream] WriteHalf<'a, S>, |s| &Sealed::evented(s.0).io;
    setup: "# let (mut stream, _peer) = runtime::net::UnixStream::pair()?;\n\
            let (_read_half, socket) = stream.split();";
    try_read: "";
    try_write: "socket.try_write(b\"hello\")";
    methods: ready, writable
}

readiness_methods! {
    impl [S: SplitStream] OwnedReadHalf<S>, |s| &Sealed::evented(AsRef::<S>::as_ref(s)).io;
    setup: "# let listener = runtime::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
            # let mut peer = runtime::net::TcpStream::connect(listener.local_addr()?).await?;\n\
            # let (stream, _) = listener.accept().await?;\n\
            # runtime::io::AsyncWriteExt::write_all(&mut peer, b\"hello\").await?;\n\
            let (socket, _write_half) = stream.into_split();";
    try_read: "socket.try_read(&mut buf)";
    try_write: "";
    methods: ready, readable
}

readiness_methods! {
    impl [S: SplitStream] OwnedWriteHalf<S>, |s| &Sealed::evented(AsRef::<S>::as_ref(s)).io;
    setup: "# let listener = runtime::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
            # let stream = runtime::net::TcpStream::connect(listener.local_addr()?).await?;\n\
            let (_read_half, socket) = stream.into_split();";
    try_read: "";
    try_write: "socket.try_write(b\"hello\")";
    methods: ready, writable
}
