//! `runtime::stream`: the `StreamExt` combinators, the sources, `collect`,
//! on both runtime flavours.

use runtime::stream::{self, Stream, StreamExt, StreamNotifyClose};
use runtime::sync::mpsc;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::future::poll_fn;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

#[macro_use]
#[path = "support/flavours.rs"]
mod flavours;

both_flavours!(
    adapters_transform_like_iterators,
    adapters_work_on_unpin_less_streams,
    take_stops_polling_after_n,
    fuse_and_chain_do_not_poll_an_ended_stream,
    merge_alternates_and_ends_when_both_end,
    merge_interleaves_live_channels,
    then_runs_futures_in_order,
    peekable_keeps_the_peeked_item,
    all_any_stop_early,
    collect_into_collections_and_results,
    try_next_moves_the_error_out,
    size_hints_follow_the_adapters,
    notify_close_reports_the_end,
    iter_stream_yields_to_other_tasks,
    interoperates_with_futures_streams,
);

/// A stream that panics if polled after it returned `None`, and counts polls.
struct Strict {
    items: VecDeque<u32>,
    ended: bool,
    polls: Arc<AtomicUsize>,
}

impl Strict {
    fn new(items: &[u32]) -> (Self, Arc<AtomicUsize>) {
        let polls = Arc::new(AtomicUsize::new(0));
        let s = Strict {
            items: items.iter().copied().collect(),
            ended: false,
            polls: polls.clone(),
        };
        (s, polls)
    }
}

impl Stream for Strict {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u32>> {
        assert!(!self.ended, "polled after the end");
        self.polls.fetch_add(1, Ordering::SeqCst);
        let item = self.items.pop_front();
        self.ended = item.is_none();
        Poll::Ready(item)
    }
}

async fn adapters_transform_like_iterators() {
    let v: Vec<i32> = stream::iter(1..=10)
        .filter(|x| x % 2 == 0)
        .map(|x| x * 3)
        .skip(1)
        .take(3)
        .collect()
        .await;
    assert_eq!(v, [12, 18, 24]);

    let v: Vec<u8> = stream::iter(["1", "x", "2"])
        .filter_map(|s| s.parse().ok())
        .collect()
        .await;
    assert_eq!(v, [1, 2]);

    let v: Vec<i32> = stream::iter([1, 2, 7, 1])
        .take_while(|x| *x < 5)
        .collect()
        .await;
    assert_eq!(v, [1, 2]);
    let v: Vec<i32> = stream::iter([1, 2, 7, 1])
        .skip_while(|x| *x < 5)
        .collect()
        .await;
    assert_eq!(
        v,
        [7, 1],
        "skip_while stops testing after the first failure"
    );

    let v: Vec<u32> = stream::iter([4, 6, 7, 8])
        .map_while(|x| (x % 2 == 0).then_some(x / 2))
        .collect()
        .await;
    assert_eq!(v, [2, 3]);

    let sum = stream::iter(1..=4).fold(10, |acc, x| acc + x).await;
    assert_eq!(sum, 20);
    assert_eq!(stream::empty::<u8>().fold(5, |a, _| a).await, 5);

    let mut once = stream::once("x");
    assert_eq!(once.next().await, Some("x"));
    assert_eq!(once.next().await, None);
}

async fn adapters_work_on_unpin_less_streams() {
    // `then` with an async block makes a `!Unpin` stream; every adapter
    // over it must still work once pinned.
    let s = stream::iter(1..=6).then(|x| async move {
        runtime::task::yield_now().await;
        x
    });
    let s = s
        .filter(|x| *x != 2)
        .map(|x| x * 10)
        .skip_while(|x| *x < 20)
        .take_while(|x| *x < 60)
        .chain(stream::once(0))
        .fuse()
        .peekable();
    let mut s = pin!(s);
    let peeked = poll_fn(|cx| s.as_mut().poll_peek(cx).map(|item| item.copied())).await;
    assert_eq!(peeked, Some(30));
    let mut got = Vec::new();
    while let Some(x) = s.next().await {
        got.push(x);
    }
    assert_eq!(got, [30, 40, 50, 0]);
}

