//! A static-file HTTP/1.1 server on `runtime::net` and `runtime::fs`: GET and
//! HEAD, keep-alive, directory listings (or `index.html`), files streamed in
//! 64 KiB chunks.
//!
//! `cargo run --example serve_dir -- ./some/dir 127.0.0.1:8080`, then
//! `curl -v http://127.0.0.1:8080/`.
//!
//! `tests/fs_serve_dir.rs` runs [`serve`] against a temporary directory.

use runtime::fs;
use runtime::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use runtime::net::{TcpListener, TcpStream};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Files are sent in chunks of this size: memory per connection stays
/// bounded whatever the file's size.
pub const CHUNK: usize = 64 * 1024;

/// A request head larger than this is refused (431).
const MAX_HEAD: usize = 16 * 1024;

#[allow(dead_code)] // the test includes this file for `serve` only
#[runtime::main]
async fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = TcpListener::bind(&addr).await?;
    println!(
        "serving {} on http://{}",
        root.display(),
        listener.local_addr()?
    );
    serve(listener, fs::canonicalize(&root).await?).await
}

/// Accepts connections forever, each served by its own task.
pub async fn serve(listener: TcpListener, root: PathBuf) -> io::Result<()> {
    let root: Arc<Path> = root.into();
    loop {
        let (stream, peer) = listener.accept().await?;
        let root = root.clone();
        runtime::spawn(async move {
            if let Err(e) = handle_connection(stream, &root).await {
                eprintln!("{peer}: {e}");
            }
        });
    }
}

/// One request: its method, decoded path, and whether the connection stays
/// open after the response.
struct Request {
    method: String,
    path: String,
    keep_alive: bool,
}

/// Serves requests on `stream` until the client closes it or asks to.
pub async fn handle_connection(stream: TcpStream, root: &Path) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    loop {
        let request = match read_request(&mut reader).await? {
            Some(Ok(request)) => request,
            Some(Err(status)) => {
                respond_status(&mut writer, status, false, true).await?;
                return Ok(());
            }
            None => return Ok(()), // the client closed the connection
        };
        let head_only = request.method == "HEAD";
        if request.method != "GET" && !head_only {
            respond_status(&mut writer, 405, request.keep_alive, head_only).await?;
        } else {
            respond(
                &mut writer,
                root,
                &request.path,
                request.keep_alive,
                head_only,
            )
            .await?;
        }
        if !request.keep_alive {
            writer.shutdown().await?;
            return Ok(());
        }
    }
}

/// Reads one request head: `None` at a clean end of the connection,
/// `Some(Err(status))` for a request we cannot serve.
async fn read_request<R>(reader: &mut R) -> io::Result<Option<Result<Request, u16>>>
where
    R: runtime::io::AsyncBufRead + Unpin,
{
    let mut head = Vec::new();
    loop {
        let before = head.len();
        if reader.read_until(b'\n', &mut head).await? == 0 {
            return Ok(if head.is_empty() {
                None
            } else {
                Some(Err(400))
            });
        }
        if head.len() > MAX_HEAD {
            return Ok(Some(Err(431)));
        }
        if &head[before..] == b"\r\n" || &head[before..] == b"\n" {
            break;
        }
    }
    let Ok(head) = std::str::from_utf8(&head) else {
        return Ok(Some(Err(400)));
    };
    let mut lines = head.lines();
    let mut first = lines.next().unwrap_or("").split_whitespace();
    let (Some(method), Some(target), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return Ok(Some(Err(400)));
    };
    let mut keep_alive = version == "HTTP/1.1";
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("connection") {
                let value = value.trim();
                keep_alive = if value.eq_ignore_ascii_case("close") {
                    false
                } else {
                    keep_alive || value.eq_ignore_ascii_case("keep-alive")
                };
            }
        }
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(path) = percent_decode(path) else {
        return Ok(Some(Err(400)));
    };
    Ok(Some(Ok(Request {
        method: method.to_string(),
        path,
        keep_alive,
    })))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Maps a URL path into `root`, refusing anything that would leave it.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let mut path = root.to_path_buf();
    for component in Path::new(url_path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            _ => return None, // `..`, or an absolute path
        }
    }
    Some(path)
}

