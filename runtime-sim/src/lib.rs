//! Deterministic simulation: the same `runtime::net`, `runtime::time` and
//! `runtime::spawn` code, run by a seeded single-thread scheduler on virtual
//! time over a simulated, faulty network. Users reach it as `runtime::sim`
//! (the facade's `sim` feature).
//!
//! ```
//! use runtime::io::{AsyncReadExt, AsyncWriteExt};
//! use runtime::net::{TcpListener, TcpStream};
//! use std::time::Duration;
//!
//! let mut sim = runtime::sim::Builder::new()
//!     .seed(7)
//!     .latency(Duration::from_millis(5), Duration::from_millis(50))
//!     .build()
//!     .unwrap();
//! sim.host("echo", || async {
//!     let listener = TcpListener::bind("0.0.0.0:9000").await.unwrap();
//!     while let Ok((mut s, _)) = listener.accept().await {
//!         runtime::spawn(async move {
//!             let mut buf = vec![0; 64];
//!             while let Ok(n @ 1..) = s.read(&mut buf).await {
//!                 s.write_all(&buf[..n]).await.unwrap();
//!             }
//!         });
//!     }
//! });
//! sim.client("test", async {
//!     let mut s = TcpStream::connect("echo:9000").await.unwrap();
//!     s.write_all(b"ping").await.unwrap();
//!     let mut buf = [0; 4];
//!     s.read_exact(&mut buf).await.unwrap();
//!     assert_eq!(&buf, b"ping");
//! });
//! sim.run().unwrap();
//! ```
//!
//! # Design
//!
//! *Scheduling* (`sim.rs`, `sched.rs`): every host incarnation has its own
//! owned task list; woken tasks of all hosts go to one ready list, and each
//! step runs one picked by the seeded generator. While a task runs, its
//! host's scheduler is entered in `runtime_core::spawn_hook`, which the
//! facade's `spawn`, `spawn_local`, `spawn_blocking` (run as a task: see
//! SIMULATION.md) and `select!` consult first; so spawned tasks belong to
//! the same host, and `select!` draws its branch order from the seed.
//!
//! *Time*: the simulation owns a reactor (`runtime_reactor::Driver`) with a
//! paused clock; `runtime::time` finds it as the current reactor. When no
//! task is ready the loop turns it, and a paused reactor jumps its clock to
//! the next timer and fires it. Virtual time is exact to the millisecond.
//!
//! *Network* (`net/`): see that module. `runtime::net`'s sockets ask
//! [`in_sim`] when created and then hold a simulated socket instead of an OS
//! one.
//!
//! *Determinism*: all randomness comes from three generators seeded from
//! the one seed (scheduling, network, `select!`), the loop is single-threaded
//! and iterates no hash map; the trace hash folds every decision in.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod builder;
mod check;
mod context;
pub mod net;
mod report;
mod rng;
mod sched;
mod sim;
mod trace;

pub use builder::{Builder, SEED_ENV};
pub use check::{bounce, check, crash, note, partition, random_u64, repair};
pub use context::in_sim;
pub use net::NetStats;
pub use sim::{HostResult, Hosts, Sim, SimError};
