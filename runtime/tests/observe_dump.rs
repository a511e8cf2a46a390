//! Task dumps under load: 1,000+ tasks in known states (idle, waiting on a
//! `JoinHandle`, running on each worker, scheduled) on both flavours; the
//! dump, taken from a foreign thread while the runtime runs, lists each with
//! the right state, spawn line, poll count and awaited task.

#[path = "support/eventually.rs"]
mod eventually;
use eventually::eventually;
use runtime::runtime::{Runtime, TaskState};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

const IDLE: usize = 500;
const AWAITERS: usize = 200;
const SCHEDULED: usize = 100;

fn check(rt: Runtime, workers: usize) {
    let handle = rt.handle().clone();
    let mut senders = Vec::new();
    let mut idle_ids = HashSet::new();
    let idle_line = line!() + 4;
    for _ in 0..IDLE {
        let (tx, rx) = runtime::sync::oneshot::channel::<()>();
        senders.push(tx);
        let t = handle.spawn(async move { rx.await.ok() });
        idle_ids.insert(t.id());
    }
    let mut awaited = Vec::new();
    let inner_line = line!() + 2;
    for _ in 0..AWAITERS {
        let inner = handle.spawn(std::future::pending::<()>());
        let inner_id = inner.id();
        let outer = handle.spawn(inner);
        awaited.push((outer.id(), inner_id, outer));
    }
    let outer_line = inner_line + 2;
    // Let every task run once (the current-thread runtime runs them here).
    let polled = |h: &runtime::runtime::Handle| h.dump().tasks().iter().all(|t| t.polls() >= 1);
    eventually("first polls", || {
        rt.block_on(async {
            for _ in 0..4 {
                runtime::task::yield_now().await;
            }
        });
        polled(&handle)
    });

    let release = Arc::new(AtomicBool::new(false));
    let started = Arc::new(AtomicUsize::new(0));
    let blocker_line = line!() + 5;
    let blockers: Vec<_> = (0..workers)
        .map(|_| {
            let release = release.clone();
            let started = started.clone();
            handle.spawn(async move {
                started.fetch_add(1, SeqCst);
                while !release.load(SeqCst) {
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        })
        .collect();
    // Releases the blockers however the scope ends: a failed assertion
    // below must fail the test, not leave the scope waiting for a blocker.
    struct Release(Arc<AtomicBool>);
    impl Drop for Release {
        fn drop(&mut self) {
            self.0.store(true, SeqCst);
        }
    }
    std::thread::scope(|s| {
        let _release = Release(release.clone());
        // The current-thread runtime runs its blocker on this thread.
        if workers == 1
            && rt.handle().runtime_flavor() == runtime::runtime::RuntimeFlavor::CurrentThread
        {
            let rt = &rt;
            s.spawn(move || rt.block_on(runtime::task::yield_now()));
        }
        eventually("blockers running", || started.load(SeqCst) == workers);
        let sched_line = line!() + 1;
        let scheduled: Vec<_> = (0..SCHEDULED).map(|_| handle.spawn(async {})).collect();

        let dump = handle.dump();
        let tasks = dump.tasks();
        assert_eq!(tasks.len(), IDLE + 2 * AWAITERS + workers + SCHEDULED);
        assert!(tasks.len() >= 1000);
        let mut running_on = HashSet::new();
        for t in tasks {
            assert!(t.spawned_at().file().ends_with("observe_dump.rs"), "{t:?}");
            let line = t.spawned_at().line();
            match t.state() {
                TaskState::Idle if line == idle_line => {
                    assert!(idle_ids.contains(&t.id()));
                    assert_eq!(t.polls(), 1, "{t:?}");
                }
                TaskState::Idle if line == inner_line => assert_eq!(t.polls(), 1),
                TaskState::Idle if line == outer_line => {
                    let (_, inner, _) = awaited.iter().find(|(o, _, _)| *o == t.id()).unwrap();
                    assert_eq!(t.awaiting(), Some(*inner), "{t:?}");
                }
                TaskState::Running { worker: Some(w) } if line == blocker_line => {
                    assert!(running_on.insert(w), "two tasks running on worker {w}");
                    assert!(w < workers);
                }
                TaskState::Scheduled if line == sched_line => assert_eq!(t.polls(), 0),
                other => panic!("unexpected state {other:?} for task at line {line}: {t:?}"),
            }
        }
        assert_eq!(running_on.len(), workers);
        assert_eq!(
            tasks.iter().filter(|t| t.awaiting().is_some()).count(),
            AWAITERS
        );
        let table = dump.to_string();
        assert!(table.starts_with(&format!("{} tasks", tasks.len())));
        assert!(table.contains(&format!("observe_dump.rs:{blocker_line}")));
        assert!(table.contains("running (worker 0)"));

        release.store(true, SeqCst);
        drop(scheduled);
    });
    for b in blockers {
        rt.block_on(b).unwrap();
    }
    drop(senders);
    for (_, _, outer) in &awaited {
        outer.abort();
    }
    drop(rt);
}

#[test]
fn dump_of_1000_tasks_current_thread() {
    check(
        runtime::Builder::new_current_thread()
            .task_tracking(true)
            .build()
            .unwrap(),
        1,
    );
}

#[test]
fn dump_of_1000_tasks_multi_thread() {
    check(
        runtime::Builder::new_multi_thread()
            .worker_threads(3)
            .task_tracking(true)
            .build()
            .unwrap(),
        3,
    );
}

#[test]
fn blocking_closures_and_names_appear() {
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let running = runtime::task::Builder::new()
        .name("reader")
        .spawn_blocking_on(move || rx.recv().ok(), rt.handle())
        .unwrap();
    let queued = rt.handle().spawn_blocking(|| ());
    eventually("closure running", || {
        rt.handle()
            .dump()
            .tasks()
            .iter()
            .any(|t| t.state() == TaskState::Blocking { running: true })
    });
    let dump = rt.handle().dump();
    let by_id = |id| dump.tasks().iter().find(|t| t.id() == id).unwrap();
    assert_eq!(by_id(running.id()).name(), Some("reader"));
    assert_eq!(
        by_id(running.id()).state(),
        TaskState::Blocking { running: true }
    );
    assert_eq!(
        by_id(queued.id()).state(),
        TaskState::Blocking { running: false }
    );
    assert_eq!(rt.metrics().blocking_queue_depth(), 1);
    tx.send(()).unwrap();
    rt.block_on(running).unwrap();
    rt.block_on(queued).unwrap();
    eventually("dump empty", || rt.handle().dump().tasks().is_empty());
}

#[test]
fn dump_from_inside_a_task_and_times_with_the_watchdog() {
    let rt = runtime::Builder::new_current_thread()
        .warn_on_long_poll(Duration::from_millis(40))
        .build()
        .unwrap();
    rt.block_on(async {
        let sleeper = runtime::spawn(runtime::time::sleep(Duration::from_secs(60)));
        runtime::task::yield_now().await;
        // The watchdog's clock ticks every 5 ms: ages are known.
        std::thread::sleep(Duration::from_millis(30));
        runtime::time::sleep(Duration::from_millis(20)).await;
        let dump = runtime::Handle::current().dump();
        let t = &dump.tasks()[0];
        assert_eq!(t.id(), sleeper.id());
        let age = t.since_last_poll().expect("watchdog clock runs");
        assert!(age >= Duration::from_millis(30), "{age:?}");
        assert!(age < Duration::from_secs(5), "{age:?}");
        sleeper.abort();
    });
}

#[cfg(feature = "serde")]
#[test]
fn dump_serializes_to_json() {
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    let t = runtime::task::Builder::new()
        .name("json")
        .spawn_on(async {}, rt.handle())
        .unwrap();
    let json = serde_json::to_value(rt.handle().dump()).unwrap();
    let task = &json["tasks"][0];
    assert_eq!(task["id"], t.id().to_string().parse::<u64>().unwrap());
    assert_eq!(task["name"], "json");
    assert_eq!(task["state"], "scheduled");
    assert_eq!(task["polls"], 0);
    assert!(task["spawned_at"]
        .as_str()
        .unwrap()
        .contains("observe_dump.rs:"));
}

/// A task that keeps yielding is never waiting for a wake: a dump taken
/// right after it yielded, before the scheduler's next look at I/O and
/// timers puts it back in line, sees it `Scheduled`, on both flavours (its
/// own yield keeps its queue entry; through a deferred waker it was `Idle`).
#[test]
fn a_yielding_task_is_scheduled() {
    for rt in [
        runtime::Builder::new_current_thread().build().unwrap(),
        runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap(),
    ] {
        let states = rt.block_on(async {
            runtime::spawn(async {
                let (tx, mut rx) = runtime::sync::mpsc::unbounded_channel();
                let yielder = runtime::spawn(async move {
                    for _ in 0..20 {
                        // Wakes the dumper, which runs before the look
                        // that would put this task back in line.
                        tx.send(()).unwrap();
                        runtime::task::yield_now().await;
                    }
                });
                let id = yielder.id();
                let mut states = Vec::new();
                while rx.recv().await.is_some() {
                    let dump = runtime::runtime::Handle::current().dump();
                    let task = dump.tasks().iter().find(|t| t.id() == id);
                    states.push(task.expect("the yielder is listed").state());
                }
                yielder.await.unwrap();
                states
            })
            .await
            .unwrap()
        });
        assert_eq!(states.len(), 20);
        assert!(
            states.iter().all(|s| *s == TaskState::Scheduled),
            "{states:?}"
        );
    }
}
