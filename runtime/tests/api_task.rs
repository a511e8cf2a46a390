//! Behaviour of the `runtime::task` items that mirror Tokio's: task ids,
//! task-locals, `unconstrained` and `task::coop`, `LocalSet::enter`, and the
//! `JoinSet` additions.

use runtime::task::{self, coop, Id, JoinSet, LocalSet};
use std::collections::HashSet;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

fn multi_thread(workers: usize) -> runtime::Runtime {
    runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

fn current_thread() -> runtime::Runtime {
    runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Polls `fut` to completion, counting its polls.
async fn count_polls<F: Future>(fut: F) -> (F::Output, usize) {
    let mut fut = pin!(fut);
    let mut polls = 0;
    let out = poll_fn(|cx| {
        polls += 1;
        fut.as_mut().poll(cx)
    })
    .await;
    (out, polls)
}

// ---- ids ----

#[test]
fn ids_are_unique_and_agree_between_handles_and_the_task() {
    let rt = multi_thread(2);
    rt.block_on(async {
        let mut ids = HashSet::new();
        let mut handles = Vec::new();
        for _ in 0..200 {
            let h = task::spawn(async {
                let first = task::id();
                task::yield_now().await;
                assert_eq!(task::id(), first, "a task's id does not change");
                assert_eq!(task::try_id(), Some(first));
                first
            });
            assert!(ids.insert(h.id()), "ids are unique");
            assert_eq!(h.abort_handle().id(), h.id());
            handles.push(h);
        }
        for h in handles {
            let id = h.id();
            assert_eq!(h.await.unwrap(), id);
        }
        // Blocking tasks have ids too, current while the closure runs.
        let h = task::spawn_blocking(task::id);
        let id = h.id();
        assert!(!ids.contains(&id));
        assert_eq!(h.await.unwrap(), id);
    });
}

#[test]
fn ids_are_unique_across_runtimes_and_threads() {
    let all = Arc::new(Mutex::new(Vec::<Id>::new()));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let all = all.clone();
            thread::spawn(move || {
                let rt = current_thread();
                rt.block_on(async {
                    for _ in 0..500 {
                        let id = task::spawn(async {}).id();
                        all.lock().unwrap().push(id);
                    }
                });
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let all = all.lock().unwrap();
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), 1000);
}

#[test]
fn no_id_outside_a_task_and_id_panics_with_a_clear_message() {
    assert_eq!(task::try_id(), None);
    let rt = current_thread();
    rt.block_on(async {
        // `block_on`'s future is not a task.
        assert_eq!(task::try_id(), None);
        let err = std::panic::catch_unwind(task::id).unwrap_err();
        let msg = err
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| err.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(msg.contains("outside a task"), "message: {msg}");
        // Back out of a task, the id is gone again.
        task::spawn(async {}).await.unwrap();
        assert_eq!(task::try_id(), None);
    });
}

#[test]
fn id_is_current_while_the_future_is_dropped() {
    struct RecordOnDrop(Arc<Mutex<Option<Option<Id>>>>);
    impl Drop for RecordOnDrop {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = Some(task::try_id());
        }
    }
    let rt = current_thread();
    rt.block_on(async {
        let seen = Arc::new(Mutex::new(None));
        let guard = RecordOnDrop(seen.clone());
        let h = task::spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        });
        task::yield_now().await;
        let id = h.id();
        h.abort();
        assert!(h.await.unwrap_err().is_cancelled());
        assert_eq!(*seen.lock().unwrap(), Some(Some(id)));
    });
}

#[test]
fn local_set_tasks_have_their_own_ids_inside_an_outer_task() {
    let rt = current_thread();
    // The outer task is itself a local task: a `LocalSet` held across an
    // `.await` makes the future `!Send`.
    LocalSet::new().block_on(&rt, async {
        task::spawn_local(async {
            let outer = task::id();
            let local = LocalSet::new();
            let inner = local
                .run_until(async {
                    let h = task::spawn_local(async { task::id() });
                    let id = h.id();
                    assert_eq!(h.await.unwrap(), id);
                    id
                })
                .await;
            assert_ne!(inner, outer);
            assert_eq!(task::id(), outer, "the outer id is restored");
        })
        .await
        .unwrap();
    });
}

