//! Model-based random tests of the broadcast and watch channels (mpsc and
//! oneshot are in `model_channels.rs`, the harness in
//! `model_support/mod.rs`).
//!
//! Broadcast is checked against per-receiver cursors over the positions
//! sent, with the exact capacity and `Lagged(n)` semantics of
//! `runtime-sync/src/broadcast.rs`; watch against the latest value and a
//! per-receiver "changed" flag. As in `model_channels.rs`: waiting operations
//! run in spawned tasks, every result and every value's liveness is checked
//! after every operation, and a failing case prints its seed and operations.
//! Replay one with
//! `SEED=<seed> cargo test -p runtime-sync --test model_channels_fanout <test>`;
//! `CASES=<n>` and `TRACE=1` as there.

mod model_support;

use model_support::{run, settle, ChanFut, Log, Rng, Tracker, Val};
use runtime::sync::{broadcast, watch};
use runtime::task::JoinHandle;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A broadcast receiver, with the model's cursor (its next position).
enum BRx {
    Here(broadcast::Receiver<Val>, u64),
    /// Waiting in `recv` in a task; the expected result once it may finish.
    Task(
        JoinHandle<(
            broadcast::Receiver<Val>,
            Result<Val, broadcast::error::RecvError>,
        )>,
        u64,
        Option<Result<u64, broadcast::error::RecvError>>,
    ),
}

impl BRx {
    fn next(&self) -> u64 {
        match self {
            BRx::Here(_, next) | BRx::Task(_, next, _) => *next,
        }
    }
}

/// The broadcast model's `try_recv` for a receiver at `next`.
fn broadcast_model_recv(
    next: &mut u64,
    tail: u64,
    cap: usize,
    values: &BTreeMap<u64, u64>,
    closed: bool,
) -> Result<u64, broadcast::error::TryRecvError> {
    use broadcast::error::TryRecvError;
    if *next >= tail {
        return Err(if closed {
            TryRecvError::Closed
        } else {
            TryRecvError::Empty
        });
    }
    let oldest = tail.saturating_sub(cap as u64);
    if *next < oldest {
        let missed = oldest - *next;
        *next = oldest;
        return Err(TryRecvError::Lagged(missed));
    }
    let id = values[next];
    *next += 1;
    Ok(id)
}

fn to_recv_error(e: broadcast::error::TryRecvError) -> broadcast::error::RecvError {
    match e {
        broadcast::error::TryRecvError::Closed => broadcast::error::RecvError::Closed,
        broadcast::error::TryRecvError::Lagged(n) => broadcast::error::RecvError::Lagged(n),
        broadcast::error::TryRecvError::Empty => unreachable!("recv does not return Empty"),
    }
}

