//! What the reading helpers leave behind when the reader fails, and how much
//! `read_to_end` allocates: both as Tokio (and std) document.
#![cfg(feature = "full")]

use futures::io::AsyncRead;
use runtime::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields its chunks one per read, then the error (if any), then end of stream.
struct Script {
    chunks: VecDeque<Vec<u8>>,
    error: Option<io::Error>,
}

fn script(chunks: &[&[u8]], fail: bool) -> Script {
    Script {
        chunks: chunks.iter().map(|c| c.to_vec()).collect(),
        error: fail.then(|| io::Error::other("the reader broke")),
    }
}

impl AsyncRead for Script {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(mut chunk) = self.chunks.pop_front() {
            let n = chunk.len().min(buf.len());
            buf[..n].copy_from_slice(&chunk[..n]);
            if n < chunk.len() {
                self.chunks.push_front(chunk.split_off(n));
            }
            return Poll::Ready(Ok(n));
        }
        match self.error.take() {
            Some(e) => Poll::Ready(Err(e)),
            None => Poll::Ready(Ok(0)),
        }
    }
}

fn broke(e: io::Error) {
    assert_eq!(e.to_string(), "the reader broke");
}

#[runtime::test]
async fn read_line_keeps_what_it_read_before_an_error() {
    let mut r = BufReader::new(script(&[b"Foo"], true));
    let mut line = String::from(">");
    broke(r.read_line(&mut line).await.unwrap_err());
    assert_eq!(line, ">Foo");
}

#[runtime::test]
async fn read_line_appends_nothing_when_the_part_read_is_not_utf8() {
    let mut r = BufReader::new(script(&[b"ok\xff"], true));
    let mut line = String::from(">");
    broke(r.read_line(&mut line).await.unwrap_err());
    assert_eq!(line, ">");
}

#[runtime::test]
async fn read_until_keeps_what_it_read_before_an_error() {
    let mut r = BufReader::new(script(&[b"Fo", b"o"], true));
    let mut buf = b">".to_vec();
    broke(r.read_until(b';', &mut buf).await.unwrap_err());
    assert_eq!(buf, b">Foo");
}

#[runtime::test]
async fn read_to_end_keeps_what_it_read_before_an_error() {
    let mut r = script(&[b"Fo", b"o"], true);
    let mut buf = b">".to_vec();
    broke(r.read_to_end(&mut buf).await.unwrap_err());
    assert_eq!(buf, b">Foo");
}

#[runtime::test]
async fn read_to_string_keeps_valid_text_read_before_an_error() {
    let mut r = script(&[b"Fo", b"o"], true);
    let mut text = String::from(">");
    broke(r.read_to_string(&mut text).await.unwrap_err());
    assert_eq!(text, ">Foo");

    let mut r = script(&[b"ok\xff"], true);
    let mut text = String::from(">");
    broke(r.read_to_string(&mut text).await.unwrap_err());
    assert_eq!(text, ">", "invalid UTF-8 is never kept");

    let mut r = script(&[b"ok\xff"], false);
    let mut text = String::from(">");
    let err = r.read_to_string(&mut text).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert_eq!(text, ">");
}

#[runtime::test]
async fn read_to_string_dropped_midway_gives_the_string_back() {
    /// One chunk, then pending forever.
    struct Stall(bool);
    impl AsyncRead for Stall {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            if std::mem::replace(&mut self.0, true) {
                return Poll::Pending;
            }
            buf[..3].copy_from_slice(b"abc");
            Poll::Ready(Ok(3))
        }
    }
    let mut r = Stall(false);
    let mut text = String::from("kept");
    {
        let mut fut = r.read_to_string(&mut text);
        let polled = std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut fut).poll(cx))).await;
        assert!(polled.is_pending());
    }
    assert_eq!(text, "kept");
}

use std::future::Future;

/// The capacity `read_to_end` leaves, reading `len` bytes in one chunk into
/// a vector created with `capacity`.
async fn capacity_after(capacity: usize, len: usize) -> usize {
    let data = vec![7u8; len];
    let mut r = script(&[&data], false);
    let mut buf = Vec::with_capacity(capacity);
    assert_eq!(r.read_to_end(&mut buf).await.unwrap(), len);
    assert_eq!(buf, data);
    buf.capacity()
}

#[runtime::test]
async fn read_to_end_grows_as_tokio_and_std_do() {
    // (starting capacity, bytes read in one chunk, capacity Tokio 1.x leaves:
    // measured with the same reads).
    let cases = [
        (32, 32, 32),
        (68, 68, 68),
        (100, 40, 100),
        (0, 0, 32),
        (0, 10, 64),
        (0, 32, 64),
        (0, 33, 128),
        (32, 33, 128),
        (64, 100, 256),
    ];
    for (start, len, tokio) in cases {
        assert_eq!(
            capacity_after(start, len).await,
            tokio,
            "with_capacity({start}), {len} bytes"
        );
    }
}
