//! `OwnedTasks`: every live task of one scheduler, so shutdown can cancel them.
//!
//! An intrusive doubly linked list threaded through the task headers (no
//! allocation per spawn), split into shards each behind its own lock so spawns
//! and completions on different workers rarely meet. Once closed, the list
//! refuses new tasks: a spawn racing with shutdown is cancelled on the spot
//! instead of being stranded.
//!
//! Each list has a process-unique id, stored in the header of every task it
//! links (`Header::owner_id`, 0 when unlinked). `remove` checks it, so a task
//! of another list is refused with a panic instead of being unlinked under
//! the wrong lock, and a task already taken out returns `None`.

use crate::raw::{Header, RawTask};
use crate::sync::{lock, AtomicBool, Mutex, Ordering::*};
use crate::{Notified, Schedule, Task};
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

/// Shards per scheduler thread. Four per thread keeps the chance that two
/// threads hit the same shard at once low; the value is borrowed from Tokio's
/// `OwnedTasks` sizing (`4 * worker_threads` rounded to a power of two) and not
/// re-measured here.
const SHARDS_PER_THREAD: usize = 4;

/// The set of tasks a scheduler owns.
pub struct OwnedTasks<S: Schedule> {
    /// Never 0 (0 marks an unlinked task); unique for the life of the process.
    id: u64,
    shards: Box<[Mutex<Shard>]>,
    closed: AtomicBool,
    _scheduler: std::marker::PhantomData<S>,
}

struct Shard {
    head: Option<NonNull<Header>>,
    len: usize,
    /// Tasks ever bound through this shard (a metric; counted under the
    /// lock `bind` already holds, so it costs no shared atomic).
    bound: u64,
}

// SAFETY: the raw pointers in a shard are only dereferenced under the shard's
// lock (or, for the tasks themselves, through their atomic state); the tasks
// they point to are `Send`.
unsafe impl Send for Shard {}

impl<S: Schedule> OwnedTasks<S> {
    /// An empty, open list sized for `threads` scheduler threads.
    pub fn new(threads: usize) -> OwnedTasks<S> {
        // Not a loom atomic: it only hands out ids, nothing synchronises on it.
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        // Under loom, one shard: the shard is picked from the task's address,
        // which differs between executions and would make a model
        // nondeterministic.
        let shards = if cfg!(loom) {
            1
        } else {
            (threads.max(1) * SHARDS_PER_THREAD).next_power_of_two()
        };
        OwnedTasks {
            id: loop {
                // Headers keep the low 32 bits, where 0 means "no list".
                let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if id as u32 != 0 {
                    break id;
                }
            },
            shards: (0..shards)
                .map(|_| {
                    Mutex::new(Shard {
                        head: None,
                        len: 0,
                        bound: 0,
                    })
                })
                .collect(),
            closed: AtomicBool::new(false),
            _scheduler: std::marker::PhantomData,
        }
    }

    /// This list's process-unique id (never 0): the one stored in the headers
    /// it links, and the identity of the runtime or `LocalSet` that owns it.
    pub fn id(&self) -> u64 {
        self.id
    }

    fn shard(&self, ptr: NonNull<Header>) -> &Mutex<Shard> {
        // Task cells are heap blocks of at least 64 bytes; a Fibonacci hash of the
        // address spreads neighbouring allocations over the shards.
        let hash = (ptr.as_ptr() as usize as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        &self.shards[(hash >> 32) as usize & (self.shards.len() - 1)]
    }

    /// Adds a freshly spawned task. Returns its first `Notified` to schedule, or
    /// `None` if the list is closed, in which case the task was cancelled at once.
    pub fn bind(&self, task: Task<S>, notified: Notified<S>) -> Option<Notified<S>> {
        let ptr = task.raw.header_ptr();
        {
            let mut shard = lock(self.shard(ptr));
            // Checked under the shard lock: `close_and_shutdown_all` sets the flag
            // before draining, so a task pushed here is always drained.
            if !self.closed.load(Acquire) {
                let owner = &task.raw.header().owner_id;
                // `Task`s that leave a list (`remove`, shutdown) are unlinked, so an
                // owned `Task` here is never linked; say so if that ever breaks.
                assert_eq!(
                    owner.load(Relaxed),
                    0,
                    "OwnedTasks::bind: the task is already in a list"
                );
                owner.store(self.id as u32, Relaxed);
                shard.bound += 1;
                // SAFETY: the task is in no list (checked above), so its links are
                // unused; we hold the lock.
                unsafe { shard.push_front(ptr) };
                // The list now owns the task's reference.
                std::mem::forget(task);
                return Some(notified);
            }
        }
        drop(notified);
        task.shutdown();
        None
    }

    /// Unlinks a completed task, handing back the list's reference; `None` if it
    /// is in no list (never bound, or already taken out by shutdown).
    ///
    /// # Panics
    /// If the task is linked in another `OwnedTasks`: a scheduler must only
    /// release its own tasks.
    pub fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let owner = &task.raw.header().owner_id;
        match owner.load(Acquire) {
            0 => return None,
            id => assert_eq!(
                id, self.id as u32,
                "OwnedTasks::remove: the task belongs to another list; \
                 release a task only through the scheduler that bound it"
            ),
        }
        let ptr = task.raw.header_ptr();
        let mut shard = lock(self.shard(ptr));
        // Taken out meanwhile (shutdown pops under this lock and clears the id).
        if owner.load(Relaxed) != self.id as u32 {
            return None;
        }
        // SAFETY: the id says the task is linked in this list, hence in this
        // shard (the shard is a function of the address), whose lock we hold.
        unsafe { shard.unlink(ptr) };
        Some(Task::from_raw(RawTask::from_raw(ptr)))
    }

