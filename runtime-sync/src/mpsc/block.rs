//! The lock-free multi-producer, single-consumer queue behind both mpsc
//! channels: a singly linked list of fixed-size blocks of slots.
//!
//! # Layout
//!
//! Every message gets a *position* from one `fetch_add` on `tail_pos`;
//! position `p` lives in slot `p % BLOCK_CAP` of the block whose `start` is
//! `p - p % BLOCK_CAP`. A block carries a `ready` word with one bit per slot
//! (set with release after the value is written), so a sender's whole push is:
//! one `fetch_add`, a short walk to its block (usually the one `tail_block`
//! points at), a write, one `fetch_or`. The receiver reads positions in order,
//! checking the slot's ready bit (acquire). A sender that needs a block that
//! does not exist yet allocates it and links it with a CAS on the previous
//! block's `next`; if it loses the race it appends its block further down the
//! chain instead of freeing it. So one allocation serves `BLOCK_CAP` messages.
//!
//! # `tail_block` and reclamation
//!
//! `tail_block` is where senders start walking. It moves forward one block at
//! a time, by CAS, and only past a block whose slots are *all* written: then no
//! sender still has to find that block, so every unfinished sender's block is
//! at or after `tail_block` and its walk ends.
//!
//! The sender whose CAS moves `tail_block` past block `B` *releases* `B`: it
//! reads `tail_pos` with an RMW (`fetch_add(0)`), stores that as `B`'s
//! `observed_tail`, then sets `RELEASED` in `B.ready` (release) and never
//! touches `B` again. The receiver frees `B` once it has moved past it, seen
//! `RELEASED` (acquire), and consumed every position below `observed_tail`.
//! That is safe because any sender that can still reach `B` claimed a position
//! below `observed_tail`:
//!
//! A sender does `fetch_add` on `tail_pos` and *then* loads `tail_block`. If its
//! `fetch_add` came after the releaser's RMW in `tail_pos`'s modification
//! order, it synchronises with the releaser (both are `AcqRel` RMWs on the
//! same atomic), so the releaser's CAS on `tail_block` happened-before the
//! sender's load, which therefore returns a block after `B`; it cannot reach
//! `B`. Otherwise its position is below `observed_tail`, the receiver waits
//! for it, and it is consumed only after the sender set its ready bit
//! (release), which its whole walk precedes.
//!
//! Positions wrap around `usize`; comparisons are done on wrapping distances.

use crate::chan_util::{AtomicPtr, UnsafeCell};
use crate::loom::{AtomicUsize, Ordering::*};
use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

/// Slots per block. Small under loom so the model crosses block boundaries.
#[cfg(loom)]
pub(crate) const BLOCK_CAP: usize = 2;
/// Slots per block. The ready bits and `RELEASED` must fit one `usize`.
#[cfg(not(loom))]
pub(crate) const BLOCK_CAP: usize = if usize::BITS >= 64 { 32 } else { 16 };

const SLOT_MASK: usize = BLOCK_CAP - 1;
const ALL_READY: usize = (1 << BLOCK_CAP) - 1;
/// Set in `ready` once `tail_block` has moved past the block.
const RELEASED: usize = 1 << BLOCK_CAP;

struct Block<T> {
    /// Position of slot 0. Written only before the block is published (by the
    /// CAS that links it), read-only afterwards.
    start: usize,
    next: AtomicPtr<Block<T>>,
    /// Bit `i`: slot `i` is written. Plus `RELEASED`.
    ready: AtomicUsize,
    /// `tail_pos` when the block was released; valid once `RELEASED` is set.
    observed_tail: AtomicUsize,
    slots: [UnsafeCell<MaybeUninit<T>>; BLOCK_CAP],
}

impl<T> Block<T> {
    fn alloc(start: usize) -> NonNull<Block<T>> {
        let block = Box::new(Block {
            start,
            next: AtomicPtr::new(ptr::null_mut()),
            ready: AtomicUsize::new(0),
            observed_tail: AtomicUsize::new(0),
            slots: std::array::from_fn(|_| UnsafeCell::new(MaybeUninit::uninit())),
        });
        NonNull::from(Box::leak(block))
    }
}

