//! A TCP echo server: every connection gets its bytes back.
//!
//! `cargo run --example echo -- 127.0.0.1:8080`, then `nc 127.0.0.1 8080`.

use runtime::net::TcpListener;

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("echo server listening on {}", listener.local_addr()?);
    loop {
        let (stream, peer) = listener.accept().await?;
        runtime::spawn(async move {
            let (mut reader, mut writer) = stream.into_split();
            match runtime::io::copy(&mut reader, &mut writer).await {
                Ok(n) => println!("{peer}: echoed {n} bytes"),
                Err(e) => println!("{peer}: {e}"),
            }
        });
    }
}
