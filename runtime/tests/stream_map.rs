//! `runtime::stream::StreamMap`: keyed merging, fairness, removal (also
//! while the map is waiting), `next_many`, and `StreamNotifyClose` in a map.

use runtime::stream::wrappers::UnboundedReceiverStream;
use runtime::stream::{self, Stream, StreamExt, StreamMap, StreamNotifyClose};
use runtime::sync::mpsc;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::Poll;

#[macro_use]
#[path = "support/flavours.rs"]
mod flavours;

both_flavours!(
    yields_keyed_items_and_ends_when_all_end,
    busy_streams_share_the_map_fairly,
    removal_while_pending_stops_delivery_and_returns_the_stream,
    inserted_stream_is_polled_by_a_waiting_task,
    next_many_batches_and_reports_empty,
    notify_close_tells_which_key_ended,
    accessors_and_replacement,
    streams_ending_in_the_same_round_are_all_removed,
);

type Rx = UnboundedReceiverStream<u32>;

fn channel() -> (mpsc::UnboundedSender<u32>, Rx) {
    let (tx, rx) = mpsc::unbounded_channel();
    (tx, UnboundedReceiverStream::new(rx))
}

/// Polls once: `Some(item)` if ready, `None` if pending.
async fn poll_now<S: Stream + Unpin>(s: &mut S) -> Option<Option<S::Item>> {
    poll_fn(|cx| match Pin::new(&mut *s).poll_next(cx) {
        Poll::Ready(item) => Poll::Ready(Some(item)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

async fn yields_keyed_items_and_ends_when_all_end() {
    let mut map = StreamMap::new();
    map.insert("a", stream::iter(vec![1, 2, 3]));
    map.insert("b", stream::iter(vec![10]));
    map.insert("c", stream::iter(vec![]));
    assert_eq!(map.size_hint(), (4, Some(4)));
    let mut got = Vec::new();
    while let Some(pair) = map.next().await {
        got.push(pair);
    }
    got.sort();
    assert_eq!(got, [("a", 1), ("a", 2), ("a", 3), ("b", 10)]);
    assert!(map.is_empty(), "ended streams are removed");
    assert_eq!(map.next().await, None);
    // Order within one stream is kept.
    let mut map = StreamMap::new();
    map.insert(1, stream::iter(0..100));
    map.insert(2, stream::iter(100..200));
    let all: Vec<(i32, i32)> = map.collect().await;
    let ones: Vec<i32> = all
        .iter()
        .filter(|(k, _)| *k == 1)
        .map(|(_, v)| *v)
        .collect();
    assert_eq!(ones, (0..100).collect::<Vec<_>>());
}

async fn busy_streams_share_the_map_fairly() {
    // Three endless always-ready streams: with a random first stream on
    // every poll, each gets about a third of the items.
    let mut map = StreamMap::new();
    for key in 0..3 {
        map.insert(key, stream::iter(std::iter::repeat(key)));
    }
    let mut counts = [0usize; 3];
    for _ in 0..3000 {
        let (key, item) = map.next().await.unwrap();
        assert_eq!(key, item);
        counts[key] += 1;
    }
    for (key, n) in counts.iter().enumerate() {
        assert!(*n > 700, "stream {key} got {n} of 3000 items: {counts:?}");
    }
}

async fn removal_while_pending_stops_delivery_and_returns_the_stream() {
    let (tx_a, a) = channel();
    let (tx_b, b) = channel();
    let (tx_c, c) = channel();
    let mut map = StreamMap::new();
    map.insert("a", a);
    map.insert("b", b);
    map.insert("c", c);
    assert_eq!(poll_now(&mut map).await, None, "all pending");

    let mut removed = map.remove("a").expect("a was there");
    assert!(!map.contains_key("a"));
    assert_eq!(map.len(), 2);
    tx_a.send(1).unwrap();
    tx_b.send(2).unwrap();
    assert_eq!(
        map.next().await,
        Some(("b", 2)),
        "the removed stream's item is not delivered"
    );
    assert_eq!(
        removed.next().await,
        Some(1),
        "it is still in the removed stream"
    );

    // An ended stream is dropped from the map on the next poll.
    drop(tx_c);
    assert_eq!(poll_now(&mut map).await, None, "b still pending");
    assert!(!map.contains_key("c"));
    assert_eq!(map.len(), 1);
    // Removing the last pending stream ends the map at once.
    assert!(map.remove("b").is_some());
    assert!(map.is_empty());
    assert_eq!(map.next().await, None);
    drop(tx_b);
}

async fn inserted_stream_is_polled_by_a_waiting_task() {
    let (tx_ctl, mut ctl) = mpsc::unbounded_channel::<Rx>();
    let (tx_first, first) = channel();
    let reader = runtime::spawn(async move {
        let mut map = StreamMap::new();
        map.insert(0usize, first);
        let mut got = Vec::new();
        let mut next_key = 1;
        // Until the control channel is closed and every stream has ended.
        loop {
            runtime::select! {
                Some(rx) = ctl.recv() => {
                    map.insert(next_key, rx);
                    next_key += 1;
                }
                Some(pair) = map.next(), if !map.is_empty() => got.push(pair),
                else => break,
            }
        }
        got
    });
    let (tx_second, second) = channel();
    // Let the reader start waiting on the map first.
    runtime::task::yield_now().await;
    tx_ctl.send(second).unwrap();
    drop(tx_ctl);
    runtime::task::yield_now().await;
    tx_second.send(7).unwrap();
    tx_first.send(5).unwrap();
    drop((tx_first, tx_second));
    let mut got = reader.await.unwrap();
    got.sort();
    assert_eq!(got, [(0, 5), (1, 7)]);
}

async fn next_many_batches_and_reports_empty() {
    let mut map = StreamMap::new();
    map.insert("a", stream::iter(vec![1, 2, 3]));
    map.insert("b", stream::iter(vec![4, 5, 6]));
    let mut buf = Vec::new();
    assert_eq!(map.next_many(&mut buf, 0).await, 0);
    assert_eq!(map.next_many(&mut buf, 4).await, 4);
    assert_eq!(map.next_many(&mut buf, 10).await, 2);
    assert_eq!(buf.len(), 6);
    buf.sort();
    assert_eq!(
        buf,
        [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("b", 5), ("b", 6)]
    );
    assert_eq!(map.next_many(&mut buf, 10).await, 0, "empty map: 0 at once");
    assert!(map.is_empty());

    // Pending while every stream is, then the items that came.
    let (tx, rx) = channel();
    let mut map = StreamMap::new();
    map.insert("live", rx);
    let mut buf = Vec::new();
    let pending = poll_fn(|cx| Poll::Ready(map.poll_next_many(cx, &mut buf, 5))).await;
    assert_eq!(pending, Poll::Pending);
    for i in 0..3 {
        tx.send(i).unwrap();
    }
    assert_eq!(map.next_many(&mut buf, 5).await, 3);
    assert_eq!(buf, [("live", 0), ("live", 1), ("live", 2)]);
}

async fn notify_close_tells_which_key_ended() {
    let (tx_a, a) = channel();
    let (tx_b, b) = channel();
    let mut map = StreamMap::new();
    map.insert("a", StreamNotifyClose::new(a));
    map.insert("b", StreamNotifyClose::new(b));
    tx_a.send(1).unwrap();
    drop(tx_a);
    let mut got = vec![map.next().await.unwrap(), map.next().await.unwrap()];
    got.sort();
    assert_eq!(got, [("a", None), ("a", Some(1))]);
    // The wrapper itself ends on the next poll, which drops it from the map.
    assert_eq!(poll_now(&mut map).await, None);
    assert_eq!(map.keys().collect::<Vec<_>>(), [&"b"]);
    drop(tx_b);
    assert_eq!(map.next().await, Some(("b", None)));
    assert_eq!(map.next().await, None);
}

async fn accessors_and_replacement() {
    let mut map: StreamMap<String, Pin<Box<dyn Stream<Item = u32> + Send>>> =
        StreamMap::with_capacity(4);
    assert!(map.capacity() >= 4);
    map.insert("x".into(), Box::pin(stream::iter(vec![1])));
    // A `!Unpin` stream, boxed.
    map.insert(
        "y".into(),
        Box::pin(stream::once(2).then(|x| async move { x * 10 })),
    );
    let old = map.insert("x".into(), Box::pin(stream::iter(vec![3])));
    assert_eq!(
        old.unwrap().next().await,
        Some(1),
        "the replaced stream comes back"
    );
    assert_eq!(map.len(), 2);
    assert!(map.contains_key("y"));
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    assert_eq!(keys, ["x", "y"]);
    assert_eq!(map.values().count(), 2);
    assert_eq!(map.iter().count(), 2);
    for (_, s) in map.iter_mut() {
        assert!(s.size_hint().1.unwrap() <= 1);
    }
    let mut all: Vec<(String, u32)> = Vec::new();
    while let Some(pair) = map.next().await {
        all.push(pair);
    }
    all.sort();
    assert_eq!(all, [("x".to_string(), 3), ("y".to_string(), 20)]);

    let mut map: StreamMap<u8, _> = (0..3).map(|k| (k, stream::once(k))).collect();
    map.extend([(9, stream::once(9))]);
    assert_eq!(map.len(), 4);
    for s in map.values_mut() {
        assert_eq!(s.size_hint(), (1, Some(1)));
    }
    map.clear();
    assert!(map.is_empty());
    assert_eq!(StreamMap::<u8, stream::Empty<()>>::default().len(), 0);
}

/// A stream of its items that panics if polled after it returned `None`.
struct Strict(std::collections::VecDeque<u32>, bool);

impl Stream for Strict {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut std::task::Context<'_>) -> Poll<Option<u32>> {
        assert!(!self.1, "polled after its end");
        let item = self.0.pop_front();
        self.1 = item.is_none();
        Poll::Ready(item)
    }
}

async fn streams_ending_in_the_same_round_are_all_removed() {
    for _ in 0..50 {
        // Even keys end at once, odd keys have one item: one round sees
        // several streams end (and one item), from a random start.
        let mut map = StreamMap::new();
        for key in 0..9u32 {
            let items = if key % 2 == 1 { vec![key * 10] } else { vec![] };
            map.insert(key, Strict(items.into(), false));
        }
        let mut got = Vec::new();
        while let Some((key, item)) = map.next().await {
            assert_eq!(item, key * 10);
            got.push(key);
        }
        got.sort();
        assert_eq!(got, [1, 3, 5, 7]);
        assert!(map.is_empty());
    }
}