/// `a >= b` for positions that may have wrapped around.
fn at_or_after(a: usize, b: usize) -> bool {
    a.wrapping_sub(b) <= usize::MAX / 2
}

/// The senders' end, shared by all of them.
pub(crate) struct ListTx<T> {
    tail_block: AtomicPtr<Block<T>>,
    tail_pos: AtomicUsize,
    _values: PhantomData<T>,
}

/// The receiver's end, owned by the single consumer.
pub(crate) struct ListRx<T> {
    /// The block holding `index` (or the last block, if that is not linked
    /// yet).
    head: NonNull<Block<T>>,
    /// The oldest block not yet freed; every block from here to `head`
    /// (exclusive) is fully consumed.
    free_head: NonNull<Block<T>>,
    /// Next position to read.
    index: usize,
}

/// Creates an empty queue.
pub(crate) fn list<T>() -> (ListTx<T>, ListRx<T>) {
    let first = Block::alloc(0);
    (
        ListTx {
            tail_block: AtomicPtr::new(first.as_ptr()),
            tail_pos: AtomicUsize::new(0),
            _values: PhantomData,
        },
        ListRx {
            head: first,
            free_head: first,
            index: 0,
        },
    )
}

impl<T> ListTx<T> {
    /// Appends `value`. Never blocks; allocates one block per `BLOCK_CAP`
    /// positions.
    pub(crate) fn push(&self, value: T) {
        let pos = self.tail_pos.fetch_add(1, AcqRel);
        let block = self.find_block(pos);
        let off = pos & SLOT_MASK;
        // SAFETY: `block` is alive (module docs: we can reach it and have not
        // written our position yet, so the receiver has not freed it). Slot
        // `off` belongs to `pos`, which the `fetch_add` gave to this call
        // alone; the receiver reads it only after seeing its ready bit, which
        // is set after this write with release ordering.
        unsafe {
            let block = block.as_ref();
            block.slots[off].with_mut(|slot| (*slot).write(value));
            block.ready.fetch_or(1 << off, Release);
        }
    }

    /// The number of positions claimed so far (wrapping).
    pub(crate) fn tail_position(&self) -> usize {
        self.tail_pos.load(Acquire)
    }

    /// Walks from `tail_block` to the block holding `pos`, growing the list
    /// and moving `tail_block` forward on the way.
    fn find_block(&self, pos: usize) -> NonNull<Block<T>> {
        let target = pos & !SLOT_MASK;
        let mut cur =
            NonNull::new(self.tail_block.load(Acquire)).expect("tail block is never null");
        // Whether `cur` is still what `tail_block` held when we looked, so we
        // may try to move `tail_block` past it.
        let mut may_advance = true;
        loop {
            // SAFETY: every block we reach from the `tail_block` value we loaded
            // stays allocated until our position is consumed, which needs our
            // write (module docs).
            let block = unsafe { cur.as_ref() };
            if block.start == target {
                return cur;
            }
            // `tail_block` never moves past an unfinished position's block, so
            // `block` is before ours and the walk ends.
            let next = self.next_block(block);
            if may_advance && block.ready.load(Acquire) & ALL_READY == ALL_READY {
                match self
                    .tail_block
                    .compare_exchange(cur.as_ptr(), next.as_ptr(), AcqRel, Acquire)
                {
                    Ok(_) => {
                        // An RMW, so it reads the latest `tail_pos` and later
                        // `fetch_add`s synchronise with it (module docs).
                        let observed = self.tail_pos.fetch_add(0, AcqRel);
                        block.observed_tail.store(observed, Relaxed);
                        block.ready.fetch_or(RELEASED, Release);
                        // `block` may be freed from here on: not touched again.
                    }
                    Err(_) => may_advance = false,
                }
            } else {
                may_advance = false;
            }
            cur = next;
        }
    }