async fn respond<W>(
    writer: &mut W,
    root: &Path,
    url_path: &str,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()>
where
    W: runtime::io::AsyncWrite + Unpin,
{
    let Some(mut path) = resolve(root, url_path) else {
        return respond_status(writer, 403, keep_alive, head_only).await;
    };
    let mut meta = match fs::metadata(&path).await {
        Ok(meta) => meta,
        Err(e) => return respond_status(writer, error_status(&e), keep_alive, head_only).await,
    };
    if meta.is_dir() {
        let index = path.join("index.html");
        match fs::metadata(&index).await {
            Ok(index_meta) if index_meta.is_file() => {
                path = index;
                meta = index_meta;
            }
            _ => {
                return match listing(&path, url_path).await {
                    Ok(body) => {
                        let body = body.into_bytes();
                        write_head(
                            writer,
                            200,
                            "text/html; charset=utf-8",
                            body.len() as u64,
                            keep_alive,
                        )
                        .await?;
                        if !head_only {
                            writer.write_all(&body).await?;
                        }
                        writer.flush().await
                    }
                    Err(e) => respond_status(writer, error_status(&e), keep_alive, head_only).await,
                };
            }
        }
    }
    let mut file = match fs::File::open(&path).await {
        Ok(file) => file,
        Err(e) => return respond_status(writer, error_status(&e), keep_alive, head_only).await,
    };
    let len = meta.len();
    write_head(writer, 200, content_type(&path), len, keep_alive).await?;
    if !head_only {
        // Exactly `len` bytes, as announced, even if the file changes.
        let mut buf = vec![0u8; CHUNK];
        let mut left = len;
        while left > 0 {
            let want = (left as usize).min(CHUNK);
            let n = file.read(&mut buf[..want]).await?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "file shrank while being sent",
                ));
            }
            writer.write_all(&buf[..n]).await?;
            left -= n as u64;
        }
    }
    writer.flush().await
}

async fn listing(dir: &Path, url_path: &str) -> io::Result<String> {
    let mut names = Vec::new();
    let mut entries = fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let mut name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().await?.is_dir() {
            name.push('/');
        }
        names.push(name);
    }
    names.sort();
    let base = if url_path.ends_with('/') {
        url_path.to_string()
    } else {
        format!("{url_path}/")
    };
    let mut body = format!(
        "<!DOCTYPE html>\n<title>{0}</title>\n<h1>{0}</h1>\n<ul>\n",
        escape(&base)
    );
    for name in names {
        body.push_str(&format!(
            "<li><a href=\"{}{}\">{}</a></li>\n",
            escape(&base),
            escape(&name),
            escape(&name)
        ));
    }
    body.push_str("</ul>\n");
    Ok(body)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn error_status(e: &io::Error) -> u16 {
    match e.kind() {
        io::ErrorKind::NotFound => 404,
        io::ErrorKind::PermissionDenied => 403,
        _ => 500,
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    }
}

async fn write_head<W>(
    writer: &mut W,
    status: u16,
    content_type: &str,
    len: u64,
    keep_alive: bool,
) -> io::Result<()>
where
    W: runtime::io::AsyncWrite + Unpin,
{
    let connection = if keep_alive { "keep-alive" } else { "close" };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\nConnection: {connection}\r\n\r\n",
        reason(status)
    );
    writer.write_all(head.as_bytes()).await
}

async fn respond_status<W>(
    writer: &mut W,
    status: u16,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()>
where
    W: runtime::io::AsyncWrite + Unpin,
{
    let body = format!("{status} {}\n", reason(status));
    write_head(
        writer,
        status,
        "text/plain; charset=utf-8",
        body.len() as u64,
        keep_alive,
    )
    .await?;
    if !head_only {
        writer.write_all(body.as_bytes()).await?;
    }
    writer.flush().await
}
