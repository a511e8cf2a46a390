//! Model-based random tests of the mpsc (bounded and unbounded) and oneshot
//! channels; broadcast and watch are in `model_channels_fanout.rs`, the
//! harness in `model_support/mod.rs`.
//!
//! Each case runs a random sequence of operations (send / try_send /
//! reserve / recv / try_recv / close / dropping and cloning handles), drawn
//! from one seed, on a current-thread runtime, against a `VecDeque` model.
//! Operations that would wait run in spawned tasks; after every operation
//! the test yields a few times so woken tasks run, then checks which tasks
//! finished and what they returned, every result (values, order,
//! Empty/Full/Closed/Disconnected), and which values are alive: every value
//! is tracked, so a leak or a double drop is caught at the operation that
//! causes it.
//!
//! A failing case prints its seed and its operations. Replay one with
//! `SEED=<seed> cargo test -p runtime-sync --test model_channels <test>`
//! (decimal or `0x` hex); `CASES=<n>` changes how many seeds run (default
//! 256), `TRACE=1` prints the operations as they run (for a hang).

mod model_support;

use model_support::{id_of, run, settle, ChanFut, Log, Rng, Tracker, Val};
use runtime::sync::{mpsc, oneshot};
use runtime::task::JoinHandle;
use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

/// Where the receiver of an mpsc channel is.
enum MpscRx<R> {
    Here(R),
    /// Waiting in `recv` in a task; the model's expected result once it may
    /// finish (`Some(None)`: `recv` returns `None`).
    Task(JoinHandle<(R, Option<Val>)>, Option<Option<u64>>),
    Dropped,
}

/// What a task waiting for capacity returns.
enum Waited {
    /// `send` (whether it succeeded).
    Sent(bool),
    /// `reserve_owned`.
    Reserved(Option<mpsc::OwnedPermit<Val>>),
}