fn broadcast_case(mut rng: Rng, tr: Arc<Tracker>, log: &mut Log) -> ChanFut<'_> {
    Box::pin(async move {
        let cap = 1 + rng.below(4);
        log.op(format!("broadcast::channel({cap})"));
        let (tx, rx) = broadcast::channel::<Val>(cap);
        let mut senders = vec![tx];
        let mut receivers = vec![BRx::Here(rx, 0)];
        // The model: position -> value id of everything sent, and the next
        // position.
        let mut values: BTreeMap<u64, u64> = BTreeMap::new();
        let mut tail = 0u64;
        for step in 0..(10 + rng.below(150)) {
            let closed = senders.is_empty();
            let here: Vec<usize> = (0..receivers.len())
                .filter(|&i| matches!(receivers[i], BRx::Here(..)))
                .collect();
            match rng.below(14) {
                0..=3 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    let v = tr.val();
                    let id = v.id;
                    log.op(format!("tx{i}.send(v{id})"));
                    match senders[i].send(v) {
                        Ok(n) => {
                            assert_eq!(n, receivers.len(), "send's receiver count");
                            values.insert(tail, id);
                            tail += 1;
                        }
                        Err(e) => {
                            assert!(receivers.is_empty(), "send failed with receivers");
                            assert_eq!(e.0.id, id);
                        }
                    }
                }
                4..=6 if !here.is_empty() => {
                    let i = here[rng.below(here.len())];
                    let BRx::Here(r, next) = &mut receivers[i] else {
                        unreachable!()
                    };
                    log.op(format!("rx{i}.try_recv() (at {next}, tail {tail})"));
                    let got = r.try_recv().map(|v| v.id);
                    let expect = broadcast_model_recv(next, tail, cap, &values, closed);
                    assert_eq!(got, expect, "try_recv");
                }
                7 | 8 if !here.is_empty() => {
                    let i = here[rng.below(here.len())];
                    let BRx::Here(r, next) = &mut receivers[i] else {
                        unreachable!()
                    };
                    if *next < tail || closed {
                        log.op(format!("rx{i}.recv().await (at {next}, tail {tail})"));
                        let got = r.recv().await.map(|v| v.id);
                        let expect = broadcast_model_recv(next, tail, cap, &values, closed)
                            .map_err(to_recv_error);
                        assert_eq!(got, expect, "recv");
                    } else {
                        log.op(format!("spawn rx{i}.recv() (at {next}, empty)"));
                        let next = *next;
                        let task = match receivers.swap_remove(i) {
                            BRx::Here(mut r, _) => runtime::spawn(async move {
                                let res = r.recv().await;
                                (r, res)
                            }),
                            BRx::Task(..) => unreachable!(),
                        };
                        receivers.push(BRx::Task(task, next, None));
                    }
                }
                9 if !senders.is_empty() || !here.is_empty() => {
                    let r = if !senders.is_empty() && (here.is_empty() || rng.below(2) == 0) {
                        let i = rng.below(senders.len());
                        log.op(format!("tx{i}.subscribe() (tail {tail})"));
                        senders[i].subscribe()
                    } else {
                        let i = here[rng.below(here.len())];
                        log.op(format!("rx{i}.resubscribe() (tail {tail})"));
                        match &receivers[i] {
                            BRx::Here(r, _) => r.resubscribe(),
                            BRx::Task(..) => unreachable!(),
                        }
                    };
                    receivers.push(BRx::Here(r, tail));
                }
                10 if !receivers.is_empty() => {
                    let i = rng.below(receivers.len());
                    log.op(format!("drop rx{i} (at {})", receivers[i].next()));
                    if let BRx::Task(t, ..) = receivers.swap_remove(i) {
                        t.abort();
                        let _ = t.await;
                    }
                }
                11 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    log.op(format!("tx{i}.clone()"));
                    let c = senders[i].clone();
                    senders.push(c);
                }
                12 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    log.op(format!("drop tx{i}"));
                    senders.swap_remove(i);
                }
                _ => log.op("yield".into()),
            }
            settle().await;
            let when = format!("after step {step}");
            let closed = senders.is_empty();
            for i in 0..receivers.len() {
                if let BRx::Task(t, next, expect) = &mut receivers[i] {
                    if expect.is_none() && (*next < tail || closed) {
                        *expect = Some(
                            broadcast_model_recv(next, tail, cap, &values, closed)
                                .map_err(to_recv_error),
                        );
                    }
                    if expect.is_none() {
                        assert!(!t.is_finished(), "{when}: rx{i}'s recv finished early");
                        continue;
                    }
                    assert!(t.is_finished(), "{when}: rx{i}'s recv still waiting");
                }
                if let BRx::Task(..) = receivers[i] {
                    let BRx::Task(t, next, Some(expect)) = receivers.swap_remove(i) else {
                        unreachable!()
                    };
                    let (r, got) = t.await.unwrap();
                    assert_eq!(got.map(|v| v.id), expect, "{when}: rx{i}'s recv in a task");
                    receivers.push(BRx::Here(r, next));
                    let last = receivers.len() - 1;
                    receivers.swap(i, last);
                }
            }
            // Alive: values still kept (within capacity) that some receiver
            // has yet to read.
            let oldest = tail.saturating_sub(cap as u64);
            let min_next = receivers.iter().map(BRx::next).min();
            let live: BTreeSet<u64> = values
                .range(oldest..)
                .filter(|(&pos, _)| min_next.is_some_and(|m| m <= pos))
                .map(|(_, &id)| id)
                .collect();
            tr.check(&live, &when);
            for (i, r) in receivers.iter().enumerate() {
                if let BRx::Here(r, next) = r {
                    assert_eq!(r.len() as u64, tail - next, "{when}: rx{i}.len()");
                }
            }
            for s in &senders {
                assert_eq!(
                    s.receiver_count(),
                    receivers.len(),
                    "{when}: receiver_count"
                );
            }
        }
        log.op("drop everything".into());
        for r in receivers {
            if let BRx::Task(t, ..) = r {
                t.abort();
                let _ = t.await;
            }
        }
    })
}

