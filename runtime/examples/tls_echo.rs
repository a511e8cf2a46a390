//! TLS with tokio-rustls over our `TcpStream` (feature `tokio-io`): an echo
//! server and a client, with a self-signed certificate for `localhost`
//! generated at start (rcgen), trusted by the client.
//!
//! ```text
//! cargo run --example tls_echo
//! ```

use std::net::SocketAddr;
use std::sync::Arc;

use runtime::net::{TcpListener, TcpStream};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// A server configuration and the matching client configuration, which
/// trusts only the server's fresh self-signed certificate.
pub fn configs() -> (Arc<rustls::ServerConfig>, Arc<rustls::ClientConfig>) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .expect("rcgen makes a certificate");
    let cert_der = CertificateDer::from(cert.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key_pair.serialize_der()));
    let server = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert_der.clone()], key)
        .expect("a valid certificate and key");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert_der).expect("a valid certificate");
    let client = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    (Arc::new(server), Arc::new(client))
}

/// Echoes everything each TLS client sends until it closes.
pub async fn serve(
    listener: TcpListener,
    config: Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    let acceptor = TlsAcceptor::from(config);
    loop {
        let (stream, _) = listener.accept().await?;
        let acceptor = acceptor.clone();
        runtime::spawn(async move {
            let Ok(tls) = acceptor.accept(stream).await else {
                return; // a failed handshake concerns that client only
            };
            let (mut reader, mut writer) = tokio::io::split(tls);
            // Tokio's copy, over our stream inside rustls.
            let _ = tokio::io::copy(&mut reader, &mut writer).await;
            let _ = writer.shutdown().await;
        });
    }
}

/// Connects to `addr` as `localhost`, sends `message`, closes its side and
/// returns what came back.
pub async fn echo(
    addr: SocketAddr,
    config: Arc<rustls::ClientConfig>,
    message: &[u8],
) -> std::io::Result<Vec<u8>> {
    let stream = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("localhost").expect("a valid DNS name");
    let mut tls = TlsConnector::from(config).connect(name, stream).await?;
    tls.write_all(message).await?;
    tls.shutdown().await?; // close_notify, then our write side
    let mut back = Vec::new();
    tls.read_to_end(&mut back).await?;
    Ok(back)
}

#[allow(dead_code)] // the test uses the functions above, not `main`
#[runtime::main]
async fn main() -> std::io::Result<()> {
    let (server, client) = configs();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    runtime::spawn(serve(listener, server));
    let back = echo(addr, client, b"hello over TLS").await?;
    println!("{}", String::from_utf8_lossy(&back));
    Ok(())
}
