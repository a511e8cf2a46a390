//! A boxed future whose allocation is reused for the next future of the
//! same size, for the wrappers that await a receiver in a loop
//! (`BroadcastStream`, `WatchStream`): the future owns the receiver while
//! it waits, gives it back with its output, and the next wait goes into the
//! same memory, so steady streaming allocates nothing.
//!
//! Replacing the future drops the old one in place, then writes the new one
//! over it. If that drop panics, the memory is freed, the slot holds a
//! future that panics when polled, and the panic goes on.

use std::alloc::{dealloc, Layout};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::ptr;
use std::task::{Context, Poll};

type DynFuture<T> = dyn Future<Output = T> + Send;

pub(crate) struct ReusableBoxFuture<T> {
    boxed: Pin<Box<DynFuture<T>>>,
}

/// In the slot while a replacement is under way, and after a future's drop
/// panicked. Zero-sized, so boxing it allocates nothing.
struct Poisoned<T>(PhantomData<fn() -> T>);

impl<T> Future for Poisoned<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<T> {
        panic!("a stream was polled after the drop of its previous receive future panicked");
    }
}

impl<T: 'static> ReusableBoxFuture<T> {
    pub(crate) fn new<F: Future<Output = T> + Send + 'static>(future: F) -> Self {
        ReusableBoxFuture {
            boxed: Box::pin(future),
        }
    }

    /// Replaces the future, in the same allocation when `F` fits it exactly.
    pub(crate) fn set<F: Future<Output = T> + Send + 'static>(&mut self, future: F) {
        let layout = Layout::for_value::<DynFuture<T>>(&*self.boxed);
        if layout != Layout::new::<F>() || layout.size() == 0 {
            self.boxed = Box::pin(future);
            return;
        }
        let old = std::mem::replace(&mut self.boxed, Box::pin(Poisoned(PhantomData)));
        // SAFETY: the pointer is only used to drop the future in place and
        // then to write another over it, never to move the old one, which
        // is what the pin promised.
        let raw: *mut DynFuture<T> = Box::into_raw(unsafe { Pin::into_inner_unchecked(old) });

        /// Frees the allocation if the old future's drop panics.
        struct FreeOnUnwind(*mut u8, Layout);
        impl Drop for FreeOnUnwind {
            fn drop(&mut self) {
                // SAFETY: armed only while unwinding out of `drop_in_place`
                // below: the memory came from `Box` with this layout (non-zero
                // size) and nothing else frees it on that path.
                unsafe { dealloc(self.0, self.1) }
            }
        }
        let guard = FreeOnUnwind(raw.cast::<u8>(), layout);
        // SAFETY: `raw` is the live future just taken out of its box; it is
        // dropped exactly once, here, and not used as `DynFuture` again.
        unsafe { ptr::drop_in_place(raw) };
        std::mem::forget(guard);

        let slot = raw.cast::<F>();
        // SAFETY: the allocation is valid for `F`: it was made by `Box` for a
        // value with exactly `F`'s size and alignment (checked above, size
        // non-zero), so writing an `F` and handing it back to `Box::from_raw`
        // frees it with the same layout later.
        self.boxed = unsafe {
            slot.write(future);
            Pin::new_unchecked(Box::from_raw(slot))
        };
    }

    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<T> {
        self.boxed.as_mut().poll(cx)
    }
}

// SAFETY: the future is only ever reached through `&mut self` (`set`,
// `poll`); a shared `&ReusableBoxFuture` gives access to nothing, so sharing
// one between threads cannot touch the (`Send` but maybe not `Sync`) future
// concurrently.
unsafe impl<T> Sync for ReusableBoxFuture<T> {}

#[cfg(test)]
mod tests {
    use super::ReusableBoxFuture;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct CountDrop(Arc<AtomicUsize>, u64);
    impl Drop for CountDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn make(drops: &Arc<AtomicUsize>, n: u64) -> impl std::future::Future<Output = u64> + Send {
        let guard = CountDrop(drops.clone(), n);
        async move {
            let guard = guard; // the whole guard lives in the future
            guard.1
        }
    }

    #[test]
    fn reuses_allocation_and_drops_old_future() {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut fut = ReusableBoxFuture::new(make(&drops, 1));
        let addr = |f: &ReusableBoxFuture<u64>| (&*f.boxed as *const _ as *const u8) as usize;
        let before = addr(&fut);
        fut.set(make(&drops, 2));
        assert_eq!(drops.load(Ordering::SeqCst), 1, "old future dropped once");
        assert_eq!(addr(&fut), before, "same allocation reused");
        struct Noop;
        impl Wake for Noop {
            fn wake(self: Arc<Self>) {}
        }
        let waker = Waker::from(Arc::new(Noop));
        let mut cx = Context::from_waker(&waker);
        assert_eq!(fut.poll(&mut cx), Poll::Ready(2));
        // A future of another size gets a fresh box.
        fut.set(async { 7u64 });
        assert_eq!(drops.load(Ordering::SeqCst), 2);
        assert_eq!(fut.poll(&mut cx), Poll::Ready(7));
    }

    #[test]
    fn panicking_drop_frees_the_slot_and_poisons_it() {
        struct MaybePanic(bool);
        impl Drop for MaybePanic {
            fn drop(&mut self) {
                if self.0 {
                    panic!("drop panics");
                }
            }
        }
        // One opaque type for both, so the replacement takes the reuse path.
        fn make(panics: bool) -> impl std::future::Future<Output = u64> + Send {
            let guard = MaybePanic(panics);
            async move {
                let guard = guard;
                u64::from(guard.0)
            }
        }
        let mut fut = ReusableBoxFuture::new(make(true));
        let replaced =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.set(make(false))));
        assert!(replaced.is_err(), "the drop's panic goes on");
        // The slot now panics when polled, with a message saying why.
        let waker = Waker::from(Arc::new(NoopWaker));
        let mut cx = Context::from_waker(&waker);
        let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.poll(&mut cx)));
        let payload = polled.unwrap_err();
        let msg = payload.downcast_ref::<&str>().copied().unwrap_or_default();
        assert!(msg.contains("previous receive future panicked"), "{msg}");
        // And it can be set again.
        fut.set(make(false));
        assert_eq!(fut.poll(&mut cx), Poll::Ready(0));
    }

    struct NoopWaker;
    impl Wake for NoopWaker {
        fn wake(self: Arc<Self>) {}
    }
}
