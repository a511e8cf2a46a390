//! Concurrent fetches: several tasks spawned at once, each fetching a JSON
//! post over HTTP/1.1 and printing it, joined through their `JoinHandle`s.
//!
//! The posts are served by a small HTTP server this example starts on
//! 127.0.0.1 first, so it needs no network. Run it with
//! `cargo run --release --example fetch`.

use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::{TcpListener, TcpStream};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Instant;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Post {
    user_id: u32,
    id: u32,
    title: String,
    body: String,
}

/// Posts 1 to 5 are fetched concurrently.
const POSTS: u32 = 5;

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let addr = serve_posts().await?;
    println!("serving posts on http://{addr}/posts/<id>");

    let started = Instant::now();
    let handles: Vec<_> = (1..=POSTS)
        .map(|id| runtime::spawn(fetch_post(addr, id)))
        .collect();
    for handle in handles {
        match handle.await {
            Ok(Ok(post)) => println!(
                "post {} by user {}: {:?}\n    {}",
                post.id, post.user_id, post.title, post.body
            ),
            Ok(Err(e)) => println!("fetch failed: {e}"),
            Err(e) => println!("fetch task failed: {e}"),
        }
    }
    println!(
        "fetched {POSTS} posts concurrently in {:.2?}",
        started.elapsed()
    );
    Ok(())
}

/// GET /posts/{id} with HTTP/1.1 and `Connection: close`; parses the JSON body.
async fn fetch_post(addr: SocketAddr, id: u32) -> std::io::Result<Post> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!("GET /posts/{id} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("response has no header end"))?;
    if !head.starts_with("HTTP/1.1 200") {
        let status = head.lines().next().unwrap_or_default();
        return Err(std::io::Error::other(format!(
            "unexpected status: {status}"
        )));
    }
    serde_json::from_str(body).map_err(std::io::Error::other)
}

/// Starts the post server on an ephemeral port and returns its address.
async fn serve_posts() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    runtime::spawn(async move {
                        if let Err(e) = handle_request(stream).await {
                            eprintln!("server: {e}");
                        }
                    });
                }
                Err(e) => eprintln!("server: accept failed: {e}"),
            }
        }
    });
    Ok(addr)
}

async fn handle_request(mut stream: TcpStream) -> std::io::Result<()> {
    // Read until the end of the request head; GETs carry no body.
    let mut head = Vec::new();
    let mut buf = [0; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let post = path
        .strip_prefix("/posts/")
        .and_then(|id| id.parse::<u32>().ok())
        .filter(|id| (1..=100).contains(id))
        .map(|id| Post {
            user_id: (id - 1) / 10 + 1,
            id,
            title: format!("post number {id}"),
            body: format!("This is the body of post {id}, served from 127.0.0.1."),
        });
    let (status, body) = match post {
        Some(post) => (
            "200 OK",
            serde_json::to_string(&post).map_err(std::io::Error::other)?,
        ),
        None => ("404 Not Found", r#"{"error":"no such post"}"#.to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}
