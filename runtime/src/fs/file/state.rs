//! The state machine behind [`File`](super::File)'s `AsyncRead`,
//! `AsyncWrite` and `AsyncSeek`: one blocking operation in flight at a time,
//! with the buffer it uses (see the module docs of `fs` for the design).

use crate::blocking::{poll_finished, poll_join, spawn_blocking, Buf};
use runtime_core::JoinHandle;
use std::fs::File as StdFile;
use std::io::{self, Seek, SeekFrom};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// What a finished blocking operation reports.
pub(super) enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
    SetLen(io::Result<()>),
    /// The closure did not complete (it panicked, or the runtime shut down
    /// before it ran): its buffer is gone.
    Lost(io::Error),
}

pub(super) enum State {
    /// Nothing in flight; the buffer may hold bytes read ahead of the caller.
    Idle(Buf),
    Busy(JoinHandle<(Operation, Buf)>),
}

pub(super) struct Inner {
    pub(super) state: State,
    /// The error of a background write that no write or flush has reported
    /// yet (a read or seek waited for it).
    pub(super) last_write_err: Option<io::Error>,
    /// The position the seek in flight was asked for by `poll_seek`, so a
    /// repeated poll for the same target gets its result.
    seek_in_flight: Option<SeekFrom>,
}

impl Inner {
    pub(super) fn new() -> Inner {
        Inner {
            state: State::Idle(Buf::default()),
            last_write_err: None,
            seek_in_flight: None,
        }
    }

    pub(super) fn is_idle(&self) -> bool {
        matches!(self.state, State::Idle(_))
    }

    /// Waits for the operation in flight; `None` when there was none.
    pub(super) fn poll_complete(&mut self, cx: &mut Context<'_>) -> Poll<Option<Operation>> {
        let State::Busy(handle) = &mut self.state else {
            return Poll::Ready(None);
        };
        let done = ready!(poll_join(cx, handle));
        Poll::Ready(Some(self.finish(done)))
    }

    /// The operation just started, if it has already finished (without
    /// waiting): see `poll_finished`, for a write the pool refused.
    fn finished_at_start(&mut self) -> Option<Operation> {
        let State::Busy(handle) = &mut self.state else {
            return None;
        };
        let done = poll_finished(handle)?;
        Some(self.finish(done))
    }

    /// Back to `Idle` with the finished operation's buffer; its result.
    fn finish(&mut self, done: io::Result<(Operation, Buf)>) -> Operation {
        let (op, buf) = match done {
            Ok(done) => done,
            Err(err) => (Operation::Lost(err), Buf::default()),
        };
        self.state = State::Idle(buf);
        op
    }

    /// The idle buffer. Only called in the `Idle` state.
    pub(super) fn idle_buf(&mut self) -> &mut Buf {
        match &mut self.state {
            State::Idle(buf) => buf,
            State::Busy(_) => unreachable!("idle_buf while an operation is in flight"),
        }
    }

    /// Starts `op` on the blocking pool with the idle buffer.
    pub(super) fn start<F>(&mut self, op: F)
    where
        F: FnOnce(&mut Buf) -> Operation + Send + 'static,
    {
        let mut buf = std::mem::take(self.idle_buf());
        self.state = State::Busy(spawn_blocking(move || {
            let op = op(&mut buf);
            (op, buf)
        }));
    }

    pub(super) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        max: usize,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            match &mut self.state {
                State::Idle(buf) => {
                    if !buf.is_empty() || dst.is_empty() {
                        return Poll::Ready(Ok(buf.copy_to(dst)));
                    }
                    let std = std.clone();
                    let want = dst.len();
                    self.start(move |buf| Operation::Read(buf.read_from(&mut &*std, want, max)));
                }
                State::Busy(_) => match ready!(self.poll_complete(cx)) {
                    // Zero bytes at the end of the file: `copy_to` returns 0.
                    Some(Operation::Read(Ok(_))) => {
                        return Poll::Ready(Ok(self.idle_buf().copy_to(dst)));
                    }
                    Some(Operation::Read(Err(e))) | Some(Operation::Lost(e)) => {
                        return Poll::Ready(Err(e));
                    }
                    Some(Operation::Write(Err(e))) => self.last_write_err = Some(e),
                    _ => {}
                },
            }
        }
    }

    pub(super) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        max: usize,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Some(e) = self.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        loop {
            match &mut self.state {
                State::Idle(buf) => {
                    if src.is_empty() {
                        return Poll::Ready(Ok(0));
                    }
                    // Bytes read ahead put the OS cursor past the caller's
                    // position: seek back before writing.
                    let back = match buf.discard_read() {
                        0 => None,
                        ahead => Some(SeekFrom::Current(ahead)),
                    };
                    let n = buf.copy_from(src, max);
                    let std = std.clone();
                    self.start(move |buf| {
                        if let Some(back) = back {
                            if let Err(e) = (&*std).seek(back) {
                                buf.discard_read();
                                return Operation::Write(Err(e));
                            }
                        }
                        Operation::Write(buf.write_to(&mut &*std))
                    });
                    match self.finished_at_start() {
                        // Refused by a pool that shut down: not written.
                        Some(Operation::Lost(e)) => return Poll::Ready(Err(e)),
                        // Done already: its error is the next write's or
                        // flush's, as if waited for then.
                        Some(Operation::Write(Err(e))) => self.last_write_err = Some(e),
                        _ => {}
                    }
                    return Poll::Ready(Ok(n));
                }
                State::Busy(_) => match ready!(self.poll_complete(cx)) {
                    Some(Operation::Write(Err(e))) | Some(Operation::Lost(e)) => {
                        return Poll::Ready(Err(e));
                    }
                    _ => {}
                },
            }
        }
    }

    /// Waits for the operation in flight and reports the first write error
    /// not reported yet.
    pub(super) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        match ready!(self.poll_complete(cx)) {
            Some(Operation::Write(Err(e))) | Some(Operation::Lost(e)) => Poll::Ready(Err(e)),
            _ => Poll::Ready(Ok(())),
        }
    }

    pub(super) fn poll_seek(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        loop {
            match &mut self.state {
                State::Idle(buf) => {
                    let ahead = buf.discard_read();
                    let target = match pos {
                        SeekFrom::Current(off) => match off.checked_add(ahead) {
                            Some(off) => SeekFrom::Current(off),
                            None => {
                                return Poll::Ready(Err(io::Error::new(
                                    io::ErrorKind::InvalidInput,
                                    "seek offset overflows an i64",
                                )))
                            }
                        },
                        other => other,
                    };
                    let std = std.clone();
                    self.start(move |_| {
                        let res = (&*std).seek(target);
                        if res.is_err() && ahead != 0 {
                            // The cursor did not move: undo the read-ahead
                            // so that it is at the caller's position.
                            let _ = (&*std).seek(SeekFrom::Current(ahead));
                        }
                        Operation::Seek(res)
                    });
                    self.seek_in_flight = Some(pos);
                }
                State::Busy(_) => {
                    let op = ready!(self.poll_complete(cx));
                    let mine = self.seek_in_flight.take() == Some(pos);
                    match op {
                        Some(Operation::Seek(res)) if mine => return Poll::Ready(res),
                        Some(Operation::Lost(e)) => return Poll::Ready(Err(e)),
                        Some(Operation::Write(Err(e))) => self.last_write_err = Some(e),
                        // Another operation (a cancelled seek elsewhere):
                        // start ours now.
                        _ => {}
                    }
                }
            }
        }
    }
}
