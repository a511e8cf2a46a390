//! Behaviour of the lock and semaphore API added to match Tokio: mapped
//! `Mutex` guards, owned and mapped `RwLock` guards (`downgrade_map`,
//! `const_with_max_readers`), and `Semaphore::blocking_acquire*`.
#![cfg(not(loom))]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use runtime::sync::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard,
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard, Semaphore,
};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn guards_are_send_and_sync() {
    assert_send_sync::<MappedMutexGuard<'static, u8>>();
    assert_send_sync::<OwnedMappedMutexGuard<Vec<u8>, u8>>();
    assert_send_sync::<OwnedRwLockReadGuard<Vec<u8>, [u8]>>();
    assert_send_sync::<OwnedRwLockWriteGuard<u8>>();
    assert_send_sync::<RwLockMappedWriteGuard<'static, u8>>();
    assert_send_sync::<OwnedRwLockMappedWriteGuard<Vec<u8>, u8>>();
    assert_send_sync::<RwLockReadGuard<'static, str>>();
}

// ---- Mutex ----

#[test]
fn mapped_mutex_guard_holds_the_whole_lock_until_dropped() {
    let m = Mutex::new((1, String::from("a")));
    let mut s = MutexGuard::map(m.try_lock().unwrap(), |p| &mut p.1);
    s.push('b');
    assert!(m.try_lock().is_err());
    let mut s = MappedMutexGuard::map(s, |s| s.as_mut_str());
    s.make_ascii_uppercase();
    assert_eq!(format!("{s:?} {s}"), "\"AB\" AB");
    drop(s);
    assert_eq!(*m.try_lock().unwrap(), (1, String::from("AB")));
}

#[test]
fn mutex_try_map_hands_back_the_locked_guard() {
    let m = Mutex::new(vec![1]);
    let g = MutexGuard::try_map(m.try_lock().unwrap(), |v| v.get_mut(3)).unwrap_err();
    assert!(
        m.try_lock().is_err(),
        "the returned guard still holds the lock"
    );
    let g = MutexGuard::map(g, |v| v.as_mut_slice());
    let g = MappedMutexGuard::try_map(g, |s| s.get_mut(3)).unwrap_err();
    assert!(m.try_lock().is_err());
    let mut one = MappedMutexGuard::try_map(g, |s| s.get_mut(0)).unwrap();
    *one = 2;
    drop(one);
    assert_eq!(*m.try_lock().unwrap(), [2]);
}

#[test]
fn panicking_map_closure_unlocks_the_mutex() {
    let m = Mutex::new(0);
    let r = catch_unwind(AssertUnwindSafe(|| {
        let _ = MutexGuard::map(m.try_lock().unwrap(), |_| -> &mut u8 { panic!("boom") });
    }));
    assert!(r.is_err());
    assert!(m.try_lock().is_ok());

    let m = Arc::new(Mutex::new(0));
    let r = catch_unwind(AssertUnwindSafe(|| {
        let g = Arc::clone(&m).try_lock_owned().unwrap();
        let _ = OwnedMutexGuard::try_map(g, |_| -> Option<&mut u8> { panic!("boom") });
    }));
    assert!(r.is_err());
    assert!(m.try_lock().is_ok());
    assert_eq!(Arc::strong_count(&m), 1, "the guard's Arc was dropped");
}

#[test]
fn owned_mapped_mutex_guard_keeps_the_arc_and_the_lock() {
    let m = Arc::new(Mutex::new((0u32, vec![1u8])));
    let g = Arc::clone(&m).try_lock_owned().unwrap();
    let g = OwnedMutexGuard::try_map(g, |p| p.1.get_mut(5)).unwrap_err();
    let v = OwnedMutexGuard::map(g, |p| &mut p.1);
    assert_eq!(Arc::strong_count(&m), 2);
    let mut first = OwnedMappedMutexGuard::try_map(v, |v| v.first_mut()).unwrap();
    std::thread::spawn(move || {
        *first = 9;
        drop(first);
    })
    .join()
    .unwrap();
    assert_eq!(Arc::strong_count(&m), 1);
    assert_eq!(m.try_lock().unwrap().1, [9]);
}

