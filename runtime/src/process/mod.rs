//! Child processes (Tokio's `tokio::process`): being written.
