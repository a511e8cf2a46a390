//! Smoke tests of rows of README's "Ecosystem" table that no example
//! covers: crates users pair with Tokio, used here as they would be on
//! Tokio, on both flavours.
//!
//! - async-compression's Tokio adapters (row "through `tokio-io`"): gzip
//!   over our `TcpStream` halves with our `BufReader`, and over our
//!   `BufWriter<UnixStream>`, so Tokio's `AsyncBufRead` on our buffered
//!   reader and `poll_shutdown` through our buffered writer (flush, then
//!   the socket's write side) are what the crate sees.
//! - tracing (row "natively"): spans attached with `Instrument` to tasks
//!   that migrate between workers are entered around each poll, and the
//!   events inside land in their own task's span.

#[path = "support/flavours.rs"]
mod flavours;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use async_compression::tokio::bufread::GzipDecoder;
use async_compression::tokio::write::GzipEncoder;
use runtime::io::{BufReader, BufWriter};
use runtime::net::{TcpListener, TcpStream, UnixStream};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// 1 MiB that compresses well but not to nothing: lines of text with a
/// counter, so a reordered or dropped chunk changes the bytes.
fn payload() -> Vec<u8> {
    let mut out = Vec::with_capacity(1 << 20);
    let mut i = 0u64;
    while out.len() < 1 << 20 {
        out.extend_from_slice(format!("line {i:08} of the payload, lower case\n").as_bytes());
        i += 1;
    }
    out
}

#[test]
fn gzip_both_ways_over_tcp_halves_and_buf_reader() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            // The server inflates the request, upper-cases it and sends it
            // back deflated.
            let server = runtime::spawn(async move {
                let (stream, _) = listener.accept().await.unwrap();
                let (read, write) = stream.into_split();
                let mut request = Vec::new();
                GzipDecoder::new(BufReader::new(read))
                    .read_to_end(&mut request)
                    .await
                    .unwrap();
                let mut encoder = GzipEncoder::new(write);
                encoder
                    .write_all(&request.to_ascii_uppercase())
                    .await
                    .unwrap();
                encoder.shutdown().await.unwrap();
                request.len()
            });

            let (read, write) = TcpStream::connect(addr).await.unwrap().into_split();
            let sent = payload();
            let mut encoder = GzipEncoder::new(write);
            encoder.write_all(&sent).await.unwrap();
            // Ends the gzip stream and then the socket's write side: the
            // server's decoder sees its end only through both.
            encoder.shutdown().await.unwrap();
            let mut reply = Vec::new();
            GzipDecoder::new(BufReader::with_capacity(512, read))
                .read_to_end(&mut reply)
                .await
                .unwrap();
            assert_eq!(server.await.unwrap(), sent.len());
            assert!(reply == sent.to_ascii_uppercase(), "the reply differs");
        });
    }
}

#[test]
fn gzip_through_buf_writer_over_unix() {
    for rt in flavours::runtimes() {
        rt.block_on(async {
            let (a, b) = UnixStream::pair().unwrap();
            let sent = payload();
            let expected = sent.clone();
            let writer = runtime::spawn(async move {
                let mut encoder = GzipEncoder::new(BufWriter::with_capacity(4096, a));
                for chunk in sent.chunks(10_000) {
                    encoder.write_all(chunk).await.unwrap();
                }
                // Without the buffered writer's flush inside its shutdown,
                // the gzip trailer would stay in its buffer and the reader
                // would fail with "unexpected end of file".
                encoder.shutdown().await.unwrap();
            });
            // Count the bytes on the wire, then inflate them.
            let mut wire = Vec::new();
            BufReader::new(b).read_to_end(&mut wire).await.unwrap();
            writer.await.unwrap();
            assert_eq!(&wire[..2], &[0x1f, 0x8b], "not a gzip stream");
            assert!(
                wire.len() < expected.len() / 4,
                "{} bytes on the wire for {}: not compressed",
                wire.len(),
                expected.len()
            );
            let mut got = Vec::new();
            GzipDecoder::new(BufReader::new(&wire[..]))
                .read_to_end(&mut got)
                .await
                .unwrap();
            assert!(got == expected, "the inflated bytes differ");
        });
    }
}