async fn take_stops_polling_after_n() {
    let (s, polls) = Strict::new(&[1, 2, 3, 4]);
    let v: Vec<u32> = s.take(2).collect().await;
    assert_eq!(v, [1, 2]);
    assert_eq!(
        polls.load(Ordering::SeqCst),
        2,
        "no poll beyond the second item"
    );

    let (s, polls) = Strict::new(&[1]);
    let v: Vec<u32> = s.take(0).collect().await;
    assert!(v.is_empty());
    assert_eq!(polls.load(Ordering::SeqCst), 0);
}

async fn fuse_and_chain_do_not_poll_an_ended_stream() {
    let (a, _) = Strict::new(&[1]);
    let mut fused = a.fuse();
    assert_eq!(fused.next().await, Some(1));
    for _ in 0..3 {
        assert_eq!(fused.next().await, None); // `Strict` would panic if polled
    }

    let (a, _) = Strict::new(&[1, 2]);
    let (b, _) = Strict::new(&[3]);
    let mut chained = a.chain(b);
    let mut got = Vec::new();
    while let Some(x) = chained.next().await {
        got.push(x);
    }
    assert_eq!(got, [1, 2, 3]);
}

async fn merge_alternates_and_ends_when_both_end() {
    let (a, _) = Strict::new(&[1, 3, 5, 7]);
    let (b, _) = Strict::new(&[2, 4]);
    let v: Vec<u32> = a.merge(b).collect().await;
    // Both always ready: the first poll goes to `a` then alternates; once
    // `b` ended, the rest of `a` (and `b` is not polled again: `Strict`).
    assert_eq!(v, [1, 2, 3, 4, 5, 7]);
}

async fn merge_interleaves_live_channels() {
    let (tx1, rx1) = mpsc::channel(1);
    let (tx2, rx2) = mpsc::channel(1);
    let p1 = runtime::spawn(async move {
        for i in 0..50 {
            tx1.send(i).await.unwrap();
        }
    });
    let p2 = runtime::spawn(async move {
        for i in 100..150 {
            tx2.send(i).await.unwrap();
        }
    });
    let a = runtime::stream::wrappers::ReceiverStream::new(rx1);
    let b = runtime::stream::wrappers::ReceiverStream::new(rx2);
    let got: Vec<i32> = a.merge(b).collect().await;
    p1.await.unwrap();
    p2.await.unwrap();
    assert_eq!(got.len(), 100);
    let firsts: Vec<_> = got.iter().copied().filter(|x| *x < 100).collect();
    let seconds: Vec<_> = got.iter().copied().filter(|x| *x >= 100).collect();
    assert_eq!(
        firsts,
        (0..50).collect::<Vec<_>>(),
        "each source's order kept"
    );
    assert_eq!(seconds, (100..150).collect::<Vec<_>>());
}

async fn then_runs_futures_in_order() {
    let running = Arc::new(AtomicUsize::new(0));
    let r = running.clone();
    let v: Vec<u32> = stream::iter([3u32, 1, 2])
        .then(move |x| {
            let r = r.clone();
            async move {
                assert_eq!(r.fetch_add(1, Ordering::SeqCst), 0, "one future at a time");
                for _ in 0..x {
                    runtime::task::yield_now().await;
                }
                r.fetch_sub(1, Ordering::SeqCst);
                x * 2
            }
        })
        .collect()
        .await;
    assert_eq!(v, [6, 2, 4]);
}

