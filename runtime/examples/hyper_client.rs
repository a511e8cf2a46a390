//! Concurrent HTTP/1.1 GETs with hyper 1.x's low-level client on this runtime.
//!
//! ```sh
//! cargo run --example hyper_client --features hyper                  # against its own server
//! cargo run --example hyper_client --features hyper -- http://127.0.0.1:3000/json 8
//! ```
//!
//! Arguments: an `http://` URL (default: a server this example starts on
//! 127.0.0.1) and how many tasks to run at once (default 5). Each task opens
//! its own connection (`hyper::client::conn::http1::handshake`), sends one
//! GET and prints the status and the body.

use std::convert::Infallible;
use std::error::Error;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, Uri};
use runtime::hyper::HyperIo;
use runtime::net::{TcpListener, TcpStream};

type BoxError = Box<dyn Error + Send + Sync>;

/// One GET over a fresh connection: the status line and the body.
async fn get(uri: Uri) -> Result<(hyper::StatusCode, Bytes), BoxError> {
    let host = uri.host().ok_or("the URL has no host")?.to_owned();
    let port = uri.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((host.as_str(), port)).await?;
    let (mut sender, conn) = http1::handshake(HyperIo::new(stream)).await?;
    // The connection future reads and writes the socket: give it its own task.
    runtime::spawn(async move {
        if let Err(e) = conn.await {
            eprintln!("connection error: {e}");
        }
    });

    let authority = uri.authority().ok_or("the URL has no authority")?.as_str();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let req = Request::get(path)
        .header(hyper::header::HOST, authority)
        .body(Empty::<Bytes>::new())?;
    let res = sender.send_request(req).await?;
    let status = res.status();
    let body = res.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// A tiny JSON server on an ephemeral port, for a standalone run; returns its URL.
async fn start_local_server() -> std::io::Result<Uri> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(async move {
        let mut served = 0u32;
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            served += 1;
            let n = served;
            runtime::spawn(async move {
                let svc = service_fn(move |req: Request<Incoming>| async move {
                    let body = serde_json::json!({
                        "connection": n,
                        "path": req.uri().path(),
                        "message": "Hello from the in-process server",
                    });
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(body.to_string()))))
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .serve_connection(HyperIo::new(stream), svc);
                if let Err(e) = conn.await {
                    eprintln!("server connection error: {e}");
                }
            });
        }
    });
    Ok(format!("http://{addr}/posts")
        .parse()
        .expect("a socket address makes a valid URL"))
}

#[runtime::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let uri: Uri = match args.next() {
        Some(url) => url.parse()?,
        None => start_local_server().await?,
    };
    if uri.scheme_str().is_some_and(|s| s != "http") {
        return Err("only http:// URLs are supported".into());
    }
    let tasks: usize = match args.next() {
        Some(n) => n.parse()?,
        None => 5,
    };

    println!("GET {uri} from {tasks} tasks at once");
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let uri = uri.clone();
            (i, runtime::spawn(get(uri)))
        })
        .collect();

    let mut failures = 0;
    for (i, handle) in handles {
        match handle.await? {
            Ok((status, body)) => {
                println!("task {i}: {status} {}", String::from_utf8_lossy(&body));
            }
            Err(e) => {
                failures += 1;
                println!("task {i}: error: {e}");
            }
        }
    }
    if failures > 0 {
        return Err(format!("{failures} of {tasks} requests failed").into());
    }
    Ok(())
}
