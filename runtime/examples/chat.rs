//! A broadcast chat server over TCP: every line a client sends is relayed to
//! every other connected client.
//!
//! `cargo run --example chat -- 127.0.0.1:6142`, then connect a few clients
//! with `nc 127.0.0.1 6142`. With `--demo`, the example starts the server on
//! an ephemeral port, connects three scripted clients, prints what each one
//! received, and exits (`runtime/tests/examples.rs` runs the demo).

use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use runtime::net::{TcpListener, TcpStream};
use runtime::select;
use runtime::sync::broadcast;
use std::net::SocketAddr;

/// Messages a slow client may fall behind before it skips ahead (and is told).
const BACKLOG: usize = 128;

/// The first line a client receives, once it hears everything said.
const WELCOME: &str = "welcome to the chat\n";

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let arg = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:6142".to_string());
    if arg == "--demo" {
        for (name, heard) in demo().await? {
            println!("{name} heard {} lines:", heard.len());
            for line in heard {
                println!("    {line}");
            }
        }
        return Ok(());
    }
    let listener = TcpListener::bind(&arg).await?;
    println!("chat server on {}", listener.local_addr()?);
    serve(listener).await
}

/// Accepts clients forever; one task per client.
async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let (tx, _) = broadcast::channel::<(SocketAddr, String)>(BACKLOG);
    loop {
        let (stream, peer) = listener.accept().await?;
        let tx = tx.clone();
        runtime::spawn(async move {
            if let Err(e) = client(stream, peer, tx).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}

/// Relays this client's lines to everyone else, and everyone else's to it.
async fn client(
    stream: TcpStream,
    peer: SocketAddr,
    tx: broadcast::Sender<(SocketAddr, String)>,
) -> std::io::Result<()> {
    let mut rx = tx.subscribe();
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    // Subscribed: from now on this client hears everything said.
    writer.write_all(WELCOME.as_bytes()).await?;
    let _ = tx.send((peer, "joined".to_string()));
    loop {
        select! {
            line = lines.next_line() => match line? {
                Some(line) => { let _ = tx.send((peer, line)); }
                None => break,
            },
            msg = rx.recv() => match msg {
                Ok((from, text)) if from != peer => {
                    writer.write_all(format!("{from}: {text}\n").as_bytes()).await?;
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    writer.write_all(format!("(skipped {n} messages)\n").as_bytes()).await?;
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    let _ = tx.send((peer, "left".to_string()));
    Ok(())
}

/// Three scripted clients each say hello and listen until they have heard
/// the other two; returns what each one heard.
pub async fn demo() -> std::io::Result<Vec<(&'static str, Vec<String>)>> {
    const NAMES: [&str; 3] = ["ann", "bob", "cid"];
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(serve(listener));
    let mut clients = Vec::new();
    for name in NAMES {
        let (reader, writer) = TcpStream::connect(addr).await?.into_split();
        let mut lines = BufReader::new(reader).lines();
        // The welcome line says the server subscribed this client.
        let welcome = lines.next_line().await?;
        assert_eq!(welcome.as_deref(), Some(WELCOME.trim_end()));
        clients.push((name, lines, writer));
    }
    for (name, _, writer) in &mut clients {
        writer
            .write_all(format!("hello from {name}\n").as_bytes())
            .await?;
    }
    let mut heard_by = Vec::new();
    for (name, mut lines, mut writer) in clients {
        let mut heard = Vec::new();
        let others = NAMES.iter().filter(|other| **other != name);
        let mut missing: Vec<String> = others.map(|o| format!("hello from {o}")).collect();
        while !missing.is_empty() {
            let Some(line) = lines.next_line().await? else {
                break;
            };
            missing.retain(|m| !line.ends_with(m.as_str()));
            heard.push(line);
        }
        writer.shutdown().await?;
        heard_by.push((name, heard));
    }
    Ok(heard_by)
}