async fn peekable_keeps_the_peeked_item() {
    let mut s = stream::iter([1, 2]).peekable();
    assert_eq!(s.peek().await, Some(&1));
    assert_eq!(s.peek().await, Some(&1));
    *s.peek_mut().await.unwrap() = 9;
    assert_eq!(s.size_hint(), (2, Some(2)));
    assert_eq!(s.next().await, Some(9));
    assert_eq!(s.next().await, Some(2));
    assert_eq!(s.peek().await, None);
    assert_eq!(s.next().await, None);
}

async fn all_any_stop_early() {
    let (mut s, polls) = Strict::new(&[2, 4, 5, 6]);
    assert!(!s.all(|x| x % 2 == 0).await);
    assert_eq!(polls.load(Ordering::SeqCst), 3);
    assert_eq!(s.next().await, Some(6));

    let (mut s, polls) = Strict::new(&[1, 8, 3]);
    assert!(s.any(|x| x > 5).await);
    assert_eq!(polls.load(Ordering::SeqCst), 2);

    assert!(stream::empty::<u8>().all(|_| false).await);
    assert!(!stream::empty::<u8>().any(|_| true).await);

    // A long always-ready stream: more than one batch of items per poll.
    assert!(stream::iter(0..10_000).all(|x| x >= 0).await);
    assert!(stream::iter(0..10_000).any(|x| x == 9_999).await);
}

async fn collect_into_collections_and_results() {
    let set: HashSet<u8> = stream::iter([1, 1, 2]).collect().await;
    assert_eq!(set.len(), 2);
    let map: BTreeMap<&str, i32> = stream::iter([("a", 1), ("b", 2), ("a", 3)]).collect().await;
    assert_eq!(map["a"], 3);
    let text: String = stream::iter(vec![String::from("ab"), String::from("c")])
        .collect()
        .await;
    assert_eq!(text, "abc");
    let boxed: Box<[u8]> = stream::iter([1, 2]).collect().await;
    assert_eq!(&*boxed, &[1, 2]);
    let dq: VecDeque<u8> = stream::iter([3]).collect().await;
    assert_eq!(dq, [3]);
    let () = stream::iter([(), ()]).collect().await;

    let ok: Result<Vec<u8>, String> = stream::iter([Ok(1), Ok(2)]).collect().await;
    assert_eq!(ok, Ok(vec![1, 2]));
    // Stops at the first error without polling further.
    let items = [Ok(1), Err("first"), Err("second"), Ok(4)];
    let polled = Arc::new(AtomicUsize::new(0));
    let p = polled.clone();
    let err: Result<Vec<u8>, &str> = stream::iter(items)
        .map(move |x| {
            p.fetch_add(1, Ordering::SeqCst);
            x
        })
        .collect()
        .await;
    assert_eq!(err, Err("first"));
    assert_eq!(polled.load(Ordering::SeqCst), 2);
}

async fn try_next_moves_the_error_out() {
    async fn sum(mut s: impl Stream<Item = Result<u32, String>> + Unpin) -> Result<u32, String> {
        let mut total = 0;
        while let Some(x) = s.try_next().await? {
            total += x;
        }
        Ok(total)
    }
    assert_eq!(sum(stream::iter([Ok(1), Ok(2)])).await, Ok(3));
    assert_eq!(
        sum(stream::iter([Ok(1), Err("no".into()), Ok(2)])).await,
        Err("no".into())
    );
}

async fn size_hints_follow_the_adapters() {
    let base = || stream::iter(0..10);
    assert_eq!(base().size_hint(), (10, Some(10)));
    assert_eq!(base().map(|x| x).size_hint(), (10, Some(10)));
    assert_eq!(base().filter(|_| true).size_hint(), (0, Some(10)));
    assert_eq!(base().take(3).size_hint(), (3, Some(3)));
    assert_eq!(base().take(30).size_hint(), (10, Some(10)));
    assert_eq!(base().skip(3).size_hint(), (7, Some(7)));
    assert_eq!(base().chain(base()).size_hint(), (20, Some(20)));
    assert_eq!(base().merge(stream::pending()).size_hint(), (10, None));
    assert_eq!(stream::once(1).size_hint(), (1, Some(1)));
    assert_eq!(stream::pending::<u8>().size_hint(), (0, None));
    let mut fused = stream::empty::<u8>().fuse();
    assert_eq!(fused.next().await, None);
    assert_eq!(fused.size_hint(), (0, Some(0)));
}