    /// `block.next`, allocating and linking it if missing.
    fn next_block(&self, block: &Block<T>) -> NonNull<Block<T>> {
        if let Some(next) = NonNull::new(block.next.load(Acquire)) {
            return next;
        }
        let new = Block::alloc(block.start.wrapping_add(BLOCK_CAP));
        let actual =
            match block
                .next
                .compare_exchange(ptr::null_mut(), new.as_ptr(), AcqRel, Acquire)
            {
                Ok(_) => return new,
                Err(actual) => NonNull::new(actual).expect("CAS failed on a non-null next"),
            };
        // Someone linked a block first. Append ours at the end of the chain so
        // the allocation serves later positions.
        let mut last = actual;
        loop {
            // SAFETY: reached by walking forward from our `tail_block` load, so
            // alive (module docs).
            let last_ref = unsafe { last.as_ref() };
            // SAFETY: `new` is not linked anywhere yet; we own it exclusively.
            unsafe { (*new.as_ptr()).start = last_ref.start.wrapping_add(BLOCK_CAP) };
            match last_ref
                .next
                .compare_exchange(ptr::null_mut(), new.as_ptr(), AcqRel, Acquire)
            {
                Ok(_) => return actual,
                Err(next) => last = NonNull::new(next).expect("CAS failed on a non-null next"),
            }
        }
    }
}

impl<T> ListRx<T> {
    /// Takes the value at the next position, or `None` if it is not written
    /// yet (the queue is empty, or its sender is between claiming the position
    /// and writing it: see [`is_busy`](ListRx::is_busy)).
    pub(crate) fn pop(&mut self) -> Option<T> {
        if !self.advance_head() {
            return None;
        }
        self.reclaim();
        // SAFETY: only `reclaim` frees blocks, and only ones before `head`.
        let head = unsafe { self.head.as_ref() };
        let off = self.index & SLOT_MASK;
        if head.ready.load(Acquire) & (1 << off) == 0 {
            return None;
        }
        // SAFETY: the ready bit, read with acquire, shows the sender's write
        // happened-before; the sender never touches the slot again, and we read
        // each position once (`index` moves on).
        let value = head.slots[off].with(|slot| unsafe { ptr::read(slot).assume_init() });
        self.index = self.index.wrapping_add(1);
        Some(value)
    }

    /// True if some sender has claimed the next position but not written it.
    pub(crate) fn is_busy(&self, tx: &ListTx<T>) -> bool {
        tx.tail_position() != self.index
    }

    /// Messages claimed but not yet received (including ones being written).
    pub(crate) fn len(&self, tx: &ListTx<T>) -> usize {
        tx.tail_position().wrapping_sub(self.index)
    }

    /// Moves `head` to the block holding `index`; false if it is not linked.
    fn advance_head(&mut self) -> bool {
        let target = self.index & !SLOT_MASK;
        loop {
            // SAFETY: `head` is never freed (see `pop`).
            let head = unsafe { self.head.as_ref() };
            if head.start == target {
                return true;
            }
            match NonNull::new(head.next.load(Acquire)) {
                Some(next) => self.head = next,
                None => return false,
            }
        }
    }

    /// Frees consumed blocks that no sender can reach any more.
    fn reclaim(&mut self) {
        while self.free_head != self.head {
            // SAFETY: blocks from `free_head` on are still allocated.
            let block = unsafe { self.free_head.as_ref() };
            if block.ready.load(Acquire) & RELEASED == 0 {
                return;
            }
            // Ordered by the acquire load that saw RELEASED.
            let observed = block.observed_tail.load(Relaxed);
            if !at_or_after(self.index, observed) {
                return;
            }
            let next =
                NonNull::new(block.next.load(Acquire)).expect("a block before the head has a next");
            // SAFETY: the block is released and every position below its
            // observed tail has been consumed, so no sender can reach it (module
            // docs); its values were all read, so only the allocation remains
            // (`MaybeUninit` slots drop nothing). It came from `Block::alloc`.
            drop(unsafe { Box::from_raw(self.free_head.as_ptr()) });
            self.free_head = next;
        }
    }
}

impl<T> ListRx<T> {
    /// Drops every value still queued, in order. Each is moved out (and
    /// `index` moved past it) before it is dropped, so if its `Drop` panics
    /// the list is consistent and a second call carries on after it.
    fn drop_values(&mut self) {
        while let Some(value) = self.pop() {
            drop(value);
        }
    }

