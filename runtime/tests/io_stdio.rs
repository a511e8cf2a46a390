//! `runtime::io::{stdin, stdout, stderr}` through a child process: this test
//! binary runs itself with `RT_STDIO_CHILD=<scenario>`, and then its `child`
//! test plays the scenario on the real standard streams; the parent checks
//! the bytes. Each scenario runs on both runtime flavours.
#![cfg(feature = "full")]

use runtime::io::{self, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// Frames what the child wrote, separating it from the test harness's lines.
const BEGIN: &str = "<<rt-stdio-begin>>\n";
const END: &str = "<<rt-stdio-end>>";

/// The child side: does nothing unless run by `run_child`.
#[test]
fn child() {
    let Ok(scenario) = std::env::var("RT_STDIO_CHILD") else {
        return;
    };
    let multi = std::env::var("RT_STDIO_FLAVOR").unwrap() == "multi";
    let rt = if multi {
        runtime::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    } else {
        runtime::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }
    .unwrap();
    // Straight to the fd, so that the marker precedes everything.
    std::io::stdout().write_all(BEGIN.as_bytes()).unwrap();
    std::io::stdout().flush().unwrap();
    rt.block_on(async {
        match scenario.as_str() {
            "echo" => echo().await,
            "order" => order().await,
            "large" => large().await,
            "no_flush" => no_flush().await,
            "stdin_eof" => stdin_eof().await,
            other => panic!("unknown scenario {other}"),
        }
    });
    drop(rt);
    // After the runtime is gone: std's buffer (a partial line) comes first.
    std::io::stdout().write_all(END.as_bytes()).unwrap();
    std::io::stdout().flush().unwrap();
}

/// Each stdin line reversed to stdout; the line count to stderr.
async fn echo() {
    let mut lines = BufReader::new(io::stdin()).lines();
    let mut out = io::stdout();
    let mut count = 0;
    while let Some(line) = lines.next_line().await.unwrap() {
        let reversed: String = line.chars().rev().collect();
        out.write_all(reversed.as_bytes()).await.unwrap();
        out.write_all(b"\n").await.unwrap();
        count += 1;
    }
    out.flush().await.unwrap();
    let mut err = io::stderr();
    err.write_all(format!("lines={count}\n").as_bytes())
        .await
        .unwrap();
    err.flush().await.unwrap();
}

/// The pieces `order` writes: numbered, of varied lengths, some without a
/// newline, so that std's line buffering splits them differently.
fn order_pieces() -> Vec<String> {
    (0..5000)
        .map(|i| match i % 4 {
            0 => format!("{i}\n"),
            1 => format!("[{i}]"),
            2 => format!("{}{i}\n", "x".repeat(i % 97)),
            _ => format!("{i};"),
        })
        .collect()
}

async fn order() {
    let mut out = io::stdout();
    for piece in order_pieces() {
        // `write`, not `write_all`: each call returns once its bytes are
        // buffered, so most of them find the previous one still in flight.
        let mut rest = piece.as_bytes();
        while !rest.is_empty() {
            let n = out.write(rest).await.unwrap();
            rest = &rest[n..];
        }
    }
    out.flush().await.unwrap();
}

fn large_payload() -> Vec<u8> {
    // 5 MiB: more than the 2 MiB a single blocking write takes.
    (0..5 * 1024 * 1024)
        .map(|i: usize| b'a' + (i % 26) as u8)
        .collect()
}

async fn large() {
    let mut out = io::stdout();
    out.write_all(&large_payload()).await.unwrap();
    out.write_all(b"|tail").await.unwrap();
    out.shutdown().await.unwrap();
}

async fn no_flush() {
    let mut out = io::stdout();
    out.write_all(b"complete line\n").await.unwrap();
    out.write_all(b"partial, no newline, no flush")
        .await
        .unwrap();
    // Dropped with the last write maybe in flight.
}

async fn stdin_eof() {
    let mut input = Vec::new();
    let n = io::stdin().read_to_end(&mut input).await.unwrap();
    let mut out = io::stdout();
    out.write_all(format!("read {n} bytes").as_bytes())
        .await
        .unwrap();
    out.flush().await.unwrap();
}

/// Runs `scenario` in a child on each flavour with `input` on its stdin;
/// returns what it wrote to stdout between the markers, and its stderr.
fn run_child(scenario: &str, input: &[u8]) -> Vec<(String, Vec<u8>, String)> {
    let mut results = Vec::new();
    for flavor in ["current", "multi"] {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["child", "--exact", "--nocapture", "--test-threads=1"])
            .env("RT_STDIO_CHILD", scenario)
            .env("RT_STDIO_FLAVOR", flavor)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
            // Dropping it closes the pipe: end of input.
        });
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success(),
            "{scenario} ({flavor}) failed: {stderr}"
        );
        let stdout = out.stdout;
        let begin = find(&stdout, BEGIN.as_bytes()).expect("no begin marker") + BEGIN.len();
        let end = find(&stdout, END.as_bytes()).expect("no end marker");
        results.push((flavor.to_string(), stdout[begin..end].to_vec(), stderr));
    }
    results
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn stdin_lines_echoed_to_stdout_in_order() {
    let lines: Vec<String> = (0..3000)
        .map(|i| format!("line {i} {}", "é".repeat(i % 13)))
        .collect();
    let input = lines.join("\n") + "\n";
    let expected: String = lines
        .iter()
        .map(|l| l.chars().rev().collect::<String>() + "\n")
        .collect();
    for (flavor, out, err) in run_child("echo", input.as_bytes()) {
        assert!(
            out == expected.as_bytes(),
            "{flavor}: echoed output differs"
        );
        assert!(err.contains("lines=3000"), "{flavor}: stderr {err}");
    }
}

#[test]
fn writes_through_one_stdout_keep_their_order() {
    let expected: String = order_pieces().concat();
    for (flavor, out, _) in run_child("order", b"") {
        assert_eq!(String::from_utf8(out).unwrap(), expected, "{flavor}");
    }
}

#[test]
fn a_write_larger_than_the_buffer_arrives_whole() {
    let mut expected = large_payload();
    expected.extend_from_slice(b"|tail");
    for (flavor, out, _) in run_child("large", b"") {
        assert_eq!(out.len(), expected.len(), "{flavor}");
        assert!(out == expected, "{flavor}: bytes differ");
    }
}

#[test]
fn dropped_without_flush_the_writes_still_happen() {
    for (flavor, out, _) in run_child("no_flush", b"") {
        // The runtime's drop waited for the write in flight; std's buffer
        // (the partial line) was written before the end marker.
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "complete line\npartial, no newline, no flush",
            "{flavor}"
        );
    }
}

#[test]
fn stdin_at_end_of_input_reads_zero() {
    for (flavor, out, _) in run_child("stdin_eof", b"") {
        assert_eq!(String::from_utf8(out).unwrap(), "read 0 bytes", "{flavor}");
    }
    for (flavor, out, _) in run_child("stdin_eof", &[7u8; 100_000]) {
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "read 100000 bytes",
            "{flavor}"
        );
    }
}

#[test]
fn handles_expose_their_fds() {
    use std::os::unix::io::{AsFd, AsRawFd};
    assert_eq!(io::stdin().as_raw_fd(), 0);
    assert_eq!(io::stdout().as_raw_fd(), 1);
    assert_eq!(io::stderr().as_fd().as_raw_fd(), 2);
    assert!(format!("{:?}", io::stdout()).contains("Stdout"));
}
