//! `runtime::stream`: the timer-based adapters (`timeout`,
//! `timeout_repeating`, `throttle`, `chunks_timeout`) and `IntervalStream`,
//! on paused time, where every instant is exact.

use runtime::stream::{self, wrappers::IntervalStream, Elapsed, Stream, StreamExt};
use runtime::time::{self, advance, interval, sleep, Duration, Instant};
use std::future::poll_fn;
use std::pin::pin;
use std::task::Poll;

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A stream of `items`, each at its offset from the first poll.
fn at_offsets(items: &[(u64, u32)]) -> impl Stream<Item = u32> {
    let start = Instant::now();
    stream::iter(items.to_vec()).then(move |(at, item)| async move {
        time::sleep_until(start + secs(at)).await;
        item
    })
}

/// Polls once: `Some(item)` if the stream had one ready.
async fn poll_now<S: Stream + Unpin>(s: &mut S) -> Option<Option<S::Item>> {
    poll_fn(|cx| match std::pin::Pin::new(&mut *s).poll_next(cx) {
        Poll::Ready(item) => Poll::Ready(Some(item)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

#[runtime::test(start_paused = true)]
async fn timeout_errs_once_per_silence_and_keeps_reading() {
    let start = Instant::now();
    let s = at_offsets(&[(0, 1), (3, 2)]).timeout(secs(1));
    let mut s = pin!(s);
    assert_eq!(s.next().await, Some(Ok(1)));
    assert_eq!(start.elapsed(), secs(0));
    let err: Option<Result<u32, Elapsed>> = s.next().await;
    assert!(matches!(err, Some(Err(_))), "{err:?}");
    assert_eq!(start.elapsed(), secs(1), "one second after the last item");
    // No second error during the same silence: the next item comes.
    assert_eq!(s.next().await, Some(Ok(2)));
    assert_eq!(start.elapsed(), secs(3));
    assert_eq!(
        s.next().await,
        None,
        "the end is not delayed by the deadline"
    );
    assert_eq!(start.elapsed(), secs(3));
}

#[runtime::test(start_paused = true)]
async fn timeout_deadline_restarts_at_each_item() {
    let start = Instant::now();
    // Items every 0.8 s: never 1 s of silence, so no error.
    let items: Vec<(u64, u32)> = (1..=4).map(|i| (i, i as u32)).collect();
    let s = stream::iter(items)
        .then(move |(i, x)| async move {
            time::sleep_until(start + Duration::from_millis(800 * i)).await;
            x
        })
        .timeout(secs(1));
    let all: Vec<_> = s.collect().await;
    assert_eq!(all, [Ok(1), Ok(2), Ok(3), Ok(4)]);
    assert_eq!(start.elapsed(), Duration::from_millis(3200));
}

#[runtime::test(start_paused = true)]
async fn timeout_error_converts_and_displays() {
    let mut s = pin!(stream::pending::<()>().timeout(secs(2)));
    let err = s.next().await.unwrap().unwrap_err();
    assert_eq!(err.to_string(), "deadline has elapsed");
    assert_eq!(
        std::io::Error::from(err).kind(),
        std::io::ErrorKind::TimedOut
    );
    // Silence goes on: nothing more, ever.
    assert!(time::timeout(secs(100), s.next()).await.is_err());
}

#[runtime::test(start_paused = true)]
async fn timeout_repeating_errs_at_every_tick_and_resets_on_items() {
    let start = Instant::now();
    let mut iv = interval(secs(1));
    iv.tick().await;
    let s = at_offsets(&[(0, 1), (5, 2)]).timeout_repeating(iv);
    let mut s = pin!(s);
    assert_eq!(s.next().await, Some(Ok(1)));
    let mut errs_at = Vec::new();
    loop {
        match s.next().await {
            Some(Err(_)) => errs_at.push(start.elapsed().as_secs()),
            Some(Ok(x)) => {
                assert_eq!(x, 2);
                break;
            }
            None => panic!("ended early"),
        }
    }
    assert_eq!(errs_at, [1, 2, 3, 4], "one error per tick of silence");
    assert_eq!(start.elapsed(), secs(5));
    assert_eq!(s.next().await, None);
}

#[runtime::test(start_paused = true)]
async fn throttle_spaces_items_and_zero_passes_through() {
    let start = Instant::now();
    let mut s = pin!(stream::iter(1..=3).throttle(secs(2)));
    let mut at = Vec::new();
    while let Some(x) = s.next().await {
        at.push((x, start.elapsed().as_secs()));
    }
    assert_eq!(at, [(1, 0), (2, 2), (3, 4)]);

    // An item that comes late is not delayed further.
    let start = Instant::now();
    let mut s = pin!(at_offsets(&[(0, 1), (5, 2)]).throttle(secs(2)));
    assert_eq!(s.next().await, Some(1));
    assert_eq!(s.next().await, Some(2));
    assert_eq!(start.elapsed(), secs(5));

    let start = Instant::now();
    let all: Vec<_> = stream::iter(1..=100)
        .throttle(Duration::ZERO)
        .collect()
        .await;
    assert_eq!(all.len(), 100);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[runtime::test(start_paused = true)]
async fn throttle_does_not_poll_the_stream_while_waiting() {
    let mut s = stream::iter(1..=2).throttle(secs(10));
    assert_eq!(s.next().await, Some(1));
    assert_eq!(poll_now(&mut s).await, None, "pending during the delay");
    assert_eq!(
        s.get_ref().size_hint(),
        (1, Some(1)),
        "item 2 not taken yet"
    );
    advance(secs(10)).await;
    assert_eq!(poll_now(&mut s).await, Some(Some(2)));
}

#[runtime::test(start_paused = true)]
async fn chunks_timeout_full_timed_and_final_batches() {
    let start = Instant::now();
    let s =
        at_offsets(&[(0, 1), (0, 2), (0, 3), (1, 4), (10, 5), (10, 6)]).chunks_timeout(3, secs(5));
    let mut s = pin!(s);
    assert_eq!(s.next().await, Some(vec![1, 2, 3]), "full batch at once");
    assert_eq!(start.elapsed(), secs(0));
    assert_eq!(
        s.next().await,
        Some(vec![4]),
        "deadline counted from item 4"
    );
    assert_eq!(start.elapsed(), secs(6));
    assert_eq!(s.next().await, Some(vec![5, 6]), "stream end flushes");
    assert_eq!(start.elapsed(), secs(10));
    assert_eq!(s.next().await, None);
}

#[runtime::test(start_paused = true)]
async fn chunks_timeout_waits_without_items_and_hands_back_remainder() {
    let start = Instant::now();
    let mut s = pin!(stream::pending::<u8>().chunks_timeout(2, secs(1)));
    // No item: no empty batch, however long.
    assert!(time::timeout(secs(60), s.next()).await.is_err());
    assert_eq!(start.elapsed(), secs(60));

    let items = stream::iter([1, 2, 3]).chain(stream::pending());
    let mut s = pin!(items.chunks_timeout(5, secs(30)));
    assert!(time::timeout(secs(1), s.next()).await.is_err());
    assert_eq!(s.as_mut().into_remainder(), [1, 2, 3]);
    assert!(s.as_mut().into_remainder().is_empty());
}

#[runtime::test(start_paused = true)]
async fn interval_stream_ticks_on_the_paused_clock() {
    let start = Instant::now();
    let mut ticks = IntervalStream::new(interval(secs(3)));
    assert_eq!(ticks.size_hint(), (usize::MAX, None));
    let mut due = Vec::new();
    for _ in 0..3 {
        due.push(ticks.next().await.unwrap() - start);
    }
    assert_eq!(due, [secs(0), secs(3), secs(6)]);
    assert_eq!(ticks.as_ref().period(), secs(3));
    ticks.as_mut().reset();
    sleep(secs(1)).await;
    let mut iv = ticks.into_inner();
    assert_eq!(
        iv.tick().await - start,
        secs(9),
        "reset moved the next tick"
    );
}
