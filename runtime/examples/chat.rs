//! A broadcast chat server over TCP: every line a client sends is relayed to
//! every other connected client.
//!
//! `cargo run --example chat -- 127.0.0.1:6142`, then connect a few clients
//! with `nc 127.0.0.1 6142`. With `--demo`, the example starts the server on
//! an ephemeral port, connects three scripted clients, prints what each one
//! received, and exits.

use runtime::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use runtime::net::{TcpListener, TcpStream};
use runtime::select;
use runtime::sync::broadcast;
use std::net::SocketAddr;

/// Messages a slow client may fall behind before it skips ahead (and is told).
const BACKLOG: usize = 128;

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let arg = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:6142".to_string());
    if arg == "--demo" {
        return demo().await;
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

/// Three scripted clients talk; each prints what it heard.
async fn demo() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(serve(listener));
    let mut clients = Vec::new();
    for name in ["ann", "bob", "cid"] {
        let stream = TcpStream::connect(addr).await?;
        clients.push((name, stream));
    }
    // Let every client's task subscribe before anyone speaks.
    runtime::time::sleep(std::time::Duration::from_millis(50)).await;
    for (name, stream) in &mut clients {
        stream
            .write_all(format!("hello from {name}\n").as_bytes())
            .await?;
    }
    runtime::time::sleep(std::time::Duration::from_millis(100)).await;
    for (name, stream) in clients {
        let (reader, mut writer) = stream.into_split();
        writer.shutdown().await?;
        let mut lines = BufReader::new(reader).lines();
        let mut heard = Vec::new();
        while let Ok(Ok(Some(line))) =
            runtime::time::timeout(std::time::Duration::from_millis(200), lines.next_line()).await
        {
            heard.push(line);
        }
        println!("{name} heard {} lines:", heard.len());
        for line in heard {
            println!("    {line}");
        }
    }
    Ok(())
}
