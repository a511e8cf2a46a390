//! redis: `MultiplexedConnection::new_with_config` over our `TcpStream`
//! (Tokio's I/O traits, from the `tokio-io` feature), its driver spawned on
//! our runtime; then what a user calls first: `new` (redis' default response
//! timeout is a `tokio::time` timer) and `Client::get_multiplexed_async_connection`
//! (dials with `tokio::net`).
use ecosystem_smoke::{addr, flavours, report};
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, RedisConnectionInfo};
use runtime::net::TcpStream;

fn main() {
    let server = addr("REDIS_ADDR", "127.0.0.1:6379");
    for (flavour, rt) in flavours() {
        rt.block_on(async {
            let stream = TcpStream::connect(&server).await.unwrap();
            // No response timeout: then nothing of Tokio's runtime is used.
            // Where one is wanted, wrap the call in runtime::time::timeout.
            let config = AsyncConnectionConfig::new().set_response_timeout(None);
            let info = RedisConnectionInfo::default();
            let (mut con, driver) = MultiplexedConnection::new_with_config(&info, stream, config)
                .await
                .unwrap();
            runtime::spawn(driver);

            let key = format!("smoke-{flavour}");
            let _: () = redis::cmd("SET")
                .arg(&key)
                .arg("v")
                .query_async(&mut con)
                .await
                .unwrap();
            let got: String = redis::cmd("GET")
                .arg(&key)
                .query_async(&mut con)
                .await
                .unwrap();
            assert_eq!(got, "v");

            // 200 tasks share the multiplexed connection.
            let counter = format!("{key}-counter");
            let mut set = runtime::task::JoinSet::new();
            for _ in 0..200 {
                let (mut con, counter) = (con.clone(), counter.clone());
                set.spawn(async move {
                    let n: i64 = redis::cmd("INCR")
                        .arg(&counter)
                        .query_async(&mut con)
                        .await
                        .unwrap();
                    n
                });
            }
            let mut highest = 0;
            while let Some(n) = set.join_next().await {
                highest = highest.max(n.unwrap());
            }
            let total: i64 = redis::cmd("GET")
                .arg(&counter)
                .query_async(&mut con)
                .await
                .unwrap();
            assert_eq!((highest, total), (200, 200));
            let _: () = redis::cmd("DEL")
                .arg(&key)
                .arg(&counter)
                .query_async(&mut con)
                .await
                .unwrap();
            println!(
                "{flavour}: MultiplexedConnection::new_with_config (no response timeout) over our \
                 TcpStream: ok: SET/GET, 200 concurrent INCR"
            );

            let url = format!("redis://{server}/");
            let server = server.clone();
            let probe = runtime::spawn(async move {
                let stream = TcpStream::connect(&server).await.unwrap();
                let info = RedisConnectionInfo::default();
                let (mut con, driver) = MultiplexedConnection::new(&info, stream).await.unwrap();
                // The driver borrows `info`: run it beside the query.
                let ping = redis::cmd("PING");
                runtime::select! {
                    _ = driver => "the connection closed".to_string(),
                    pong = ping.query_async::<String>(&mut con) => {
                        format!("PING answered: {pong:?}")
                    }
                }
            });
            report(
                flavour,
                "MultiplexedConnection::new (default response timeout)",
                probe.await,
            );

            let probe = runtime::spawn(async move {
                let client = redis::Client::open(url).unwrap();
                match client.get_multiplexed_async_connection().await {
                    Ok(_) => "connected".to_string(),
                    Err(e) => format!("error: {e}"),
                }
            });
            report(
                flavour,
                "Client::get_multiplexed_async_connection",
                probe.await,
            );
        });
    }
}
