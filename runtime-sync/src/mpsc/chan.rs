//! The state both mpsc flavours share, generic over the capacity accounting.

use super::atomic_waker::AtomicWaker;
use super::block::{self, ListRx, ListTx};
use super::semaphore::{self, BoundedSemaphore, Semaphore};
use crate::chan_util::{spin_wait, UnsafeCell, WaitList, Waiting};
use crate::loom::{Arc, AtomicUsize, Ordering::*};
use runtime_core::coop;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pub(crate) struct Chan<T, S> {
    tx: ListTx<T>,
    semaphore: S,
    rx_waker: AtomicWaker,
    /// Strong senders; the channel closes when it reaches zero.
    tx_count: AtomicUsize,
    /// Weak senders (for `weak_count` only).
    tx_weak_count: AtomicUsize,
    /// Senders waiting in `closed()`.
    closed_waiters: WaitList,
    /// Touched only through the unique receiver handle (`&mut Rx`), by
    /// `&Rx::len`, and by the drop of the last handle.
    rx_fields: UnsafeCell<RxFields<T>>,
}

struct RxFields<T> {
    list: ListRx<T>,
    rx_closed: bool,
}

// SAFETY: values move from sending threads to the receiving one and are never
// shared by reference, so `T: Send` suffices. `rx_fields` is accessed only by
// the one receiver handle (mutably through `&mut`, read-only through `&`) or
// with exclusive access on drop; everything else is atomics, mutexes and the
// lock-free queue, which is built for concurrent pushes.
unsafe impl<T: Send, S: Send> Send for Chan<T, S> {}
// SAFETY: as above (`S` is shared, so it must be `Sync`).
unsafe impl<T: Send, S: Sync> Sync for Chan<T, S> {}

/// A strong sender's share of the channel.
pub(crate) struct Tx<T, S: Semaphore> {
    inner: Arc<Chan<T, S>>,
}

/// A weak sender: keeps the memory, not the channel, alive.
pub(crate) struct WeakTx<T, S> {
    inner: Arc<Chan<T, S>>,
}

/// The receiver's share of the channel.
pub(crate) struct Rx<T, S: Semaphore> {
    inner: Arc<Chan<T, S>>,
}

pub(crate) fn channel<T, S: Semaphore>(semaphore: S) -> (Tx<T, S>, Rx<T, S>) {
    let (tx, rx) = block::list();
    let chan = Arc::new(Chan {
        tx,
        semaphore,
        rx_waker: AtomicWaker::new(),
        tx_count: AtomicUsize::new(1),
        tx_weak_count: AtomicUsize::new(0),
        closed_waiters: WaitList::new(),
        rx_fields: UnsafeCell::new(RxFields {
            list: rx,
            rx_closed: false,
        }),
    });
    (
        Tx {
            inner: chan.clone(),
        },
        Rx { inner: chan },
    )
}

impl<T, S: Semaphore> Chan<T, S> {
    /// Wakes the receiver if it is waiting for "closed and drained" and that
    /// just became true (a permit came back without a message).
    fn wake_rx_if_done(&self) {
        if self.semaphore.is_closed() && self.semaphore.is_idle() {
            self.rx_waker.wake();
        }
    }
}

impl<T, S: Semaphore> Tx<T, S> {
    pub(crate) fn semaphore(&self) -> &S {
        &self.inner.semaphore
    }

    /// Queues `value` (the caller holds its permit) and wakes the receiver.
    pub(crate) fn send(&self, value: T) {
        self.inner.tx.push(value);
        self.inner.rx_waker.wake();
    }

    /// Gives back a permit whose message was never sent.
    pub(crate) fn release_permit(&self) {
        self.inner.semaphore.add_permit();
        self.inner.wake_rx_if_done();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.inner.semaphore.is_closed()
    }

    pub(crate) fn same_channel(&self, other: &Tx<T, S>) -> bool {
        std::ptr::eq(&*self.inner, &*other.inner)
    }

    pub(crate) fn downgrade(&self) -> WeakTx<T, S> {
        self.inner.tx_weak_count.fetch_add(1, Relaxed);
        WeakTx {
            inner: self.inner.clone(),
        }
    }

    pub(crate) fn strong_count(&self) -> usize {
        self.inner.tx_count.load(Acquire)
    }

    pub(crate) fn weak_count(&self) -> usize {
        self.inner.tx_weak_count.load(Acquire)
    }
}

impl<T, S: Semaphore> Clone for Tx<T, S> {
    fn clone(&self) -> Self {
        // Relaxed: cloning from a live sender; the count cannot be zero.
        self.inner.tx_count.fetch_add(1, Relaxed);
        Tx {
            inner: self.inner.clone(),
        }
    }
}