#[test]
fn join_error_carries_the_id_on_panic_and_abort() {
    let rt = multi_thread(2);
    rt.block_on(async {
        let h = task::spawn(async { panic!("boom") });
        let id = h.id();
        let err = h.await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(err.id(), id);
        assert_eq!(
            err.to_string(),
            format!("task {id} panicked with message \"boom\"")
        );
        assert_eq!(
            format!("{err:?}"),
            format!("JoinError::Panic({id:?}, \"boom\", ...)")
        );

        let h = task::spawn(std::future::pending::<()>());
        let id = h.id();
        h.abort_handle().abort();
        let err = h.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.id(), id);
        assert_eq!(err.to_string(), format!("task {id} was cancelled"));
        assert_eq!(format!("{err:?}"), format!("JoinError::Cancelled({id:?})"));
    });
}

#[test]
fn id_display_and_debug() {
    let rt = current_thread();
    let id = rt.block_on(async { task::spawn(async {}).id() });
    let n: u64 = id.to_string().parse().expect("Display is the number");
    assert!(n > 0);
    assert_eq!(format!("{id:?}"), format!("Id({n})"));
}

// ---- task-locals ----

runtime::task_local! {
    static REQUEST: u64;
    static NAME: String;
}

#[test]
fn task_local_follows_the_task_across_awaits_and_workers() {
    let rt = multi_thread(2);
    rt.block_on(async {
        let mut handles = Vec::new();
        for i in 0..16u64 {
            handles.push(task::spawn(REQUEST.scope(i, async move {
                let mut threads = HashSet::new();
                for _ in 0..200 {
                    threads.insert(thread::current().id());
                    assert_eq!(REQUEST.get(), i);
                    // Sleeps let the task resume on whichever worker is free.
                    runtime::time::sleep(Duration::from_micros(50)).await;
                    task::yield_now().await;
                }
                threads.len()
            })));
        }
        let mut moved = false;
        for h in handles {
            moved |= h.await.unwrap() > 1;
        }
        assert!(
            moved,
            "no task moved between workers: the test proves nothing"
        );
        assert!(REQUEST.try_get().is_err());
    });
}

#[test]
fn task_local_value_is_not_visible_to_other_tasks_on_the_same_thread() {
    let rt = current_thread();
    rt.block_on(async {
        let h = task::spawn(REQUEST.scope(1, async {
            task::yield_now().await;
            REQUEST.get()
        }));
        let other = task::spawn(async {
            task::yield_now().await;
            REQUEST.try_get()
        });
        assert_eq!(h.await.unwrap(), 1);
        assert!(other.await.unwrap().is_err());
    });
}

#[test]
fn task_local_scopes_nest_and_restore() {
    let v = REQUEST.sync_scope(1, || {
        let inner = REQUEST.sync_scope(2, || REQUEST.get());
        (inner, REQUEST.get())
    });
    assert_eq!(v, (2, 1));
    assert!(REQUEST.try_with(|_| ()).is_err());

    let rt = current_thread();
    rt.block_on(REQUEST.scope(10, async {
        let inner = REQUEST.scope(20, async { REQUEST.get() }).await;
        assert_eq!(inner, 20);
        assert_eq!(REQUEST.get(), 10);
    }));
}

#[test]
fn task_local_restored_after_panic_in_scope() {
    let r = std::panic::catch_unwind(|| REQUEST.sync_scope(5, || panic!("inside")));
    assert!(r.is_err());
    assert!(REQUEST.try_get().is_err());
    // And usable again.
    assert_eq!(REQUEST.sync_scope(6, || REQUEST.get()), 6);
}

#[test]
fn task_local_with_and_access_error() {
    assert!(NAME.try_with(|n| n.len()).is_err());
    let err = NAME.try_get().unwrap_err();
    assert_eq!(err.to_string(), "task-local value not set");
    let r = std::panic::catch_unwind(|| NAME.with(|n| n.len()));
    assert!(r.is_err());
    assert_eq!(NAME.sync_scope("abc".into(), || NAME.with(|n| n.len())), 3);
}

#[test]
fn scope_inside_with_of_the_same_key_panics() {
    let r = std::panic::catch_unwind(|| {
        REQUEST.sync_scope(1, || REQUEST.with(|_| REQUEST.sync_scope(2, || ())))
    });
    assert!(r.is_err());
    assert!(REQUEST.try_get().is_err());
}

#[test]
fn task_local_future_drops_its_future_inside_the_scope_and_keeps_the_value() {
    struct SeeOnDrop(Arc<Mutex<Option<u64>>>);
    impl Drop for SeeOnDrop {
        fn drop(&mut self) {
            *self.0.lock().unwrap() = REQUEST.try_get().ok();
        }
    }
    let seen = Arc::new(Mutex::new(None));
    let guard = SeeOnDrop(seen.clone());
    let fut = REQUEST.scope(9, async move {
        let _guard = guard;
        std::future::pending::<()>().await
    });
    drop(fut);
    assert_eq!(*seen.lock().unwrap(), Some(9));

    let rt = current_thread();
    rt.block_on(async {
        let mut fut = pin!(REQUEST.scope(3, async { REQUEST.get() }));
        assert_eq!((&mut fut).await, 3);
        assert_eq!(fut.as_mut().take_value(), Some(3));
        assert_eq!(fut.as_mut().take_value(), None);
    });
}