// ---------------------------------------------------------------- tracing

/// A subscriber that keeps, per thread, the stack of entered spans, and
/// records each event with the `task` field of the span it was in. Its
/// records are statics: it is the process-wide subscriber (worker threads
/// do not see a thread-local default), and one test uses it.
struct Recorder;

/// Span id -> the `task` field given at its creation.
static SPANS: Mutex<BTreeMap<u64, u64>> = Mutex::new(BTreeMap::new());
/// (the event's `task` field, the `task` field of the span it was in).
static EVENTS: Mutex<Vec<(u64, Option<u64>)>> = Mutex::new(Vec::new());
/// Span id -> (enters, exits).
static ENTRIES: Mutex<BTreeMap<u64, (u32, u32)>> = Mutex::new(BTreeMap::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static ENTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Reads the `task` field of a span or an event.
struct TaskField(Option<u64>);

impl tracing::field::Visit for TaskField {
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if field.name() == "task" {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let mut task = TaskField(None);
        span.record(&mut task);
        let task = task.0.expect("every span of this test has a task field");
        SPANS.lock().unwrap().insert(id, task);
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut task = TaskField(None);
        event.record(&mut task);
        let task = task.0.expect("every event of this test has a task field");
        let current = ENTERED.with(|stack| stack.borrow().last().copied());
        let span_task = current.map(|id| SPANS.lock().unwrap()[&id]);
        EVENTS.lock().unwrap().push((task, span_task));
    }

    fn enter(&self, span: &tracing::span::Id) {
        ENTERED.with(|stack| stack.borrow_mut().push(span.into_u64()));
        tally(span, false);
    }

    fn exit(&self, span: &tracing::span::Id) {
        let top = ENTERED.with(|stack| stack.borrow_mut().pop());
        assert_eq!(top, Some(span.into_u64()), "spans exited out of order");
        tally(span, true);
    }
}

/// Counts one enter (or, with `exit`, one exit) of `span` in `ENTRIES`.
fn tally(span: &tracing::span::Id, exit: bool) {
    let mut entries = ENTRIES.lock().unwrap();
    let (enters, exits) = entries.entry(span.into_u64()).or_default();
    *if exit { exits } else { enters } += 1;
}

#[test]
fn tracing_spans_follow_their_tasks_across_polls() {
    use tracing::Instrument;

    const TASKS: u64 = 16;
    const YIELDS: u32 = 5;
    tracing::subscriber::set_global_default(Recorder)
        .expect("no other test in this file sets a subscriber");
    for rt in flavours::runtimes() {
        SPANS.lock().unwrap().clear();
        EVENTS.lock().unwrap().clear();
        ENTRIES.lock().unwrap().clear();
        rt.block_on(async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|task| {
                    runtime::spawn(
                        async move {
                            for step in 0..YIELDS {
                                tracing::info!(task, step, "step");
                                runtime::task::yield_now().await;
                            }
                        }
                        .instrument(tracing::info_span!("job", task)),
                    )
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            // Outside every task's span.
            tracing::info!(task = u64::MAX, "done");
        });

        let events = EVENTS.lock().unwrap();
        assert_eq!(events.len() as u64, TASKS * u64::from(YIELDS) + 1);
        for &(task, span) in events.iter() {
            if task == u64::MAX {
                assert_eq!(span, None, "an event outside the tasks is in a span");
            } else {
                assert_eq!(
                    span,
                    Some(task),
                    "an event of task {task} is in another span"
                );
            }
        }
        let entries = ENTRIES.lock().unwrap();
        assert_eq!(entries.len() as u64, TASKS);
        for (span, &(enters, exits)) in entries.iter() {
            // One poll per yield and the last one; `Instrumented` also
            // enters once more to drop the future inside its span.
            assert!(enters > YIELDS, "span {span} entered {enters} times");
            assert_eq!(enters, exits, "span {span}: {enters} enters, {exits} exits");
        }
        ENTERED.with(|stack| assert!(stack.borrow().is_empty()));
    }
}
