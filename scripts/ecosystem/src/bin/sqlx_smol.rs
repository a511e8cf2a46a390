//! sqlx built with `runtime-smol` in place of `runtime-tokio`, called from our
//! runtime. Its sockets then run on async-io's reactor (a thread of its own
//! beside ours) and a pool's background tasks on smol's global executor, so
//! it works, though with a second reactor in the process.
use ecosystem_smoke::{flavours, pg_url};
use sqlx::{Connection, Row};

fn main() {
    for (flavour, rt) in flavours() {
        rt.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&pg_url()).await.unwrap();
            let row = sqlx::query("SELECT $1::TEXT || ' ' || $2::INT4")
                .bind("answer")
                .bind(42i32)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            let text: String = row.get(0);
            assert_eq!(text, "answer 42");
            conn.close().await.unwrap();

            // 50 tasks of ours share a pool of 4 connections.
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(4)
                .connect(&pg_url())
                .await
                .unwrap();
            let mut set = runtime::task::JoinSet::new();
            for i in 0..50i64 {
                let pool = pool.clone();
                set.spawn(async move {
                    let row = sqlx::query("SELECT $1::INT8 * 2")
                        .bind(i)
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                    row.get::<i64, _>(0)
                });
            }
            let mut sum = 0;
            while let Some(doubled) = set.join_next().await {
                sum += doubled.unwrap();
            }
            assert_eq!(sum, 2 * (0..50).sum::<i64>());
            pool.close().await;
            println!("{flavour}: sqlx with runtime-smol: ok: query, pool of 4 shared by 50 tasks");
        });
    }
}
