//! The `framed` example's server and client (tokio-util `Framed` over our
//! `TcpStream`), on both flavours, with concurrent clients.

#[macro_use]
#[path = "support/flavours.rs"]
mod flavours;

#[path = "../examples/framed.rs"]
mod framed;

both_flavours!(framed_requests_and_answers);

async fn framed_requests_and_answers() {
    let listener = runtime::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime::spawn(framed::serve(listener));
    let clients: Vec<_> = (0..8)
        .map(|i| {
            runtime::spawn(async move {
                let mut client = framed::Client::connect(addr).await.unwrap();
                for j in 0..20 {
                    let sum = client.call(&format!("sum:{i},{j},1")).await.unwrap();
                    assert_eq!(sum, (i + j + 1).to_string());
                }
                assert_eq!(client.call("upper:abc").await.unwrap(), "ABC");
                assert_eq!(client.call("rev:abc").await.unwrap(), "cba");
                assert!(client.call("what").await.unwrap().starts_with("error:"));
                // A large frame, split over many TCP segments.
                let big = "x".repeat(1 << 20);
                assert_eq!(
                    client.call(&format!("upper:{big}")).await.unwrap().len(),
                    1 << 20
                );
            })
        })
        .collect();
    for client in clients {
        client.await.unwrap();
    }
}