#[runtime::test]
async fn waiter_gets_the_mutex_when_the_mapped_guard_drops() {
    let m = Arc::new(Mutex::new(0));
    let mut g = OwnedMutexGuard::map(Arc::clone(&m).lock_owned().await, |n| n);
    let m2 = Arc::clone(&m);
    let waiter = runtime::spawn(async move { *m2.lock().await });
    runtime::task::yield_now().await;
    *g = 5;
    drop(g);
    assert_eq!(waiter.await.unwrap(), 5);
}

// ---- RwLock ----

#[test]
fn mapped_read_guard_keeps_a_read_lock() {
    let lock = RwLock::with_max_readers((1, 2), 3);
    let r = RwLockReadGuard::map(lock.try_read().unwrap(), |p| &p.1);
    assert_eq!(*r, 2);
    assert!(lock.try_write().is_err());
    let r2 = lock.try_read().unwrap(); // readers still share
    let r = RwLockReadGuard::try_map(r, |_| None::<&u8>).unwrap_err();
    drop((r, r2));
    assert!(lock.try_write().is_ok(), "every read permit came back");
}

#[test]
fn mapped_write_guard_keeps_every_permit() {
    let lock = RwLock::with_max_readers(vec![1, 2], 4);
    let w = RwLockWriteGuard::try_map(lock.try_write().unwrap(), |v| v.get_mut(9)).unwrap_err();
    let mapped = RwLockWriteGuard::into_mapped(w);
    let mut two = RwLockMappedWriteGuard::map(mapped, |v| &mut v[1]);
    assert!(lock.try_read().is_err());
    *two = 20;
    assert_eq!(format!("{two:?}"), "20");
    drop(two);
    // All 4 permits came back: four readers at once, then a writer.
    let readers: Vec<_> = (0..4).map(|_| lock.try_read().unwrap()).collect();
    assert!(lock.try_read().is_err());
    drop(readers);
    assert_eq!(*lock.try_write().unwrap(), [1, 20]);
}

#[test]
fn downgrade_map_lets_readers_in_and_keeps_writers_out() {
    let lock = RwLock::with_max_readers((String::from("x"), 1), 2);
    let w = lock.try_write().unwrap();
    let w = RwLockWriteGuard::try_downgrade_map(w, |_| None::<&u8>).unwrap_err();
    assert!(
        lock.try_read().is_err(),
        "a failed try_downgrade_map stays exclusive"
    );
    let r = RwLockWriteGuard::downgrade_map(w, |p| &p.0);
    let other = lock.try_read().unwrap();
    assert!(lock.try_read().is_err(), "max_readers is 2");
    assert!(lock.try_write().is_err());
    assert_eq!(*r, "x");
    drop((r, other));
    assert!(lock.try_write().is_ok());
}