fn mpsc_bounded(mut rng: Rng, tr: Arc<Tracker>, log: &mut Log) -> ChanFut<'_> {
    Box::pin(async move {
        let cap = 1 + rng.below(4);
        log.op(format!("mpsc::channel({cap})"));
        let (tx, rx) = mpsc::channel::<Val>(cap);
        let mut senders = vec![tx];
        let mut permits: Vec<mpsc::OwnedPermit<Val>> = Vec::new();
        let mut rx = MpscRx::Here(rx);
        // Sends (with their value's id) and `reserve_owned`s (`None`) waiting
        // for capacity, FIFO; each task holds a sender.
        let mut waiting: VecDeque<(Option<u64>, JoinHandle<Waited>)> = VecDeque::new();
        // The model.
        let mut queue: VecDeque<u64> = VecDeque::new();
        let mut closed = false;
        let mut rx_dropped = false;
        // Sent through a permit after the receiver was dropped: kept until
        // the channel is freed.
        let mut orphans: BTreeSet<u64> = BTreeSet::new();
        for step in 0..(10 + rng.below(120)) {
            let used = queue.len() + permits.len();
            let tx_count = senders.len() + permits.len() + waiting.len();
            let disconnected = (closed || tx_count == 0) && queue.is_empty() && permits.is_empty();
            match rng.below(17) {
                0..=2 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    let v = tr.val();
                    let id = v.id;
                    log.op(format!("tx{i}.try_send(v{id})"));
                    match senders[i].try_send(v) {
                        Ok(()) => {
                            assert!(!closed && used < cap, "try_send accepted");
                            queue.push_back(id);
                        }
                        Err(mpsc::error::TrySendError::Closed(v)) => {
                            assert!(closed, "Closed while open");
                            assert_eq!(v.id, id);
                        }
                        Err(mpsc::error::TrySendError::Full(v)) => {
                            assert!(!closed && used >= cap, "Full: {used} of {cap}");
                            assert_eq!(v.id, id);
                        }
                    }
                }
                3 | 4 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    let v = tr.val();
                    let id = v.id;
                    if closed || used < cap {
                        log.op(format!("tx{i}.send(v{id}).await"));
                        match senders[i].send(v).await {
                            Ok(()) => {
                                assert!(!closed, "send accepted after close");
                                queue.push_back(id);
                            }
                            Err(e) => {
                                assert!(closed, "send failed while open");
                                assert_eq!(e.0.id, id);
                            }
                        }
                    } else {
                        log.op(format!("spawn tx{i}.send(v{id}) (full)"));
                        let tx = senders[i].clone();
                        waiting.push_back((
                            Some(id),
                            runtime::spawn(async move { Waited::Sent(tx.send(v).await.is_ok()) }),
                        ));
                    }
                }
                5 | 6 if matches!(rx, MpscRx::Here(_)) => {
                    let MpscRx::Here(r) = &mut rx else {
                        unreachable!()
                    };
                    log.op("rx.try_recv()".into());
                    let got = r.try_recv();
                    match queue.pop_front() {
                        Some(id) => assert_eq!(got.map(|v| v.id), Ok(id)),
                        None if disconnected => {
                            assert_eq!(
                                got.map(|v| v.id),
                                Err(mpsc::error::TryRecvError::Disconnected)
                            )
                        }
                        None => {
                            assert_eq!(got.map(|v| v.id), Err(mpsc::error::TryRecvError::Empty))
                        }
                    }
                }
                7 | 8 if matches!(rx, MpscRx::Here(_)) => {
                    let MpscRx::Here(mut r) = std::mem::replace(&mut rx, MpscRx::Dropped) else {
                        unreachable!()
                    };
                    if !queue.is_empty() || disconnected {
                        log.op("rx.recv().await".into());
                        let got = r.recv().await;
                        assert_eq!(id_of(&got), queue.pop_front(), "recv");
                        rx = MpscRx::Here(r);
                    } else {
                        log.op("spawn rx.recv() (empty)".into());
                        let task = runtime::spawn(async move {
                            let v = r.recv().await;
                            (r, v)
                        });
                        rx = MpscRx::Task(task, None);
                    }
                }
                9 if matches!(rx, MpscRx::Here(_)) => {
                    log.op("rx.close()".into());
                    if let MpscRx::Here(r) = &mut rx {
                        r.close();
                    }
                    closed = true;
                }
                10 if !rx_dropped => {
                    log.op("drop rx (or abort its recv task)".into());
                    if let MpscRx::Task(t, _) = std::mem::replace(&mut rx, MpscRx::Dropped) {
                        t.abort();
                        let _ = t.await;
                    }
                    closed = true;
                    rx_dropped = true;
                    queue.clear();
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
                13 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    log.op(format!("tx{i}.try_reserve_owned()"));
                    let tx = senders.swap_remove(i);
                    match tx.try_reserve_owned() {
                        Ok(p) => {
                            assert!(!closed && used < cap, "reserved");
                            permits.push(p);
                        }
                        Err(mpsc::error::TrySendError::Closed(tx)) => {
                            assert!(closed, "Closed while open");
                            senders.push(tx);
                        }
                        Err(mpsc::error::TrySendError::Full(tx)) => {
                            assert!(!closed && used >= cap, "Full: {used} of {cap}");
                            senders.push(tx);
                        }
                    }
                }
                14 if !permits.is_empty() => {
                    let i = rng.below(permits.len());
                    let p = permits.swap_remove(i);
                    match rng.below(3) {
                        0 => {
                            let v = tr.val();
                            log.op(format!("permit{i}.send(v{})", v.id));
                            if rx_dropped {
                                orphans.insert(v.id);
                            } else {
                                queue.push_back(v.id);
                            }
                            senders.push(p.send(v));
                        }
                        1 => {
                            log.op(format!("permit{i}.release()"));
                            senders.push(p.release());
                        }
                        _ => log.op(format!("drop permit{i}")),
                    }
                }
                15 if !waiting.is_empty() => {
                    let i = rng.below(waiting.len());
                    log.op(format!("abort waiting #{i}: {:?}", waiting[i].0));
                    let (_, t) = waiting.remove(i).unwrap();
                    t.abort();
                    assert!(matches!(t.await, Err(e) if e.is_cancelled()), "aborted");
                }
                16 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    let tx = senders.swap_remove(i);
                    if closed || used < cap {
                        log.op(format!("tx{i}.reserve_owned().await"));
                        match tx.reserve_owned().await {
                            Ok(p) => {
                                assert!(!closed, "reserved after close");
                                permits.push(p);
                            }
                            Err(_) => assert!(closed, "reserve failed while open"),
                        }
                    } else {
                        log.op(format!("spawn tx{i}.reserve_owned() (full)"));
                        let task = runtime::spawn(async move {
                            Waited::Reserved(tx.reserve_owned().await.ok())
                        });
                        waiting.push_back((None, task));
                    }
                }
                _ => log.op("yield".into()),
            }
            settle().await;
            let when = format!("after step {step}");
            // What the tasks may do now, in the model.
            loop {
                let used = queue.len() + permits.len();
                let tx_count = senders.len() + permits.len() + waiting.len();
                let disconnected =
                    (closed || tx_count == 0) && queue.is_empty() && permits.is_empty();
                if let MpscRx::Task(_, expect @ None) = &mut rx {
                    if let Some(id) = queue.pop_front() {
                        *expect = Some(Some(id));
                        continue;
                    } else if disconnected {
                        *expect = Some(None);
                        continue;
                    }
                }
                if (closed || used < cap) && !waiting.is_empty() {
                    // The first waiter gets the capacity, or all fail.
                    let (id, t) = waiting.pop_front().unwrap();
                    assert!(t.is_finished(), "{when}: waiting {id:?} still waiting");
                    match (t.await.unwrap(), id) {
                        (Waited::Sent(ok), Some(id)) => {
                            assert_eq!(ok, !closed, "{when}: waiting send of v{id}");
                            if ok {
                                queue.push_back(id);
                            }
                        }
                        (Waited::Reserved(p), None) => {
                            assert_eq!(p.is_some(), !closed, "{when}: waiting reserve");
                            permits.extend(p);
                        }
                        _ => unreachable!(),
                    }
                    continue;
                }
                break;
            }
            if tx_count_after(&senders, &permits, &waiting) == 0 && rx_dropped {
                orphans.clear();
            }
            for (id, t) in &waiting {
                assert!(!t.is_finished(), "{when}: waiting {id:?} finished early");
            }
            if let MpscRx::Task(t, expect) = &rx {
                match expect {
                    None => assert!(!t.is_finished(), "{when}: recv finished early"),
                    Some(expect) => {
                        assert!(t.is_finished(), "{when}: recv still waiting");
                        let expect = *expect;
                        let MpscRx::Task(t, _) = std::mem::replace(&mut rx, MpscRx::Dropped) else {
                            unreachable!()
                        };
                        let (r, got) = t.await.unwrap();
                        assert_eq!(id_of(&got), expect, "{when}: recv in a task");
                        rx = MpscRx::Here(r);
                    }
                }
            }
            let mut live: BTreeSet<u64> = queue.iter().copied().collect();
            live.extend(waiting.iter().filter_map(|(id, _)| *id));
            live.extend(orphans.iter().copied());
            tr.check(&live, &when);
            if let MpscRx::Here(r) = &rx {
                assert_eq!(r.len(), queue.len(), "{when}: rx.len()");
            }
        }
        log.op("drop everything".into());
        for (_, t) in waiting {
            t.abort();
            let _ = t.await;
        }
        drop((senders, permits, rx));
    })
}

