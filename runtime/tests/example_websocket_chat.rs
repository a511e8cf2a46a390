//! The `websocket_chat` example: tokio-tungstenite over our `TcpStream`;
//! three clients, every message reaches all of them, in order.

#[macro_use]
#[path = "support/flavours.rs"]
mod flavours;

#[path = "../examples/websocket_chat.rs"]
mod websocket_chat;

both_flavours!(every_client_hears_every_message_in_order);

async fn every_client_hears_every_message_in_order() {
    let listener = runtime::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime::spawn(websocket_chat::serve(listener));
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(websocket_chat::Client::connect(addr).await.unwrap());
    }
    let ids: Vec<u64> = clients.iter().map(|c| c.id).collect();
    for round in 0..5 {
        for (i, client) in clients.iter_mut().enumerate() {
            client
                .say(&format!("round {round} from {i}"))
                .await
                .unwrap();
        }
        // The hub orders messages; each client hears all three in
        // the same order (its own included).
        let mut heard = Vec::new();
        for client in clients.iter_mut() {
            let mut lines = Vec::new();
            for _ in 0..3 {
                lines.push(client.hear().await.unwrap());
            }
            heard.push(lines);
        }
        assert!(heard.windows(2).all(|w| w[0] == w[1]), "{heard:?}");
        let mut expected: Vec<String> = (0..3)
            .map(|i| format!("{}: round {round} from {i}", ids[i]))
            .collect();
        let mut got = heard[0].clone();
        expected.sort();
        got.sort();
        assert_eq!(got, expected);
    }
}
