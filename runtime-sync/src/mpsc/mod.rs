//! Multi-producer, single-consumer channels, bounded ([`channel`]) and
//! unbounded ([`unbounded_channel`]).
//!
//! Messages from one sender arrive in the order they were sent; messages from
//! different senders interleave in the order their sends took effect. The
//! receiver gets `None` once every sender is gone (or it called
//! [`Receiver::close`]) and the queue is drained. Values still queued when the
//! last handle is dropped are dropped with the channel.
//!
//! ```
//! use runtime::sync::mpsc;
//!
//! #[runtime::main]
//! async fn main() {
//!     let (tx, mut rx) = mpsc::channel(16);
//!     for id in 0..4 {
//!         let tx = tx.clone();
//!         runtime::spawn(async move { tx.send(id).await.unwrap() });
//!     }
//!     drop(tx);
//!     let mut got = Vec::new();
//!     while let Some(v) = rx.recv().await {
//!         got.push(v);
//!     }
//!     got.sort();
//!     assert_eq!(got, [0, 1, 2, 3]);
//! }
//! ```
//!
//! Both ends also work from synchronous code (threads, `spawn_blocking`):
//!
//! ```
//! use runtime::sync::mpsc;
//!
//! let (tx, mut rx) = mpsc::channel(1);
//! std::thread::spawn(move || {
//!     for i in 0..3 {
//!         tx.blocking_send(i).unwrap(); // parks while the channel is full
//!     }
//! });
//! let mut got = Vec::new();
//! while let Some(v) = rx.blocking_recv() {
//!     got.push(v);
//! }
//! assert_eq!(got, [0, 1, 2]);
//! ```
//!
//! # Design
//!
//! - **Queue** (`block.rs`): a lock-free linked list of blocks of 32 slots.
//!   A send claims a position with one `fetch_add`, writes its slot and sets
//!   the slot's ready bit; the receiver reads positions in order. One
//!   allocation per 32 messages; the receiver frees blocks it has passed once
//!   no sender can still reach them (the argument is in `block.rs`).
//! - **Receiver wake-ups** (`atomic_waker.rs`): a lock-free single-waker slot
//!   (a small REGISTERING/WAKING state machine), so a send costs one RMW to
//!   wake the receiver, and none of its own beyond that when nobody waits.
//! - **Capacity** (`semaphore.rs`): the bounded channel's semaphore is the
//!   crate's fair [`Semaphore`](crate::Semaphore): a one-CAS fast path;
//!   senders that must wait (for one slot, or `n` for `reserve_many`) queue
//!   FIFO under a mutex, collect freed slots in order, remove themselves
//!   when their future is dropped, and pass on slots they were handed but no
//!   longer want. The unbounded channel only counts messages in flight.
//! - **Teardown**: dropping the receiver closes the channel, drops the waker
//!   its last `recv` left (so that task is not kept alive by the senders) and
//!   drops the queued values, giving their slots back. Should a value's
//!   `Drop` panic, the rest are still dropped (by a guard, as a `Vec` does),
//!   here and when the channel itself goes.
//!
//! # Differences from Tokio
//!
//! - `len` also counts messages whose `send` is in progress (slot claimed,
//!   value not yet written). `try_recv`, like Tokio's, waits for such a
//!   message rather than reporting `Empty` when a later send has completed.
//! - `Sender::closed`/`UnboundedSender::closed` spend the task's cooperative
//!   budget when they complete (Tokio's do not), so a loop over a closed
//!   channel's `closed()` still yields to the scheduler.
//! - `send_timeout` needs the runtime's timer, which this crate reaches
//!   through a hook the runtime installs (`runtime_core::timer_hook`); it
//!   panics if no runtime with a time driver was built, as Tokio's does when
//!   timers are disabled.

mod atomic_waker;
mod block;
mod bounded;
mod chan;
pub mod error;
// The receivers' and senders' shared APIs (macros).
mod receiver;
mod semaphore;
mod sender;
mod unbounded;

pub use bounded::{channel, OwnedPermit, Permit, PermitIterator, Receiver, Sender, WeakSender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
