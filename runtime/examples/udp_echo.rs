//! A UDP echo server: every datagram is sent back to its sender.
//!
//! `cargo run --example udp_echo -- 127.0.0.1:8081`, then `nc -u 127.0.0.1 8081`.

use runtime::net::UdpSocket;

/// The largest UDP payload over IPv4.
const MAX_DATAGRAM: usize = 65_507;

#[runtime::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let socket = UdpSocket::bind(&addr).await?;
    println!("udp echo listening on {}", socket.local_addr()?);
    let mut buf = vec![0; MAX_DATAGRAM];
    loop {
        let (n, peer) = socket.recv_from(&mut buf).await?;
        socket.send_to(&buf[..n], peer).await?;
    }
}