#[test]
fn broadcast_matches_model() {
    run(
        env!("CARGO_CRATE_NAME"),
        "broadcast_matches_model",
        broadcast_case,
    );
}

/// A watch receiver, with the model's "has an unseen version" flag.
enum WRx {
    Here(watch::Receiver<Val>, bool),
    /// Waiting in `changed` in a task; the expected result once it may
    /// finish.
    Task(
        JoinHandle<(watch::Receiver<Val>, Result<(), watch::error::RecvError>)>,
        Option<bool>,
    ),
}

fn watch_case(mut rng: Rng, tr: Arc<Tracker>, log: &mut Log) -> ChanFut<'_> {
    Box::pin(async move {
        let v = tr.val();
        let mut current = v.id;
        log.op(format!("watch::channel(v{current})"));
        let (tx, rx) = watch::channel(v);
        let mut senders = vec![tx];
        let mut receivers = vec![WRx::Here(rx, false)];
        for step in 0..(10 + rng.below(120)) {
            if senders.is_empty() && receivers.is_empty() {
                break;
            }
            let closed = senders.is_empty();
            let here: Vec<usize> = (0..receivers.len())
                .filter(|&i| matches!(receivers[i], WRx::Here(..)))
                .collect();
            let mut mark_all_changed = false;
            match rng.below(16) {
                0..=2 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    let v = tr.val();
                    let id = v.id;
                    log.op(format!("tx{i}.send(v{id})"));
                    match senders[i].send(v) {
                        Ok(()) => {
                            assert!(!receivers.is_empty(), "send without receivers");
                            current = id;
                            mark_all_changed = true;
                        }
                        Err(e) => {
                            assert!(receivers.is_empty(), "send failed with receivers");
                            assert_eq!(e.0.id, id);
                        }
                    }
                }
                3 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    let v = tr.val();
                    let id = v.id;
                    log.op(format!("tx{i}.send_replace(v{id})"));
                    assert_eq!(senders[i].send_replace(v).id, current, "send_replace");
                    current = id;
                    mark_all_changed = true;
                }
                4 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    log.op(format!("tx{i}.borrow()"));
                    assert_eq!(senders[i].borrow().id, current, "tx.borrow()");
                    assert_eq!(senders[i].receiver_count(), receivers.len());
                    assert_eq!(senders[i].is_closed(), receivers.is_empty());
                }
                5..=7 if !here.is_empty() => {
                    let i = here[rng.below(here.len())];
                    let WRx::Here(r, changed) = &mut receivers[i] else {
                        unreachable!()
                    };
                    match rng.below(5) {
                        0 => {
                            log.op(format!("rx{i}.borrow()"));
                            assert_eq!(r.borrow().id, current, "borrow");
                        }
                        1 => {
                            log.op(format!("rx{i}.borrow_and_update()"));
                            assert_eq!(r.borrow_and_update().id, current, "borrow_and_update");
                            *changed = false;
                        }
                        2 => {
                            log.op(format!("rx{i}.has_changed()"));
                            let got = r.has_changed().map_err(|_| ());
                            assert_eq!(got, if closed { Err(()) } else { Ok(*changed) });
                        }
                        3 => {
                            log.op(format!("rx{i}.mark_changed()"));
                            r.mark_changed();
                            *changed = true;
                        }
                        _ => {
                            log.op(format!("rx{i}.mark_unchanged()"));
                            r.mark_unchanged();
                            *changed = false;
                        }
                    }
                }
                8 | 9 if !here.is_empty() => {
                    let i = here[rng.below(here.len())];
                    let WRx::Here(r, changed) = &mut receivers[i] else {
                        unreachable!()
                    };
                    if *changed || closed {
                        log.op(format!("rx{i}.changed().await"));
                        let got = r.changed().await.map_err(|_| ());
                        assert_eq!(got, if *changed { Ok(()) } else { Err(()) }, "changed");
                        *changed = false;
                    } else {
                        log.op(format!("spawn rx{i}.changed() (unchanged)"));
                        let WRx::Here(mut r, _) = receivers.swap_remove(i) else {
                            unreachable!()
                        };
                        let task = runtime::spawn(async move {
                            let res = r.changed().await;
                            (r, res)
                        });
                        receivers.push(WRx::Task(task, None));
                    }
                }
                10 if !senders.is_empty() || !here.is_empty() => {
                    if !senders.is_empty() && (here.is_empty() || rng.below(2) == 0) {
                        let i = rng.below(senders.len());
                        log.op(format!("tx{i}.subscribe()"));
                        let r = senders[i].subscribe();
                        receivers.push(WRx::Here(r, false));
                    } else {
                        let i = here[rng.below(here.len())];
                        log.op(format!("rx{i}.clone()"));
                        let WRx::Here(r, changed) = &receivers[i] else {
                            unreachable!()
                        };
                        let c = WRx::Here(r.clone(), *changed);
                        receivers.push(c);
                    }
                }
                11 if !receivers.is_empty() => {
                    let i = rng.below(receivers.len());
                    log.op(format!("drop rx{i}"));
                    if let WRx::Task(t, _) = receivers.swap_remove(i) {
                        t.abort();
                        let _ = t.await;
                    }
                }
                12 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    log.op(format!("tx{i}.clone()"));
                    let c = senders[i].clone();
                    senders.push(c);
                }
                13 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    log.op(format!("drop tx{i}"));
                    senders.swap_remove(i);
                }
                _ => log.op("yield".into()),
            }
            if mark_all_changed {
                for r in &mut receivers {
                    match r {
                        WRx::Here(_, changed) => *changed = true,
                        WRx::Task(_, expect) => {
                            if expect.is_none() {
                                *expect = Some(true);
                            }
                        }
                    }
                }
            }
            settle().await;
            let when = format!("after step {step}");
            let closed = senders.is_empty();
            for i in 0..receivers.len() {
                if let WRx::Task(t, expect) = &mut receivers[i] {
                    if expect.is_none() && closed {
                        *expect = Some(false);
                    }
                    if expect.is_none() {
                        assert!(!t.is_finished(), "{when}: rx{i}'s changed finished early");
                        continue;
                    }
                    assert!(t.is_finished(), "{when}: rx{i}'s changed still waiting");
                    let ok = expect.unwrap();
                    let WRx::Task(t, _) = receivers.swap_remove(i) else {
                        unreachable!()
                    };
                    let (r, got) = t.await.unwrap();
                    assert_eq!(got.is_ok(), ok, "{when}: rx{i}'s changed in a task");
                    // Seen now (or closed and unchanged).
                    receivers.push(WRx::Here(r, false));
                    let last = receivers.len() - 1;
                    receivers.swap(i, last);
                }
            }
            let live: BTreeSet<u64> = if senders.is_empty() && receivers.is_empty() {
                BTreeSet::new()
            } else {
                [current].into()
            };
            tr.check(&live, &when);
        }
        log.op("drop everything".into());
        for r in receivers {
            if let WRx::Task(t, _) = r {
                t.abort();
                let _ = t.await;
            }
        }
    })
}

#[test]
fn watch_matches_model() {
    run(env!("CARGO_CRATE_NAME"), "watch_matches_model", watch_case);
}