    /// Frees every block from `free_head` on (their values must be gone;
    /// should a written, unread slot remain, its value is dropped here).
    fn free_blocks(&mut self) {
        let mut cur = Some(self.free_head);
        while let Some(ptr) = cur {
            // SAFETY: every block from `free_head` on is allocated (by
            // `Block::alloc`) and linked exactly once; nobody else accesses the
            // list any more (see `Drop`), and each block is freed once: `cur`
            // moves past it, and this runs once, at the end of the drop.
            let block = unsafe { Box::from_raw(ptr.as_ptr()) };
            let ready = block.ready.load(Acquire);
            for (off, slot) in block.slots.iter().enumerate() {
                let pos = block.start.wrapping_add(off);
                if ready & (1 << off) != 0 && at_or_after(pos, self.index) {
                    // SAFETY: written (ready bit) and not yet read (at or after
                    // `index`), so initialised and still owned by the queue.
                    slot.with_mut(|slot| unsafe { (*slot).assume_init_drop() });
                }
            }
            cur = NonNull::new(block.next.load(Acquire));
        }
    }
}

impl<T> Drop for ListRx<T> {
    /// Drops the unread values and frees every block.
    ///
    /// The channel drops its `ListRx` only when no handle is left, so every
    /// push has returned (each claimed position is written) and this has
    /// exclusive access to the whole list.
    fn drop(&mut self) {
        /// Ends the teardown, also when a value's `Drop` panics: the unwind
        /// drops this guard, which drops the values after the panicking one
        /// (a second panic aborts, as it does for a `Vec`) and frees the
        /// blocks, instead of leaking them all.
        struct Finish<'a, T>(&'a mut ListRx<T>);
        impl<T> Drop for Finish<'_, T> {
            fn drop(&mut self) {
                self.0.drop_values();
                self.0.free_blocks();
            }
        }
        Finish(self).0.drop_values();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn fifo_across_blocks_and_drop_frees_rest() {
        let (tx, mut rx) = list();
        for i in 0..(BLOCK_CAP * 3 + 5) {
            tx.push(Box::new(i));
        }
        for i in 0..(BLOCK_CAP * 2 + 1) {
            assert_eq!(*rx.pop().unwrap(), i);
        }
        assert_eq!(rx.len(&tx), BLOCK_CAP + 4);
        drop(rx); // the rest are dropped (checked by Miri / leak sanitizers)
    }

    #[test]
    fn drop_carries_on_after_a_panicking_value() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        const BOMB: usize = BLOCK_CAP + 3;
        struct Value(usize, Arc<AtomicUsize>);
        impl Drop for Value {
            fn drop(&mut self) {
                if self.0 == BOMB {
                    panic!("value {BOMB} panics when dropped");
                }
                self.1.fetch_add(1, SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = list();
        // Several blocks; the first one consumed (and freed) before the drop.
        let n = BLOCK_CAP * 3 + 5;
        for i in 0..n {
            tx.push(Value(i, dropped.clone()));
        }
        for _ in 0..BLOCK_CAP {
            drop(rx.pop().unwrap());
        }
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(rx)));
        assert!(res.is_err());
        // Everything but the one that panicked, including the values queued
        // after it (and the blocks are freed: checked by Miri / sanitizers).
        assert_eq!(dropped.load(SeqCst), n - 1);
    }

    #[test]
    fn concurrent_producers_keep_per_producer_order() {
        let (tx, mut rx) = list();
        let tx = Arc::new(tx);
        const N: usize = 20_000;
        let handles: Vec<_> = (0..3)
            .map(|p| {
                let tx = tx.clone();
                std::thread::spawn(move || (0..N).for_each(|i| tx.push((p, i))))
            })
            .collect();
        let mut next = [0; 3];
        let mut got = 0;
        while got < 3 * N {
            if let Some((p, i)) = rx.pop() {
                assert_eq!(i, next[p]);
                next[p] += 1;
                got += 1;
            } else {
                std::thread::yield_now();
            }
        }
        handles.into_iter().for_each(|h| h.join().unwrap());
        assert!(rx.pop().is_none());
    }
}
