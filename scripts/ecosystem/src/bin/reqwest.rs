//! reqwest: `reqwest::get` from a task of ours, against a one-route HTTP
//! server of ours on loopback.
use ecosystem_smoke::{flavours, report};
use runtime::io::{AsyncReadExt, AsyncWriteExt};
use runtime::net::TcpListener;

fn main() {
    for (flavour, rt) in flavours() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/", listener.local_addr().unwrap());
            let server = runtime::spawn(async move {
                loop {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    runtime::spawn(async move {
                        let mut request = [0; 1024];
                        let _ = stream.read(&mut request).await;
                        let response =
                            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok";
                        let _ = stream.write_all(response.as_bytes()).await;
                    });
                }
            });
            let probe = runtime::spawn(async move {
                match reqwest::get(&url).await {
                    Ok(response) => format!("status {}", response.status()),
                    Err(e) => format!("error: {e}"),
                }
            });
            report(flavour, "reqwest::get", probe.await);
            server.abort();
        });
    }
}
