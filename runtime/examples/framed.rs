//! A length-delimited request/response protocol with tokio-util's `Framed`
//! over our `TcpStream` (feature `tokio-io`): each frame is a 4-byte length
//! and a UTF-8 request such as `upper:hello` or `sum:1,2,3`; the server
//! answers each with one frame.
//!
//! ```text
//! cargo run --example framed
//! ```

use futures::{SinkExt, StreamExt};
use runtime::net::{TcpListener, TcpStream};
use tokio_util::bytes::Bytes;
use tokio_util::codec::{Framed, LengthDelimitedCodec};

/// The server's answer to one request.
pub fn answer(request: &str) -> String {
    match request.split_once(':') {
        Some(("upper", text)) => text.to_uppercase(),
        Some(("rev", text)) => text.chars().rev().collect(),
        Some(("sum", numbers)) => {
            let sum: Result<i64, _> = numbers.split(',').map(|n| n.trim().parse::<i64>()).sum();
            match sum {
                Ok(sum) => sum.to_string(),
                Err(e) => format!("error: {e}"),
            }
        }
        _ => format!("error: unknown request {request:?}"),
    }
}

/// Serves every connection of `listener` on its own task.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        runtime::spawn(async move {
            let mut frames = Framed::new(stream, LengthDelimitedCodec::new());
            while let Some(Ok(request)) = frames.next().await {
                let reply = match std::str::from_utf8(&request) {
                    Ok(request) => answer(request),
                    Err(_) => "error: not UTF-8".to_owned(),
                };
                if frames.send(Bytes::from(reply)).await.is_err() {
                    break;
                }
            }
        });
    }
}

/// A client connection.
pub struct Client {
    frames: Framed<TcpStream, LengthDelimitedCodec>,
}

impl Client {
    /// Connects to a server.
    pub async fn connect(addr: std::net::SocketAddr) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        Ok(Client {
            frames: Framed::new(stream, LengthDelimitedCodec::new()),
        })
    }

    /// Sends one request and waits for its answer.
    pub async fn call(&mut self, request: &str) -> std::io::Result<String> {
        self.frames.send(Bytes::from(request.to_owned())).await?;
        let reply = self.frames.next().await.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "server closed")
        })??;
        String::from_utf8(reply.to_vec())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

#[allow(dead_code)] // the test uses the functions above, not `main`
#[runtime::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(serve(listener));
    let mut client = Client::connect(addr).await?;
    for request in ["upper:hello", "rev:framed", "sum:1,2,3,4", "nope"] {
        println!("{request:>14} -> {}", client.call(request).await?);
    }
    Ok(())
}
