//! Tokio items of `runtime::runtime` and `runtime::time`: the `runtime`
//! module's re-exports, `RuntimeFlavor`, `Handle::runtime_flavor`,
//! `Handle::name`/`Builder::name`, `TryCurrentError`'s predicates,
//! `Interval::reset_*`, `Timeout::get_*` and `time::error::Error`.
#![cfg(feature = "full")]

use runtime::time::{advance, interval, timeout, Duration, Instant, MissedTickBehavior};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

#[test]
fn runtime_module_reexports_the_root_types() {
    fn same<T>(_: Option<T>, _: Option<T>) {}
    same::<runtime::Builder>(None, None::<runtime::runtime::Builder>);
    same::<runtime::Runtime>(None, None::<runtime::runtime::Runtime>);
    same::<runtime::Handle>(None, None::<runtime::runtime::Handle>);
    same::<runtime::EnterGuard>(None, None::<runtime::runtime::EnterGuard>);
    same::<runtime::TryCurrentError>(None, None::<runtime::runtime::TryCurrentError>);
    same::<runtime::RuntimeFlavor>(None, None::<runtime::runtime::RuntimeFlavor>);

    let rt = runtime::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard: runtime::runtime::EnterGuard = rt.enter();
    let handle: runtime::runtime::Handle = runtime::runtime::Handle::current();
    assert_eq!(rt.block_on(handle.spawn(async { 3 })).unwrap(), 3);
}

