//! sqlx built with `runtime-tokio` (its usual flavour), called from a task of
//! ours: a connection and a pool.
use ecosystem_smoke::{flavours, pg_url, report};
use sqlx::Connection;

fn main() {
    for (flavour, rt) in flavours() {
        rt.block_on(async {
            let probe = runtime::spawn(async {
                match sqlx::PgConnection::connect(&pg_url()).await {
                    Ok(_) => "connected".to_string(),
                    Err(e) => format!("error: {e}"),
                }
            });
            report(
                flavour,
                "sqlx::PgConnection::connect (runtime-tokio)",
                probe.await,
            );
            let probe = runtime::spawn(async {
                match sqlx::postgres::PgPoolOptions::new()
                    .connect(&pg_url())
                    .await
                {
                    Ok(_) => "pool connected".to_string(),
                    Err(e) => format!("error: {e}"),
                }
            });
            report(
                flavour,
                "sqlx PgPoolOptions::connect (runtime-tokio)",
                probe.await,
            );
        });
    }
}
