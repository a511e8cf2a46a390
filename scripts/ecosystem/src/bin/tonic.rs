//! tonic: a gRPC service (tonic-health's generated `Health` server) served
//! by `runtime::hyper::serve` over HTTP/2, and called by tonic's generated
//! client over hyper's HTTP/2 client on our `TcpStream`: unary and
//! server-streaming calls. Then what a tonic user calls first:
//! `tonic::transport`'s `Endpoint::connect` and `Server::serve`.
use ecosystem_smoke::{flavours, report};
use runtime::hyper::{HyperExecutor, HyperIo};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tonic::codegen::http::{Request, Response};
use tonic::codegen::Service;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

/// hyper's HTTP/2 connection handle as the tower service tonic's generated
/// clients take (tonic's own `Channel` is Tokio's).
#[derive(Clone)]
struct H2(hyper::client::conn::http2::SendRequest<tonic::body::Body>);

type Responding =
    Pin<Box<dyn Future<Output = hyper::Result<Response<hyper::body::Incoming>>> + Send>>;

impl Service<Request<tonic::body::Body>> for H2 {
    type Response = Response<hyper::body::Incoming>;
    type Error = hyper::Error;
    type Future = Responding;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<hyper::Result<()>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request<tonic::body::Body>) -> Responding {
        Box::pin(self.0.send_request(request))
    }
}

fn request() -> HealthCheckRequest {
    HealthCheckRequest {
        service: "smoke".to_string(),
    }
}

fn main() {
    for (flavour, rt) in flavours() {
        rt.block_on(async {
            let (reporter, health) = tonic_health::server::health_reporter();
            reporter
                .set_service_status("smoke", tonic_health::ServingStatus::Serving)
                .await;
            let listener = runtime::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = runtime::spawn(async move { runtime::hyper::serve(listener, health).await });

            let stream = runtime::net::TcpStream::connect(addr).await.unwrap();
            let (send, connection) =
                hyper::client::conn::http2::handshake(HyperExecutor::new(), HyperIo::new(stream))
                    .await
                    .unwrap();
            runtime::spawn(connection);
            // hyper's client wants absolute URIs; tonic's `Channel` would
            // add the origin, so the generated client is told it here.
            let origin = format!("http://{addr}").parse().unwrap();
            let mut client = HealthClient::with_origin(H2(send), origin);

            let status = client.check(request()).await.unwrap().into_inner().status;
            assert_eq!(status, ServingStatus::Serving as i32);
            let unknown = client
                .check(HealthCheckRequest {
                    service: "nobody".to_string(),
                })
                .await
                .unwrap_err();
            assert_eq!(unknown.code(), tonic::Code::NotFound);

            // Server streaming: the watch sees the status change.
            let mut watch = client.watch(request()).await.unwrap().into_inner();
            let first = watch.message().await.unwrap().unwrap().status;
            assert_eq!(first, ServingStatus::Serving as i32);
            reporter
                .set_service_status("smoke", tonic_health::ServingStatus::NotServing)
                .await;
            let second = watch.message().await.unwrap().unwrap().status;
            assert_eq!(second, ServingStatus::NotServing as i32);
            println!(
                "{flavour}: tonic service served by runtime::hyper::serve (HTTP/2), generated client \
                 over hyper's HTTP/2 client: ok: unary check, NotFound status, server-streaming watch"
            );
            server.abort();

            let url = format!("http://{addr}");
            let probe = runtime::spawn(async move {
                match tonic::transport::Endpoint::from_shared(url).unwrap().connect().await {
                    Ok(_) => "connected".to_string(),
                    Err(e) => format!("error: {e}"),
                }
            });
            report(flavour, "tonic::transport::Endpoint::connect", probe.await);
            let probe = runtime::spawn(async {
                let (_, health) = tonic_health::server::health_reporter();
                let serving = tonic::transport::Server::builder()
                    .add_service(health)
                    .serve("127.0.0.1:0".parse().unwrap());
                match serving.await {
                    Ok(()) => "served".to_string(),
                    Err(e) => format!("error: {e}"),
                }
            });
            report(flavour, "tonic::transport::Server::serve", probe.await);
        });
    }
}