#[test]
fn task_local_future_is_send_when_its_parts_are() {
    fn assert_send<T: Send>(_: &T) {}
    let fut = REQUEST.scope(1, async {});
    assert_send(&fut);
    let _: &task::futures::TaskLocalFuture<u64, _> = &fut;
}

// ---- unconstrained and coop ----

#[test]
fn unconstrained_loop_never_yields() {
    let rt = current_thread();
    rt.block_on(async {
        task::spawn(async {
            let ((), polls) = count_polls(task::unconstrained(async {
                for _ in 0..10_000 {
                    task::consume_budget().await;
                }
            }))
            .await;
            assert_eq!(polls, 1);
            // The same loop budgeted yields every 128 operations.
            let ((), polls) = count_polls(async {
                for _ in 0..1_000 {
                    task::consume_budget().await;
                }
            })
            .await;
            assert_eq!(polls, 1_000 / 128 + 1);
        })
        .await
        .unwrap();
    });
}

#[test]
fn unconstrained_leaves_the_outer_budget_alone() {
    let rt = current_thread();
    rt.block_on(async {
        task::spawn(async {
            for _ in 0..100 {
                coop::consume_budget().await;
            }
            coop::unconstrained(async {
                assert!(coop::has_budget_remaining());
                for _ in 0..1000 {
                    coop::consume_budget().await;
                }
            })
            .await;
            // 28 units left of the poll's 128, as before the unconstrained part.
            let ((), polls) = count_polls(async {
                for _ in 0..28 {
                    coop::consume_budget().await;
                }
            })
            .await;
            assert_eq!(polls, 1);
            assert!(!coop::has_budget_remaining());
        })
        .await
        .unwrap();
    });
}

#[test]
fn cooperative_spends_budget_per_completion() {
    let rt = current_thread();
    rt.block_on(async {
        task::spawn(async {
            let ((), polls) = count_polls(async {
                for _ in 0..300 {
                    coop::cooperative(std::future::ready(())).await;
                }
            })
            .await;
            assert_eq!(polls, 3);
        })
        .await
        .unwrap();
    });
}

#[test]
fn busy_budgeted_task_lets_others_run_on_current_thread() {
    let rt = current_thread();
    rt.block_on(async {
        let ran = Arc::new(AtomicBool::new(false));
        let r = ran.clone();
        let other = task::spawn(async move { r.store(true, SeqCst) });
        let busy = task::spawn({
            let ran = ran.clone();
            async move {
                let mut spins = 0u64;
                while !ran.load(SeqCst) {
                    coop::cooperative(async {}).await;
                    spins += 1;
                }
                spins
            }
        });
        other.await.unwrap();
        assert!(busy.await.unwrap() <= 128);
    });
}

// ---- LocalSet::enter ----

#[test]
fn local_set_enter_makes_spawn_local_target_the_set() {
    let rt = current_thread();
    let local = LocalSet::new();
    let hits = Rc::new(std::cell::Cell::new(0));
    let handles: Vec<_> = {
        let _guard = local.enter();
        (0..3)
            .map(|_| {
                let hits = hits.clone();
                task::spawn_local(async move { hits.set(hits.get() + 1) })
            })
            .collect()
    };
    assert_eq!(hits.get(), 0, "entering does not drive the set");
    // The guard is gone: no set is current any more.
    assert!(std::panic::catch_unwind(|| task::spawn_local(async {})).is_err());
    rt.block_on(local);
    assert_eq!(hits.get(), 3);
    for h in handles {
        assert!(h.is_finished());
    }
}

#[test]
fn local_set_enter_guards_nest() {
    let a = LocalSet::new();
    let b = LocalSet::new();
    let ga = a.enter();
    let gb = b.enter();
    let hb = task::spawn_local(async { "b" });
    drop(gb);
    let ha = task::spawn_local(async { "a" });
    drop(ga);
    let rt = current_thread();
    rt.block_on(a);
    assert!(ha.is_finished());
    assert!(!hb.is_finished());
    rt.block_on(b);
    assert_eq!(rt.block_on(hb).unwrap(), "b");
}

// ---- JoinSet ----

