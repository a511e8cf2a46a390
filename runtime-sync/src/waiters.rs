//! Shared bookkeeping for the waiting side of the primitives: a FIFO waiter
//! list with stable keys, a batch of wakers to wake after a lock is released,
//! and a thread-parking `block_on` for the `blocking_*` methods.
//!
//! # The waiter list
//!
//! [`WaiterList`] is a slab of nodes threaded on a doubly linked list by
//! index. A waiting future inserts a node at the back and keeps its key. The
//! notifying side *unlinks* nodes (from the front, or the back for
//! `notify_last`) and records the outcome in the node, but never frees it:
//! only the future that owns the key frees its node, when it observes the
//! outcome or is dropped. So a key can never be reused while its future still
//! holds it (no ABA), and every operation is O(1) without `unsafe`.
//!
//! The list lives inside a `Mutex`; all of its methods run with that lock held.

use std::task::Waker;

/// Stable handle to a node of a [`WaiterList`].
pub(crate) type Key = usize;

enum Slot<T> {
    Vacant { next_free: Option<Key> },
    Occupied(Node<T>),
}

struct Node<T> {
    value: T,
    prev: Option<Key>,
    next: Option<Key>,
    linked: bool,
}

/// A FIFO list of waiters with stable keys; see the module docs.
pub(crate) struct WaiterList<T> {
    slots: Vec<Slot<T>>,
    free: Option<Key>,
    head: Option<Key>,
    tail: Option<Key>,
    /// Occupied slots (linked or not).
    occupied: usize,
}

impl<T> WaiterList<T> {
    pub(crate) const fn new() -> WaiterList<T> {
        WaiterList {
            slots: Vec::new(),
            free: None,
            head: None,
            tail: None,
            occupied: 0,
        }
    }

    /// True when no node is linked (unlinked nodes awaiting their owner's
    /// removal do not count).
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    fn node_mut(&mut self, key: Key) -> &mut Node<T> {
        match self.slots.get_mut(key) {
            Some(Slot::Occupied(node)) => node,
            _ => unreachable!("waiter key {key} is not occupied"),
        }
    }

    /// Inserts `value` at the back of the queue and returns its key.
    pub(crate) fn push_back(&mut self, value: T) -> Key {
        let node = Node {
            value,
            prev: self.tail,
            next: None,
            linked: true,
        };
        let key = match self.free {
            Some(key) => {
                let Slot::Vacant { next_free } = self.slots[key] else {
                    unreachable!("free list points at an occupied slot")
                };
                self.free = next_free;
                self.slots[key] = Slot::Occupied(node);
                key
            }
            None => {
                self.slots.push(Slot::Occupied(node));
                self.slots.len() - 1
            }
        };
        match self.tail {
            Some(tail) => self.node_mut(tail).next = Some(key),
            None => self.head = Some(key),
        }
        self.tail = Some(key);
        self.occupied += 1;
        key
    }

    /// The key at the front of the queue.
    pub(crate) fn front(&self) -> Option<Key> {
        self.head
    }

    /// The value of an occupied node (linked or not).
    pub(crate) fn get_mut(&mut self, key: Key) -> &mut T {
        &mut self.node_mut(key).value
    }

    /// Takes the node out of the queue but keeps it allocated for its owner.
    /// Returns whether it was linked.
    pub(crate) fn unlink(&mut self, key: Key) -> bool {
        let node = self.node_mut(key);
        if !node.linked {
            return false;
        }
        node.linked = false;
        let (prev, next) = (node.prev.take(), node.next.take());
        match prev {
            Some(p) => self.node_mut(p).next = next,
            None => self.head = next,
        }
        match next {
            Some(n) => self.node_mut(n).prev = prev,
            None => self.tail = prev,
        }
        true
    }

    /// Unlinks the front node and returns its key (the node stays allocated).
    pub(crate) fn pop_front(&mut self) -> Option<Key> {
        let key = self.head?;
        self.unlink(key);
        Some(key)
    }