fn tx_count_after<T>(
    senders: &[mpsc::Sender<T>],
    permits: &[mpsc::OwnedPermit<T>],
    waiting: &VecDeque<(Option<u64>, JoinHandle<Waited>)>,
) -> usize {
    senders.len() + permits.len() + waiting.len()
}

#[test]
fn mpsc_bounded_matches_model() {
    run(
        env!("CARGO_CRATE_NAME"),
        "mpsc_bounded_matches_model",
        mpsc_bounded,
    );
}

fn mpsc_unbounded(mut rng: Rng, tr: Arc<Tracker>, log: &mut Log) -> ChanFut<'_> {
    Box::pin(async move {
        let (tx, rx) = mpsc::unbounded_channel::<Val>();
        let mut senders = vec![tx];
        let mut rx = MpscRx::Here(rx);
        let mut queue: VecDeque<u64> = VecDeque::new();
        let mut closed = false;
        let mut rx_dropped = false;
        for step in 0..(10 + rng.below(120)) {
            let disconnected = (closed || senders.is_empty()) && queue.is_empty();
            match rng.below(10) {
                0..=2 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    let v = tr.val();
                    let id = v.id;
                    log.op(format!("tx{i}.send(v{id})"));
                    match senders[i].send(v) {
                        Ok(()) => {
                            assert!(!closed, "send accepted after close");
                            queue.push_back(id);
                        }
                        Err(e) => {
                            assert!(closed, "send failed while open");
                            assert_eq!(e.0.id, id);
                        }
                    }
                    assert_eq!(senders[i].is_closed(), closed, "is_closed");
                }
                3 if matches!(rx, MpscRx::Here(_)) => {
                    let MpscRx::Here(r) = &mut rx else {
                        unreachable!()
                    };
                    log.op("rx.try_recv()".into());
                    let got = r.try_recv().map(|v| v.id);
                    match queue.pop_front() {
                        Some(id) => assert_eq!(got, Ok(id)),
                        None if disconnected => {
                            assert_eq!(got, Err(mpsc::error::TryRecvError::Disconnected))
                        }
                        None => assert_eq!(got, Err(mpsc::error::TryRecvError::Empty)),
                    }
                }
                4 | 5 if matches!(rx, MpscRx::Here(_)) => {
                    let MpscRx::Here(mut r) = std::mem::replace(&mut rx, MpscRx::Dropped) else {
                        unreachable!()
                    };
                    if !queue.is_empty() || disconnected {
                        log.op("rx.recv().await".into());
                        let got = r.recv().await;
                        assert_eq!(id_of(&got), queue.pop_front(), "recv");
                        rx = MpscRx::Here(r);
                    } else {
                        log.op("spawn rx.recv() (empty)".into());
                        let task = runtime::spawn(async move {
                            let v = r.recv().await;
                            (r, v)
                        });
                        rx = MpscRx::Task(task, None);
                    }
                }
                6 if matches!(rx, MpscRx::Here(_)) => {
                    log.op("rx.close()".into());
                    if let MpscRx::Here(r) = &mut rx {
                        r.close();
                    }
                    closed = true;
                }
                7 if !rx_dropped && rng.below(2) == 0 => {
                    log.op("drop rx (or abort its recv task)".into());
                    if let MpscRx::Task(t, _) = std::mem::replace(&mut rx, MpscRx::Dropped) {
                        t.abort();
                        let _ = t.await;
                    }
                    closed = true;
                    rx_dropped = true;
                    queue.clear();
                }
                8 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    log.op(format!("tx{i}.clone()"));
                    let c = senders[i].clone();
                    senders.push(c);
                }
                9 if !senders.is_empty() => {
                    let i = rng.below(senders.len());
                    log.op(format!("drop tx{i}"));
                    senders.swap_remove(i);
                }
                _ => log.op("yield".into()),
            }
            settle().await;
            let when = format!("after step {step}");
            let disconnected = (closed || senders.is_empty()) && queue.is_empty();
            if let MpscRx::Task(t, _) = &rx {
                if queue.is_empty() && !disconnected {
                    assert!(!t.is_finished(), "{when}: recv finished early");
                } else {
                    assert!(t.is_finished(), "{when}: recv still waiting");
                    let MpscRx::Task(t, _) = std::mem::replace(&mut rx, MpscRx::Dropped) else {
                        unreachable!()
                    };
                    let (r, got) = t.await.unwrap();
                    assert_eq!(id_of(&got), queue.pop_front(), "{when}: recv in a task");
                    rx = MpscRx::Here(r);
                }
            }
            tr.check(&queue.iter().copied().collect(), &when);
            if let MpscRx::Here(r) = &rx {
                assert_eq!(r.len(), queue.len(), "{when}: rx.len()");
                assert_eq!(
                    r.is_closed(),
                    closed || senders.is_empty(),
                    "{when}: rx.is_closed()"
                );
            }
        }
    })
}

