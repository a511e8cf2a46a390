//! Files and directories (Tokio's `tokio::fs`), on the blocking pool: being written.
