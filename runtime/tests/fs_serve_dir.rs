//! The `serve_dir` example's server, run against a temporary directory: files
//! byte-exact (a 5 MiB one in 64 KiB chunks), keep-alive, HEAD, listings,
//! `index.html`, 404/403/405, on both runtime flavours.
#![cfg(feature = "full")]

#[allow(dead_code)]
#[path = "../examples/serve_dir.rs"]
mod serve_dir;

use runtime::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use runtime::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` and reads one response (its body per Content-Length,
/// none for HEAD).
async fn exchange<S>(stream: &mut BufReader<S>, request: &str, head: bool) -> Response
where
    S: runtime::io::AsyncRead + runtime::io::AsyncWrite + Unpin,
{
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .await
        .unwrap();
    stream.get_mut().flush().await.unwrap();
    let mut line = String::new();
    stream.read_line(&mut line).await.unwrap();
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .expect("status line")
        .parse()
        .unwrap();
    let mut headers = Vec::new();
    loop {
        line.clear();
        stream.read_line(&mut line).await.unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (n, v) = l.split_once(':').unwrap();
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };
    if !head {
        let len: usize = response.header("content-length").unwrap().parse().unwrap();
        response.body = vec![0; len];
        stream.read_exact(&mut response.body).await.unwrap();
    }
    response
}

fn fixture(tag: &str) -> (PathBuf, Vec<u8>) {
    let root = std::env::temp_dir().join(format!("rt-fs-serve-dir-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("site/sub")).unwrap();
    let mut big = vec![0u8; 5 * 1024 * 1024 + 123];
    let mut x = 0x1234_5678_u32;
    for b in big.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    std::fs::write(root.join("site/big.bin"), &big).unwrap();
    std::fs::write(root.join("site/hello world.txt"), b"hi there\n").unwrap();
    std::fs::write(root.join("site/sub/index.html"), b"<p>index</p>").unwrap();
    std::fs::create_dir(root.join("site/list")).unwrap();
    std::fs::write(root.join("site/list/a.txt"), b"a").unwrap();
    std::fs::create_dir(root.join("site/list/b")).unwrap();
    std::fs::write(root.join("secret.txt"), b"outside the root").unwrap();
    (root, big)
}

async fn scenario(root: PathBuf, big: Vec<u8>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = runtime::spawn(serve_dir::serve(listener, root.join("site")));
    let mut conn = BufReader::new(TcpStream::connect(addr).await.unwrap());

    // Several requests on one keep-alive connection.
    let r = exchange(&mut conn, "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n", false).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert!(r.body == big, "big.bin differs");

    let r = exchange(&mut conn, "GET /hello%20world.txt HTTP/1.1\r\n\r\n", false).await;
    assert_eq!((r.status, r.body.as_slice()), (200, &b"hi there\n"[..]));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));

    let r = exchange(&mut conn, "HEAD /big.bin HTTP/1.1\r\n\r\n", true).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-length"),
        Some(big.len().to_string().as_str())
    );

    let r = exchange(&mut conn, "GET /sub/ HTTP/1.1\r\n\r\n", false).await;
    assert_eq!((r.status, r.body.as_slice()), (200, &b"<p>index</p>"[..]));

    let r = exchange(&mut conn, "GET /list HTTP/1.1\r\n\r\n", false).await;
    assert_eq!(r.status, 200);
    let page = String::from_utf8(r.body).unwrap();
    assert!(
        page.contains("href=\"/list/a.txt\"") && page.contains("href=\"/list/b/\""),
        "{page}"
    );

    let r = exchange(&mut conn, "GET /missing HTTP/1.1\r\n\r\n", false).await;
    assert_eq!(r.status, 404);
    let r = exchange(&mut conn, "GET /../secret.txt HTTP/1.1\r\n\r\n", false).await;
    assert_eq!(r.status, 403);
    let r = exchange(&mut conn, "GET /%2e%2e/secret.txt HTTP/1.1\r\n\r\n", false).await;
    assert_eq!(r.status, 403);
    let r = exchange(
        &mut conn,
        "POST /big.bin HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        false,
    )
    .await;
    assert_eq!(r.status, 405);

    // `Connection: close`: the response, then the end of the stream.
    let r = exchange(
        &mut conn,
        "GET /hello%20world.txt HTTP/1.1\r\nConnection: close\r\n\r\n",
        false,
    )
    .await;
    assert_eq!((r.status, r.header("connection")), (200, Some("close")));
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());

    // Concurrent clients, each fetching the big file.
    let mut clients = Vec::new();
    for _ in 0..4 {
        let big = big.clone();
        clients.push(runtime::spawn(async move {
            let mut conn = BufReader::new(TcpStream::connect(addr).await.unwrap());
            let r = exchange(&mut conn, "GET /big.bin HTTP/1.0\r\n\r\n", false).await;
            assert!(r.status == 200 && r.body == big);
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    server.abort();
}

#[test]
fn serve_dir_serves_files_and_errors_on_both_flavours() {
    for multi in [false, true] {
        let (root, big) = fixture(if multi { "mt" } else { "ct" });
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
        rt.block_on(async {
            runtime::time::timeout(Duration::from_secs(60), scenario(root.clone(), big))
                .await
                .expect("serve_dir scenario hung");
        });
        drop(rt);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