#[test]
fn runtime_flavor_of_each_builder() {
    use runtime::runtime::RuntimeFlavor;

    let current = runtime::Builder::new_current_thread().build().unwrap();
    assert_eq!(
        current.handle().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
    let inside = current.block_on(async { runtime::Handle::current().runtime_flavor() });
    assert_eq!(inside, RuntimeFlavor::CurrentThread);

    let multi = runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    assert_eq!(multi.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    // Asked from a worker, through a task.
    let on_worker = multi
        .block_on(multi.spawn(async { runtime::Handle::current().runtime_flavor() }))
        .unwrap();
    assert_eq!(on_worker, RuntimeFlavor::MultiThread);
    assert_eq!(
        runtime::Runtime::new().unwrap().handle().runtime_flavor(),
        RuntimeFlavor::MultiThread
    );
    // Copy + Debug.
    let copy = on_worker;
    assert_eq!(format!("{copy:?}"), "MultiThread");
    assert_ne!(copy, RuntimeFlavor::CurrentThread);
}

#[runtime::test]
async fn runtime_flavor_under_the_test_macro() {
    assert_eq!(
        runtime::Handle::current().runtime_flavor(),
        runtime::RuntimeFlavor::CurrentThread
    );
}

#[runtime::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_flavor_under_the_multi_thread_test_macro() {
    assert_eq!(
        runtime::Handle::current().runtime_flavor(),
        runtime::RuntimeFlavor::MultiThread
    );
}

#[test]
fn try_current_error_outside_a_runtime_is_missing_context() {
    let err = runtime::Handle::try_current().unwrap_err();
    assert!(err.is_missing_context());
    assert!(!err.is_thread_local_destroyed());
    assert!(err
        .to_string()
        .contains("no runtime is running on this thread"));
    // An error type: boxes into `dyn Error`.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.to_string().contains("context of a runtime"));

    // On a plain thread too, and after leaving an entered runtime.
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    drop(rt.enter());
    assert!(runtime::Handle::try_current()
        .unwrap_err()
        .is_missing_context());
    let from_thread = std::thread::spawn(|| runtime::Handle::try_current().unwrap_err())
        .join()
        .unwrap();
    assert!(from_thread.is_missing_context());
}

#[test]
fn try_current_from_a_thread_local_destructor_is_an_error_not_a_panic() {
    struct OnExit;
    impl Drop for OnExit {
        fn drop(&mut self) {
            let err = runtime::Handle::try_current().unwrap_err();
            // Tokio may say `is_thread_local_destroyed` here; this runtime
            // reports a missing context (see the method's docs).
            assert!(err.is_missing_context() || err.is_thread_local_destroyed());
            RAN.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    static RAN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    thread_local!(static ON_EXIT: OnExit = const { OnExit });
    std::thread::spawn(|| {
        let rt = runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async { ON_EXIT.with(|_| ()) });
    })
    .join()
    .unwrap();
    assert!(RAN.load(std::sync::atomic::Ordering::SeqCst));
}

#[test]
fn builder_name_is_the_handles_name() {
    let rt = runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .name("api-named")
        .build()
        .unwrap();
    assert_eq!(rt.handle().name(), Some("api-named"));
    let from_task = rt
        .block_on(rt.spawn(async { runtime::Handle::current().name().map(String::from) }))
        .unwrap();
    assert_eq!(from_task.as_deref(), Some("api-named"));
    assert!(format!("{:?}", runtime::Builder::new_current_thread().name("dbg")).contains("dbg"));

    // Two runtimes of the same name, and one unnamed next to them.
    let twin = runtime::Builder::new_current_thread()
        .name("api-named")
        .build()
        .unwrap();
    let other = runtime::Builder::new_current_thread().build().unwrap();
    assert_eq!(twin.handle().name(), Some("api-named"));
    assert_eq!(other.handle().name(), None);
    drop(twin);
    assert_eq!(rt.handle().name(), Some("api-named"));

    // A builder that builds twice names both runtimes.
    let mut builder = runtime::Builder::new_current_thread();
    builder.name("again");
    let (a, b) = (builder.build().unwrap(), builder.build().unwrap());
    assert_eq!(
        (a.handle().name(), b.handle().name()),
        (Some("again"), Some("again"))
    );
}

#[test]
#[should_panic(expected = "the runtime name must not be empty")]
fn builder_name_rejects_an_empty_name() {
    runtime::Builder::new_current_thread().name("  ");
}

#[runtime::test(name = "api-test-runtime")]
async fn test_macro_name_option() {
    assert_eq!(runtime::Handle::current().name(), Some("api-test-runtime"));
}

#[runtime::test(flavor = "multi_thread", worker_threads = 1, name = "api-mt")]
async fn test_macro_name_option_multi_thread() {
    let name = runtime::spawn(async { runtime::Handle::current().name().map(String::from) })
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("api-mt"));
}

#[runtime::test(start_paused = true)]
async fn interval_reset_immediately_makes_the_next_tick_due_now() {
    let start = Instant::now();
    let mut iv = interval(Duration::from_secs(10));
    assert_eq!(iv.tick().await, start);
    advance(Duration::from_secs(4)).await;
    iv.reset_immediately();
    let now = Instant::now();
    assert_eq!(now, start + Duration::from_secs(4));
    // Ready without waiting: the clock does not move.
    assert_eq!(iv.tick().await, now);
    assert_eq!(Instant::now(), now);
    assert_eq!(iv.tick().await, now + Duration::from_secs(10));
    assert_eq!(iv.tick().await, now + Duration::from_secs(20));
}

#[runtime::test(start_paused = true)]
async fn interval_reset_after_moves_the_next_tick() {
    let mut iv = interval(Duration::from_secs(10));
    iv.tick().await;
    // Shorter than the period.
    let now = Instant::now();
    iv.reset_after(Duration::from_secs(1));
    assert_eq!(iv.tick().await, now + Duration::from_secs(1));
    assert_eq!(iv.tick().await, now + Duration::from_secs(11));
    // Longer than the period.
    let now = Instant::now();
    iv.reset_after(Duration::from_secs(25));
    assert_eq!(iv.tick().await, now + Duration::from_secs(25));
    // Zero: as reset_immediately.
    let now = Instant::now();
    iv.reset_after(Duration::ZERO);
    assert_eq!(iv.tick().await, now);
    // Huge: saturates, never fires.
    iv.reset_after(Duration::MAX);
    let never = timeout(Duration::from_secs(3600 * 24 * 365), iv.tick()).await;
    assert!(never.is_err());
}

#[runtime::test(start_paused = true)]
async fn interval_reset_at_sets_the_next_tick() {
    let mut iv = interval(Duration::from_secs(10));
    iv.tick().await;
    let at = Instant::now() + Duration::from_secs(3);
    iv.reset_at(at);
    assert_eq!(iv.tick().await, at);
    assert_eq!(iv.tick().await, at + Duration::from_secs(10));
}

#[runtime::test(start_paused = true)]
async fn interval_reset_at_in_the_past_is_a_late_tick() {
    let mut iv = interval(Duration::from_secs(10));
    iv.set_missed_tick_behavior(MissedTickBehavior::Delay);
    iv.tick().await;
    let start = Instant::now();
    advance(Duration::from_secs(30)).await;
    let past = start + Duration::from_secs(5);
    iv.reset_at(past);
    // Due at once, returning the (past) instant it was scheduled for.
    assert_eq!(iv.tick().await, past);
    // `Delay`: the next one is a period after the late tick was taken.
    let now = Instant::now();
    assert_eq!(iv.tick().await, now + Duration::from_secs(10));
}

#[runtime::test(start_paused = true)]
async fn interval_reset_wakes_a_pending_tick_with_the_new_deadline() {
    // A tick that is already waiting picks up a later reset on its next poll.
    let mut iv = interval(Duration::from_secs(100));
    iv.tick().await;
    let mut pending = false;
    std::future::poll_fn(|cx| {
        pending = iv.poll_tick(cx).is_pending();
        Poll::Ready(())
    })
    .await;
    assert!(pending);
    let now = Instant::now();
    iv.reset_after(Duration::from_millis(5));
    assert_eq!(iv.tick().await, now + Duration::from_millis(5));
}

#[runtime::test(start_paused = true)]
async fn timeout_get_ref_get_mut_into_inner() {
    struct Counter(u32);
    impl Future for Counter {
        type Output = u32;
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<u32> {
            Poll::Ready(self.0)
        }
    }

    let mut t = timeout(Duration::from_secs(1), Counter(1));
    assert_eq!(t.get_ref().0, 1);
    t.get_mut().0 = 5;
    assert_eq!(t.get_ref().0, 5);
    assert_eq!(t.await, Ok(5));

    // `into_inner` drops the deadline: the future runs past it.
    let t = timeout(Duration::from_millis(1), async {
        runtime::time::sleep(Duration::from_secs(5)).await;
        "finished"
    });
    assert_eq!(t.into_inner().await, "finished");

    // A pinned timeout of an `!Unpin` future: only `get_ref` is reachable.
    let t = timeout(Duration::from_secs(1), async { 9 });
    let mut t = std::pin::pin!(t);
    let _ = t.as_ref().get_ref();
    assert_eq!(t.as_mut().await, Ok(9));
}

#[test]
fn time_error_constructors_and_predicates() {
    use runtime::time::error::{Elapsed, Error};

    let all = [Error::shutdown(), Error::at_capacity(), Error::invalid()];
    let flags: Vec<_> = all
        .iter()
        .map(|e| (e.is_shutdown(), e.is_at_capacity(), e.is_invalid()))
        .collect();
    assert_eq!(
        flags,
        [
            (true, false, false),
            (false, true, false),
            (false, false, true)
        ]
    );
    // Copy, Debug, Display, Error, Send + Sync.
    let e = all[0];
    let copy = e;
    assert!(copy.is_shutdown() && e.is_shutdown());
    assert!(!format!("{e:?}").is_empty());
    assert!(e.to_string().contains("shut down"));
    assert!(Error::at_capacity().to_string().contains("capacity"));
    assert_eq!(
        Error::invalid().to_string(),
        "timer duration exceeds maximum duration"
    );
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(Error::invalid());
    assert!(boxed.downcast_ref::<Error>().unwrap().is_invalid());

    // `Elapsed` is still in the same module.
    fn is_error<E: std::error::Error>() {}
    is_error::<Elapsed>();
}