impl<T, S: Semaphore> Drop for Tx<T, S> {
    fn drop(&mut self) {
        if self.inner.tx_count.fetch_sub(1, AcqRel) != 1 {
            return;
        }
        // Last sender: no more messages can come. Close so the receiver
        // returns `None` once drained, and wake it to notice.
        self.inner.semaphore.close();
        self.inner.rx_waker.wake();
    }
}

impl<T, S: Semaphore> WeakTx<T, S> {
    pub(crate) fn upgrade(&self) -> Option<Tx<T, S>> {
        let mut count = self.inner.tx_count.load(Acquire);
        loop {
            if count == 0 {
                return None;
            }
            match self
                .inner
                .tx_count
                .compare_exchange_weak(count, count + 1, AcqRel, Acquire)
            {
                Ok(_) => {
                    return Some(Tx {
                        inner: self.inner.clone(),
                    })
                }
                Err(actual) => count = actual,
            }
        }
    }

    pub(crate) fn strong_count(&self) -> usize {
        self.inner.tx_count.load(Acquire)
    }

    pub(crate) fn weak_count(&self) -> usize {
        self.inner.tx_weak_count.load(Acquire)
    }
}

impl<T, S> Clone for WeakTx<T, S> {
    fn clone(&self) -> Self {
        self.inner.tx_weak_count.fetch_add(1, Relaxed);
        WeakTx {
            inner: self.inner.clone(),
        }
    }
}

impl<T, S> Drop for WeakTx<T, S> {
    fn drop(&mut self) {
        self.inner.tx_weak_count.fetch_sub(1, AcqRel);
    }
}

/// Outcome of one non-blocking receive attempt.
pub(crate) enum TryRecv<T> {
    Value(T),
    Empty,
    /// Closed (receiver closed or all senders gone) and drained.
    Done,
}

impl<T, S: Semaphore> Rx<T, S> {
    /// Runs `f` with the receiver's fields.
    fn with_fields<R>(&mut self, f: impl FnOnce(&mut RxFields<T>, &Chan<T, S>) -> R) -> R {
        let chan = &*self.inner;
        // SAFETY: `&mut self` is the unique receiver handle, the only accessor
        // of `rx_fields` besides `len` (which needs `&self`, excluded by
        // `&mut self`) and the final drop.
        chan.rx_fields
            .with_mut(|fields| f(unsafe { &mut *fields }, chan))
    }

    pub(crate) fn semaphore(&self) -> &S {
        &self.inner.semaphore
    }

    /// One attempt: a value, or whether the channel is finished.
    fn try_pop(fields: &mut RxFields<T>, chan: &Chan<T, S>) -> TryRecv<T> {
        if let Some(value) = fields.list.pop() {
            chan.semaphore.add_permit();
            return TryRecv::Value(value);
        }
        // Closed with no permit outstanding: no message is queued or being
        // sent, and none can start.
        if chan.semaphore.is_closed() && chan.semaphore.is_idle() {
            TryRecv::Done
        } else {
            TryRecv::Empty
        }
    }

    /// Receives without waiting. If a sender has claimed the next position but
    /// not written it yet, waits for that write (a few instructions), so a
    /// message whose `send` returned is never reported missing.
    pub(crate) fn try_recv(&mut self) -> TryRecv<T> {
        self.with_fields(|fields, chan| loop {
            match Self::try_pop(fields, chan) {
                TryRecv::Empty if fields.list.is_busy(&chan.tx) => spin_wait(),
                res => return res,
            }
        })
    }

    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let coop = ready!(coop::poll_proceed(cx));
        let res = self.with_fields(|fields, chan| {
            match Self::try_pop(fields, chan) {
                TryRecv::Value(v) => return Poll::Ready(Some(v)),
                TryRecv::Done => return Poll::Ready(None),
                TryRecv::Empty => {}
            }
            chan.rx_waker.register(cx.waker());
            // Check again: a message sent (or the close) between the first
            // check and the registration woke nobody.
            match Self::try_pop(fields, chan) {
                TryRecv::Value(v) => Poll::Ready(Some(v)),
                TryRecv::Done => Poll::Ready(None),
                TryRecv::Empty => Poll::Pending,
            }
        });
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }

    pub(crate) fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        if limit == 0 {
            return Poll::Ready(0);
        }
        match ready!(self.poll_recv(cx)) {
            None => Poll::Ready(0),
            Some(first) => {
                buffer.reserve(limit.min(self.len() + 1));
                buffer.push(first);
                let mut n = 1;
                self.with_fields(|fields, chan| {
                    while n < limit {
                        match Self::try_pop(fields, chan) {
                            TryRecv::Value(v) => buffer.push(v),
                            _ => break,
                        }
                        n += 1;
                    }
                });
                Poll::Ready(n)
            }
        }
    }

    /// Stops further sends (permits already handed out still work) and wakes
    /// senders waiting in `closed()`.
    pub(crate) fn close(&mut self) {
        let first = self.with_fields(|fields, _| !std::mem::replace(&mut fields.rx_closed, true));
        if first {
            self.inner.semaphore.close();
            self.inner.closed_waiters.wake_all();
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.inner.semaphore.is_closed()
    }

    pub(crate) fn len(&self) -> usize {
        // SAFETY: a read through `&self`; writers need `&mut` on the unique
        // receiver handle, which `&self` excludes.
        self.inner
            .rx_fields
            .with(|fields| unsafe { (*fields).list.len(&self.inner.tx) })
    }

    pub(crate) fn strong_count(&self) -> usize {
        self.inner.tx_count.load(Acquire)
    }

    pub(crate) fn weak_count(&self) -> usize {
        self.inner.tx_weak_count.load(Acquire)
    }
}