#[test]
fn mpsc_unbounded_matches_model() {
    run(
        env!("CARGO_CRATE_NAME"),
        "mpsc_unbounded_matches_model",
        mpsc_unbounded,
    );
}

/// Where the oneshot receiver is.
enum OneRx {
    Here(oneshot::Receiver<Val>),
    /// Awaited in a task.
    Task(JoinHandle<Result<Val, oneshot::error::RecvError>>),
    Gone,
}

fn oneshot_case(mut rng: Rng, tr: Arc<Tracker>, log: &mut Log) -> ChanFut<'_> {
    Box::pin(async move {
        let (tx, rx) = oneshot::channel::<Val>();
        let mut tx = Some(tx);
        let mut rx = OneRx::Here(rx);
        // The model: the value in the channel, whether it was ever sent,
        // taken, and whether the receiver closed or went away.
        let mut slot: Option<u64> = None;
        let (mut taken, mut rx_closed, mut tx_gone) = (false, false, false);
        // `try_recv` returned a value or `Closed`: the receiver is done and
        // must not be awaited (it panics, as Tokio's does).
        let mut terminated = false;
        for step in 0..(4 + rng.below(12)) {
            match rng.below(8) {
                0 | 1 if tx.is_some() => {
                    let v = tr.val();
                    let id = v.id;
                    log.op(format!("tx.send(v{id})"));
                    let res = tx.take().unwrap().send(v).map_err(|v| v.id);
                    tx_gone = true;
                    if rx_closed {
                        assert_eq!(res, Err(id), "send to a closed receiver");
                    } else {
                        assert_eq!(res, Ok(()), "send");
                        slot = Some(id);
                    }
                }
                2 if tx.is_some() => {
                    log.op("drop tx".into());
                    tx = None;
                    tx_gone = true;
                }
                3 if tx.is_some() => {
                    log.op("tx.is_closed()".into());
                    assert_eq!(tx.as_ref().unwrap().is_closed(), rx_closed, "is_closed");
                }
                4 | 5 if matches!(rx, OneRx::Here(_)) => {
                    let OneRx::Here(r) = &mut rx else {
                        unreachable!()
                    };
                    log.op("rx.try_recv()".into());
                    let got = r.try_recv().map(|v| v.id);
                    match slot.take() {
                        Some(id) => {
                            assert_eq!(got, Ok(id));
                            taken = true;
                            terminated = true;
                        }
                        None if tx_gone || taken || rx_closed => {
                            assert_eq!(got, Err(oneshot::error::TryRecvError::Closed));
                            terminated = true;
                        }
                        None => assert_eq!(got, Err(oneshot::error::TryRecvError::Empty)),
                    }
                }
                6 if matches!(rx, OneRx::Here(_)) => {
                    log.op("rx.close()".into());
                    if let OneRx::Here(r) = &mut rx {
                        r.close();
                    }
                    rx_closed = true;
                }
                7 if matches!(rx, OneRx::Here(_)) && !terminated => {
                    if rng.below(3) == 0 {
                        log.op("drop rx".into());
                        rx = OneRx::Gone;
                        rx_closed = true;
                        slot = None;
                    } else {
                        log.op("spawn rx.await".into());
                        let OneRx::Here(r) = std::mem::replace(&mut rx, OneRx::Gone) else {
                            unreachable!()
                        };
                        rx = OneRx::Task(runtime::spawn(r));
                    }
                }
                _ => log.op("yield".into()),
            }
            settle().await;
            let when = format!("after step {step}");
            if let OneRx::Task(t) = &rx {
                if slot.is_none() && !tx_gone && !rx_closed {
                    assert!(!t.is_finished(), "{when}: rx.await finished early");
                } else {
                    assert!(t.is_finished(), "{when}: rx.await still waiting");
                    let OneRx::Task(t) = std::mem::replace(&mut rx, OneRx::Gone) else {
                        unreachable!()
                    };
                    let got = t.await.unwrap().map(|v| v.id).map_err(|_| ());
                    assert_eq!(got, slot.take().ok_or(()), "{when}: rx.await");
                    taken = true;
                }
            }
            if let OneRx::Here(r) = &rx {
                assert_eq!(r.is_terminated(), terminated, "{when}: is_terminated");
            }
            tr.check(&slot.iter().copied().collect(), &when);
        }
    })
}

#[test]
fn oneshot_matches_model() {
    run(
        env!("CARGO_CRATE_NAME"),
        "oneshot_matches_model",
        oneshot_case,
    );
}