async fn notify_close_reports_the_end() {
    let mut s = StreamNotifyClose::new(stream::iter([1, 2]));
    assert_eq!(s.size_hint(), (3, Some(3)));
    assert_eq!(s.next().await, Some(Some(1)));
    assert_eq!(s.next().await, Some(Some(2)));
    assert_eq!(s.next().await, Some(None));
    assert_eq!(s.next().await, None);
    assert_eq!(s.next().await, None);
    assert!(s.into_inner().is_none());
}

async fn iter_stream_yields_to_other_tasks() {
    // A task draining an endless always-ready stream must let another task
    // on the same runtime run (the stream spends the coop budget).
    let flag = Arc::new(AtomicUsize::new(0));
    let f = flag.clone();
    let drainer = runtime::spawn(async move {
        let mut s = stream::iter(0u64..);
        while f.load(Ordering::SeqCst) == 0 {
            s.next().await;
        }
    });
    let setter = runtime::spawn(async move {
        flag.store(1, Ordering::SeqCst);
    });
    setter.await.unwrap();
    drainer.await.unwrap();
}

#[test]
fn chunks_timeout_rejects_zero_size() {
    let rt = runtime::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt
        .block_on(async {
            runtime::spawn(async {
                let _ = stream::iter([1]).chunks_timeout(0, std::time::Duration::from_secs(1));
            })
            .await
        })
        .unwrap_err();
    let msg = err.into_panic();
    let msg = msg
        .downcast_ref::<String>()
        .map(String::as_str)
        .or(msg.downcast_ref::<&str>().copied());
    assert!(msg.unwrap().contains("max_size"), "{msg:?}");
}

#[test]
fn futures_are_send_and_adapters_unpin_when_inner_is() {
    fn is_send<T: Send>(_: &T) {}
    fn is_unpin<T: Unpin>(_: &T) {}
    let mut s = stream::iter([1, 2]).map(|x| x + 1);
    is_unpin(&s);
    is_send(&s.next());
    is_unpin(&stream::iter([1]).fold(0, |a, x| a + x));
    is_unpin(&stream::iter([1]).collect::<Vec<_>>());
}

async fn interoperates_with_futures_streams() {
    // A `futures` stream takes our combinators...
    let counter = futures::stream::unfold(0u32, |n| async move { (n < 3).then_some((n, n + 1)) });
    let v: Vec<u32> = StreamExt::map(counter, |x| x * 2).collect().await;
    assert_eq!(v, [0, 2, 4]);
    // ...and ours take `futures`' (same `Stream` trait).
    let ours = stream::iter(1..=4).filter(|x| x % 2 == 0);
    let buffered: Vec<u32> = futures::StreamExt::collect(futures::StreamExt::buffered(
        futures::StreamExt::map(ours, |x| async move { x + 100 }),
        2,
    ))
    .await;
    assert_eq!(buffered, [102, 104]);
}

#[test]
fn streams_without_timers_run_on_any_executor() {
    // No runtime: the sources' coop budget is unconstrained there.
    let v: Vec<u32> = futures::executor::block_on(
        stream::iter(0..1000u32)
            .chain(stream::once(7))
            .filter(|x| x % 100 == 7)
            .collect(),
    );
    assert_eq!(v.len(), 11);
    let mut map = runtime::stream::StreamMap::new();
    map.insert("a", stream::iter(vec![1, 2]));
    let n = futures::executor::block_on(map.fold(0, |acc, (_, x)| acc + x));
    assert_eq!(n, 3);
}