impl<T, S: Semaphore> Drop for Rx<T, S> {
    fn drop(&mut self) {
        self.close();
        // The waker of the last `recv` would otherwise live as long as the
        // channel (until the last sender goes), keeping its task alive.
        drop(self.inner.rx_waker.take());
        // Drop what is queued now, giving the permits back; anything sent
        // later (with permits taken before the close) goes with the channel.
        self.with_fields(|fields, chan| {
            /// Drains on: when a value's `Drop` panics, the unwind drops this
            /// guard, which drops the values after it (a second panic aborts,
            /// as it does for a `Vec`).
            struct Drain<'a, T, S: Semaphore> {
                fields: &'a mut RxFields<T>,
                chan: &'a Chan<T, S>,
            }
            impl<T, S: Semaphore> Drain<'_, T, S> {
                fn run(&mut self) {
                    while let Some(value) = self.fields.list.pop() {
                        // The permit first: the value's drop may panic.
                        self.chan.semaphore.add_permit();
                        drop(value);
                    }
                }
            }
            impl<T, S: Semaphore> Drop for Drain<'_, T, S> {
                fn drop(&mut self) {
                    self.run();
                }
            }
            Drain { fields, chan }.run();
        });
    }
}

/// Waits for `n` permits of a bounded channel, queued fairly behind earlier
/// senders; dropping it withdraws from the queue and hands on the permits it
/// was assigned meanwhile.
pub(crate) struct Acquire<'a, T> {
    chan: &'a Chan<T, BoundedSemaphore>,
    /// `None` once it completed (or is being dropped).
    inner: Option<semaphore::Acquire<'a>>,
}

impl<T> Tx<T, BoundedSemaphore> {
    /// Waits for `n` permits (`n <= bound`, checked by the caller).
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_, T> {
        Acquire {
            chan: &self.inner,
            inner: Some(self.inner.semaphore.acquire(n)),
        }
    }

    /// Gives back `n` permits whose messages were never sent.
    pub(crate) fn release_permits(&self, n: usize) {
        self.inner.semaphore.release(n);
        self.inner.wake_rx_if_done();
    }
}

impl<T> Future for Acquire<'_, T> {
    /// `Err` when the receiver has closed.
    type Output = Result<(), ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), ()>> {
        let coop = ready!(coop::poll_proceed(cx));
        let this = &mut *self;
        let inner = this
            .inner
            .as_mut()
            .expect("mpsc acquire polled after completion");
        let res = ready!(inner.poll_acquire(cx));
        let n = inner.num_permits();
        this.inner = None;
        let sem = &this.chan.semaphore;
        let res = match res {
            // Closed wins over a grant not yet observed, as in Tokio: a
            // sender still waiting when the receiver closed gets `Err`,
            // whether or not its slots were freed just before. They go back.
            Ok(()) if sem.is_closed() => {
                sem.release(n);
                Err(())
            }
            Ok(()) => Ok(()),
            Err(_) => Err(()),
        };
        if res.is_err() {
            // Failing may have given back slots (now, or partial ones at the
            // close): the receiver may be waiting for exactly that ("closed
            // and drained").
            this.chan.wake_rx_if_done();
        }
        coop.made_progress();
        Poll::Ready(res)
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            // Returns what was assigned to it (to the next senders, or the
            // free count) ...
            drop(inner);
            // ... which may complete the receiver's "closed and drained".
            self.chan.wake_rx_if_done();
        }
    }
}

impl<T, S: Semaphore> Tx<T, S> {
    /// Completes once the receiver has closed or been dropped.
    pub(crate) async fn closed(&self) {
        let sem = &self.inner.semaphore;
        let mut waiting = Waiting::new(&self.inner.closed_waiters);
        std::future::poll_fn(|cx| waiting.poll(cx, || sem.is_closed())).await
    }
}