    /// Closes the list and cancels every task in it. Cancelling runs destructors,
    /// which may spawn or wake; spawns after closing are cancelled in `bind`.
    pub fn close_and_shutdown_all(&self) {
        self.closed.store(true, Release);
        for shard in self.shards.iter() {
            loop {
                let ptr = lock(shard).pop_front();
                match ptr {
                    // The list's reference moves into this `Task`, consumed by shutdown.
                    Some(ptr) => Task::<S>::from_raw(RawTask::from_raw(ptr)).shutdown(),
                    None => break,
                }
            }
        }
    }

    /// Calls `f` with every task currently owned, one shard at a time under
    /// that shard's lock (for task dumps): `f` must not spawn, complete or
    /// release tasks of this list, and runs no user code of the tasks.
    pub fn for_each(&self, mut f: impl FnMut(&Task<S>)) {
        for shard in self.shards.iter() {
            let shard = lock(shard);
            let mut next = shard.head;
            while let Some(ptr) = next {
                // The list holds a reference to every linked task, and the
                // lock keeps it linked (so alive) while `f` looks at it.
                let task = std::mem::ManuallyDrop::new(Task::<S>::from_raw(RawTask::from_raw(ptr)));
                f(&task);
                // SAFETY: `ptr` is linked in this shard, whose lock we hold,
                // so its links are valid and ours to read.
                next = task.raw.header().links.with(|l| unsafe { (*l).next });
            }
        }
    }

    /// True once `close_and_shutdown_all` has begun.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Acquire)
    }

    /// Number of tasks currently owned.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len).sum()
    }

    /// Tasks bound to this list since it was made (spawned tasks, without
    /// those refused because the list was closed).
    pub fn bound_count(&self) -> u64 {
        self.shards.iter().map(|s| lock(s).bound).sum()
    }

    /// True when no task is owned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<S: Schedule> Drop for OwnedTasks<S> {
    fn drop(&mut self) {
        // A scheduler must shut its tasks down before dropping the list; a task
        // left here would keep its reference forever. Cancel them rather than leak.
        if !std::thread::panicking() {
            self.close_and_shutdown_all();
        }
    }
}

impl Shard {
    /// # Safety
    /// `ptr` is a live task not linked in any list; the caller holds this shard's lock.
    unsafe fn push_front(&mut self, ptr: NonNull<Header>) {
        // SAFETY: caller holds the lock, so the links of `ptr` and of the current
        // head are ours to write; both tasks are alive (the list holds references).
        unsafe {
            ptr.as_ref().links.with_mut(|l| {
                (*l).prev = None;
                (*l).next = self.head;
            });
            if let Some(head) = self.head {
                head.as_ref().links.with_mut(|l| (*l).prev = Some(ptr));
            }
        }
        self.head = Some(ptr);
        self.len += 1;
    }

    fn pop_front(&mut self) -> Option<NonNull<Header>> {
        let head = self.head?;
        // SAFETY: `head` is linked in this shard, whose lock the caller holds.
        unsafe { self.unlink(head) };
        Some(head)
    }

    /// Unlinks `ptr` and clears its owner id.
    ///
    /// # Safety
    /// `ptr` is a live task linked in this shard; the caller holds this shard's
    /// lock.
    unsafe fn unlink(&mut self, ptr: NonNull<Header>) {
        // SAFETY: per the contract, the links of `ptr` and its neighbours are
        // guarded by the lock we hold, and linked tasks are alive.
        unsafe {
            let (prev, next) = ptr.as_ref().links.with(|l| ((*l).prev, (*l).next));
            ptr.as_ref().owner_id.store(0, Relaxed);
            match prev {
                Some(prev) => prev.as_ref().links.with_mut(|l| (*l).next = next),
                None => self.head = next,
            }
            if let Some(next) = next {
                next.as_ref().links.with_mut(|l| (*l).prev = prev);
            }
            ptr.as_ref().links.with_mut(|l| {
                (*l).prev = None;
                (*l).next = None;
            });
        }
        self.len -= 1;
    }
}