    /// Unlinks the back node and returns its key (the node stays allocated).
    pub(crate) fn pop_back(&mut self) -> Option<Key> {
        let key = self.tail?;
        self.unlink(key);
        Some(key)
    }

    /// Unlinks the node if needed, frees its slot and returns its value. Only
    /// the owner of `key` calls this.
    pub(crate) fn remove(&mut self, key: Key) -> T {
        self.unlink(key);
        let slot = std::mem::replace(
            &mut self.slots[key],
            Slot::Vacant {
                next_free: self.free,
            },
        );
        let Slot::Occupied(node) = slot else {
            unreachable!("removed a vacant waiter slot")
        };
        self.free = Some(key);
        self.occupied -= 1;
        if self.occupied == 0 {
            // Reset the free list so a burst of waiters does not leave a long
            // chain behind; the capacity is kept for the next burst.
            self.slots.clear();
            self.free = None;
        }
        node.value
    }
}

/// Wakers collected under a lock, woken after it is released (a waker may run
/// arbitrary code, and must not do so while we hold the lock).
///
/// Dropping a `WakeList` wakes what it holds, so a panic between collecting and
/// waking cannot lose a wake-up.
#[derive(Default)]
pub(crate) struct WakeList {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl WakeList {
    pub(crate) fn new() -> WakeList {
        WakeList::default()
    }

    pub(crate) fn push(&mut self, waker: Option<Waker>) {
        let Some(waker) = waker else { return };
        if self.first.is_none() {
            self.first = Some(waker);
        } else {
            self.rest.push(waker);
        }
    }

    pub(crate) fn wake_all(mut self) {
        self.wake_inner();
    }

    fn wake_inner(&mut self) {
        if let Some(w) = self.first.take() {
            w.wake();
        }
        for w in self.rest.drain(..) {
            w.wake();
        }
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        self.wake_inner();
    }
}

/// The one thread-parking `block_on` behind every `blocking_*` method.
pub(crate) use crate::chan_util::block_on;

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::task::Poll;
    use std::thread;

    #[test]
    fn fifo_and_stable_keys() {
        let mut list = WaiterList::new();
        let a = list.push_back('a');
        let b = list.push_back('b');
        let c = list.push_back('c');
        assert_eq!(list.front(), Some(a));
        // Unlink from the middle, then the front.
        assert!(list.unlink(b));
        assert!(!list.unlink(b));
        assert_eq!(list.pop_front(), Some(a));
        assert_eq!(list.front(), Some(c));
        // `a` and `b` stay allocated until their owners remove them.
        assert_eq!(*list.get_mut(a), 'a');
        let d = list.push_back('d');
        assert_ne!(d, a);
        assert_ne!(d, b);
        assert_eq!(list.remove(b), 'b');
        assert_eq!(list.pop_back(), Some(d));
        assert_eq!(list.pop_front(), Some(c));
        assert!(list.is_empty());
        assert_eq!(list.remove(a), 'a');
        assert_eq!(list.remove(c), 'c');
        assert_eq!(list.remove(d), 'd');
        assert_eq!(list.occupied, 0);
        let e = list.push_back('e');
        assert_eq!(list.front(), Some(e));
        *list.get_mut(e) = 'E';
        assert_eq!(list.remove(e), 'E');
        assert!(list.is_empty());
    }

    #[test]
    fn block_on_waits_for_a_wake_from_another_thread() {
        let flag = Arc::new(AtomicBool::new(false));
        let f2 = Arc::clone(&flag);
        let mut spawned = false;
        let out = block_on(std::future::poll_fn(|cx| {
            if flag.load(Ordering::Acquire) {
                return Poll::Ready(7);
            }
            if !spawned {
                spawned = true;
                let waker = cx.waker().clone();
                let f2 = Arc::clone(&f2);
                thread::spawn(move || {
                    f2.store(true, Ordering::Release);
                    waker.wake();
                });
            }
            Poll::Pending
        }));
        assert_eq!(out, 7);
    }
}
