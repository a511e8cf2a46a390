//! A WebSocket chat with tokio-tungstenite over our `TcpStream` (feature
//! `tokio-io`): every text message a client sends is broadcast to every
//! client, prefixed with the sender's number.
//!
//! ```text
//! cargo run --example websocket_chat
//! ```

use std::net::SocketAddr;

use futures::{SinkExt, StreamExt};
use runtime::net::{TcpListener, TcpStream};
use runtime::sync::broadcast;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Accepts clients and relays their messages to all of them.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let (hub, _) = broadcast::channel::<String>(1024);
    let mut next_id = 0u64;
    loop {
        let (stream, _) = listener.accept().await?;
        next_id += 1;
        let id = next_id;
        let hub = hub.clone();
        runtime::spawn(async move {
            let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
                return; // not a WebSocket handshake
            };
            let (mut outgoing, mut incoming) = ws.split();
            let mut feed = hub.subscribe();
            // Tell the client its number once subscribed, so that it only
            // speaks after it can hear.
            if outgoing
                .send(Message::text(format!("welcome {id}")))
                .await
                .is_err()
            {
                return;
            }
            loop {
                runtime::select! {
                    message = incoming.next() => match message {
                        Some(Ok(Message::Text(text))) => {
                            let _ = hub.send(format!("{id}: {text}"));
                        }
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                        Some(Ok(_)) => {} // pings are answered by tungstenite
                    },
                    line = feed.recv() => match line {
                        Ok(line) => {
                            if outgoing.send(Message::text(line)).await.is_err() {
                                break;
                            }
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => {}
                        Err(broadcast::error::RecvError::Closed) => break,
                    },
                }
            }
        });
    }
}

/// A chat client.
pub struct Client {
    ws: WebSocketStream<TcpStream>,
    /// The number the server gave this client.
    pub id: u64,
}

impl Client {
    /// Connects and waits for the server's welcome.
    pub async fn connect(
        addr: SocketAddr,
    ) -> Result<Client, tokio_tungstenite::tungstenite::Error> {
        let stream = TcpStream::connect(addr).await?;
        let url = format!("ws://{addr}/chat");
        let (mut ws, _response) = tokio_tungstenite::client_async(url, stream).await?;
        let welcome = next_text(&mut ws).await?;
        let id = welcome
            .strip_prefix("welcome ")
            .and_then(|id| id.parse().ok())
            .expect("the server says `welcome N` first");
        Ok(Client { ws, id })
    }

    /// Sends a message to the room.
    pub async fn say(&mut self, text: &str) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.ws.send(Message::text(text)).await
    }

    /// The next message of the room.
    pub async fn hear(&mut self) -> Result<String, tokio_tungstenite::tungstenite::Error> {
        next_text(&mut self.ws).await
    }
}

async fn next_text(
    ws: &mut WebSocketStream<TcpStream>,
) -> Result<String, tokio_tungstenite::tungstenite::Error> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => return Ok(text.as_str().to_owned()),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e),
            None => return Err(tokio_tungstenite::tungstenite::Error::ConnectionClosed),
        }
    }
}

#[allow(dead_code)] // the test uses the functions above, not `main`
#[runtime::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(serve(listener));
    let mut ada = Client::connect(addr).await?;
    let mut bob = Client::connect(addr).await?;
    ada.say("hello, bob").await?;
    println!("bob hears  {}", bob.hear().await?);
    println!("ada hears  {}", ada.hear().await?);
    Ok(())
}
