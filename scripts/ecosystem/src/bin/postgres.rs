//! tokio-postgres: `Config::connect_raw` over our `TcpStream` (Tokio's I/O
//! traits, from the `tokio-io` feature), the connection future spawned on
//! our runtime; then the stock `tokio_postgres::connect`, which dials with
//! `tokio::net`.
use ecosystem_smoke::{flavours, pg_addr, report};
use runtime::net::TcpStream;
use std::time::Duration;
use tokio_postgres::{Config, NoTls};

fn main() {
    for (flavour, rt) in flavours() {
        rt.block_on(async {
            let stream = TcpStream::connect(pg_addr()).await.unwrap();
            let mut config = Config::new();
            config.user("postgres").dbname("postgres");
            let (client, connection) = config.connect_raw(stream, NoTls).await.unwrap();
            let connection = runtime::spawn(connection);

            let row = client
                .query_one("SELECT $1::TEXT || ' ' || $2::INT4", &[&"answer", &42i32])
                .await
                .unwrap();
            let text: String = row.get(0);
            assert_eq!(text, "answer 42");

            // A hundred inserts in flight at once on the one connection.
            client
                .batch_execute("CREATE TEMP TABLE t (id INT4, name TEXT)")
                .await
                .unwrap();
            let insert = client
                .prepare("INSERT INTO t VALUES ($1, $2)")
                .await
                .unwrap();
            let mut set = runtime::task::JoinSet::new();
            let client = std::sync::Arc::new(client);
            for i in 0..100i32 {
                let (client, insert) = (client.clone(), insert.clone());
                set.spawn(async move {
                    client
                        .execute(&insert, &[&i, &format!("row {i}")])
                        .await
                        .unwrap()
                });
            }
            let mut inserted = 0;
            while let Some(n) = set.join_next().await {
                inserted += n.unwrap();
            }
            let count: i64 = client
                .query_one("SELECT count(*) FROM t", &[])
                .await
                .unwrap()
                .get(0);
            assert_eq!((inserted, count), (100, 100));

            // Our timer cancels a query that runs too long.
            let slow = runtime::time::timeout(
                Duration::from_millis(100),
                client.simple_query("SELECT pg_sleep(1)"),
            )
            .await;
            assert!(slow.is_err(), "pg_sleep(1) finished within 100 ms");

            drop(client);
            connection.await.unwrap().unwrap();
            println!(
                "{flavour}: connect_raw over our TcpStream: ok: query, {count} concurrent inserts, \
                 timeout of a running query"
            );

            let probe = runtime::spawn(async {
                let params = format!("host={} user=postgres", pg_addr().replace(':', " port="));
                match tokio_postgres::connect(&params, NoTls).await {
                    Ok(_) => "connected".to_string(),
                    Err(e) => format!("error: {e}"),
                }
            });
            report(flavour, "tokio_postgres::connect", probe.await);
        });
    }
}
