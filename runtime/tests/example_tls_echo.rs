//! The `tls_echo` example: tokio-rustls over our `TcpStream`, both
//! flavours; a client that does not trust the certificate is refused.

#[macro_use]
#[path = "support/flavours.rs"]
mod flavours;

#[path = "../examples/tls_echo.rs"]
mod tls_echo;

both_flavours!(tls_echo_round_trips);

async fn tls_echo_round_trips() {
    let (server, client) = tls_echo::configs();
    let listener = runtime::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime::spawn(tls_echo::serve(listener, server));
    let tasks: Vec<_> = (0..4u8)
        .map(|i| {
            let client = client.clone();
            runtime::spawn(async move {
                // Larger than a TLS record (16 KiB): several records each way.
                let message: Vec<u8> = (0..100_000u32).map(|n| (n as u8) ^ i).collect();
                let back = tls_echo::echo(addr, client, &message).await.unwrap();
                assert_eq!(back, message);
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    // A client that trusts another certificate fails the handshake.
    let (_, stranger) = tls_echo::configs();
    let err = tls_echo::echo(addr, stranger, b"x").await.unwrap_err();
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
}