#[test]
fn join_set_with_id_variants_report_the_task_id() {
    let rt = multi_thread(2);
    rt.block_on(async {
        let mut set = JoinSet::new();
        let mut want = HashSet::new();
        for i in 0..20u32 {
            want.insert((set.spawn(async move { i }).id(), i));
        }
        let boom = set.spawn(async { panic!("boom") }).id();
        let mut got = HashSet::new();
        let mut failed = None;
        while let Some(res) = set.join_next_with_id().await {
            match res {
                Ok(pair) => assert!(got.insert(pair)),
                Err(err) => failed = Some(err.id()),
            }
        }
        assert_eq!(got, want);
        assert_eq!(failed, Some(boom));
    });
}

#[test]
fn try_join_next_returns_finished_tasks_without_waiting() {
    let rt = current_thread();
    rt.block_on(async {
        let mut set = JoinSet::new();
        assert!(set.try_join_next().is_none(), "empty");
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let blocked = set.spawn_blocking(move || rx.recv().unwrap());
        let quick = set.spawn(async {}).id();
        // Let the quick task run; the blocking one waits on the channel.
        while set.len() == 2 {
            match set.try_join_next_with_id() {
                Some(res) => assert_eq!(res.unwrap(), (quick, ())),
                None => task::yield_now().await,
            }
        }
        assert!(set.try_join_next().is_none(), "the other is still running");
        tx.send(()).unwrap();
        loop {
            if let Some(res) = set.try_join_next_with_id() {
                assert_eq!(res.unwrap().0, blocked.id());
                break;
            }
            runtime::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(set.is_empty());
    });
}

#[test]
fn try_join_next_ignores_a_spent_budget() {
    let rt = current_thread();
    rt.block_on(async {
        task::spawn(async {
            let mut set = JoinSet::new();
            set.spawn(async { 1 });
            while set.try_join_next().is_none() {
                task::yield_now().await;
            }
            set.spawn(async { 2 });
            task::yield_now().await; // it runs and finishes
            while coop::has_budget_remaining() {
                coop::consume_budget().await;
            }
            assert_eq!(set.try_join_next().unwrap().unwrap(), 2);
        })
        .await
        .unwrap();
    });
}

#[test]
fn join_all_collects_and_propagates_panics() {
    let rt = multi_thread(2);
    rt.block_on(async {
        let set: JoinSet<u32> = (0..10).map(|i| async move { i }).collect();
        let mut out = set.join_all().await;
        out.sort();
        assert_eq!(out, (0..10).collect::<Vec<_>>());

        let aborted = Arc::new(AtomicUsize::new(0));
        struct CountDrop(Arc<AtomicUsize>);
        impl Drop for CountDrop {
            fn drop(&mut self) {
                self.0.fetch_add(1, SeqCst);
            }
        }
        let mut set = JoinSet::new();
        let guard = CountDrop(aborted.clone());
        set.spawn(async move {
            let _guard = guard;
            std::future::pending::<u32>().await
        });
        set.spawn(async { panic!("join_all payload") });
        let res = task::spawn(set.join_all()).await.unwrap_err();
        let payload = res.into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"join_all payload"));
        // The remaining task was aborted with the set.
        for _ in 0..100 {
            if aborted.load(SeqCst) == 1 {
                break;
            }
            runtime::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(aborted.load(SeqCst), 1);
    });
}

#[test]
fn join_set_extend_and_from_iterator() {
    let rt = current_thread();
    rt.block_on(async {
        let mut set: JoinSet<u32> = (0..3).map(|i| async move { i }).collect();
        set.extend((3..6).map(|i| async move { i }));
        assert_eq!(set.len(), 6);
        let mut out = set.join_all().await;
        out.sort();
        assert_eq!(out, [0, 1, 2, 3, 4, 5]);
    });
}

#[test]
fn join_set_spawn_local_and_spawn_local_on() {
    let rt = current_thread();
    let local = LocalSet::new();
    let mut set = JoinSet::new();
    let rc = Rc::new(1);
    let r = rc.clone();
    set.spawn_local_on(async move { *r }, &local);
    let total = local.block_on(&rt, async move {
        let r = rc.clone();
        set.spawn_local(async move { *r + 1 });
        set.join_all().await.into_iter().sum::<i32>()
    });
    assert_eq!(total, 3);
}

#[test]
fn join_set_spawn_on_and_spawn_blocking_on_use_the_given_runtime() {
    let other = multi_thread(1);
    let rt = current_thread();
    rt.block_on(async {
        let mut set = JoinSet::new();
        set.spawn_on(async { thread::current().id() }, other.handle());
        set.spawn_blocking_on(|| thread::current().id(), other.handle());
        let here = thread::current().id();
        for id in set.join_all().await {
            assert_ne!(id, here);
        }
    });
}