#[test]
fn owned_rwlock_guards() {
    let lock = Arc::new(RwLock::with_max_readers(vec![1, 2, 3], 2));
    let r1 = Arc::clone(&lock).try_read_owned().unwrap();
    let r2 = OwnedRwLockReadGuard::map(Arc::clone(&lock).try_read_owned().unwrap(), |v| &v[1..]);
    assert!(Arc::clone(&lock).try_read_owned().is_err());
    assert!(Arc::clone(&lock).try_write_owned().is_err());
    assert_eq!(*r2, [2, 3]);
    assert!(Arc::ptr_eq(OwnedRwLockReadGuard::rwlock(&r2), &lock));
    let r2 = OwnedRwLockReadGuard::try_map(r2, |s| s.get(7)).unwrap_err();
    let r2 = OwnedRwLockReadGuard::try_map(r2, |s| s.first()).unwrap();
    assert_eq!(format!("{r2} {r1:?}"), "2 [1, 2, 3]");
    std::thread::spawn(move || drop((r1, r2))).join().unwrap();

    let mut w = Arc::clone(&lock).try_write_owned().unwrap();
    w.push(4);
    assert!(Arc::ptr_eq(OwnedRwLockWriteGuard::rwlock(&w), &lock));
    let w = OwnedRwLockWriteGuard::try_map(w, |v| v.get_mut(10)).unwrap_err();
    let last = OwnedRwLockWriteGuard::map(w, |v| v.last_mut().unwrap());
    let mut last = OwnedRwLockMappedWriteGuard::try_map(last, |n| Some(n)).unwrap();
    *last *= 10;
    assert!(lock.try_read().is_err());
    assert!(Arc::ptr_eq(
        OwnedRwLockMappedWriteGuard::rwlock(&last),
        &lock
    ));
    drop(last);
    assert_eq!(*lock.try_read().unwrap(), [1, 2, 3, 40]);

    let w = Arc::clone(&lock).try_write_owned().unwrap();
    let w = OwnedRwLockWriteGuard::try_downgrade_map(w, |v| v.get(10)).unwrap_err();
    assert!(lock.try_read().is_err());
    let r = OwnedRwLockWriteGuard::downgrade_map(w, |v| &v[0]);
    let r2 = lock.try_read().unwrap();
    assert!(lock.try_write().is_err());
    assert_eq!(*r + r2[0], 2);
    drop((r, r2));
    let r = Arc::clone(&lock).try_write_owned().unwrap().downgrade();
    assert_eq!(r.len(), 4);
    drop(r);
    assert_eq!(Arc::strong_count(&lock), 1, "no guard leaked its Arc");
    assert!(lock.try_write().is_ok());
}

#[runtime::test]
async fn write_owned_waits_for_readers_and_read_owned_for_the_writer() {
    let lock = Arc::new(RwLock::new(0));
    let r = Arc::clone(&lock).read_owned().await;
    let l = Arc::clone(&lock);
    let writer = runtime::spawn(async move {
        let mut w = l.write_owned().await;
        *w += 1;
        OwnedRwLockWriteGuard::into_mapped(w)
    });
    runtime::task::yield_now().await;
    assert!(!writer.is_finished());
    drop(r);
    let w = writer.await.unwrap();
    let l = Arc::clone(&lock);
    let reader = runtime::spawn(async move { *l.read_owned().await });
    runtime::task::yield_now().await;
    assert!(!reader.is_finished());
    drop(w);
    assert_eq!(reader.await.unwrap(), 1);
}

#[test]
fn const_with_max_readers() {
    static LOCK: RwLock<u8> = RwLock::const_with_max_readers(7, 2);
    let (a, b) = (LOCK.try_read().unwrap(), LOCK.try_read().unwrap());
    assert!(LOCK.try_read().is_err());
    drop((a, b));
    assert_eq!(*LOCK.try_write().unwrap(), 7);
}

#[test]
#[should_panic(expected = "readers")]
fn const_with_max_readers_zero_panics() {
    let _ = RwLock::const_with_max_readers((), 0);
}

// ---- Semaphore ----

#[test]
fn blocking_acquire_waits_for_a_release_from_another_thread() {
    let sem = Arc::new(Semaphore::new(1));
    let held = sem.try_acquire().unwrap();
    let s = Arc::clone(&sem);
    let t = std::thread::spawn(move || {
        let p = s.blocking_acquire_many(1).unwrap();
        p.num_permits()
    });
    std::thread::sleep(Duration::from_millis(20));
    assert!(!t.is_finished());
    drop(held);
    assert_eq!(t.join().unwrap(), 1);

    let p = Arc::clone(&sem).blocking_acquire_owned().unwrap();
    let s = Arc::clone(&sem);
    let t = std::thread::spawn(move || s.blocking_acquire_many_owned(1).map(|p| p.num_permits()));
    std::thread::sleep(Duration::from_millis(20));
    sem.close();
    assert!(
        t.join().unwrap().is_err(),
        "closing fails the blocked acquire"
    );
    drop(p);
    assert!(sem.blocking_acquire().is_err());
}

#[test]
fn blocking_acquire_panics_inside_a_runtime() {
    let rt = runtime::Builder::new_current_thread().build().unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let sem = Semaphore::new(1);
            let _ = sem.blocking_acquire();
        })
    }));
    assert!(r.is_err());
}
